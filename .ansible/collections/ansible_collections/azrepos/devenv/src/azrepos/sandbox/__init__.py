"""An offline stand-in for Azure DevOps: REST, Git over HTTPS and Git over SSH on loopback.

Kept import-light on purpose: ``ssh_gate`` runs once per SSH connection and must start fast.
Start it with :func:`azrepos.sandbox.runner.run_sandbox` or ``python -m azrepos.sandbox``.
"""
