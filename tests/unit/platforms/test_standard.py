"""Standard Webhooks: signatures with rotation, the secrets setting, engagement bodies and events."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import itertools
import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.events import KINDS, Delivery, EngagementEvent, event_id, keyed_pseudonymiser
from chalicelib.domain.webhooks import WebhookRequest
from chalicelib.errors import ConfigurationError, InvalidSignature, ValidationFailed
from chalicelib.platforms.standard import webhook as standard

_ids = itertools.count(1)
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
RECEIVED_AT = NOW
PSEUDONYMISE = keyed_pseudonymiser(b"test-key")

# Published test vector of the Standard Webhooks specification.
VECTOR_KEY = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
VECTOR_TIMESTAMP = "1614265330"
VECTOR_BODY = b'{"test": 2432232314}'
VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def unique_key() -> str:
    return "whsec_" + base64.b64encode(f"key-{next(_ids)}".encode()).decode()


def unique_message_id() -> str:
    return f"msg_{next(_ids):08d}"


KEY = unique_key()


def signature(key: str, message_id: str, timestamp: str, body: bytes) -> str:
    secret = base64.b64decode(key.removeprefix("whsec_"))
    digest = hmac.new(secret, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def request(
    body: bytes,
    *,
    key: str = KEY,
    at: datetime = NOW,
    message_id: str | None = None,
    extra_signatures: tuple[str, ...] = (),
) -> WebhookRequest:
    message_id = message_id or unique_message_id()
    timestamp = str(int(at.timestamp()))
    signatures = " ".join((*extra_signatures, signature(key, message_id, timestamp, body)))
    return WebhookRequest(
        method="POST",
        body=body,
        headers={"webhook-id": message_id, "webhook-timestamp": timestamp, "webhook-signature": signatures},
    )


def with_headers(base: WebhookRequest, **changes: str | None) -> WebhookRequest:
    headers = {**base.headers, **{name.replace("_", "-"): value for name, value in changes.items()}}
    return WebhookRequest(
        method="POST", body=base.body, headers={k: v for k, v in headers.items() if v is not None}
    )


def engagement(kind: str = "like", **data: object) -> dict[str, object]:
    return {
        "type": f"engagement.{kind}",
        "timestamp": "2026-11-21T11:59:00+01:00",
        "data": {"content_id": f"link-{next(_ids)}", **data},
    }


def body_of(value: object) -> bytes:
    return json.dumps(value).encode()


def delivery(
    body: bytes,
    *,
    source: str | None = "linkfire",
    message_id: str | None = None,
    received_at: datetime = RECEIVED_AT,
) -> Delivery:
    message_id = message_id or unique_message_id()
    return Delivery(
        platform="standard",
        delivery_id=message_id,
        body=body,
        received_at=received_at,
        content_type="application/json",
        source=source,
        headers={"webhook-id": message_id},
    )


def only_event(body: bytes) -> EngagementEvent:
    (event,) = standard.normalize(delivery(body), PSEUDONYMISE).events
    return event


# --- media type and id -----------------------------------------------------------------------------


def test_media_types_are_json() -> None:
    # when / then
    assert sorted(standard.MEDIA_TYPES) == ["application/json"]


def test_delivery_id_is_the_webhook_id() -> None:
    # given
    message_id = unique_message_id()
    # when / then
    assert standard.delivery_id(request(b"{}", message_id=message_id)) == message_id


@pytest.mark.parametrize(
    "value",
    [None, "", "id with space", "idé", "x" * 257],
    ids=["absent", "empty", "space", "non-ascii", "long"],
)
def test_delivery_id_refuses_an_unusable_webhook_id(value: str | None) -> None:
    # given
    unusable = with_headers(request(b"{}"), webhook_id=value)
    # when / then
    with pytest.raises(InvalidSignature):
        standard.delivery_id(unusable)


# --- signatures ------------------------------------------------------------------------------------


def test_verify_accepts_the_published_vector() -> None:
    # given
    vector = WebhookRequest(
        method="POST",
        body=VECTOR_BODY,
        headers={
            "webhook-id": VECTOR_ID,
            "webhook-timestamp": VECTOR_TIMESTAMP,
            "webhook-signature": VECTOR_SIGNATURE,
        },
    )
    now = datetime.fromtimestamp(int(VECTOR_TIMESTAMP), tz=UTC)
    # when / then: no exception
    standard.verify(vector, [VECTOR_KEY], now)


def test_verify_accepts_a_fresh_signature() -> None:
    # when / then: no exception
    standard.verify(request(body_of(engagement())), [KEY], NOW)


@pytest.mark.parametrize("offset", [-300, 300], ids=["300s-early", "300s-late"])
def test_verify_accepts_a_timestamp_exactly_300s_away(offset: int) -> None:
    # given
    signed = request(body_of(engagement()), at=NOW + timedelta(seconds=offset))
    # when / then: no exception
    standard.verify(signed, [KEY], NOW)


@pytest.mark.parametrize("offset", [-301, 301], ids=["301s-early", "301s-late"])
def test_verify_rejects_a_timestamp_301s_away(offset: int) -> None:
    # given
    signed = request(body_of(engagement()), at=NOW + timedelta(seconds=offset))
    # when / then
    with pytest.raises(InvalidSignature):
        standard.verify(signed, [KEY], NOW)


def test_verify_accepts_a_signature_by_the_second_key() -> None:
    # given: the sender signs with the new key while we still hold the old one first
    new_key = unique_key()
    signed = request(body_of(engagement()), key=new_key)
    # when / then: no exception
    standard.verify(signed, [KEY, new_key], NOW)


def test_verify_accepts_a_matching_second_signature() -> None:
    # given: the sender lists a signature by a key we do not hold before one by ours
    body = body_of(engagement())
    message_id = unique_message_id()
    foreign = signature(unique_key(), message_id, str(int(NOW.timestamp())), body)
    signed = request(body, message_id=message_id, extra_signatures=(foreign,))
    # when / then: no exception
    standard.verify(signed, [KEY], NOW)


def test_verify_ignores_signatures_of_other_versions() -> None:
    # given: a correct digest labelled v2
    signed = request(body_of(engagement()))
    relabelled = signed.headers["webhook-signature"].replace("v1,", "v2,")
    # when / then
    with pytest.raises(InvalidSignature):
        standard.verify(with_headers(signed, webhook_signature=relabelled), [KEY], NOW)


def test_verify_accepts_a_signature_among_other_versions() -> None:
    # given
    signed = request(body_of(engagement()), extra_signatures=("v1a,c29tZXRoaW5n", "v2,abc"))
    # when / then: no exception
    standard.verify(signed, [KEY], NOW)


def test_verify_rejects_a_key_we_do_not_hold() -> None:
    # given
    signed = request(body_of(engagement()), key=unique_key())
    # when / then
    with pytest.raises(InvalidSignature):
        standard.verify(signed, [KEY], NOW)


def test_verify_rejects_a_changed_body() -> None:
    # given
    signed = request(body_of(engagement()))
    tampered = WebhookRequest(method="POST", body=signed.body + b" ", headers=signed.headers)
    # when / then
    with pytest.raises(InvalidSignature):
        standard.verify(tampered, [KEY], NOW)


def test_verify_rejects_a_changed_webhook_id() -> None:
    # given: a replay under a fresh id to dodge deduplication
    signed = request(body_of(engagement()))
    # when / then
    with pytest.raises(InvalidSignature):
        standard.verify(with_headers(signed, webhook_id=unique_message_id()), [KEY], NOW)


@pytest.mark.parametrize("header", ["webhook_id", "webhook_timestamp", "webhook_signature"])
def test_verify_rejects_a_missing_header(header: str) -> None:
    # given
    signed = request(body_of(engagement()))
    # when / then
    with pytest.raises(InvalidSignature):
        standard.verify(with_headers(signed, **{header: None}), [KEY], NOW)


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("webhook_timestamp", ""),
        ("webhook_timestamp", "soon"),
        ("webhook_timestamp", "-1"),
        ("webhook_timestamp", "1795000000.5"),
        ("webhook_timestamp", "9" * 5000),
        ("webhook_timestamp", "١٧٩٥٠٠٠٠٠٠"),
        ("webhook_signature", ""),
        ("webhook_signature", "v1,"),
        ("webhook_signature", "v1"),
        ("webhook_signature", "v1,é"),
        ("webhook_signature", "\ud800"),
    ],
)
def test_verify_rejects_a_malformed_header(header: str, value: str) -> None:
    # given
    signed = request(body_of(engagement()))
    # when / then
    with pytest.raises(InvalidSignature):
        standard.verify(with_headers(signed, **{header: value}), [KEY], NOW)


@pytest.mark.parametrize(
    "keys",
    [[], ["MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"], ["whsec_not base64!"], ["whsec_"], ["whsec_é"]],
    ids=["none", "no-prefix", "not-base64", "empty", "non-ascii"],
)
def test_verify_reports_malformed_keys_as_configuration(keys: list[str]) -> None:
    # given
    signed = request(body_of(engagement()))
    # when / then
    with pytest.raises(ConfigurationError):
        standard.verify(signed, keys, NOW)


def test_verify_reports_a_malformed_key_even_beside_a_good_one() -> None:
    # given
    signed = request(body_of(engagement()))
    # when / then
    with pytest.raises(ConfigurationError):
        standard.verify(signed, [KEY, "whsec_%%%"], NOW)


# --- STANDARD_WEBHOOK_SECRETS ----------------------------------------------------------------------


def test_parse_secrets_reads_one_key_per_source() -> None:
    # given
    first, second = unique_key(), unique_key()
    # when
    secrets = standard.parse_secrets(f"linkfire={first},feature.fm={second}")
    # then
    assert secrets == {"linkfire": (first,), "feature.fm": (second,)}


def test_parse_secrets_keeps_every_key_of_a_repeated_source_in_order() -> None:
    # given
    old, new = unique_key(), unique_key()
    # when
    secrets = standard.parse_secrets(f"linkfire={old}, linkfire={new}")
    # then
    assert secrets == {"linkfire": (old, new)}


def test_parse_secrets_tolerates_spaces() -> None:
    # given
    key = unique_key()
    # when
    secrets = standard.parse_secrets(f"  linkfire = {key}  ")
    # then
    assert secrets == {"linkfire": (key,)}


@pytest.mark.parametrize("raw", ["", "   "], ids=["empty", "blank"])
def test_parse_secrets_reads_nothing_as_no_sources(raw: str) -> None:
    # when / then
    assert standard.parse_secrets(raw) == {}


@pytest.mark.parametrize(
    "raw",
    [
        f"linkfire{KEY}",
        f"={KEY}",
        "linkfire=",
        "linkfire=MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "linkfire=whsec_%%%",
        f"linkfire={KEY},",
        f"link fire={KEY}",
        f"-linkfire={KEY}",
    ],
    ids=[
        "no-equals",
        "no-source",
        "no-key",
        "no-prefix",
        "not-base64",
        "trailing-comma",
        "space-in-source",
        "leading-dash",
    ],
)
def test_parse_secrets_rejects_a_malformed_entry(raw: str) -> None:
    # when / then
    with pytest.raises(ConfigurationError):
        standard.parse_secrets(raw)


def test_parse_secrets_never_shows_a_secret_in_its_error() -> None:
    # given
    raw = f"linkfire={KEY},broken=whsec_secret%value"
    # when
    with pytest.raises(ConfigurationError) as raised:
        standard.parse_secrets(raw)
    # then
    assert "secret%value" not in raised.value.message
    assert KEY not in raised.value.message


# --- bodies ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_validate_accepts_every_kind(kind: str) -> None:
    # when / then: no exception
    standard.validate(body_of(engagement(kind)))


def test_validate_accepts_every_optional_field() -> None:
    # given
    body = body_of(
        engagement(
            "comment", account_id="acct", occurred_at="2026-11-21T10:00:00Z", actor_id="fan-1", text="bravo"
        )
    )
    # when / then: no exception
    standard.validate(body)


def test_validate_reads_null_optional_fields_as_absent() -> None:
    # given
    body = body_of(engagement(account_id=None, occurred_at=None, actor_id=None, text=None))
    # when / then: no exception
    standard.validate(body)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("type", {"type": "engagement.dislike"}),
        ("type", {"type": "like"}),
        ("type", {"type": "engagement."}),
        ("type", {"type": None}),
        ("type", {"type": ["engagement.like"]}),
        ("timestamp", {"timestamp": None}),
        ("timestamp", {"timestamp": "2026-11-21T11:59:00"}),
        ("timestamp", {"timestamp": "yesterday"}),
        ("timestamp", {"timestamp": 1795000000}),
        ("timestamp", {"timestamp": "0001-01-01T00:00:00+01:00"}),
        ("data", {"data": None}),
        ("data", {"data": ["content_id"]}),
        ("data.content_id", {"data": {}}),
        ("data.content_id", {"data": {"content_id": ""}}),
        ("data.content_id", {"data": {"content_id": 42}}),
        ("data.content_id", {"data": {"content_id": "x" * 513}}),  # longer than a storage key holds
        ("data.account_id", {"data": {"content_id": "c", "account_id": 42}}),
        ("data.actor_id", {"data": {"content_id": "c", "actor_id": {"id": "1"}}}),
        ("data.text", {"data": {"content_id": "c", "text": ["bravo"]}}),
        ("data.occurred_at", {"data": {"content_id": "c", "occurred_at": "2026-11-21"}}),
        ("data.occurred_at", {"data": {"content_id": "c", "occurred_at": 5}}),
    ],
)
def test_validate_rejects_a_malformed_field(path: str, message: dict[str, object]) -> None:
    # given
    body = body_of({**engagement(), **message})
    # when / then
    with pytest.raises(ValidationFailed) as raised:
        standard.validate(body)
    assert raised.value.fields is not None
    assert list(raised.value.fields) == [path]


# --- events ----------------------------------------------------------------------------------------


def test_an_engagement_becomes_an_event_of_its_kind() -> None:
    # given
    message_id = unique_message_id()
    body = body_of(
        {
            "type": "engagement.presave",
            "timestamp": "2026-11-21T11:59:00+01:00",
            "data": {"content_id": "indochine-13", "account_id": "indochine"},
        }
    )
    # when
    normalized = standard.normalize(delivery(body, message_id=message_id), PSEUDONYMISE)
    # then
    assert normalized.events == (
        EngagementEvent(
            event_id=event_id("standard:linkfire", "linkfire", message_id),
            platform="standard:linkfire",
            kind="presave",
            content_id="indochine-13",
            account_id="indochine",
            occurred_at=datetime(2026, 11, 21, 10, 59, tzinfo=UTC),
            received_at=RECEIVED_AT,
        ),
    )


def test_occurred_at_prefers_the_data_time() -> None:
    # given
    body = body_of(engagement(occurred_at="2026-11-20T08:30:00Z"))
    # when / then
    assert only_event(body).occurred_at == datetime(2026, 11, 20, 8, 30, tzinfo=UTC)


def test_a_missing_account_is_empty() -> None:
    # given
    body = body_of(engagement())
    # when / then
    assert only_event(body).account_id == ""


def test_the_actor_is_pseudonymised() -> None:
    # given
    body = body_of(engagement(actor_id="fan-42"))
    # when
    event = only_event(body)
    # then
    assert event.actor == PSEUDONYMISE("fan-42")
    assert event.actor != "fan-42"


@pytest.mark.parametrize("actor", [None, ""], ids=["null", "empty"])
def test_no_actor_id_gives_no_actor(actor: str | None) -> None:
    # given
    body = body_of(engagement(actor_id=actor))
    # when / then
    assert only_event(body).actor is None


@pytest.mark.parametrize("kind", ["comment", "reply", "mention", "quote"])
def test_text_is_kept_for_conversation_kinds(kind: str) -> None:
    # given
    body = body_of(engagement(kind, text="bravo"))
    # when / then
    assert only_event(body).text == "bravo"


@pytest.mark.parametrize("kind", ["like", "click", "presave", "share"])
def test_text_is_dropped_for_other_kinds(kind: str) -> None:
    # given
    body = body_of(engagement(kind, text="bravo"))
    # when / then
    assert only_event(body).text is None


def test_a_redelivery_gives_the_same_id() -> None:
    # given: the sender retries with the same webhook-id, later
    body, message_id = body_of(engagement()), unique_message_id()
    # when
    (first,) = standard.normalize(delivery(body, message_id=message_id), PSEUDONYMISE).events
    later = delivery(body, message_id=message_id, received_at=NOW + timedelta(hours=3))
    (again,) = standard.normalize(later, PSEUDONYMISE).events
    # then
    assert first.event_id == again.event_id


def test_the_same_webhook_id_from_another_source_is_another_event() -> None:
    # given
    body, message_id = body_of(engagement()), unique_message_id()
    # when
    (linkfire,) = standard.normalize(delivery(body, message_id=message_id), PSEUDONYMISE).events
    other = delivery(body, message_id=message_id, source="featurefm")
    (featurefm,) = standard.normalize(other, PSEUDONYMISE).events
    # then
    assert (linkfire.event_id != featurefm.event_id, featurefm.platform) == (True, "standard:featurefm")


def test_the_delivery_id_stands_in_for_a_missing_webhook_id_header() -> None:
    # given
    body = body_of(engagement())
    queued = Delivery(
        platform="standard", delivery_id="msg_queued", body=body, received_at=NOW, source="linkfire"
    )
    # when
    (event,) = standard.normalize(queued, PSEUDONYMISE).events
    # then
    assert event.event_id == event_id("standard:linkfire", "linkfire", "msg_queued")


def test_normalize_requires_a_source() -> None:
    # given
    queued = delivery(body_of(engagement()), source=None)
    # when / then
    with pytest.raises(ValidationFailed):
        standard.normalize(queued, PSEUDONYMISE)


def test_normalize_rejects_a_malformed_body() -> None:
    # when / then
    with pytest.raises(ValidationFailed):
        standard.normalize(delivery(b"{"), PSEUDONYMISE)


# --- never anything but the domain errors ----------------------------------------------------------

# Any text, lone surrogates included (a JSON-decoded event can carry them).
any_text = st.lists(st.one_of(st.characters(), st.characters(categories=["Cs"]))).map("".join)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | any_text,
    lambda inner: st.lists(inner) | st.dictionaries(any_text, inner),
    max_leaves=10,
)


data_fields = ("content_id", "account_id", "occurred_at", "actor_id", "text")


@given(
    kind=st.sampled_from(sorted(KINDS)),
    timestamp=json_values,
    data=st.fixed_dictionaries({}, optional=dict.fromkeys(data_fields, json_values)),
)
def test_validate_raises_only_validation_failed_for_near_valid_bodies(
    kind: str, timestamp: object, data: dict[str, object]
) -> None:
    # given: the right shape with any values in its fields
    body = json.dumps({"type": f"engagement.{kind}", "timestamp": timestamp, "data": data}).encode()
    # when / then
    with contextlib.suppress(ValidationFailed):
        standard.validate(body)


@given(
    body=st.binary(max_size=64),
    message_id=any_text,
    timestamp=st.one_of(any_text, st.integers().map(str)),
    signatures=st.one_of(any_text, any_text.map(lambda value: f"v1,{value}")),
)
def test_verify_raises_only_invalid_signature(
    body: bytes, message_id: str, timestamp: str, signatures: str
) -> None:
    # given
    headers = {"webhook-id": message_id, "webhook-timestamp": timestamp, "webhook-signature": signatures}
    # when / then
    with pytest.raises(InvalidSignature):
        standard.verify(WebhookRequest(method="POST", body=body, headers=headers), [KEY], NOW)
