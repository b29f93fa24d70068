"""azrepos: Azure Repos access for fleets, devcontainers and onboarding."""
__version__ = "0.1.0"
