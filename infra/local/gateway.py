"""What API Gateway answers by itself, before any function runs, in the contract's error shape.

A deployed API gets these answers from the GatewayResponses of infra/template.json; the local server
(Chalice's, which imitates API Gateway's defaults, such as 403 `Missing Authentication Token` for a
path no route matches) gets them from here. tests/infra checks that both say the same.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

# API Gateway refuses larger requests itself; the webhook routes refuse anything over 1 MiB.
GATEWAY_MAX_PAYLOAD_BYTES = 10 * 1024 * 1024
# The webhook routes are on a Lambda Function URL: Lambda refuses an invocation payload over 6 MB
# before the function runs (infra.local.function_url).
FUNCTION_URL_MAX_PAYLOAD_BYTES = 6 * 1024 * 1024


@dataclass(frozen=True)
class GatewayAnswer:
    status: int
    code: str
    message: str

    def body(self) -> bytes:
        return json.dumps({"error": {"code": self.code, "message": self.message}}).encode()


NO_ROUTE = GatewayAnswer(404, "not_found", "No route matches this method and path.")
REQUEST_TOO_LARGE = GatewayAnswer(413, "payload_too_large", "The request is over API Gateway's 10 MB limit.")
# In AWS, Lambda's own answer to this is a 413 in its own shape ({"Message": ...}); the local stack
# answers it in the contract's (README, "Webhook URLs").
FUNCTION_URL_TOO_LARGE = GatewayAnswer(
    413, "payload_too_large", "The request is over Lambda's 6 MB limit for a Function URL invocation."
)
BAD_CONTENT_LENGTH = GatewayAnswer(400, "bad_request", "Content-Length must be a whole number of bytes.")
INTERNAL_ERROR = GatewayAnswer(500, "internal_error", "An internal error occurred.")


_PROTOCOL_CODES = {
    400: "bad_request",
    414: "uri_too_long",
    431: "request_header_fields_too_large",
}


def protocol_refusal(status: int) -> GatewayAnswer:
    """A request the HTTP layer refuses before any route is looked at (a request line over 64 KiB,
    bad syntax, too many headers), in the contract's error shape. Client input never earns a 5xx
    (contract section 2), so an unsupported HTTP version is a 400 too."""
    from http import HTTPStatus

    if status >= 500:
        return GatewayAnswer(400, "bad_request", "The request was refused: unsupported HTTP version.")

    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Bad request"
    code = _PROTOCOL_CODES.get(status, "bad_request")
    return GatewayAnswer(status, code, f"The request was refused: {phrase.lower()}.")


def length_refusal(
    content_length: str | None,
    limit: int = GATEWAY_MAX_PAYLOAD_BYTES,
    too_large: GatewayAnswer = REQUEST_TOO_LARGE,
) -> GatewayAnswer | None:
    """The answer to a request whose body must not be read: a Content-Length that is not a number,
    or more than the front door takes (reading it would hold gigabytes in memory)."""
    if content_length is None:
        return None
    text = content_length.strip()
    if not text.isascii() or not text.isdigit():
        return BAD_CONTENT_LENGTH
    if int(text) > limit:
        return too_large
    return None
