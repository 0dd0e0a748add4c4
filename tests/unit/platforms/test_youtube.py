"""YouTube WebSub: verification of intent, X-Hub-Signature, Atom entries and tombstones."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import itertools
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.events import Delivery, EngagementEvent, event_id, keyed_pseudonymiser
from chalicelib.domain.webhooks import WebhookRequest
from chalicelib.errors import InvalidSignature, ValidationFailed
from chalicelib.platforms.youtube import webhook as youtube
from tests.unit.platforms.strategies import queued

_ids = itertools.count(1)
SECRET = "hub-secret"
RECEIVED_AT = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
PSEUDONYMISE = keyed_pseudonymiser(b"test-key")


def unique_video_id() -> str:
    return f"vid{next(_ids):08d}"


def entry(
    video_id: str,
    *,
    channel_id: str = "UCchannel",
    published: str | None = "2026-11-20T10:00:00+00:00",
    updated: str | None = "2026-11-20T10:05:00.123456789+00:00",
) -> str:
    parts = [f"<id>yt:video:{video_id}</id>", f"<yt:videoId>{video_id}</yt:videoId>"]
    parts.append(f"<yt:channelId>{channel_id}</yt:channelId>")
    if published is not None:
        parts.append(f"<published>{published}</published>")
    if updated is not None:
        parts.append(f"<updated>{updated}</updated>")
    return f"<entry>{''.join(parts)}</entry>"


def tombstone(video_id: str, *, when: str = "2026-11-20T11:00:00+00:00", by: str | None = None) -> str:
    author = f"<at:by><name>Artist</name><uri>{by}</uri></at:by>" if by is not None else ""
    return f'<at:deleted-entry ref="yt:video:{video_id}" when="{when}">{author}</at:deleted-entry>'


def feed(*items: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns="http://www.w3.org/2005/Atom"'
        ' xmlns:at="http://purl.org/atompub/tombstones/1.0">'
        '<link rel="hub" href="https://pubsubhubbub.appspot.com"/>'
        "<title>YouTube video feed</title><updated>2026-11-20T10:05:00+00:00</updated>"
        f"{''.join(items)}</feed>"
    ).encode()


CHANNEL_URI = "https://www.youtube.com/channel/UCchannel"


def link_to(topic: str) -> str:
    return f'<https://pubsubhubbub.appspot.com>; rel="hub", <{topic}>; rel="self"'


def delivery(body: bytes, received_at: datetime = RECEIVED_AT, *, channel_id: str = "UCchannel") -> Delivery:
    """A queued delivery of the topic of `channel_id` (its Link header is kept with the body)."""
    link = link_to(youtube.topic_for_channel(channel_id))
    return queued(
        youtube,
        "youtube",
        body,
        received_at=received_at,
        content_type="application/atom+xml",
        headers={"link": link},
    )


def signed(body: bytes, secret: str = SECRET, method: str = "sha1") -> WebhookRequest:
    digest = hmac.new(secret.encode(), body, method).hexdigest()
    return WebhookRequest(method="POST", body=body, headers={"x-hub-signature": f"{method}={digest}"})


def with_signature(body: bytes, header: str) -> WebhookRequest:
    return WebhookRequest(method="POST", body=body, headers={"x-hub-signature": header})


def intent_query(**overrides: str) -> dict[str, str]:
    query = {
        "hub.mode": "subscribe",
        "hub.topic": youtube.topic_for_channel("UCchannel"),
        "hub.challenge": f"challenge-{next(_ids)}",
        "hub.lease_seconds": "432000",
    }
    query.update(overrides)
    return query


# --- media types, ids and topics -------------------------------------------------------------------


def test_media_types_accept_atom_and_xml() -> None:
    # given / when / then: hubs send Atom, some labelled as plain XML
    assert sorted(youtube.MEDIA_TYPES) == ["application/atom+xml", "application/xml", "text/xml"]


def test_topic_for_channel_is_the_videos_feed() -> None:
    # when
    topic = youtube.topic_for_channel("UC123")
    # then
    assert topic == "https://www.youtube.com/xml/feeds/videos.xml?channel_id=UC123"


def test_hub_secret_is_hmac_sha256_of_the_topic() -> None:
    # given
    topic = youtube.topic_for_channel("UC123")
    # when
    secret = youtube.hub_secret_for(topic, "configured-key")
    # then
    assert secret == hmac.new(b"configured-key", topic.encode(), hashlib.sha256).hexdigest()


def test_hub_secret_differs_per_topic() -> None:
    # given
    first, second = youtube.topic_for_channel("UC1"), youtube.topic_for_channel("UC2")
    # when / then
    assert youtube.hub_secret_for(first, "key") != youtube.hub_secret_for(second, "key")


def test_topic_of_reads_the_self_link() -> None:
    # given
    topic = youtube.topic_for_channel("UC123")
    link = f'<https://pubsubhubbub.appspot.com/>; rel="hub", <{topic}>; rel="self"'
    request = WebhookRequest(method="POST", body=b"", headers={"link": link})
    # when / then
    assert youtube.topic_of(request) == topic


def test_topic_of_accepts_an_unquoted_rel_among_several() -> None:
    # given
    link = "<https://example.com/topic>; rel=self, <https://hub.example/>; rel=hub"
    request = WebhookRequest(method="POST", body=b"", headers={"link": link})
    # when / then
    assert youtube.topic_of(request) == "https://example.com/topic"


@pytest.mark.parametrize(
    "headers",
    [{}, {"link": '<https://hub.example/>; rel="hub"'}, {"link": '<https://é.example/>; rel="self"'}],
    ids=["no-link", "no-self", "non-ascii"],
)
def test_topic_of_is_none_without_a_usable_self_link(headers: dict[str, str]) -> None:
    # given
    request = WebhookRequest(method="POST", body=b"", headers=headers)
    # when / then
    assert youtube.topic_of(request) is None


# --- verification of intent ------------------------------------------------------------------------


def test_parse_intent_reads_a_subscription() -> None:
    # given
    query = intent_query()
    # when
    intent = youtube.parse_intent(query)
    # then
    assert intent == youtube.Intent(
        mode="subscribe", topic=query["hub.topic"], challenge=query["hub.challenge"], lease_seconds=432000
    )


def test_parse_intent_reads_an_unsubscription_without_lease() -> None:
    # given
    query = intent_query(**{"hub.mode": "unsubscribe"})
    del query["hub.lease_seconds"]
    # when
    intent = youtube.parse_intent(query)
    # then
    assert (intent.mode, intent.lease_seconds) == ("unsubscribe", None)


@pytest.mark.parametrize("name", ["hub.mode", "hub.topic", "hub.challenge"])
def test_parse_intent_rejects_a_missing_parameter(name: str) -> None:
    # given
    query = intent_query()
    del query[name]
    # when / then
    with pytest.raises(ValidationFailed) as raised:
        youtube.parse_intent(query)
    assert raised.value.fields == {name: "is required"}


def test_parse_intent_rejects_a_challenge_that_cannot_be_echoed() -> None:
    # given: a lone surrogate, which no response body can carry
    query = intent_query(**{"hub.challenge": "abc\ud800"})
    # when / then
    with pytest.raises(ValidationFailed):
        youtube.parse_intent(query)


def test_parse_intent_rejects_an_unknown_mode() -> None:
    # given: a hub telling us it denied the subscription
    query = intent_query(**{"hub.mode": "denied"})
    # when / then
    with pytest.raises(ValidationFailed):
        youtube.parse_intent(query)


@pytest.mark.parametrize("lease", ["0", "-5", "abc", "", "1.5", "99999999999", "٣"])
def test_parse_intent_rejects_a_lease_that_is_not_a_positive_int(lease: str) -> None:
    # given
    query = intent_query(**{"hub.lease_seconds": lease})
    # when / then
    with pytest.raises(ValidationFailed):
        youtube.parse_intent(query)


# --- X-Hub-Signature -------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["sha1", "sha256", "sha384", "sha512"])
def test_verify_accepts_the_method_the_hub_names(method: str) -> None:
    # given
    request = signed(feed(entry(unique_video_id())), method=method)
    # when / then: no exception
    youtube.verify(request, SECRET)


def test_verify_accepts_upper_case_hex() -> None:
    # given
    body = feed(entry(unique_video_id()))
    digest = hmac.new(SECRET.encode(), body, "sha1").hexdigest().upper()
    # when / then: no exception
    youtube.verify(with_signature(body, f"sha1={digest}"), SECRET)


def test_verify_rejects_a_digest_labelled_with_another_method() -> None:
    # given
    body = feed(entry(unique_video_id()))
    digest = hmac.new(SECRET.encode(), body, "sha256").hexdigest()
    # when / then
    with pytest.raises(InvalidSignature):
        youtube.verify(with_signature(body, f"sha1={digest}"), SECRET)


# --- bodies ----------------------------------------------------------------------------------------


def test_validate_accepts_a_feed_of_entries_and_tombstones() -> None:
    # given
    body = feed(entry(unique_video_id()), tombstone(unique_video_id()))
    # when / then: no exception
    youtube.validate(body)


def test_validate_rejects_entity_expansion() -> None:
    # given: the "billion laughs" body
    entities = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10))
    body = (
        f'<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY l0 "lol">{entities}]>'
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>&l9;</title></feed>'
    ).encode()
    # when / then
    with pytest.raises(ValidationFailed):
        youtube.validate(body)


def test_validate_rejects_an_external_entity() -> None:
    # given
    body = (
        b'<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>&x;</title></feed>'
    )
    # when / then
    with pytest.raises(ValidationFailed):
        youtube.validate(body)


def test_validate_rejects_deep_nesting_that_is_not_a_feed() -> None:
    # given: nesting about as deep as 1 MiB allows
    depth = 150_000
    body = b"<a>" * depth + b"</a>" * depth
    # when / then
    with pytest.raises(ValidationFailed):
        youtube.validate(body)


def test_deep_nesting_inside_a_feed_gives_no_events() -> None:
    # given: an extension element nested about as deep as 1 MiB allows
    depth = 150_000
    body = feed("<x>" * depth + "</x>" * depth)
    # when
    normalized = youtube.normalize(delivery(body), PSEUDONYMISE)
    # then
    assert (normalized.events, normalized.ignored) == ((), 0)


# --- events ----------------------------------------------------------------------------------------


# What every event of the channel UCartist's videos carries.
ARTISTS_CHANNEL: dict[str, Any] = {
    "platform": "youtube",
    "account_id": "UCartist",
    "received_at": RECEIVED_AT,
}


def artists_event(
    video_id: str, kind: str, identity: str, occurred_at: datetime, revision: str | None = None
) -> EngagementEvent:
    """The event expected of the channel UCartist's video, received at RECEIVED_AT."""
    return EngagementEvent(
        event_id=event_id("youtube", video_id, identity),
        kind=kind,
        content_id=video_id,
        occurred_at=occurred_at,
        revision=revision,
        **ARTISTS_CHANNEL,
    )


def test_an_entry_becomes_content_published() -> None:
    # given
    video_id = unique_video_id()
    body = feed(entry(video_id, channel_id="UCartist", updated="2026-11-20T10:05:00+00:00"))
    # when
    normalized = youtube.normalize(delivery(body, channel_id="UCartist"), PSEUDONYMISE)
    # then
    assert normalized.events == (
        artists_event(
            video_id,
            "content_published",
            "published",
            datetime(2026, 11, 20, 10, 0, tzinfo=UTC),
            revision="2026-11-20T10:05:00+00:00",
        ),
    )


def test_an_entry_without_updated_uses_published_as_revision() -> None:
    # given
    body = feed(entry(unique_video_id(), published="2026-11-20T10:00:00+00:00", updated=None))
    # when
    (event,) = youtube.normalize(delivery(body), PSEUDONYMISE).events
    # then
    assert event.revision == "2026-11-20T10:00:00+00:00"


def test_a_later_revision_keeps_the_published_event_id() -> None:
    # given: the same video delivered first on upload, then after a title change
    video_id = unique_video_id()
    first = feed(entry(video_id, updated="2026-11-20T10:05:00+00:00"))
    later = feed(entry(video_id, updated="2026-11-22T08:00:00+00:00"))
    # when
    (upload,) = youtube.normalize(delivery(first), PSEUDONYMISE).events
    (change,) = youtube.normalize(delivery(later), PSEUDONYMISE).events
    # then: the store tells them apart by revision
    assert (upload.event_id, upload.revision != change.revision) == (change.event_id, True)


def test_a_tombstone_becomes_content_removed_with_the_channel_of_its_author() -> None:
    # given
    video_id = unique_video_id()
    body = feed(tombstone(video_id, by="https://www.youtube.com/channel/UCartist"))
    # when
    normalized = youtube.normalize(delivery(body, channel_id="UCartist"), PSEUDONYMISE)
    # then
    assert normalized.events == (
        artists_event(video_id, "content_removed", "removed", datetime(2026, 11, 20, 11, 0, tzinfo=UTC)),
    )


def test_a_tombstone_without_author_is_ignored() -> None:
    # given a tombstone that does not say whose video it was
    body = feed(tombstone(unique_video_id()))
    # when
    normalized = youtube.normalize(delivery(body), PSEUDONYMISE)
    # then it cannot be told to be of the topic's channel, so it is ignored
    assert (normalized.events, normalized.ignored) == ((), 1)


def test_a_feed_keeps_the_order_of_its_items() -> None:
    # given
    published, removed = unique_video_id(), unique_video_id()
    body = feed(entry(published), tombstone(removed, by=CHANNEL_URI))
    # when
    events = youtube.normalize(delivery(body), PSEUDONYMISE).events
    # then
    assert [(event.kind, event.content_id) for event in events] == [
        ("content_published", published),
        ("content_removed", removed),
    ]


def test_nanosecond_times_are_read_to_the_microsecond() -> None:
    # given: YouTube's <updated> carries nine fractional digits
    body = feed(entry(unique_video_id(), published="2026-11-20T10:00:00.123456789+00:00"))
    # when
    (event,) = youtube.normalize(delivery(body), PSEUDONYMISE).events
    # then
    assert event.occurred_at == datetime(2026, 11, 20, 10, 0, 0, 123456, tzinfo=UTC)


def test_a_redelivery_gives_the_same_ids() -> None:
    # given
    body = feed(entry(unique_video_id()), tombstone(unique_video_id()))
    # when
    first = youtube.normalize(delivery(body), PSEUDONYMISE)
    again = youtube.normalize(delivery(body, received_at=datetime(2026, 11, 22, tzinfo=UTC)), PSEUDONYMISE)
    # then
    assert [event.event_id for event in first.events] == [event.event_id for event in again.events]


@pytest.mark.parametrize(
    "item",
    [
        "<entry><published>2026-11-20T10:00:00+00:00</published></entry>",
        entry("vidbadtime", published="yesterday"),
        entry("vidnoqtime", published=None, updated=None),
        entry("vidnaive", published="2026-11-20T10:00:00"),
        entry("vidbadrev", updated="soon"),
        '<at:deleted-entry ref="tag:other:1" when="2026-11-20T11:00:00+00:00"/>',
        '<at:deleted-entry ref="yt:video:" when="2026-11-20T11:00:00+00:00"/>',
        '<at:deleted-entry ref="yt:video:abc"/>',
        '<at:deleted-entry ref="yt:video:abc" when="0001-01-01T00:00:00+01:00"/>',
    ],
    ids=[
        "no-video-id",
        "bad-published",
        "no-published",
        "naive-published",
        "bad-updated",
        "foreign-ref",
        "empty-ref",
        "no-when",
        "overflowing-when",
    ],
)
def test_a_malformed_item_is_ignored_and_counted(item: str) -> None:
    # given: one good entry beside the malformed item
    good = unique_video_id()
    body = feed(entry(good), item)
    # when
    normalized = youtube.normalize(delivery(body), PSEUDONYMISE)
    # then
    assert ([event.content_id for event in normalized.events], normalized.ignored) == ([good], 1)


def test_an_empty_feed_gives_no_events() -> None:
    # when
    normalized = youtube.normalize(delivery(feed()), PSEUDONYMISE)
    # then
    assert (normalized.events, normalized.ignored) == ((), 0)


def test_normalize_rejects_a_malformed_body() -> None:
    # when / then
    with pytest.raises(ValidationFailed):
        youtube.normalize(delivery(b"<feed"), PSEUDONYMISE)


# --- updated_event ---------------------------------------------------------------------------------


# --- the topic's channel --------------------------------------------------------------------------


def test_an_entry_of_another_channel_than_the_topics_is_ignored() -> None:
    # given a delivery for UCchannel's topic holding an entry of UCother (signed with UCchannel's secret)
    body = feed(entry(unique_video_id(), channel_id="UCother"), entry(unique_video_id()))
    # when it is normalised
    normalized = youtube.normalize(delivery(body), PSEUDONYMISE)
    # then only the topic's own channel's entry counts
    assert [event.account_id for event in normalized.events] == ["UCchannel"]
    assert normalized.ignored == 1


def test_a_tombstone_of_another_channel_than_the_topics_is_ignored() -> None:
    # given a delivery for UCchannel's topic removing a video of UCother
    body = feed(tombstone(unique_video_id(), by="https://www.youtube.com/channel/UCother"))
    # when / then it is ignored
    normalized = youtube.normalize(delivery(body), PSEUDONYMISE)
    assert (normalized.events, normalized.ignored) == ((), 1)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"link": '<https://pubsubhubbub.appspot.com>; rel="hub"'},
        {"link": link_to("https://example.com/feed?channel_id=UCchannel")},
        {"link": link_to("https://www.youtube.com/xml/feeds/videos.xml?channel_id=UCchannel&x=1")},
        {"link": link_to("https://www.youtube.com/xml/feeds/videos.xml?playlist_id=UCchannel")},
    ],
    ids=["no-link", "no-self", "other-host", "extra-parameter", "not-a-channel-topic"],
)
def test_a_delivery_without_a_channel_topic_counts_nothing(headers: dict[str, str]) -> None:
    # given an entry of UCchannel in a delivery whose Link names no YouTube channel feed
    body = feed(entry(unique_video_id()))
    queued = Delivery("youtube", youtube.delivery_id(body), body, RECEIVED_AT, headers=headers)
    # when / then its entries are ignored
    normalized = youtube.normalize(queued, PSEUDONYMISE)
    assert (normalized.events, normalized.ignored) == ((), 1)


def test_channel_of_topic_reads_the_channel_feed_topic_only() -> None:
    # given / when / then
    assert youtube.channel_of_topic(youtube.topic_for_channel("UC_x-1")) == "UC_x-1"
    assert youtube.channel_of_topic(youtube.topic_for_channel("UC1") + "\n") is None
    assert youtube.channel_of_topic(None) is None


# --- live subscriptions ---------------------------------------------------------------------------

VERIFIED_AT = datetime(2026, 11, 20, 0, 0, tzinfo=UTC)


def test_a_verified_subscription_is_live_for_its_granted_lease() -> None:
    # given / when / then
    assert youtube.live_until("subscribe", VERIFIED_AT, 3600) == datetime(2026, 11, 20, 1, 0, tzinfo=UTC)


def test_a_verified_subscription_without_a_lease_is_live_for_the_lease_we_ask() -> None:
    until = youtube.live_until("subscribe", VERIFIED_AT, None)
    assert until is not None
    assert (until - VERIFIED_AT).total_seconds() == youtube.LEASE_SECONDS


def test_a_lease_longer_than_the_hubs_maximum_counts_as_the_maximum() -> None:
    # given a verification (which anyone may send for a topic we asked for) granting ten years
    until = youtube.live_until("subscribe", VERIFIED_AT, 10 * 365 * 86_400)
    # then it keeps the subscription live for ten days at most
    assert until is not None
    assert (until - VERIFIED_AT).total_seconds() == youtube.MAX_LEASE_SECONDS == 864_000


@pytest.mark.parametrize(
    ("mode", "verified_at"), [("unsubscribe", VERIFIED_AT), (None, None), ("subscribe", None)]
)
def test_an_unverified_or_unsubscribed_topic_is_not_live(
    mode: str | None, verified_at: datetime | None
) -> None:
    assert youtube.live_until(mode, verified_at, 3600) is None


def test_updated_event_is_content_updated_at_the_revision_time() -> None:
    # given
    video_id = unique_video_id()
    body = feed(entry(video_id, channel_id="UCartist", updated="2026-11-22T08:00:00+00:00"))
    (published,) = youtube.normalize(delivery(body, channel_id="UCartist"), PSEUDONYMISE).events
    # when
    updated = youtube.updated_event(published)
    # then it is the publication at its revision, updated
    assert updated == replace(
        published,
        event_id=event_id("youtube", video_id, "updated", "2026-11-22T08:00:00+00:00"),
        kind="content_updated",
        occurred_at=datetime(2026, 11, 22, 8, 0, tzinfo=UTC),
    )
    assert (updated.account_id, updated.revision) == ("UCartist", "2026-11-22T08:00:00+00:00")


def test_updated_events_of_two_revisions_differ() -> None:
    # given
    video_id = unique_video_id()
    (first,) = youtube.normalize(
        delivery(feed(entry(video_id, updated="2026-11-21T08:00:00+00:00"))), PSEUDONYMISE
    ).events
    (second,) = youtube.normalize(
        delivery(feed(entry(video_id, updated="2026-11-22T08:00:00+00:00"))), PSEUDONYMISE
    ).events
    # when / then
    assert youtube.updated_event(first).event_id != youtube.updated_event(second).event_id


def test_updated_event_refuses_an_event_that_is_not_a_publication() -> None:
    # given
    (removed,) = youtube.normalize(
        delivery(feed(tombstone(unique_video_id(), by=CHANNEL_URI))), PSEUDONYMISE
    ).events
    # when / then
    with pytest.raises(ValueError, match="content_published"):
        youtube.updated_event(removed)


# --- never anything but the domain errors ----------------------------------------------------------

# Any text, lone surrogates included (a JSON-decoded event can carry them).
any_text = st.lists(st.one_of(st.characters(), st.characters(categories=["Cs"]))).map("".join)


@given(
    st.dictionaries(
        st.sampled_from(["hub.mode", "hub.topic", "hub.challenge", "hub.lease_seconds"]), any_text
    )
)
def test_parse_intent_raises_only_validation_failed(query: dict[str, str]) -> None:
    # when / then
    with contextlib.suppress(ValidationFailed):
        youtube.parse_intent(query)


def test_an_entry_s_title_is_its_video_s_title() -> None:
    # Given an entry with its <title> (YouTube's Atom entries carry the video's title)
    video_id = unique_video_id()
    titled = entry(video_id, channel_id="UCartist").replace("<entry>", "<entry><title>Clip officiel</title>")
    # When it is normalised
    (event,) = youtube.normalize(delivery(feed(titled), channel_id="UCartist"), PSEUDONYMISE).events
    # Then the publication carries the title, and so does the update a later revision makes of it
    assert event.title == "Clip officiel"
    assert (
        youtube.updated_event(replace(event, revision="2026-11-21T10:00:00+00:00")).title == "Clip officiel"
    )


def test_an_entry_without_a_title_has_none() -> None:
    video_id = unique_video_id()
    (event,) = youtube.normalize(delivery(feed(entry(video_id)), channel_id="UCchannel"), PSEUDONYMISE).events
    assert event.title is None
