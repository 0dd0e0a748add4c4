"""The parsing edge cases every webhook platform shares, once, over the registry.

Each platform's own test file keeps what only its envelope has; what any JSON body (or any body at
all) may throw at a parser is here: bytes that are not strict JSON, numbers JSON cannot hold, nesting a
parser could drown in, and arbitrary bytes, which may only ever be a `ValidationFailed`.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.errors import ValidationFailed
from chalicelib.platforms.registry import webhooks

WEBHOOK_PLATFORMS = [name for name, _ in webhooks()]


def webhook_module(name: str) -> ModuleType:
    return importlib.import_module(f"chalicelib.platforms.{name}.webhook")


# A valid JSON envelope of each JSON platform with one more member, `"x": <value>`: a hostile value
# in it is what makes the body invalid, not the envelope's shape.
JSON_ENVELOPES: dict[str, Callable[[bytes], bytes]] = {
    "meta": lambda value: b'{"object": "page", "entry": [], "x": ' + value + b"}",
    "x": lambda value: b'{"for_user_id": "1", "x": ' + value + b"}",
    "standard": lambda value: (
        b'{"type": "engagement.like", "timestamp": "2026-11-21T11:59:00Z", "data": {"content_id": "c"}, '
        b'"x": ' + value + b"}"
    ),
}

NOT_JSON = {
    "empty": b"",
    "not-json": b"not json",
    "not-utf8": b"\xff\xfe{}",
    "deep-nesting": b"[" * 100_000 + b"]" * 100_000,
    "deep-object-nesting": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
}

NOT_STRICT_JSON_VALUES = {
    "nan": b"NaN",
    "infinity": b"Infinity",
    "minus-infinity": b"-Infinity",
    "overflowing-float": b"1e400",
    "overflowing-negative-float": b"-1e999",
    "huge-int": b"9" * 5000,
}


@pytest.mark.parametrize("platform", sorted(JSON_ENVELOPES))
@pytest.mark.parametrize("body", NOT_JSON.values(), ids=NOT_JSON.keys())
def test_a_body_that_is_not_json_is_a_validation_failure(platform: str, body: bytes) -> None:
    # given a body that is no JSON document a parser should read
    # when / then the platform rejects it as malformed
    with pytest.raises(ValidationFailed):
        webhook_module(platform).validate(body)


@pytest.mark.parametrize("platform", sorted(JSON_ENVELOPES))
@pytest.mark.parametrize("value", NOT_STRICT_JSON_VALUES.values(), ids=NOT_STRICT_JSON_VALUES.keys())
def test_a_value_strict_json_cannot_hold_is_a_validation_failure(platform: str, value: bytes) -> None:
    # given a valid envelope carrying a value that is not strict JSON
    body = JSON_ENVELOPES[platform](value)
    # when / then the platform rejects it as malformed
    with pytest.raises(ValidationFailed):
        webhook_module(platform).validate(body)


@pytest.mark.parametrize("platform", sorted(JSON_ENVELOPES))
def test_the_envelope_around_the_hostile_values_is_itself_valid(platform: str) -> None:
    # given the envelope the cases above use, with a plain value
    body = JSON_ENVELOPES[platform](b"1")
    # when / then it validates: the hostile value alone made the others fail
    webhook_module(platform).validate(body)


@pytest.mark.parametrize("platform", WEBHOOK_PLATFORMS)
@given(body=st.binary())
def test_validate_raises_nothing_but_validation_failed(platform: str, body: bytes) -> None:
    # given any bytes
    # when they are validated
    # then the only possible failure is ValidationFailed
    with contextlib.suppress(ValidationFailed):
        webhook_module(platform).validate(body)
