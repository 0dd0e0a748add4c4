"""The normalised engagement event (contract section 3) and the helpers every platform shares.

Pure: no AWS, no Chalice.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from chalicelib.platforms import registry

# The contract's vocabulary, in the order summaries list it.
KIND_ORDER: tuple[str, ...] = (
    "comment",
    "reply",
    "reaction",
    "like",
    "share",
    "repost",
    "quote",
    "mention",
    "follow",
    "unfollow",
    "content_published",
    "content_updated",
    "content_removed",
    "click",
    "presave",
    "other",
)
KINDS: frozenset[str] = frozenset(KIND_ORDER)

# The platforms a campaign tracks by name, in the order campaigns and summaries list them
# (Standard Webhooks sources are `standard:<source>` on top): the registry's.
PLATFORM_ORDER: tuple[str, ...] = tuple(name for name, _ in registry.tracked())
PLATFORMS: frozenset[str] = frozenset(PLATFORM_ORDER)
# How people write them (a Standard Webhooks source goes by its own name).
PLATFORM_NAMES: dict[str, str] = {name: tracking.display_name for name, tracking in registry.tracked()}
STANDARD_PREFIX = registry.STANDARD_PREFIX


def platform_name(platform: str) -> str:
    """`YouTube`, `TikTok`; `standard:linkfire` is `linkfire`."""
    return PLATFORM_NAMES.get(platform) or platform.removeprefix(STANDARD_PREFIX)


# A content id is part of the storage keys (an event's partition key holds at most 2048 bytes, a dirty
# marker's sort key 1024 with the platform and the hour), and a stored item holds at most 400 KB. Real
# platform ids and texts are far shorter; an event that could never be written is refused (Standard
# Webhooks) or ignored, and an overlong text is cut, so that no accepted delivery fails on every retry.
MAX_CONTENT_ID_BYTES = 512
MAX_ACCOUNT_ID_BYTES = 512
MAX_TEXT_CHARS = 20_000
# A content's title (a video's, or the first words of a post) as summaries show it.
MAX_TITLE_CHARS = 300

# The times the tracker handles. Rollups add hours, summaries move to any time zone: near datetime's
# limits (years 1 and 9999) that arithmetic overflows. No platform predates 2000, and no campaign
# runs past 2199, so an event dated outside is ignored and a campaign outside is refused.
EARLIEST_TIME = datetime(2000, 1, 1, tzinfo=UTC)
LATEST_TIME = datetime(2200, 1, 1, tzinfo=UTC)
SUPPORTED_TIMES = "from 2000-01-01 to 2199-12-31 (UTC)"


def is_supported_time(moment: datetime) -> bool:
    """Whether an aware time lies within EARLIEST_TIME (included) and LATEST_TIME (excluded)."""
    try:
        return EARLIEST_TIME <= moment.astimezone(UTC) < LATEST_TIME
    except OverflowError:  # year 1 with a positive offset has no UTC equivalent
        return False


def _utf8_length(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def storable_content_id(content_id: str) -> bool:
    return _utf8_length(content_id) <= MAX_CONTENT_ID_BYTES


def storable(event: EngagementEvent) -> EngagementEvent | None:
    """The event as it can be stored: None when an id is too long for the store or its time is out of
    the supported range; its text cut to size."""
    if not storable_content_id(event.content_id) or _utf8_length(event.account_id) > MAX_ACCOUNT_ID_BYTES:
        return None
    if event.occurred_at is not None and not is_supported_time(event.occurred_at):
        return None
    if event.text is not None and len(event.text) > MAX_TEXT_CHARS:
        event = replace(event, text=event.text[:MAX_TEXT_CHARS])
    if event.title is not None:
        event = replace(event, title=title_of(event.title))
    return event


def title_of(text: str | None) -> str | None:
    """A title as summaries show it: one line, whitespace collapsed, at most MAX_TITLE_CHARS (cut with
    an ellipsis); None when nothing is left."""
    if text is None:
        return None
    line = " ".join(text.split())
    if len(line) > MAX_TITLE_CHARS:
        line = line[: MAX_TITLE_CHARS - 1].rstrip() + "\u2026"
    return line or None


# Pseudonymises a platform user id: keyed HMAC, so the raw id is never stored.
Pseudonymiser = Callable[[str], str]


def is_platform(name: str) -> bool:
    return name in PLATFORMS or (name.startswith(STANDARD_PREFIX) and len(name) > len(STANDARD_PREFIX))


@dataclass(frozen=True, slots=True)
class EngagementEvent:
    event_id: str
    platform: str
    kind: str
    content_id: str
    account_id: str
    occurred_at: datetime | None  # None: the platform gave no time; the first delivery's time is used
    received_at: datetime
    undo: bool = False
    actor: str | None = None
    text: str | None = None
    # A platform's version marker of the content (YouTube's <updated>); the store uses it to tell a
    # first publication from a later update. None for every other platform.
    revision: str | None = None
    # The content's title, where the delivery gives one (a YouTube entry's <title>, the text of the
    # tracked account's own post): stored on the event, carried by its rollup to summaries.
    title: str | None = None
    # The platform's own id of the comment, reply, quote or mention a text came in, where the delivery
    # gives one: moderation reports link to it, and a hide request finds it (the by_comment index).
    comment_id: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind {self.kind!r}")
        if not is_platform(self.platform):
            raise ValueError(f"unknown platform {self.platform!r}")


@dataclass(frozen=True, slots=True)
class Delivery:
    """One accepted webhook delivery, as queued: the raw bytes plus what the receiver saw."""

    platform: str  # route family: meta, x, youtube, tiktok, standard
    delivery_id: str  # the platform's own id when it sends one, else a hash of the body
    body: bytes
    received_at: datetime
    content_type: str = ""
    source: str | None = None  # the {source} of /webhooks/standard/{source}
    # The few headers a parser needs after verification (e.g. webhook-id, Link); never secrets.
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Normalized:
    events: tuple[EngagementEvent, ...]
    ignored: int = 0  # items of a valid envelope that are malformed or of a type not counted


def event_id(platform: str, *identity: str) -> str:
    """Deterministic id from the platform's own identity of an event (never a send time)."""
    text = "\x1f".join((platform, *identity))
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return digest[:32]


def keyed_pseudonymiser(key: bytes) -> Pseudonymiser:
    def pseudonymise(platform_user_id: str) -> str:
        raw = platform_user_id.encode("utf-8", "surrogatepass")
        return hmac.new(key, raw, hashlib.sha256).hexdigest()[:32]

    return pseudonymise


def utc_from_unix(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def parse_iso8601(value: str) -> datetime:
    """Parse an ISO 8601 time with an offset (or Z) into UTC; naive times are rejected."""
    parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError("time has no UTC offset")
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # e.g. 0001-01-01T00:00:00+01:00 falls before year 1 in UTC
        raise ValueError("time is out of range") from None
