"""The HTTP edge: the one place where domain errors become the contract's JSON error bodies."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from chalice.app import Request, Response

from chalicelib.domain.webhooks import WebhookRequest
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

# Chalice answers some requests itself (unknown method, a content type a route does not declare,
# an unhandled exception) with {"Code", "Message"}; the contract wants one error shape everywhere.
_CHALICE_CODES = {
    "MethodNotAllowedError": "method_not_allowed",
    "UnsupportedMediaType": "unsupported_media_type",
    "BadRequest": "bad_request",
    "InternalServerError": "internal_error",
}

JSON_HEADERS = {"Content-Type": "application/json"}


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


def error_response(error: DomainError) -> Response:
    status = status_for(error)
    if status >= 500:
        logger.error("request failed", extra={"error_code": error.code, "status": status})
    else:
        logger.info("request rejected", extra={"error_code": error.code, "status": status})
    return Response(
        body=error_body(error.code, error.message, error.fields, error.details),
        status_code=status,
        headers=dict(JSON_HEADERS),
    )


def handles_domain_errors(view: Callable[..., Any]) -> Callable[..., Any]:
    """Map a view's DomainError to its HTTP answer (Chalice would turn it into a bare 500)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except DomainError as error:
            return error_response(error)

    return wrapper


def contract_error_shape(event: Request, get_response: Callable[[Request], Response]) -> Response:
    """HTTP middleware: rewrite Chalice's own error answers into the contract's error body."""
    response = get_response(event)
    body = response.body
    if response.status_code >= 400 and isinstance(body, dict) and set(body) == {"Code", "Message"}:
        code = _CHALICE_CODES.get(str(body["Code"]), "error")
        message = str(body["Message"]).rstrip(".") + "."
        if response.status_code >= 500:
            message = "An internal error occurred."
        headers = {**response.headers, **JSON_HEADERS}
        return Response(body=error_body(code, message), status_code=response.status_code, headers=headers)
    return response


def webhook_request(request: Request | None) -> WebhookRequest:
    """What a webhook receiver needs of Chalice's request: the raw bytes, exactly as received."""
    if request is None:
        raise ValidationFailed("No request.")
    raw = request.raw_body
    body = raw if isinstance(raw, bytes) else raw.encode("utf-8")
    query: Mapping[str, str] = request.query_params or {}
    return WebhookRequest(
        method=request.method,
        body=body,
        headers={str(k).lower(): str(v) for k, v in request.headers.items()},
        query={str(k): str(query[k]) for k in query},
    )


def challenge_response(body: str | Mapping[str, str], content_type: str) -> Response:
    return Response(
        body=body if isinstance(body, str) else dict(body), headers={"Content-Type": content_type}
    )


# The management API ------------------------------------------------------------------------------


def bearer_token(request: Request | None) -> str | None:
    """The token of `Authorization: Bearer <token>`, or None when missing or not a bearer header.
    Never log it."""
    if request is None:
        return None
    scheme, _, token = str(request.headers.get("authorization", "")).strip().partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def raw_body(request: Request | None) -> bytes:
    if request is None:
        return b""
    raw = request.raw_body
    return raw if isinstance(raw, bytes) else raw.encode("utf-8")


def query_param(request: Request | None, name: str) -> str | None:
    query: Mapping[str, str] = (request.query_params if request else None) or {}
    value = query.get(name)
    return None if value is None else str(value)


def flag(request: Request | None, name: str) -> bool | None:
    """A `true`/`false` query parameter; None when absent; ValidationFailed otherwise."""
    value = query_param(request, name)
    if value is None:
        return None
    if value not in ("true", "false"):
        raise ValidationFailed(f"{name} must be true or false.", fields={name: "Must be true or false."})
    return value == "true"


def header(request: Request | None, name: str) -> str | None:
    """A request header's value (names are case-insensitive), or None."""
    if request is None:
        return None
    value = request.headers.get(name.lower())
    return None if value is None else str(value)


def calendar_response(status: int, etag: str, body: bytes) -> Response:
    """An iCalendar feed's answer: the calendar (200) or nothing new (304), with its ETag. Calendar
    applications poll: `no-cache` makes caches between them and us ask us (with If-None-Match)."""
    headers: dict[str, str | list[str]] = {"ETag": etag, "Cache-Control": "private, no-cache"}
    if status == 304:
        return Response(body="", status_code=304, headers=headers)
    headers["Content-Type"] = "text/calendar; charset=utf-8"
    return Response(body=body.decode("utf-8"), status_code=status, headers=headers)


def created(body: Mapping[str, Any]) -> Response:
    return Response(body=dict(body), status_code=201, headers=dict(JSON_HEADERS))


def accepted(body: Mapping[str, Any]) -> Response:
    return Response(body=dict(body), status_code=202, headers=dict(JSON_HEADERS))


def no_content() -> Response:
    return Response(body="", status_code=204)


def seconds_left(lambda_context: Any) -> Callable[[], float]:
    """The invocation's remaining time, for jobs that must stop in time (a generous default when
    there is no Lambda context, as in some tests)."""
    remaining = getattr(lambda_context, "get_remaining_time_in_millis", None)
    if remaining is None:
        return lambda: 60.0
    return lambda: float(remaining()) / 1000.0
