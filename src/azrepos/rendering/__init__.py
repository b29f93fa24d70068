"""Rendering of the shared Jinja2 templates and of managed blocks in files a user also edits."""
