"""An Entra ID (Azure AD) stand-in served on the sandbox's HTTPS port.

OIDC discovery and signing keys, the device code, refresh token and client credentials grants,
an App Service style managed identity endpoint, and RS256 tokens shaped like the ones Entra
issues for Azure DevOps. Nothing is imported here: ``ssh_gate`` imports the sandbox package on
every SSH connection and must stay fast.
"""
