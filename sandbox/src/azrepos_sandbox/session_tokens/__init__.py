"""The sandbox's session tokens API area."""
