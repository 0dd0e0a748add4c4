"""Domain errors as HTTP answers: status and body. The one mapping both front doors use.

The REST API's Chalice routes (chalicelib.web) and the webhook function's Function URL
(chalicelib.function_url) wrap these in their own response types; neither decides a status or an
error body itself. No Chalice import here: the webhook path must not load it for this.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.errors import (
    ConfigurationError,
    Conflict,
    DependencyFailed,
    DomainError,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    Unauthorized,
    UnsupportedMediaType,
    ValidationFailed,
)
from chalicelib.observability import logger

_STATUS_BY_ERROR: tuple[tuple[type[DomainError], int], ...] = (
    (PayloadTooLarge, 413),
    (UnsupportedMediaType, 415),
    (NotFound, 404),
    (Forbidden, 403),
    (Unauthorized, 401),
    (ValidationFailed, 400),
    (Conflict, 409),
    (DependencyFailed, 503),
    (ConfigurationError, 500),
)

JSON_CONTENT_TYPE = "application/json"
INTERNAL_ERROR_MESSAGE = "An internal error occurred."


def status_for(error: DomainError) -> int:
    for error_type, status in _STATUS_BY_ERROR:
        if isinstance(error, error_type):
            return status
    return 400


def error_body(
    code: str,
    message: str,
    fields: dict[str, str] | None = None,
    details: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    if details:
        error.update({key: value for key, value in details.items() if key not in error})
    return {"error": error}


def error_answer(error: DomainError) -> tuple[int, dict[str, Any]]:
    """The status and contract body of a domain error, logged once as the answer given."""
    status = status_for(error)
    if status >= 500:
        logger.error("request failed", extra={"error_code": error.code, "status": status})
    else:
        logger.info("request rejected", extra={"error_code": error.code, "status": status})
    return status, error_body(error.code, error.message, error.fields, error.details)
