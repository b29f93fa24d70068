"""The sandbox's admin API area."""
