"""What a webhook receiver sees of an HTTP request, and the checks every route shares. Pure."""

from __future__ import annotations

import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from chalicelib.errors import InvalidSignature, PayloadTooLarge, UnsupportedMediaType

MAX_BODY_BYTES = 1024 * 1024  # exactly 1 MiB is accepted
TIMESTAMP_TOLERANCE_SECONDS = 300
UNIX_SECONDS = re.compile(r"[0-9]{1,12}")  # a signed timestamp header: digits only, at most 12


@dataclass(frozen=True, slots=True)
class WebhookRequest:
    method: str
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)  # keys lower-case
    query: Mapping[str, str] = field(default_factory=dict)
    # `Content-Type` without its parameters, lower-case; "" when absent.
    media_type: str = field(init=False)

    def __post_init__(self) -> None:
        raw = self.headers.get("content-type") or ""
        object.__setattr__(self, "media_type", raw.split(";", 1)[0].strip().lower())

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass(frozen=True, slots=True)
class Challenge:
    """A handshake answer: the body the platform expects, as text or JSON."""

    body: str | Mapping[str, str]
    content_type: str


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
    if received is None or not hmac.compare_digest(expected.encode(), lenient_utf8(received.strip())):
        raise InvalidSignature("The signature is missing or does not match.")


def require_fresh(timestamp: int, now: datetime, what: str) -> None:
    """A signed timestamp within TIMESTAMP_TOLERANCE_SECONDS of now, either way; else `what` is stale."""
    if abs(now.timestamp() - timestamp) > TIMESTAMP_TOLERANCE_SECONDS:
        raise InvalidSignature(f"The {what} is more than {TIMESTAMP_TOLERANCE_SECONDS} s from now.")


def lenient_utf8(text: str) -> bytes:
    """The UTF-8 of a header or query value; a lone surrogate becomes "?" instead of raising."""
    return text.encode("utf-8", "replace")


def is_utf8(text: str) -> bool:
    """Whether the text can be encoded (so stored, logged or echoed): it holds no lone surrogate."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
