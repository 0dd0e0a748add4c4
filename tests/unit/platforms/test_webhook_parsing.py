"""The parsing edge cases every webhook platform shares, once, over the registry.

Each platform's own test file keeps what only its envelope has; what any JSON body (or any body at
all) may throw at a parser is here: bytes that are not strict JSON, numbers JSON cannot hold, nesting a
parser could drown in, bodies of the wrong shape, and arbitrary bytes, which may only ever be a
`ValidationFailed`.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
from collections.abc import Callable
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.errors import ValidationFailed
from chalicelib.platforms.registry import webhooks
from tests.unit.platforms.strategies import NOT_JSON_BODIES, NOT_STRICT_JSON_VALUES, normalized

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
    "tiktok": lambda value: (
        b'{"event": "post.publish.publicly_available", "create_time": 1795000000, "user_openid": "o", '
        b'"content": "{}", "x": ' + value + b"}"
    ),
}

# Bodies that parse but are not the platform's envelope: what each route answers with a 400.
MALFORMED: dict[str, dict[str, bytes]] = {
    "meta": {
        "string": b'"page"',
        "number": b"42",
        "null": b"null",
        "empty-json-object": b"{}",
        "empty-array": b"[]",
        "array-of-numbers": b"[1]",
        "array-of-empty-objects": b"[{}]",
        "array-of-envelopes-without-entry": b'[{"object": "instagram"}]',
        "array-of-envelopes-entry-not-list": b'[{"object": "instagram", "entry": {}}]',
        "array-of-changes-field-not-string": b'[{"field": 7, "value": {}}]',
        "array-mixing-envelopes-and-changes": (
            b'[{"object": "instagram", "entry": []}, {"field": "comments", "value": {}}]'
        ),
        "array-mixing-envelopes-and-numbers": b'[{"object": "instagram", "entry": []}, 42]',
        "no-object": b'{"entry": []}',
        "empty-object": b'{"object": "", "entry": []}',
        "object-not-string": b'{"object": 7, "entry": []}',
        "no-entry": b'{"object": "page"}',
        "entry-not-list": b'{"object": "page", "entry": {}}',
    },
    "x": {
        "array": b"[]",
        "string": b'"x"',
        "empty-object": b"{}",
        "neither-for-user-id-nor-data": b'{"user_event": {"revoke": {"source": {"user_id": "1234"}}}}',
        "activities-without-for-user-id": (
            b'{"favorite_events": [{"id": "fav1", "favorited_status": {"id_str": "2"}, '
            b'"user": {"id_str": "3"}}]}'
        ),
        "for-user-id-null": b'{"for_user_id": null}',
        "for-user-id-bool": b'{"for_user_id": true}',
        "for-user-id-object": b'{"for_user_id": {"id": "1"}}',
        "for-user-id-empty": b'{"for_user_id": ""}',
        "tweets-not-list": b'{"for_user_id": "1", "tweet_create_events": {}}',
        "favorites-not-list": b'{"for_user_id": "1", "favorite_events": "x"}',
        "follows-null": b'{"for_user_id": "1", "follow_events": null}',
        "deletes-number": b'{"for_user_id": "1", "tweet_delete_events": 1}',
        "xaa-data-not-object": b'{"data": []}',
        "xaa-no-uuid": b'{"data": {"event_type": "post.create"}}',
        "xaa-no-type": b'{"data": {"event_uuid": "u1"}}',
        "xaa-empty-uuid": b'{"data": {"event_uuid": "", "event_type": "post.create"}}',
    },
    "youtube": {
        "empty": b"",
        "text": b"not xml",
        "unbalanced": b"<feed><unclosed></feed>",
        "rss": b'<rss version="2.0"><channel/></rss>',
        "atom-tag-without-namespace": b"<feed/>",
        "invalid-utf8": b"<feed xmlns='http://www.w3.org/2005/Atom'>\xff</feed>",
        "unknown-encoding": b'<?xml version="1.0" encoding="no-such-codec"?><feed/>',
        "multibyte-encoding": b'<?xml version="1.0" encoding="utf-7"?><feed/>',
        "odd-codec": b'<?xml version="1.0" encoding="idna"?><feed>\x80</feed>',
        "json": b"{}",
    },
    "standard": {
        "array": b"[]",
        "lone-surrogate": (
            b'{"type": "engagement.like", "timestamp": "2026-11-21T11:59:00Z", '
            b'"data": {"content_id": "\\udc00"}}'
        ),
    },
    "tiktok": {
        "array": b"[]",
        "string": b'"text"',
        "lone-surrogate": b'{"event": "x", "create_time": 1, "user_openid": "\\ud800", "content": "{}"}',
    },
}

# The platforms that send no delivery id: theirs is the hex SHA-256 of the body.
HASHED_DELIVERY_IDS = ["meta", "x", "youtube", "tiktok"]


@pytest.mark.parametrize("platform", sorted(JSON_ENVELOPES))
@pytest.mark.parametrize("body", NOT_JSON_BODIES.values(), ids=NOT_JSON_BODIES.keys())
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


@pytest.mark.parametrize(
    ("platform", "body"),
    [
        pytest.param(platform, body, id=f"{platform}-{case}")
        for platform, bodies in MALFORMED.items()
        for case, body in bodies.items()
    ],
)
def test_a_body_that_is_not_the_platforms_envelope_is_a_validation_failure(
    platform: str, body: bytes
) -> None:
    # given a body of another shape than the platform's envelope
    # when / then it is rejected as malformed
    with pytest.raises(ValidationFailed):
        webhook_module(platform).validate(body)


@pytest.mark.parametrize(("platform", "body"), [("meta", b'{"entry": []}'), ("x", b'{"data": "nope"}')])
def test_normalize_rejects_a_body_that_is_not_an_envelope(platform: str, body: bytes) -> None:
    # given a queued body that is not an envelope
    # when / then normalisation refuses the whole delivery
    with pytest.raises(ValidationFailed):
        normalized(webhook_module(platform), platform, body)


@pytest.mark.parametrize("platform", HASHED_DELIVERY_IDS)
def test_the_delivery_id_is_the_sha256_of_the_body(platform: str) -> None:
    # given a body
    body = b"Hello, World!"
    # when its delivery id is taken
    found = webhook_module(platform).delivery_id(body)
    # then it is the hex SHA-256 of the bytes (the published vector's, computed independently)
    assert found == "dffd6021bb2bd5b0af676290809ec3a53191dd81c7f70a4b28688a362182986f"
    assert found == hashlib.sha256(body).hexdigest()


@pytest.mark.parametrize("platform", WEBHOOK_PLATFORMS)
@given(body=st.binary())
def test_validate_raises_nothing_but_validation_failed(platform: str, body: bytes) -> None:
    # given any bytes
    # when they are validated
    # then the only possible failure is ValidationFailed
    with contextlib.suppress(ValidationFailed):
        webhook_module(platform).validate(body)
