"""Domain errors. Pure: they say what went wrong; chalicelib.web maps them to HTTP in one place."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class DomainError(Exception):
    """Base of every error the product reports to a caller. `code` is stable snake_case; a subclass
    names its own in its header (`class NotFound(DomainError, code="not_found")`) or keeps its base's."""

    code = "error"

    def __init_subclass__(cls, code: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if code is not None:
            cls.code = code

    def __init__(
        self,
        message: str,
        *,
        fields: Mapping[str, str] | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.fields = dict(fields) if fields else None
        # Further JSON members of the error object (e.g. the collisions of a strict 409).
        self.details = dict(details) if details else None


class PayloadTooLarge(DomainError, code="payload_too_large"): ...


class UnsupportedMediaType(DomainError, code="unsupported_media_type"): ...


class NotFound(DomainError, code="not_found"): ...


class Forbidden(DomainError, code="forbidden"): ...


class Unauthorized(DomainError, code="unauthorized"): ...


class InvalidSignature(Unauthorized, code="invalid_signature"): ...


class ValidationFailed(DomainError, code="validation_failed"): ...


class Conflict(DomainError, code="conflict"): ...


class DependencyFailed(DomainError, code="dependency_failed"):
    """An AWS service or platform API failed or throttled; the caller may retry."""


class ConfigurationError(DomainError, code="configuration_error"):
    """The deployment is missing or has a malformed setting: an operator must act."""


class AccountTaken(Conflict, code="account_taken"):
    """Platform accounts another artist holds (contract section 8). `taken`: (platform, account_id) ->
    the label holding it; the message names that label only, never the artist."""

    def __init__(
        self, taken: Mapping[tuple[str, str], str], *, fields: Mapping[str, str] | None = None
    ) -> None:
        self.taken = dict(taken)
        described = "; ".join(
            f"{platform} account {account_id} is registered to an artist of label {label}"
            for (platform, account_id), label in sorted(self.taken.items())
        )
        super().__init__(f"{described or 'An account is registered to another artist'}.", fields=fields)


class AlreadySigned(Conflict, code="already_signed"):
    """A radar account (contract section 13) that is on the roster: the group has signed it."""


class Contended(DependencyFailed):
    """A conditional write lost to a concurrent one (a transaction conflict, or the item changed since
    it was read): reading again and retrying converges; a 503 if retries keep losing."""


class CredentialsMissing(DependencyFailed, code="no_credentials"):
    """A platform's credentials are not configured (the message names the variables, never a value):
    an operator must add them; nothing was asked of the platform and nothing recorded."""


class UnsupportedPlatform(ValidationFailed, code="unsupported_platform"):
    """A platform the request names cannot do what it asks (hiding a TikTok comment)."""
