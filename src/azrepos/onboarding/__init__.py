"""Onboarding: find the organization's repositories and clone a selection of them."""
