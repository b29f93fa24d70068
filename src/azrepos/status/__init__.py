"""What state this machine's azrepos set-up is in, for a person, monitoring and fleet reports."""
