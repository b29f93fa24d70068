"""The git credential helper ``git-credential-azrepos`` (kept light: it runs on every fetch)."""
