"""Pull mode: a machine keeps itself provisioned from a configuration repository."""
