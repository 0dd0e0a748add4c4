"""X webhooks: Account Activity API (AAA) bodies and the X Activity API (XAA) envelope.

Pure: the webhook route calls `crc_response`, `verify` and `validate`; the queue consumer calls
`normalize`. X sends no delivery id and may deliver twice, so every event id comes from X's own ids
(tweet `id_str`, favorite `id`, XAA `event_uuid`, ...), never from the time of sending.

XAA assumptions, pinned in the tests: the envelope is `{"data": {"event_uuid", "event_type", "filter":
{"user_id"}, "payload"}}`; the subscribed account is `data.filter.user_id` (the subscription's filter,
echoed on delivery); posts in `payload` follow the v2 post shape (`id`, `text`, `author_id`,
`created_at`, `referenced_tweets`), likes the v2 like shape (`liked_tweet_id`, `liking_user_id`) and
follows carry `source.id`. Where the post an event is about is missing, the account stands for it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from chalicelib.domain.events import EngagementEvent, Normalized, parse_iso8601, utc_from_unix
from chalicelib.domain.webhooks import WebhookRequest, require_equal
from chalicelib.errors import ValidationFailed
from chalicelib.platforms._json import Json, as_id, as_object, decode, user_text
from chalicelib.platforms._webhook import EventContext, query_handshake, signed_delivery
from chalicelib.platforms.capabilities import WebhookHandler

if TYPE_CHECKING:
    from chalicelib.domain.events import Delivery, Pseudonymiser
    from chalicelib.domain.secrets import Secrets

MEDIA_TYPES: frozenset[str] = frozenset({"application/json"})
SIGNATURE_HEADER = "x-twitter-webhooks-signature"
PLATFORM = "x"
# What X sends as a crc_token (base64 or base64url of random bytes); fullmatch, so no trailing newline.
CRC_TOKEN = re.compile(r"[A-Za-z0-9+/=_-]{1,255}")

# AAA top-level keys that describe the delivery rather than carry events.
_AAA_METADATA_KEYS = frozenset({"for_user_id", "user_has_blocked", "users", "apps"})
_FOLLOW_TYPES = frozenset({"follow", "unfollow"})
_CREATED_AT_FORMAT = "%a %b %d %H:%M:%S %z %Y"  # "Wed Oct 10 20:19:24 +0000 2018"
_TEXT_KINDS = frozenset({"reply", "quote", "mention"})

_XAA_KINDS = {
    "like.create": "like",
    "post.reply.create": "reply",
    "post.quote.create": "quote",
    "post.repost.create": "repost",
    "post.mention.create": "mention",
    "follow.follow": "follow",
    "follow.unfollow": "unfollow",
    "post.create": "content_published",
    "post.delete": "content_removed",
}
# For these XAA events the engagement is about the post the new one references.
_XAA_REFERENCE_TYPES = {
    "post.reply.create": "replied_to",
    "post.quote.create": "quoted",
    "post.repost.create": "retweeted",
}


def crc_response(query: Mapping[str, str], consumer_secret: str) -> dict[str, str]:
    """Challenge-Response Check: prove we hold the consumer secret, or X disables the webhook.

    The answer is HMAC-SHA256(consumer secret, token), exactly the signature X puts on a body: signing
    any caller's string would let anyone forge deliveries. So only tokens of the shape X sends are
    answered, and no HMAC is computed for anything else. No JSON value X could deliver fits that
    shape (an X body is an object, and `{` is outside it).
    """
    token = query.get("crc_token")
    if token is None or CRC_TOKEN.fullmatch(token) is None:
        raise ValidationFailed(
            "The crc_token must be 1 to 255 letters, digits, '+', '/', '=', '_' or '-'.",
            fields={"crc_token": "must match ^[A-Za-z0-9+/=_-]{1,255}$"},
        )
    digest = hmac.new(consumer_secret.encode("utf-8"), token.encode("ascii"), hashlib.sha256).digest()
    return {"response_token": "sha256=" + base64.b64encode(digest).decode("ascii")}


def verify(request: WebhookRequest, secret: str) -> None:
    """`x-twitter-webhooks-signature: sha256=<base64 HMAC-SHA256(consumer secret, raw body)>`."""
    digest = hmac.new(secret.encode("utf-8"), request.body, hashlib.sha256).digest()
    expected = "sha256=" + base64.b64encode(digest).decode("ascii")
    require_equal(expected, request.header(SIGNATURE_HEADER))


def delivery_id(body: bytes) -> str:
    """X sends no delivery id: the body's hash makes an identical redelivery a duplicate."""
    return hashlib.sha256(body).hexdigest()


def validate(body: bytes) -> None:
    """Cheap envelope check after a valid signature; the items are judged later, one by one."""
    _parse(body)


def normalize(delivery: Delivery, pseudonymise: Pseudonymiser) -> Normalized:
    """Every counted activity becomes one event; the others (unknown or malformed) are `ignored`."""
    document = _parse(delivery.body)
    data = document.get("data")
    if isinstance(data, dict):
        return _normalize_xaa(data, delivery.received_at, pseudonymise)
    context = EventContext(
        PLATFORM, as_id(document.get("for_user_id")) or "", delivery.received_at, pseudonymise
    )
    return _normalize_aaa(document, context)


# --- envelope -------------------------------------------------------------------------------------


def _parse(body: bytes) -> Json:
    """An XAA envelope (`data`) or an AAA body (`for_user_id` and arrays of activities keyed by kind).

    An object with neither is not a delivery of X's at all and is refused; an AAA body whose arrays are
    all of kinds we do not count is a delivery, accepted and counted as ignored.
    """
    document = decode(body, keep_lone_surrogates=True)
    if not isinstance(document, dict):
        raise ValidationFailed("The body must be a JSON object.")
    if "data" in document:
        _check_xaa(document["data"])
    elif "for_user_id" in document:
        _check_aaa(document)
    else:
        raise ValidationFailed(
            'The body is neither an Account Activity body ("for_user_id") nor an X Activity envelope '
            '("data").'
        )
    return document


def _check_xaa(data: object) -> None:
    if not isinstance(data, dict):
        raise ValidationFailed('The "data" of an X Activity event must be an object.')
    for field in ("event_type", "event_uuid"):
        if not as_id(data.get(field)):
            raise ValidationFailed(f'The X Activity event has no "{field}".')


def _check_aaa(document: Json) -> None:
    if not as_id(document["for_user_id"]):
        raise ValidationFailed('"for_user_id" must be a user id.')
    for key in _AAA_HANDLERS:
        if key in document and not isinstance(document[key], list):
            raise ValidationFailed(f'"{key}" must be a list.')


# --- events ---------------------------------------------------------------------------------------


def _normalize_aaa(document: Json, context: EventContext) -> Normalized:
    events: list[EngagementEvent] = []
    ignored = 0
    for key, value in document.items():
        if key in _AAA_METADATA_KEYS:
            continue
        handler = _AAA_HANDLERS.get(key)
        for item in value if isinstance(value, list) else [value]:
            event = handler(as_object(item), context) if handler else None
            if event is None:
                ignored += 1
            else:
                events.append(event)
    return Normalized(events=tuple(events), ignored=ignored)


def _tweet_event(tweet: Json, context: EventContext) -> EngagementEvent | None:
    tweet_id = as_id(tweet.get("id_str")) or as_id(tweet.get("id"))
    if tweet_id is None:
        return None
    classified = _classify_tweet(tweet, tweet_id, context.account_id)
    if classified is None:
        return None
    kind, content_id = classified
    return context.event(
        kind,
        content_id,
        ("tweet", tweet_id),
        actor_id=_user_id(tweet),
        occurred_at=_aaa_time(tweet),
        text=_tweet_text(tweet) if kind in _TEXT_KINDS else None,
        # The subscribed account's own post: its text is the content's title in summaries.
        title=_tweet_text(tweet) if kind == "content_published" else None,
        comment_id=tweet_id,
    )


def _classify_tweet(tweet: Json, tweet_id: str, account_id: str) -> tuple[str, str] | None:
    """(kind, content_id) by the contract's precedence: repost, quote, reply, mention, own post."""
    if tweet.get("retweeted_status") is not None:
        retweeted = _status_id(tweet["retweeted_status"])
        return None if retweeted is None else ("repost", retweeted)
    quoted = _status_id(tweet.get("quoted_status")) or as_id(tweet.get("quoted_status_id_str"))
    if quoted is not None:
        return "quote", quoted
    replied_to = as_id(tweet.get("in_reply_to_status_id_str"))
    if replied_to is not None:
        return "reply", replied_to
    if account_id and account_id in _mentioned_ids(tweet):
        return "mention", tweet_id
    if account_id and _user_id(tweet) == account_id:
        return "content_published", tweet_id
    return None


def _by_the_subscribed_user(actor_id: str | None, context: EventContext) -> bool:
    """AAA also reports what the subscribed user does (its likes, its follows and unfollows of
    others): the artist's own activity, not engagement it received, so it is ignored."""
    return bool(context.account_id) and actor_id == context.account_id


def _favorite_event(favorite: Json, context: EventContext) -> EngagementEvent | None:
    favorite_id = as_id(favorite.get("id"))
    liked = _status_id(favorite.get("favorited_status"))
    liker = _user_id(favorite)
    if favorite_id is None or liked is None or _by_the_subscribed_user(liker, context):
        return None
    return context.event(
        "like", liked, ("favorite", favorite_id), actor_id=liker, occurred_at=_aaa_time(favorite)
    )


def _follow_event(follow: Json, context: EventContext) -> EngagementEvent | None:
    """An account-level event: the subscribed (else the followed) account stands for the content."""
    kind = follow.get("type")
    source = as_id(as_object(follow.get("source")).get("id"))
    target = as_id(as_object(follow.get("target")).get("id"))
    if not isinstance(kind, str) or kind not in _FOLLOW_TYPES or source is None or target is None:
        return None
    if _by_the_subscribed_user(source, context):
        return None
    identity = ("follow", kind, source, target, as_id(follow.get("created_timestamp")) or "")
    content_id = context.account_id or target
    return context.event(kind, content_id, identity, actor_id=source, occurred_at=_aaa_time(follow))


def _delete_event(deletion: Json, context: EventContext) -> EngagementEvent | None:
    status = as_object(deletion.get("status"))
    status_id = as_id(status.get("id_str")) or as_id(status.get("id"))
    if status_id is None:
        return None
    return context.event(
        "content_removed",
        status_id,
        ("delete", status_id),
        actor_id=as_id(status.get("user_id")),
        occurred_at=_aaa_time(deletion),
    )


_AAA_HANDLERS: dict[str, Callable[[Json, EventContext], EngagementEvent | None]] = {
    "tweet_create_events": _tweet_event,
    "favorite_events": _favorite_event,
    "follow_events": _follow_event,
    "tweet_delete_events": _delete_event,
}


def _normalize_xaa(data: Json, received_at: datetime, pseudonymise: Pseudonymiser) -> Normalized:
    """One XAA envelope is one activity; it is ignored when its type is outside the contract's table
    or when it names neither the post it is about nor the subscribed account."""
    event_type = str(data["event_type"])
    kind = _XAA_KINDS.get(event_type)
    if kind is None:
        return Normalized(events=(), ignored=1)
    payload = as_object(data.get("payload"))
    context = EventContext(
        PLATFORM, as_id(as_object(data.get("filter")).get("user_id")) or "", received_at, pseudonymise
    )
    content_id = _xaa_content_id(event_type, payload) or context.account_id
    if not content_id:
        return Normalized(events=(), ignored=1)
    event = context.event(
        kind,
        content_id,
        ("xaa", str(data["event_uuid"])),
        actor_id=_xaa_actor_id(payload),
        occurred_at=_iso_time(payload.get("created_at")),
        text=_xaa_text(payload) if kind in _TEXT_KINDS else None,
        title=_xaa_text(payload) if kind == "content_published" else None,
        comment_id=as_id(payload.get("id")),
    )
    return Normalized(events=(event,))


def _xaa_content_id(event_type: str, payload: Json) -> str | None:
    reference_type = _XAA_REFERENCE_TYPES.get(event_type)
    if reference_type is not None:
        return _referenced_id(payload, reference_type)
    if event_type == "like.create":
        return as_id(payload.get("liked_tweet_id"))
    if event_type.startswith("post."):
        return as_id(payload.get("id"))
    return None


def _referenced_id(payload: Json, reference_type: str) -> str | None:
    references = payload.get("referenced_tweets")
    for reference in references if isinstance(references, list) else []:
        reference_object = as_object(reference)
        if reference_object.get("type") == reference_type:
            return as_id(reference_object.get("id"))
    return None


def _xaa_actor_id(payload: Json) -> str | None:
    return (
        as_id(payload.get("author_id"))
        or as_id(payload.get("liking_user_id"))
        or as_id(as_object(payload.get("source")).get("id"))
    )


def _xaa_text(payload: Json) -> str | None:
    """A long post's full text is in `note_tweet`; `text` is then truncated."""
    return user_text(as_object(payload.get("note_tweet")).get("text")) or user_text(payload.get("text"))


# --- values ---------------------------------------------------------------------------------------


def _status_id(value: object) -> str | None:
    status = as_object(value)
    return as_id(status.get("id_str")) or as_id(status.get("id"))


def _user_id(item: Json) -> str | None:
    return as_id(as_object(item.get("user")).get("id_str"))


def _mentioned_ids(tweet: Json) -> set[str]:
    """Mentioned users; past 140 characters only `extended_tweet.entities` has them all."""
    found: set[str] = set()
    for holder in (tweet, as_object(tweet.get("extended_tweet"))):
        mentions = as_object(holder.get("entities")).get("user_mentions")
        for mention in mentions if isinstance(mentions, list) else []:
            mentioned = as_id(as_object(mention).get("id_str"))
            if mentioned is not None:
                found.add(mentioned)
    return found


def _tweet_text(tweet: Json) -> str | None:
    return user_text(as_object(tweet.get("extended_tweet")).get("full_text")) or user_text(tweet.get("text"))


def _aaa_time(item: Json) -> datetime | None:
    """`timestamp_ms` / `created_timestamp` (milliseconds), else `created_at` in X's v1.1 format."""
    for key in ("timestamp_ms", "created_timestamp"):
        millis = as_id(item.get(key))
        if millis is not None:
            return _from_millis(millis)
    created_at = item.get("created_at")
    if not isinstance(created_at, str):
        return None
    try:
        return datetime.strptime(created_at, _CREATED_AT_FORMAT).astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def _iso_time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return parse_iso8601(value)
    except (OverflowError, ValueError):
        return None


def _from_millis(millis: str) -> datetime | None:
    try:
        return utc_from_unix(int(millis) / 1000)
    except (OverflowError, OSError, ValueError):
        return None


# --- the registry's view -----------------------------------------------------------------------------


def _consumer_secret(secrets: Secrets) -> str:
    return secrets.x_consumer_secret


# The CRC and the deliveries are signed with the same consumer secret.
HANDLER = WebhookHandler(
    media_types=MEDIA_TYPES,
    accept=signed_delivery(verify, _consumer_secret, validate, delivery_id),
    normalize=normalize,
    handshake=query_handshake(crc_response, _consumer_secret, "application/json"),
)
