"""Credentials for Azure DevOps: PATs and Entra tokens, and where each comes from."""
