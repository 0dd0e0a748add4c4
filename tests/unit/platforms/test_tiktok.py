"""TikTok: TikTok-Signature with a timestamp, and envelopes whose content is a JSON string."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import itertools
import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.events import Delivery, EngagementEvent, event_id, keyed_pseudonymiser
from chalicelib.domain.webhooks import WebhookRequest
from chalicelib.errors import InvalidSignature, ValidationFailed
from chalicelib.platforms.tiktok import webhook as tiktok
from tests.unit.platforms.strategies import queued

_ids = itertools.count(1)
SECRET = "client-secret"
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
RECEIVED_AT = NOW
PSEUDONYMISE = keyed_pseudonymiser(b"test-key")


def unique_post_id() -> str:
    return f"74{next(_ids):017d}"


def envelope(
    event: str = "post.publish.publicly_available",
    *,
    content: Mapping[str, object] | None = None,
    user_openid: str = "act.example-open-id",
    create_time: object = 1_795_000_000,
) -> dict[str, object]:
    inner = {"post_id": unique_post_id(), "publish_type": "DIRECT_PUBLISH"} if content is None else content
    return {
        "client_key": "awexample",
        "event": event,
        "create_time": create_time,
        "user_openid": user_openid,
        "content": json.dumps(inner),
    }


def body_of(value: object) -> bytes:
    return json.dumps(value).encode()


def signed(body: bytes, *, secret: str = SECRET, at: datetime = NOW) -> WebhookRequest:
    timestamp = str(int(at.timestamp()))
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return with_signature(body, f"t={timestamp},s={digest}")


def with_signature(body: bytes, header: str) -> WebhookRequest:
    return WebhookRequest(method="POST", body=body, headers={"tiktok-signature": header})


def delivery(body: bytes, received_at: datetime = RECEIVED_AT) -> Delivery:
    return queued(tiktok, "tiktok", body, received_at=received_at)


def normalize(value: object) -> tuple[EngagementEvent, ...]:
    return tiktok.normalize(delivery(body_of(value)), PSEUDONYMISE).events


# --- media type and id -----------------------------------------------------------------------------


def test_media_types_are_json() -> None:
    # when / then
    assert sorted(tiktok.MEDIA_TYPES) == ["application/json"]


# --- TikTok-Signature ------------------------------------------------------------------------------


def test_verify_accepts_a_fresh_signature() -> None:
    # given
    request = signed(body_of(envelope()))
    # when / then: no exception
    tiktok.verify(request, SECRET, NOW)


@pytest.mark.parametrize("offset", [-300, 300], ids=["300s-early", "300s-late"])
def test_verify_accepts_a_timestamp_exactly_300s_away(offset: int) -> None:
    # given
    request = signed(body_of(envelope()), at=NOW + timedelta(seconds=offset))
    # when / then: no exception
    tiktok.verify(request, SECRET, NOW)


@pytest.mark.parametrize("offset", [-301, 301], ids=["301s-early", "301s-late"])
def test_verify_rejects_a_timestamp_301s_away(offset: int) -> None:
    # given
    request = signed(body_of(envelope()), at=NOW + timedelta(seconds=offset))
    # when / then
    with pytest.raises(InvalidSignature):
        tiktok.verify(request, SECRET, NOW)


def test_verify_accepts_upper_case_hex() -> None:
    # given
    body = body_of(envelope())
    timestamp = str(int(NOW.timestamp()))
    digest = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    # when / then: no exception
    tiktok.verify(with_signature(body, f"t={timestamp}, s={digest.upper()}"), SECRET, NOW)


def test_verify_rejects_another_secret() -> None:
    # given
    request = signed(body_of(envelope()), secret="someone-else")
    # when / then
    with pytest.raises(InvalidSignature):
        tiktok.verify(request, SECRET, NOW)


def test_verify_rejects_a_changed_body() -> None:
    # given
    original = signed(body_of(envelope()))
    tampered = WebhookRequest(method="POST", body=original.body + b" ", headers=original.headers)
    # when / then
    with pytest.raises(InvalidSignature):
        tiktok.verify(tampered, SECRET, NOW)


def test_verify_rejects_a_signature_moved_to_another_time() -> None:
    # given: a valid signature whose t is replaced by a fresher one
    original = signed(body_of(envelope()), at=NOW - timedelta(seconds=10))
    digest = original.headers["tiktok-signature"].split("s=")[1]
    # when / then
    with pytest.raises(InvalidSignature):
        tiktok.verify(with_signature(original.body, f"t={int(NOW.timestamp())},s={digest}"), SECRET, NOW)


def test_verify_rejects_a_missing_header() -> None:
    # given
    request = WebhookRequest(method="POST", body=body_of(envelope()))
    # when / then
    with pytest.raises(InvalidSignature):
        tiktok.verify(request, SECRET, NOW)


@pytest.mark.parametrize(
    "header",
    [
        "",
        "s=abcd",
        f"t={int(NOW.timestamp())}",
        f"t={int(NOW.timestamp())},s=",
        f"t={int(NOW.timestamp())},t={int(NOW.timestamp())},s=abcd",
        "t=soon,s=abcd",
        "t=-5,s=abcd",
        "t=" + "9" * 5000 + ",s=abcd",
        "t=١٧٩٥٠٠٠٠٠٠,s=abcd",
        f"t={int(NOW.timestamp())},s=not-hex",
        f"t={int(NOW.timestamp())},s=abcdé",
        f"t={int(NOW.timestamp())};s=abcd",
        "\ud800",
    ],
    ids=[
        "empty",
        "no-t",
        "no-s",
        "empty-s",
        "two-t",
        "word-t",
        "negative-t",
        "huge-t",
        "arabic-digits-t",
        "not-hex-s",
        "non-ascii-s",
        "semicolon",
        "surrogate",
    ],
)
def test_verify_rejects_a_malformed_header(header: str) -> None:
    # given
    request = with_signature(body_of(envelope()), header)
    # when / then
    with pytest.raises(InvalidSignature):
        tiktok.verify(request, SECRET, NOW)


# --- bodies ----------------------------------------------------------------------------------------


def test_validate_accepts_an_envelope() -> None:
    # when / then: no exception
    tiktok.validate(body_of(envelope()))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("event", None),
        ("event", ""),
        ("event", 5),
        ("create_time", None),
        ("create_time", "1795000000"),
        ("create_time", True),
        ("create_time", 1.5),
        ("create_time", -1),
        ("create_time", 10**20),
        ("user_openid", None),
        ("user_openid", ""),
        ("content", None),
        ("content", {"post_id": "1"}),
        ("content", "not json"),
        ("content", "[1, 2]"),
        ("content", "[" * 100_000),
    ],
)
def test_validate_rejects_a_malformed_field(field: str, value: object) -> None:
    # given
    message = envelope()
    if value is None:
        del message[field]
    else:
        message[field] = value
    # when / then
    with pytest.raises(ValidationFailed) as raised:
        tiktok.validate(body_of(message))
    assert raised.value.fields is not None
    assert list(raised.value.fields) == [field]


# --- events ----------------------------------------------------------------------------------------


def test_a_public_post_becomes_content_published() -> None:
    # given
    post_id = unique_post_id()
    message = envelope(content={"post_id": post_id}, user_openid="act.artist", create_time=1_795_000_000)
    # when
    events = normalize(message)
    # then
    assert events == (
        EngagementEvent(
            event_id=event_id(
                "tiktok",
                "post.publish.publicly_available",
                "act.artist",
                "1795000000",
                json.dumps({"post_id": post_id}, sort_keys=True, separators=(",", ":")),
            ),
            platform="tiktok",
            kind="content_published",
            content_id=post_id,
            account_id="act.artist",
            occurred_at=datetime.fromtimestamp(1_795_000_000, tz=UTC),
            received_at=RECEIVED_AT,
        ),
    )


@pytest.mark.parametrize(
    "event",
    ["post.publish.no_longer_publicaly_available", "post.publish.no_longer_publicly_available"],
    ids=["as-tiktok-spells-it", "correctly-spelled"],
)
def test_a_post_no_longer_public_becomes_content_removed(event: str) -> None:
    # given
    post_id = unique_post_id()
    # when
    (removed,) = normalize(envelope(event, content={"post_id": post_id}))
    # then
    assert (removed.kind, removed.content_id) == ("content_removed", post_id)


def test_the_video_id_stands_in_for_a_missing_post_id() -> None:
    # given
    video_id = unique_post_id()
    # when
    (published,) = normalize(envelope(content={"video_id": video_id}))
    # then
    assert published.content_id == video_id


def test_a_numeric_post_id_is_read_as_text() -> None:
    # given
    message = envelope(content={"post_id": 7412345678901234567})
    # when
    (published,) = normalize(message)
    # then
    assert published.content_id == "7412345678901234567"


@pytest.mark.parametrize(
    "content",
    [{}, {"post_id": ""}, {"post_id": None}, {"post_id": True}, {"post_id": ["1"]}],
    ids=["absent", "empty", "null", "bool", "list"],
)
def test_a_publication_without_a_post_id_is_ignored(content: dict[str, object]) -> None:
    # given
    body = body_of(envelope(content=content))
    # when
    normalized = tiktok.normalize(delivery(body), PSEUDONYMISE)
    # then
    assert (normalized.events, normalized.ignored) == ((), 1)


def test_another_event_is_recorded_as_other_on_the_account() -> None:
    # given
    message = envelope("authorization.removed", content={"reason": 1}, user_openid="act.artist")
    # when
    (other,) = normalize(message)
    # then
    assert (other.kind, other.content_id, other.account_id) == ("other", "act.artist", "act.artist")


def test_another_event_about_a_post_is_recorded_on_the_post() -> None:
    # given
    post_id = unique_post_id()
    # when
    (other,) = normalize(envelope("video.upload.failed", content={"post_id": post_id}))
    # then
    assert (other.kind, other.content_id) == ("other", post_id)


def test_a_redelivery_gives_the_same_id() -> None:
    # given
    body = body_of(envelope())
    # when
    (first,) = tiktok.normalize(delivery(body), PSEUDONYMISE).events
    (again,) = tiktok.normalize(delivery(body, received_at=NOW + timedelta(hours=5)), PSEUDONYMISE).events
    # then
    assert first.event_id == again.event_id


def test_the_id_ignores_the_key_order_of_the_content() -> None:
    # given: the same content serialised in two key orders
    post_id = unique_post_id()
    message = envelope(content={"post_id": post_id, "publish_type": "DIRECT_PUBLISH"})
    reordered = {**message, "content": json.dumps({"publish_type": "DIRECT_PUBLISH", "post_id": post_id})}
    # when
    (first,), (second,) = normalize(message), normalize(reordered)
    # then
    assert first.event_id == second.event_id


def test_the_same_content_at_another_time_is_another_event() -> None:
    # given: a post made public, withdrawn and made public again
    content = {"post_id": unique_post_id()}
    # when
    (first,) = normalize(envelope(content=content, create_time=1_795_000_000))
    (second,) = normalize(envelope(content=content, create_time=1_795_000_600))
    # then
    assert first.event_id != second.event_id


def test_normalize_rejects_a_malformed_body() -> None:
    # when / then
    with pytest.raises(ValidationFailed):
        tiktok.normalize(delivery(b"{"), PSEUDONYMISE)


# --- never anything but the domain errors ----------------------------------------------------------

# Any text, lone surrogates included (a JSON-decoded event can carry them).
any_text = st.lists(st.one_of(st.characters(), st.characters(categories=["Cs"]))).map("".join)
headers = st.one_of(
    any_text,
    st.builds(lambda t, s: f"t={t},s={s}", st.one_of(st.integers(), any_text), any_text),
)


@given(st.recursive(st.none() | st.booleans() | st.integers() | any_text, st.lists))
def test_validate_raises_only_validation_failed_for_any_content(content: object) -> None:
    # given
    body = body_of({**envelope(), "content": json.dumps(content)})
    # when / then
    with contextlib.suppress(ValidationFailed):
        tiktok.validate(body)


@given(body=st.binary(max_size=64), header=headers)
def test_verify_raises_only_invalid_signature(body: bytes, header: str) -> None:
    # when / then
    with pytest.raises(InvalidSignature):
        tiktok.verify(with_signature(body, header), SECRET, NOW)
