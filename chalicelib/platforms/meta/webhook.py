"""Meta webhooks: Facebook Pages `feed` and Instagram `comments` / `mentions`.

Pure: the webhook route calls `answer_handshake`, `verify` and `validate`; the queue consumer calls
`normalize`. Meta sends no delivery id and redelivers for 36 h, so every event id comes from the change
itself, never from `entry.time` (when Meta *sent* the batch).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from chalicelib.domain.events import EngagementEvent, Normalized, parse_iso8601, utc_from_unix
from chalicelib.domain.webhooks import WebhookRequest, is_utf8, lenient_utf8, require_equal
from chalicelib.errors import Forbidden, ValidationFailed
from chalicelib.platforms._json import Json, as_id, as_object, as_str, decode, user_text
from chalicelib.platforms._webhook import EventContext, query_handshake, signed_delivery
from chalicelib.platforms.capabilities import WebhookHandler

if TYPE_CHECKING:
    from chalicelib.domain.events import Delivery, Pseudonymiser

MEDIA_TYPES: frozenset[str] = frozenset({"application/json"})
SIGNATURE_HEADER = "x-hub-signature-256"

_PLATFORM_BY_OBJECT = {"page": "facebook", "instagram": "instagram"}
_POST_ITEMS = frozenset({"status", "post", "photo", "video"})
_POST_KINDS = {"add": "content_published", "edited": "content_updated", "remove": "content_removed"}
_UNDO_BY_VERB = {"add": False, "remove": True}


def answer_handshake(query: Mapping[str, str], verify_token: str) -> str:
    """The subscription handshake: echo hub.challenge only to the holder of our verify token.

    The token is checked first (403 before 400, as the contract orders the answers), so a stranger
    learns nothing about what a well-formed handshake looks like.
    """
    received = query.get("hub.verify_token")
    if (
        not verify_token
        or received is None
        or not hmac.compare_digest(lenient_utf8(verify_token), lenient_utf8(received))
    ):
        raise Forbidden("The verify token is missing or wrong.")
    challenge = query.get("hub.challenge")
    # A lone surrogate can be neither encoded in the answer nor echoed: refuse it as malformed.
    if query.get("hub.mode") != "subscribe" or not challenge or not is_utf8(challenge):
        raise ValidationFailed("A handshake needs hub.mode=subscribe and a hub.challenge.")
    return challenge


def verify(request: WebhookRequest, secret: str) -> None:
    """`X-Hub-Signature-256: sha256=<lowercase hex HMAC-SHA256(app secret, raw body)>`."""
    digest = hmac.new(secret.encode("utf-8"), request.body, hashlib.sha256).hexdigest()
    require_equal(f"sha256={digest}", request.header(SIGNATURE_HEADER))


def delivery_id(body: bytes) -> str:
    """Meta sends no delivery id: the body's hash makes an identical redelivery a duplicate."""
    return hashlib.sha256(body).hexdigest()


def validate(body: bytes) -> None:
    """Cheap envelope check after a valid signature; the items are judged later, one by one."""
    _parse(body)


def normalize(delivery: Delivery, pseudonymise: Pseudonymiser) -> Normalized:
    """Every counted change becomes one event; the others (unknown or malformed) are `ignored`."""
    events: list[EngagementEvent] = []
    ignored = 0
    for meta_object, entries in _parse(delivery.body):
        platform = _PLATFORM_BY_OBJECT.get(meta_object)
        for raw_entry in entries:
            entry = as_object(raw_entry)
            changes = entry.get("changes")
            if platform is None or not isinstance(changes, list):
                ignored += len(changes) if isinstance(changes, list) else 1
                continue
            context = EventContext(platform, as_id(entry.get("id")) or "", delivery.received_at, pseudonymise)
            for change in changes:
                event = _change_event(as_object(change), context)
                if event is None:
                    ignored += 1
                else:
                    events.append(event)
    return Normalized(events=tuple(events), ignored=ignored)


# --- envelope -------------------------------------------------------------------------------------

Envelope = tuple[str, list[object]]  # Meta's `object` and its `entry` list
_NOT_AN_ENVELOPE = (
    'The body must be a Meta envelope (an object with an "object" and an "entry" list), a non-empty '
    "array of such envelopes, or a non-empty array of Instagram changes."
)


def _parse(body: bytes) -> list[Envelope]:
    """The body's envelopes, in the three shapes Meta sends: one envelope object, an array of envelope
    objects (Instagram), or an array of bare Instagram `{"field", "value"}` changes, read as one
    Instagram entry without id. Anything else is not a delivery of Meta's and is refused."""
    document = decode(body, keep_lone_surrogates=True)
    if isinstance(document, dict):
        return [_envelope(document)]
    if not isinstance(document, list) or not document:
        raise ValidationFailed(_NOT_AN_ENVELOPE)
    if all(_is_envelope(item) for item in document):
        return [_envelope(item) for item in document]
    if all(_is_change(item) for item in document):
        return [("instagram", [{"changes": document}])]
    raise ValidationFailed(_NOT_AN_ENVELOPE)


def _envelope(document: Json) -> Envelope:
    meta_object, entries = document.get("object"), document.get("entry")
    if not isinstance(meta_object, str) or not meta_object:
        raise ValidationFailed('The body has no "object" saying what changed.')
    if not isinstance(entries, list):
        raise ValidationFailed('The body has no "entry" list.')
    return meta_object, entries


def _is_envelope(item: object) -> bool:
    return (
        isinstance(item, dict)
        and isinstance(item.get("object"), str)
        and bool(item["object"])
        and isinstance(item.get("entry"), list)
    )


def _is_change(item: object) -> bool:
    """A bare change names its field; its value is judged later, with the other changes."""
    return isinstance(item, dict) and isinstance(item.get("field"), str)


# --- changes --------------------------------------------------------------------------------------


def _change_event(change: Json, context: EventContext) -> EngagementEvent | None:
    handler = _HANDLERS.get((context.platform, as_str(change.get("field"))))
    value = change.get("value")
    if handler is None or not isinstance(value, dict):
        return None
    return handler(value, context)


def _feed_event(value: Json, context: EventContext) -> EngagementEvent | None:
    """A Page `feed` change; `hide`, `unhide`, edits of comments and unknown items are not counted."""
    item, verb, post_id = as_str(value.get("item")), as_str(value.get("verb")), as_id(value.get("post_id"))
    if post_id is None:
        return None
    classified = _feed_kind(item, verb, as_id(value.get("parent_id")), post_id)
    if classified is None:
        return None
    kind, undo = classified
    actor_id = as_id(as_object(value.get("from")).get("id"))
    created_time = value.get("created_time")
    key = as_id(value.get("comment_id")) or post_id
    return context.event(
        kind,
        post_id,
        (key, item, verb, as_id(created_time) or "", actor_id or ""),
        actor_id=actor_id,
        occurred_at=_meta_time(created_time),
        text=user_text(value.get("message")) if kind in ("comment", "reply") else None,
        undo=undo,
        # A post the Page published or edited: its message is the content's title in summaries.
        title=user_text(value.get("message")) if kind in ("content_published", "content_updated") else None,
        comment_id=as_id(value.get("comment_id")) if item == "comment" else None,
    )


def _feed_kind(item: str, verb: str, parent_id: str | None, post_id: str) -> tuple[str, bool] | None:
    """(kind, undo) of a feed change, or None when it is not counted."""
    if item in _POST_ITEMS:
        kind = _POST_KINDS.get(verb)
        return None if kind is None else (kind, False)
    if item == "share":
        return ("share", False) if verb == "add" else None
    if item == "reaction":
        kind = "reaction"
    elif item == "comment":
        # A top-level comment's parent is the post itself; any other parent is a comment.
        kind = "reply" if parent_id not in (None, post_id) else "comment"
    else:
        return None
    undo = _UNDO_BY_VERB.get(verb)
    return None if undo is None else (kind, undo)


def _instagram_comment(value: Json, context: EventContext) -> EngagementEvent | None:
    """An IG comment (a reply when it has a parent). IG gives no time: the store uses the first delivery's."""
    comment_id = as_id(value.get("id")) or as_id(value.get("comment_id"))
    media_id = as_id(as_object(value.get("media")).get("id")) or as_id(value.get("media_id"))
    if comment_id is None or media_id is None:
        return None
    return context.event(
        "reply" if as_id(value.get("parent_id")) else "comment",
        media_id,
        ("comment", comment_id),
        actor_id=as_id(as_object(value.get("from")).get("id")),
        occurred_at=None,
        text=user_text(value.get("text")),
        comment_id=comment_id,
    )


def _instagram_mention(value: Json, context: EventContext) -> EngagementEvent | None:
    """The IG user was @mentioned in a caption (`media_id` only) or a comment (`comment_id` too)."""
    media_id = as_id(value.get("media_id"))
    if media_id is None:
        return None
    identity = ("mention", media_id, as_id(value.get("comment_id")) or "")
    return context.event("mention", media_id, identity, actor_id=None, occurred_at=None)


_HANDLERS: dict[tuple[str, str], Callable[[Json, EventContext], EngagementEvent | None]] = {
    ("facebook", "feed"): _feed_event,
    ("instagram", "comments"): _instagram_comment,
    ("instagram", "mentions"): _instagram_mention,
}


# --- values ---------------------------------------------------------------------------------------


def _meta_time(value: object) -> datetime | None:
    """`created_time` as unix seconds (number or digits) or ISO 8601; None when absent or unusable."""
    text = as_id(value)
    if text is None:
        return None
    try:
        return utc_from_unix(int(text)) if text.isdigit() else parse_iso8601(text)
    except (OverflowError, OSError, ValueError):
        return None


# --- the registry's view -----------------------------------------------------------------------------


HANDLER = WebhookHandler(
    media_types=MEDIA_TYPES,
    accept=signed_delivery(verify, lambda secrets: secrets.meta_app_secret, validate, delivery_id),
    normalize=normalize,
    handshake=query_handshake(answer_handshake, lambda secrets: secrets.meta_verify_token, "text/plain"),
)
