"""Where PATs and other secrets live: the OS keyring, or a 0600 file where none works."""
