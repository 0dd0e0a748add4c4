"""The signature-side helpers the platforms share (chalicelib.domain.webhooks)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.domain.webhooks import (
    TIMESTAMP_TOLERANCE_SECONDS,
    UNIX_SECONDS,
    is_utf8,
    lenient_utf8,
    require_equal,
    require_fresh,
)
from chalicelib.errors import InvalidSignature

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
NOW_SECONDS = int(NOW.timestamp())


# --- require_fresh --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "offset", [0, TIMESTAMP_TOLERANCE_SECONDS, -TIMESTAMP_TOLERANCE_SECONDS], ids=["now", "late", "early"]
)
def test_require_fresh_accepts_a_timestamp_within_the_tolerance(offset: int) -> None:
    # when / then: no exception, the bounds included
    require_fresh(NOW_SECONDS + offset, NOW, "test timestamp")


@pytest.mark.parametrize(
    "offset", [TIMESTAMP_TOLERANCE_SECONDS + 1, -TIMESTAMP_TOLERANCE_SECONDS - 1], ids=["future", "past"]
)
def test_require_fresh_rejects_a_timestamp_beyond_the_tolerance(offset: int) -> None:
    # when / then
    with pytest.raises(InvalidSignature):
        require_fresh(NOW_SECONDS + offset, NOW, "test timestamp")


def test_require_fresh_names_what_is_stale() -> None:
    # given a timestamp an hour old
    timestamp = NOW_SECONDS - 3600
    # when it is checked
    with pytest.raises(InvalidSignature) as raised:
        require_fresh(timestamp, NOW, "webhook-timestamp")
    # then the message says which timestamp and by what tolerance
    expected = f"The webhook-timestamp is more than {TIMESTAMP_TOLERANCE_SECONDS} s from now."
    assert str(raised.value) == expected


def test_require_fresh_rejects_a_huge_timestamp() -> None:
    # given the largest timestamp the header pattern lets through
    timestamp = int("9" * 12)
    # when / then
    with pytest.raises(InvalidSignature):
        require_fresh(timestamp, NOW, "test timestamp")


# --- UNIX_SECONDS ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["0", "1795000000", "9" * 12])
def test_unix_seconds_matches_up_to_twelve_digits(text: str) -> None:
    # when / then
    assert UNIX_SECONDS.fullmatch(text)


@pytest.mark.parametrize(
    "text",
    ["", "9" * 13, "-1", "1.5", " 1", "\u0661\u0662\u0663"],
    ids=["empty", "13-digits", "negative", "float", "space", "arabic-indic-digits"],
)
def test_unix_seconds_refuses_anything_else(text: str) -> None:
    # when / then
    assert not UNIX_SECONDS.fullmatch(text)


# --- text encoding guards -------------------------------------------------------------------------


def test_lenient_utf8_encodes_text() -> None:
    # when / then
    assert lenient_utf8("é") == b"\xc3\xa9"


def test_lenient_utf8_replaces_a_lone_surrogate_instead_of_raising() -> None:
    # when / then
    assert lenient_utf8("a\ud800") == b"a?"


def test_is_utf8_accepts_encodable_text() -> None:
    # when / then
    assert is_utf8("héllo \U0001f600")


def test_is_utf8_refuses_a_lone_surrogate() -> None:
    # when / then
    assert not is_utf8("a\udc00")


def test_require_equal_treats_a_lone_surrogate_header_as_a_mismatch() -> None:
    # given a header holding a lone surrogate
    received = "sha256=\ud800"
    # when / then it is an invalid signature, not an encoding error
    with pytest.raises(InvalidSignature):
        require_equal("sha256=abc", received)
