"""What the platforms' parsing tests share: Hypothesis strategies, hostile bodies, and a queued
body's normalisation."""

from __future__ import annotations

from datetime import UTC, datetime
from types import ModuleType
from typing import Any

from hypothesis import strategies as st

from chalicelib.domain.events import Delivery, EngagementEvent, Normalized, keyed_pseudonymiser

RECEIVED_AT = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
PSEUDONYMISE = keyed_pseudonymiser(b"unit-test-key")

# Any JSON value a parser may meet where it expects something else, nested a few levels.
json_values: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=25,
)

# Bodies that are no JSON document a parser should read.
NOT_JSON_BODIES = {
    "empty": b"",
    "not-json": b"not json",
    "not-utf8": b"\xff\xfe{}",
    "utf8-bom": b'\xef\xbb\xbf{"a": 1}',
    "deep-nesting": b"[" * 100_000 + b"]" * 100_000,
    "deep-object-nesting": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
}

# Values that are not strict JSON (Python's json reads the first ones; the others overflow a float or
# take quadratic time to convert).
NOT_STRICT_JSON_VALUES = {
    "nan": b"NaN",
    "infinity": b"Infinity",
    "minus-infinity": b"-Infinity",
    "overflowing-float": b"1e400",
    "overflowing-negative-float": b"-1e999",
    "huge-int": b"9" * 5000,
}


def queued(
    webhook: ModuleType,
    route: str,
    body: bytes,
    *,
    received_at: datetime = RECEIVED_AT,
    content_type: str = "application/json",
    headers: dict[str, str] | None = None,
) -> Delivery:
    """A body the webhook route `route` accepted, as the consumer reads it from the queue."""
    return Delivery(
        platform=route,
        delivery_id=webhook.delivery_id(body),
        body=body,
        received_at=received_at,
        content_type=content_type,
        headers=headers or {},
    )


def normalized(webhook: ModuleType, route: str, body: bytes) -> Normalized:
    """What the consumer makes of a JSON body queued by the webhook route `route` at RECEIVED_AT."""
    return webhook.normalize(queued(webhook, route, body), PSEUDONYMISE)


def the_only_event(result: Normalized) -> EngagementEvent:
    """The one event of a result that ignored nothing."""
    assert result.ignored == 0
    assert len(result.events) == 1
    return result.events[0]
