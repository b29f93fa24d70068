"""Azure DevOps REST client."""
