"""``azrepos doctor``: a connection test that says what to fix."""
