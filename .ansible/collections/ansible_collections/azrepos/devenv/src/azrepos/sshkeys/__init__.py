"""SSH key lifecycle: generate, fingerprint, upload, rotate, revoke, and ssh config."""
