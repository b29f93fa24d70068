"""An offline stand-in for Azure DevOps and Entra ID: REST, git over HTTPS and SSH on loopback.

Its own distribution (``azrepos-sandbox``): it imports nothing from ``azrepos``, and its rules
(RSA only, key sizes, PAT layout, SessionTokens validation) are written from
``azure-devops-facts.md`` as the real service applies them, so it judges the client rather
than agreeing with it. One folder per API area: ``identity``, ``session_tokens``, ``git``,
``entra``, ``admin``; ``app.ROUTES`` maps paths to them.

Kept import-light on purpose: ``git.ssh_gate`` runs once per SSH connection and must start fast.
Run it with ``azrepos-sandbox --state-dir DIR``; ``azrepos_sandbox.testing`` starts one for tests.
"""
