"""The webhook function's front door: a Lambda Function URL event (payload format 2.0) routed to the
webhook receiver, and its answer or DomainError turned into a payload 2.0 response.

Chalice's routing is not on this path (it cost about 25 us of a small delivery's handling, and the
REST API's $3.50 per million requests is what the Function URL removes): the webhook routes are five
fixed shapes, matched here by splitting the path. Status and error bodies come from
chalicelib.http_errors, as on the REST API, so both front doors answer alike. Nothing here imports
Chalice, boto3 or a platform module; the receiver arrives built (chalicelib.wiring).

The routes (contract section 2), and what any other method or path gets:
- `GET /webhooks/{platform}`: a handshake (meta, x, youtube; another platform is a 404);
- `POST /webhooks/{platform}`: a delivery;
- `POST /webhooks/standard/{source}`: a Standard Webhooks delivery from `source`;
- anything else: 404 `not_found`, as the REST API's gateway answered an undeclared method or path.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping
from typing import Any, Protocol
from urllib.parse import parse_qsl, unquote

from chalicelib.domain.webhooks import WebhookRequest
from chalicelib.errors import DomainError, NotFound, ValidationFailed
from chalicelib.http_errors import INTERNAL_ERROR_MESSAGE, JSON_CONTENT_TYPE, error_answer, error_body
from chalicelib.observability import logger
from chalicelib.platforms.standard import STANDARD

NO_ROUTE_MESSAGE = "No route matches this method and path."
# Built once: json.dumps with separators would build a new encoder for every answer.
_COMPACT = json.JSONEncoder(separators=(",", ":"))


class Accepted(Protocol):
    @property
    def delivery_id(self) -> str: ...


class Challenge(Protocol):
    @property
    def body(self) -> str | Mapping[str, str]: ...

    @property
    def content_type(self) -> str: ...


class Receiver(Protocol):
    """chalicelib.services.webhooks.WebhookReceiver, as this front door uses it."""

    def handshake(self, platform: str, request: WebhookRequest) -> Challenge: ...

    def receive(self, platform: str, request: WebhookRequest, source: str | None = None) -> Accepted: ...


def handle(event: Mapping[str, Any], receiver: Callable[[], Receiver]) -> dict[str, Any]:
    """One Function URL invocation: route, call the receiver, answer. Never raises: a DomainError is
    its contract answer, and anything else a 500 in the contract's shape (Lambda's own answer to a
    failed invocation would be a bare 502)."""
    try:
        return _route(event, receiver)
    except DomainError as error:
        status, body = error_answer(error)
        return json_response(status, body)
    except Exception as error:  # a dependency or a bug: logged with its type, answered 500
        logger.exception("webhook invocation failed", extra={"error_type": type(error).__name__})
        return json_response(500, error_body("internal_error", INTERNAL_ERROR_MESSAGE))


def _route(event: Mapping[str, Any], receiver: Callable[[], Receiver]) -> dict[str, Any]:
    method = str(_http(event).get("method") or "").upper()
    segments = str(event.get("rawPath") or "/").split("/")
    # ["", "webhooks", platform] or ["", "webhooks", "standard", source]; no empty segment
    if len(segments) not in (3, 4) or segments[:2] != ["", "webhooks"] or "" in segments[2:]:
        raise NotFound(NO_ROUTE_MESSAGE)
    platform = unquote(segments[2])
    if len(segments) == 3 and method == "GET":
        challenge = receiver().handshake(platform, webhook_request(event, method))
        return challenge_response(challenge.body, challenge.content_type)
    if len(segments) == 3 and method == "POST":
        accepted = receiver().receive(platform, webhook_request(event, method))
        return accepted_response(accepted.delivery_id)
    if len(segments) == 4 and platform == STANDARD.name and method == "POST":
        source = unquote(segments[3])
        accepted = receiver().receive(STANDARD.name, webhook_request(event, method), source=source)
        return accepted_response(accepted.delivery_id)
    raise NotFound(NO_ROUTE_MESSAGE)


def _http(event: Mapping[str, Any]) -> Mapping[str, Any]:
    context = event.get("requestContext")
    http = context.get("http") if isinstance(context, Mapping) else None
    return http if isinstance(http, Mapping) else {}


def webhook_request(event: Mapping[str, Any], method: str) -> WebhookRequest:
    """What the receiver needs of a payload 2.0 event: the body's exact bytes (decoded from base64
    when Lambda encoded them; a text body is the UTF-8 Lambda decoded), lower-case headers
    (Lambda already joins a repeated header's values with commas), the cookies Lambda moved out of
    the headers put back as one `cookie` header, and the query string's last value of each name."""
    return WebhookRequest(method=method, body=body_bytes(event), headers=headers(event), query=query(event))


def body_bytes(event: Mapping[str, Any]) -> bytes:
    body = event.get("body")
    if not body:
        return b""
    text = str(body)
    if event.get("isBase64Encoded"):
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationFailed("The body is not valid base64.") from None
    # "surrogatepass": a lone surrogate (which JSON can carry) stays bytes that no signature matches
    return text.encode("utf-8", "surrogatepass")


def headers(event: Mapping[str, Any]) -> dict[str, str]:
    raw = event.get("headers")
    merged: dict[str, str] = {}
    for name, value in raw.items() if isinstance(raw, Mapping) else ():
        key = str(name).lower()
        merged[key] = f"{merged[key]},{value}" if key in merged else str(value)
    cookies = event.get("cookies")
    if isinstance(cookies, list) and cookies:
        merged["cookie"] = "; ".join(str(cookie) for cookie in cookies)
    return merged


def query(event: Mapping[str, Any]) -> dict[str, str]:
    """The query string as the REST API's routes read it: percent-decoded (`+` a space), the last
    value of a repeated name."""
    raw = event.get("rawQueryString")
    # A delivery's URL has no query string: nothing to parse
    return dict(parse_qsl(str(raw), keep_blank_values=True)) if raw else {}


def json_response(status: int, body: Mapping[str, Any]) -> dict[str, Any]:
    return _response(status, JSON_CONTENT_TYPE, _COMPACT.encode(body))


def accepted_response(delivery_id: str) -> dict[str, Any]:
    # The one answer of every accepted delivery, its fixed part written out: json.dumps of a string
    # only escapes it, where encoding the whole object sets up an encoder per answer.
    return _response(
        200, JSON_CONTENT_TYPE, f'{{"status":"accepted","delivery_id":{json.dumps(delivery_id)}}}'
    )


def challenge_response(body: str | Mapping[str, str], content_type: str) -> dict[str, Any]:
    return _response(200, content_type, body if isinstance(body, str) else _COMPACT.encode(dict(body)))


def _response(status: int, content_type: str, text: str) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"Content-Type": content_type},
        "body": text,
        "isBase64Encoded": False,
    }
