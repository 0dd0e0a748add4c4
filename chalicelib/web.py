"""The REST API's HTTP edge (Chalice): domain errors become the contract's JSON error bodies through
chalicelib.http_errors, the one mapping both front doors share."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from chalice.app import Request, Response

from chalicelib.errors import DomainError, ValidationFailed
from chalicelib.http_errors import INTERNAL_ERROR_MESSAGE, JSON_CONTENT_TYPE, error_answer, error_body

# Chalice answers some requests itself (unknown method, a content type a route does not declare,
# an unhandled exception) with {"Code", "Message"}; the contract wants one error shape everywhere.
_CHALICE_CODES = {
    "MethodNotAllowedError": "method_not_allowed",
    "UnsupportedMediaType": "unsupported_media_type",
    "BadRequest": "bad_request",
    "InternalServerError": "internal_error",
}

JSON_HEADERS = {"Content-Type": JSON_CONTENT_TYPE}


def error_response(error: DomainError) -> Response:
    status, body = error_answer(error)
    return Response(body=body, status_code=status, headers=dict(JSON_HEADERS))


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
            message = INTERNAL_ERROR_MESSAGE
        headers = {**response.headers, **JSON_HEADERS}
        return Response(body=error_body(code, message), status_code=response.status_code, headers=headers)
    return response


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
