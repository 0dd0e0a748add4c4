"""What a webhook receiver sees of an HTTP request, and the checks every route shares. Pure."""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field

from chalicelib.errors import InvalidSignature, PayloadTooLarge, UnsupportedMediaType

MAX_BODY_BYTES = 1024 * 1024  # exactly 1 MiB is accepted
TIMESTAMP_TOLERANCE_SECONDS = 300


@dataclass(frozen=True, slots=True)
class WebhookRequest:
    method: str
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)  # keys lower-case
    query: Mapping[str, str] = field(default_factory=dict)

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    @property
    def media_type(self) -> str:
        raw = self.header("content-type") or ""
        return raw.split(";", 1)[0].strip().lower()


def check_size(request: WebhookRequest) -> None:
    if len(request.body) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"The body is over {MAX_BODY_BYTES} bytes.")


def check_media_type(request: WebhookRequest, accepted: frozenset[str]) -> None:
    if request.media_type not in accepted:
        shown = request.media_type or "none"
        raise UnsupportedMediaType(
            f"Content type {shown} is not accepted here; send one of {', '.join(sorted(accepted))}."
        )


def require_equal(expected: str, received: str | None) -> None:
    """Constant-time comparison; any mismatch or absence is an invalid signature."""
    # "replace": a header may hold lone surrogates; they can never match, and must not raise.
    if received is None or not hmac.compare_digest(
        expected.encode(), received.strip().encode("utf-8", "replace")
    ):
        raise InvalidSignature("The signature is missing or does not match.")
