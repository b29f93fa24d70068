"""The sandbox's identity API area."""
