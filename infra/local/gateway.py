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


@dataclass(frozen=True)
class GatewayAnswer:
    status: int
    code: str
    message: str

    def body(self) -> bytes:
        return json.dumps({"error": {"code": self.code, "message": self.message}}).encode()


NO_ROUTE = GatewayAnswer(404, "not_found", "No route matches this method and path.")
REQUEST_TOO_LARGE = GatewayAnswer(413, "payload_too_large", "The request is over API Gateway's 10 MB limit.")
BAD_CONTENT_LENGTH = GatewayAnswer(400, "bad_request", "Content-Length must be a whole number of bytes.")
INTERNAL_ERROR = GatewayAnswer(500, "internal_error", "An internal error occurred.")


def length_refusal(content_length: str | None) -> GatewayAnswer | None:
    """The answer to a request whose body must not be read: a Content-Length that is not a number,
    or more than the gateway takes (reading it would hold gigabytes in memory)."""
    if content_length is None:
        return None
    text = content_length.strip()
    if not text.isascii() or not text.isdigit():
        return BAD_CONTENT_LENGTH
    if int(text) > GATEWAY_MAX_PAYLOAD_BYTES:
        return REQUEST_TOO_LARGE
    return None
