"""Pull Requests - Create and Get."""
