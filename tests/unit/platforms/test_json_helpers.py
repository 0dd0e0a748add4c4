"""The strict JSON decoder and value readers the JSON platforms share (chalicelib.platforms._json)."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.errors import ValidationFailed
from chalicelib.platforms._json import (
    NOT_JSON,
    NOT_OBJECT,
    as_id,
    as_object,
    as_str,
    body_not_json,
    decode,
    load_object,
    user_text,
)
from tests.unit.platforms.strategies import NOT_JSON_BODIES, NOT_STRICT_JSON_VALUES


def located(problem: str) -> ValidationFailed:
    """An `invalid` factory that records the problem in the error's fields."""
    return ValidationFailed(f"The test body {problem}.", fields={"body": problem})


# --- decode ---------------------------------------------------------------------------------------


def test_decode_returns_any_json_value() -> None:
    # given a JSON document with nested values
    raw = b'{"a": [1, 2.5, "x", true, null]}'
    # when it is decoded
    value = decode(raw)
    # then the Python value comes back
    assert value == {"a": [1, 2.5, "x", True, None]}


def test_decode_returns_a_top_level_array() -> None:
    # given an array body (Meta sends Instagram changes so)
    raw = b'[{"field": "comments"}]'
    # when it is decoded
    value = decode(raw)
    # then the array is not refused
    assert value == [{"field": "comments"}]


# String escapes that no UTF-8 store can hold, in a value or hidden in a nested object key.
LONE_SURROGATES = {
    "lone-surrogate": b'{"text": "ok\\ud800"}',
    "lone-surrogate-in-a-key": b'{"a": [{"\\udc00": 1}]}',
}

# What decode refuses: no JSON document, or one holding a value strict JSON cannot hold or a string
# that cannot be stored (by default).
NOT_DECODABLE = {
    **NOT_JSON_BODIES,
    **{name: b'{"a": ' + value + b"}" for name, value in NOT_STRICT_JSON_VALUES.items()},
    **LONE_SURROGATES,
}


@pytest.mark.parametrize("raw", NOT_DECODABLE.values(), ids=NOT_DECODABLE.keys())
def test_decode_rejects_what_is_not_strict_json_as_validation_failed(raw: bytes) -> None:
    # when / then
    with pytest.raises(ValidationFailed):
        decode(raw)


def test_decode_by_default_raises_the_plain_body_error() -> None:
    # given a body that is not JSON
    raw = b"not json"
    # when it is decoded without an error factory
    with pytest.raises(ValidationFailed) as raised:
        decode(raw)
    # then the error is the plain one Meta and X answer with
    assert str(raised.value) == "The body is not valid UTF-8 JSON."
    assert raised.value.fields is None


def test_decode_asks_the_given_factory_for_its_error() -> None:
    # given a body that is not JSON and a factory that locates the problem
    raw = b"not json"
    # when it is decoded
    with pytest.raises(ValidationFailed) as raised:
        decode(raw, located)
    # then the factory's error is raised, for the "not JSON" problem
    assert raised.value.fields == {"body": NOT_JSON}


def test_decode_keeps_the_cause_of_a_refusal() -> None:
    # given a body that is not UTF-8
    raw = b"\xff{}"
    # when it is decoded
    with pytest.raises(ValidationFailed) as raised:
        decode(raw)
    # then the decoding error stays attached for the logs
    assert isinstance(raised.value.__cause__, UnicodeDecodeError)


def test_decode_keeps_lone_surrogates_when_the_caller_repairs_them() -> None:
    # given a string escape that no UTF-8 store can hold
    raw = LONE_SURROGATES["lone-surrogate"]
    # when it is decoded by a caller that judges values one by one
    value = decode(raw, keep_lone_surrogates=True)
    # then the string comes back as sent
    assert value == {"text": "ok\ud800"}


def test_decode_accepts_escaped_surrogate_pairs() -> None:
    # given a character outside the BMP written as an escaped surrogate pair
    raw = b'{"text": "\\ud83d\\ude00"}'
    # when it is decoded
    value = decode(raw)
    # then it is the one character, which UTF-8 can hold
    assert value == {"text": "\U0001f600"}


@given(raw=st.binary())
def test_decode_raises_nothing_but_validation_failed(raw: bytes) -> None:
    # given any bytes
    # when they are decoded, then the only failure is a validation failure
    with contextlib.suppress(ValidationFailed):
        decode(raw)


# --- load_object ----------------------------------------------------------------------------------


def test_load_object_returns_a_json_object() -> None:
    # given a JSON object
    raw = b'{"event": "x"}'
    # when it is loaded
    value = load_object(raw, located)
    # then it comes back as a dict
    assert value == {"event": "x"}


@pytest.mark.parametrize("raw", [b"[]", b'"text"', b"42", b"null"], ids=["array", "string", "number", "null"])
def test_load_object_refuses_other_json_values_as_not_an_object(raw: bytes) -> None:
    # when / then the factory is asked for its "not an object" error
    with pytest.raises(ValidationFailed) as raised:
        load_object(raw, located)
    assert raised.value.fields == {"body": NOT_OBJECT}


@pytest.mark.parametrize(
    "raw",
    [b'{"a": NaN}', b'{"user_openid": "\\ud800"}'],
    ids=["a-constant-json-does-not-have", "a-string-that-cannot-be-stored"],
)
def test_load_object_refuses_invalid_json_as_not_json(raw: bytes) -> None:
    # when / then the factory is asked for its "not JSON" error
    with pytest.raises(ValidationFailed) as raised:
        load_object(raw, located)
    assert raised.value.fields == {"body": NOT_JSON}


def test_body_not_json_ignores_the_problem() -> None:
    # when the plain factory is asked for either problem
    errors = [body_not_json(NOT_JSON), body_not_json(NOT_OBJECT)]
    # then both read as the plain body error
    assert {str(error) for error in errors} == {"The body is not valid UTF-8 JSON."}


# --- as_id ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [("123", "123"), (123, "123"), (0, "0"), (-5, "-5")])
def test_as_id_reads_strings_and_integers(value: object, expected: str) -> None:
    # when / then
    assert as_id(value) == expected


@pytest.mark.parametrize(
    "value",
    ["", True, False, None, 1.5, [], {}, "abc\ud800"],
    ids=["empty", "true", "false", "none", "float", "list", "dict", "lone-surrogate"],
)
def test_as_id_refuses_anything_else(value: object) -> None:
    # when / then
    assert as_id(value) is None


# --- user_text ------------------------------------------------------------------------------------


def test_user_text_keeps_storable_text() -> None:
    # when / then
    assert user_text("héllo \U0001f600") == "héllo \U0001f600"


def test_user_text_replaces_lone_surrogates() -> None:
    # when / then
    assert user_text("ok\ud800") == "ok?"


@pytest.mark.parametrize("value", ["", None, 7, ["text"]], ids=["empty", "none", "number", "list"])
def test_user_text_is_none_for_no_text(value: object) -> None:
    # when / then
    assert user_text(value) is None


@given(value=st.text(st.characters(exclude_categories=())))
def test_user_text_is_always_storable(value: str) -> None:
    # when any text is read
    text = user_text(value)
    # then it can be encoded as UTF-8
    assert text is None or text.encode("utf-8")


# --- as_str / as_object ---------------------------------------------------------------------------


def test_as_str_keeps_a_string() -> None:
    # when / then
    assert as_str("feed") == "feed"


@pytest.mark.parametrize("value", [None, 1, {}, ["feed"]])
def test_as_str_is_empty_for_anything_else(value: object) -> None:
    # when / then
    assert as_str(value) == ""


def test_as_object_keeps_a_dict() -> None:
    # given an object
    value = {"id": "1"}
    # when / then the very same object comes back
    assert as_object(value) is value


@pytest.mark.parametrize("value", [None, "x", 1, [{"id": "1"}]])
def test_as_object_is_empty_for_anything_else(value: object) -> None:
    # when / then
    assert as_object(value) == {}
