"""Typed errors. Each message says what is wrong and how to fix it, and never holds a secret."""

from __future__ import annotations

from .redaction import scrub


class AzreposError(Exception):
    """Base of every error azrepos reports to a user (exit code 1)."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message = scrub(message)
        self.hint = scrub(hint) if hint else None
        super().__init__(self.message)

    def __str__(self) -> str:
        return f"{self.message}\n  fix: {self.hint}" if self.hint else self.message


class UsageError(AzreposError):
    """Bad input from the user (exit code 2)."""


class ConfigError(AzreposError):
    """A file or setting on this machine is not as azrepos needs it."""


class CredentialMissing(AzreposError):
    """No PAT or token could be found for an organization."""


class ApiError(AzreposError):
    """The Azure DevOps REST API answered with an error."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        tf_code: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.status = status
        self.tf_code = tf_code
        if tf_code and tf_code not in message:
            message = f"{message} ({tf_code})"
        super().__init__(message, hint=hint)


class AuthenticationFailed(ApiError):
    """401: the credential was rejected or has expired."""


class PermissionDenied(ApiError):
    """403: the credential lacks a scope or permission."""


class NotFound(ApiError):
    """404: the organization or resource does not exist."""


class RateLimited(ApiError):
    """429 that outlasted the retry budget."""


class ServiceUnavailable(ApiError):
    """5xx or connection failures that outlasted the retry budget."""


class AmbiguousWrite(ApiError):
    """A write may or may not have reached the server (timeout or reset after sending)."""


class KeyRejected(AzreposError):
    """An SSH key that Azure DevOps will not accept (type, size or format)."""
