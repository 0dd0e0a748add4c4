"""YouTube WebSub: verification of intent, `X-Hub-Signature` and Atom deliveries. Pure.

Each subscription gets its own `hub.secret`, derived from one configured key and the topic, so the
receiver can recompute it from the delivery's `Link` header without storing secrets per channel.
Whoever holds a topic's secret (the hub) can sign any body for that topic, so an entry counts only for
the topic's own channel, and only while we hold a live subscription to the topic (`live_until`).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal

from defusedxml import ElementTree as SafeElementTree

from chalicelib.domain.events import EngagementEvent, Normalized, event_id, parse_iso8601
from chalicelib.domain.webhooks import Challenge, WebhookRequest, is_utf8
from chalicelib.errors import InvalidSignature, NotFound, ValidationFailed
from chalicelib.platforms.capabilities import WebhookContext, WebhookHandler

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from chalicelib.domain.events import Delivery, Pseudonymiser

PLATFORM = "youtube"
MEDIA_TYPES: frozenset[str] = frozenset({"application/atom+xml", "application/xml", "text/xml"})

_NAMESPACES = {
    "atom": "http://www.w3.org/2005/Atom",
    "yt": "http://www.youtube.com/xml/schemas/2015",
    "at": "http://purl.org/atompub/tombstones/1.0",
}
_FEED = "{http://www.w3.org/2005/Atom}feed"
_ENTRY = "{http://www.w3.org/2005/Atom}entry"
_TOMBSTONE = "{http://purl.org/atompub/tombstones/1.0}deleted-entry"
_VIDEO_REF = "yt:video:"
_CHANNEL_URI = re.compile(r"/channel/([^/?#]+)")
_SIGNATURE = re.compile(r"(sha1|sha256|sha384|sha512)=([0-9a-f]+)")
_LINK = re.compile(r"<([^>]*)>([^,]*)")
_REL = re.compile(r';\s*rel\s*=\s*"?([^";]*)"?', re.IGNORECASE)
_LEASE = re.compile(r"[0-9]{1,10}")
_TOPIC = re.compile(r"https://www\.youtube\.com/xml/feeds/videos\.xml\?channel_id=([A-Za-z0-9_-]{1,64})")

LEASE_SECONDS = 432_000  # what we ask for: 5 days, the reference hub's default
# The reference hub's maximum (10 days): a longer lease recorded from a verification (which anyone
# can send for a topic we asked for) keeps a subscription live no longer than this.
MAX_LEASE_SECONDS = 864_000

Mode = Literal["subscribe", "unsubscribe"]


@dataclass(frozen=True, slots=True)
class Intent:
    """A hub's verification of intent: answer `challenge` only if we asked for `topic`."""

    mode: Mode
    topic: str
    challenge: str
    lease_seconds: int | None


def delivery_id(body: bytes) -> str:
    """WebSub sends no delivery id: the body's hash makes a redelivery a duplicate."""
    return hashlib.sha256(body).hexdigest()


def topic_for_channel(channel_id: str) -> str:
    return f"https://www.youtube.com/xml/feeds/videos.xml?channel_id={channel_id}"


def hub_secret_for(topic: str, key: str) -> str:
    """The `hub.secret` of one subscription: the subscription job sends it, the receiver recomputes it."""
    return hmac.new(key.encode("utf-8"), topic.encode("utf-8"), hashlib.sha256).hexdigest()


def topic_of(request: WebhookRequest) -> str | None:
    """The topic a content delivery is for, from `Link: <hub>; rel="hub", <topic>; rel="self"`."""
    return topic_of_link(request.header("link"))


def topic_of_link(header: str | None) -> str | None:
    """The `rel="self"` target of a `Link` header (kept with the queued delivery), or None."""
    if header is None or not header.isascii():
        return None
    for match in _LINK.finditer(header):
        rel = _REL.search(match.group(2))
        if rel is not None and "self" in rel.group(1).lower().split() and match.group(1):
            return match.group(1)
    return None


def channel_of_topic(topic: str | None) -> str | None:
    """The channel id of a YouTube channel feed topic; None for any other topic."""
    match = _TOPIC.fullmatch(topic) if topic is not None else None
    return match.group(1) if match else None


def live_until(
    verified_mode: str | None, verified_at: datetime | None, lease_seconds: int | None
) -> datetime | None:
    """Until when a subscription is live: the hub verified our subscribe, and its lease (the one it
    granted, else the one we asked for, at most MAX_LEASE_SECONDS) has not run out. None: not live."""
    if verified_mode != "subscribe" or verified_at is None:
        return None
    lease = min(lease_seconds or LEASE_SECONDS, MAX_LEASE_SECONDS)
    return verified_at + timedelta(seconds=lease)


def parse_intent(query: Mapping[str, str]) -> Intent:
    missing = [name for name in ("hub.mode", "hub.topic", "hub.challenge") if not _is_text(query.get(name))]
    if missing:
        raise ValidationFailed(
            f"The verification of intent lacks a usable {', '.join(missing)}.",
            fields=dict.fromkeys(missing, "is required"),
        )
    return Intent(
        mode=_mode(query["hub.mode"]),
        topic=query["hub.topic"],
        challenge=query["hub.challenge"],
        lease_seconds=_lease_seconds(query.get("hub.lease_seconds")),
    )


def verify(request: WebhookRequest, secret: str) -> None:
    """Check `X-Hub-Signature: <method>=<hex>` with whichever method the hub named."""
    header = request.header("x-hub-signature")
    match = _SIGNATURE.fullmatch(header.lower()) if header is not None else None
    if match is None:
        raise InvalidSignature("The X-Hub-Signature header is missing or malformed.")
    method, received = match.groups()
    expected = hmac.new(secret.encode("utf-8"), request.body, method).hexdigest()
    if not hmac.compare_digest(expected, received):
        raise InvalidSignature("The X-Hub-Signature does not match the body.")


def validate(body: bytes) -> None:
    _parse_feed(body)


def normalize(delivery: Delivery, pseudonymise: Pseudonymiser) -> Normalized:
    """One event per entry or tombstone of the topic's own channel (the `Link` header kept with the
    delivery names the topic); entries of any other channel, or of a delivery without a channel topic,
    are ignored. Feeds name no actor, so `pseudonymise` goes unused."""
    channel = channel_of_topic(topic_of_link(delivery.headers.get("link")))
    events: list[EngagementEvent] = []
    ignored = 0
    for item in _parse_feed(delivery.body):
        if item.tag == _ENTRY:
            event = _published(item, delivery.received_at)
        elif item.tag == _TOMBSTONE:
            event = _removed(item, delivery.received_at)
        else:
            continue  # the feed's own title, links and updated time
        if event is None or channel is None or event.account_id != channel:
            ignored += 1
        else:
            events.append(event)
    return Normalized(events=tuple(events), ignored=ignored)


def updated_event(published: EngagementEvent) -> EngagementEvent:
    """The `content_updated` event the store records when a known video comes with a new revision."""
    if published.platform != PLATFORM or published.kind != "content_published" or not published.revision:
        raise ValueError("updated_event needs a YouTube content_published event with a revision")
    return replace(
        published,
        event_id=event_id(PLATFORM, published.content_id, "updated", published.revision),
        kind="content_updated",
        occurred_at=parse_iso8601(published.revision),
    )


def _mode(raw: str) -> Mode:
    if raw == "subscribe":
        return "subscribe"
    if raw == "unsubscribe":
        return "unsubscribe"
    raise ValidationFailed(
        "hub.mode must be subscribe or unsubscribe.", fields={"hub.mode": "must be subscribe or unsubscribe"}
    )


def _is_text(value: str | None) -> bool:
    """Present and encodable: a lone surrogate could be neither looked up nor echoed."""
    return is_utf8(value) if value else False


def _lease_seconds(raw: str | None) -> int | None:
    if raw is None:
        return None
    if not _LEASE.fullmatch(raw) or int(raw) == 0:
        raise ValidationFailed(
            "hub.lease_seconds must be a positive integer.",
            fields={"hub.lease_seconds": "must be a positive integer"},
        )
    return int(raw)


def _parse_feed(body: bytes) -> Element:
    try:
        root: Element = SafeElementTree.fromstring(
            body, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    # ParseError is a SyntaxError; refused DTDs and undecodable text are ValueErrors; unknown
    # encodings are LookupErrors.
    except (SyntaxError, ValueError, LookupError, RecursionError) as error:
        raise ValidationFailed("The body is not well-formed XML free of DTDs and entities.") from error
    if root.tag != _FEED:
        raise ValidationFailed("The body is not an Atom feed.")
    return root


def _published(entry: Element, received_at: datetime) -> EngagementEvent | None:
    video_id = _text(entry, "yt:videoId")
    published = _text(entry, "atom:published")
    revision = _text(entry, "atom:updated") or published
    occurred_at = _time(published)
    if not video_id or occurred_at is None or _time(revision) is None:
        return None
    return EngagementEvent(
        event_id=event_id(PLATFORM, video_id, "published"),
        platform=PLATFORM,
        kind="content_published",
        content_id=video_id,
        account_id=_text(entry, "yt:channelId"),
        occurred_at=occurred_at,
        received_at=received_at,
        revision=revision,
        title=_text(entry, "atom:title") or None,
    )


def _removed(tombstone: Element, received_at: datetime) -> EngagementEvent | None:
    ref = (tombstone.get("ref") or "").strip()
    video_id = ref.removeprefix(_VIDEO_REF) if ref.startswith(_VIDEO_REF) else ""
    occurred_at = _time((tombstone.get("when") or "").strip())
    if not video_id or occurred_at is None:
        return None
    channel = _CHANNEL_URI.search(_text(tombstone, "at:by/atom:uri"))
    return EngagementEvent(
        event_id=event_id(PLATFORM, video_id, "removed"),
        platform=PLATFORM,
        kind="content_removed",
        content_id=video_id,
        account_id=channel.group(1) if channel else "",
        occurred_at=occurred_at,
        received_at=received_at,
    )


def _text(element: Element, path: str) -> str:
    return element.findtext(path, default="", namespaces=_NAMESPACES).strip()


def _time(value: str) -> datetime | None:
    try:
        return parse_iso8601(value)
    except (ValueError, OverflowError):  # OverflowError: a year-1 time with a positive offset
        return None


# --- the registry's view -----------------------------------------------------------------------------


def _accept(request: WebhookRequest, context: WebhookContext) -> str:
    topic = topic_of(request)
    if topic is None:
        raise InvalidSignature("The delivery names no topic (Link rel=self), so it cannot be verified.")
    verify(request, hub_secret_for(topic, context.secrets().youtube_hub_secret))
    validate(request.body)
    return delivery_id(request.body)


def _handshake(request: WebhookRequest, context: WebhookContext) -> Challenge:
    intent = parse_intent(request.query)
    if context.hub.requested_mode(intent.topic) != intent.mode:
        raise NotFound("We did not ask the hub for this topic.")
    context.hub.verified(intent.topic, intent.mode, intent.lease_seconds, context.now.isoformat())
    return Challenge(intent.challenge, "text/plain")


def _counted_topic(delivery: Delivery) -> str | None:
    """The channel topic a delivery counts under (None: none can count), from its kept Link header."""
    topic = topic_of_link(delivery.headers.get("link"))
    return topic if channel_of_topic(topic) is not None else None


HANDLER = WebhookHandler(
    media_types=MEDIA_TYPES,
    accept=_accept,
    normalize=normalize,
    handshake=_handshake,
    topic=_counted_topic,
    revision=updated_event,
    pull_on_publish=True,
)
