"""The ``azrepos`` command line: parses input, calls the core, formats output."""
