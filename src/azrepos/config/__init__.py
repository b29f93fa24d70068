"""azrepos's own settings: environment, then URL-scoped git config, then defaults."""
