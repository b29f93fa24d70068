"""The sandbox's git API area."""
