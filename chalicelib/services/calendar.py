"""The group calendar (contract section 9): `GET /calendar`, feeds and their iCalendar, and the
per-label calendar pages the publish job writes.

Feeds are capabilities: `GET /feeds/<feed_id>.<secret>/calendar.ics` needs no bearer. The table
keeps only the SHA-256 of the secret, compared in constant time, and reads the feed's item on every
request (consistent), so a revoked feed is a 404 at once. The ETag derives from the feed's own item
(its `version`, bumped whenever a campaign change may alter what it shows), so a poll with a matching
`If-None-Match` is a 304 after reading that one item and nothing else.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from chalicelib.domain.access import TOKEN_ID, Action, Principal, new_token, require, split_token
from chalicelib.domain.calendar import MAX_RANGE, Calendar, CalendarCampaign, build_calendar, calendar_json
from chalicelib.domain.stored import StoredFeed
from chalicelib.errors import ConfigurationError, Forbidden, NotFound, ValidationFailed
from chalicelib.models import json_object, validated
from chalicelib.models.campaign import SLUG
from chalicelib.models.feed import FeedRequest
from chalicelib.observability import logger
from chalicelib.services.publishing.links import parse_expires_in

NO_FEED = "No such feed."
# Part of every ETag: a change of what a feed looks like (this renderer) must change its ETag too.
FEED_FORMAT = "ics-1"
DEFAULT_DAYS = 90


class Campaigns(Protocol):
    def list_all(self) -> list[Any]: ...


class Feeds(Protocol):
    def get(self, feed_id: str) -> StoredFeed | None: ...

    def list_all(self) -> list[StoredFeed]: ...

    def put(self, feed: StoredFeed) -> None: ...

    def delete(self, feed_id: str) -> bool: ...

    def bump(self, feed_id: str) -> None: ...


class Pages(Protocol):
    def put(self, label: str, body: bytes) -> None: ...

    def exists(self, label: str) -> bool: ...

    def presign(self, label: str, expires_in_seconds: int) -> str: ...


@dataclass(frozen=True, slots=True)
class FeedAnswer:
    status: int  # 200 or 304
    etag: str
    body: bytes = b""


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def etag_of(feed: StoredFeed, spacing: timedelta) -> str:
    seed = f"{feed.feed_id}:{feed.version}:{FEED_FORMAT}:{spacing.total_seconds():g}"
    return '"' + hashlib.sha256(seed.encode("utf-8")).hexdigest()[:32] + '"'


def matches(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110's weak comparison of If-None-Match (a list, or `*`) with our ETag."""
    if not if_none_match:
        return False
    for candidate in if_none_match.split(","):
        tag = candidate.strip()
        if tag == "*" or tag.removeprefix("W/") == etag:
            return True
    return False


def _moment(raw: str, name: str) -> datetime:
    message = "Must be a date (2026-11-20, UTC) or an ISO 8601 date-time with an offset."
    try:
        if len(raw) == 10:
            day = date.fromisoformat(raw)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed(f"{name} is not a date.", fields={name: message}) from None
    if moment.utcoffset() is None:
        raise ValidationFailed(f"{name} has no offset.", fields={name: message})
    return moment


def parse_range(raw_from: str | None, raw_to: str | None, now: datetime) -> tuple[datetime, datetime]:
    """[from, to): both optional (from today, UTC, for 90 days); at most 400 days."""
    today = datetime(now.year, now.month, now.day, tzinfo=UTC)
    fields: dict[str, str] = {}
    start = end = None
    for name, raw in (("from", raw_from), ("to", raw_to)):
        if raw:
            try:
                moment = _moment(raw, name)
            except ValidationFailed as error:
                fields.update(error.fields or {})
                continue
            if name == "from":
                start = moment
            else:
                end = moment
    if fields:
        raise ValidationFailed("The calendar's range is not valid.", fields=fields)
    start = start or (end - timedelta(days=DEFAULT_DAYS) if end else today)
    end = end or start + timedelta(days=DEFAULT_DAYS)
    if end <= start:
        raise ValidationFailed("to must be after from.", fields={"to": "Must be after from."})
    if end - start > MAX_RANGE:
        message = f"The range from `from` to `to` must be at most {MAX_RANGE.days} days."
        raise ValidationFailed(message, fields={"to": message})
    return start, end


def page_zone(campaigns: Sequence[CalendarCampaign], label: str) -> str:
    """The time zone most of the label's campaigns use (UTC when it has none)."""
    zones = Counter(c.timezone for c in campaigns if c.label == label and not c.archived)
    return sorted(zones.items(), key=lambda item: (-item[1], item[0]))[0][0] if zones else "UTC"


class _ShownAs:
    """A campaign whose `artist` reads as the registered artist's name; everything else its own."""

    def __init__(self, campaign: Any, artist_name: str) -> None:
        self._campaign = campaign
        self.artist = artist_name

    def __getattr__(self, name: str) -> Any:
        return getattr(self._campaign, name)


@dataclass(frozen=True, slots=True, kw_only=True)
class CalendarService:
    campaigns: Campaigns
    authenticate: Callable[[str | None], Principal]
    feeds: Feeds
    pages: Pages
    clock: Callable[[], datetime]
    spacing: timedelta
    public_base_url: str | None
    render_ics: Callable[[str, Calendar], bytes]
    render_page: Callable[..., bytes]
    artist_names: Callable[[], Mapping[tuple[str, str], str]] | None = None

    def _named(self, campaigns: Sequence[Any]) -> list[Any]:
        """The campaigns as a feed or a page shows them: an `artist` that is a registered artist of
        the campaign's label reads as the artist's name ("Angèle", not "angele")."""
        names = self.artist_names() if self.artist_names is not None else {}
        return [
            _ShownAs(campaign, names[(campaign.label, campaign.artist)])
            if (campaign.label, campaign.artist) in names
            else campaign
            for campaign in campaigns
        ]

    # GET /calendar -------------------------------------------------------------------------------

    def calendar(
        self, bearer: str | None, raw_from: str | None, raw_to: str | None, label: str | None
    ) -> dict[str, Any]:
        principal = self.authenticate(bearer)
        require(principal, Action.READ)
        if label is not None:
            self._require_label(principal, label, Action.READ)
        start, end = parse_range(raw_from, raw_to, self.clock())

        def shown(of: str) -> bool:
            return of == label if label is not None else principal.covers(of)

        calendar = build_calendar(
            self.campaigns.list_all(), shown, principal.covers, self.spacing, start=start, end=end
        )
        return calendar_json(calendar, start, end, self.spacing)

    # Feeds ---------------------------------------------------------------------------------------

    def create_feed(self, bearer: str | None, body: bytes) -> dict[str, str]:
        principal = self.authenticate(bearer)
        require(principal, Action.FEEDS)
        request = validated(FeedRequest, json_object(body), "feed")
        outside = [label for label in request.labels if not principal.covers(label)]
        if outside:
            raise Forbidden(f"This token may not make feeds of label {', '.join(outside)}.")
        if not self.public_base_url:
            raise ConfigurationError("PUBLIC_BASE_URL is required: it is the feed URL's base.")
        feed_id, capability, digest = new_token()
        self.feeds.put(
            StoredFeed(
                feed_id=feed_id,
                name=request.name,
                labels=frozenset(request.labels),
                secret_sha256=digest,
                created_at=self.clock().isoformat(),
                created_by=principal.token_id,
            )
        )
        logger.info("feed created", extra={"feed_id": feed_id, "by": principal.token_id})
        return {"feed_id": feed_id, "url": f"{self.public_base_url}/feeds/{capability}/calendar.ics"}

    def revoke_feed(self, bearer: str | None, feed_id: str) -> None:
        principal = self.authenticate(bearer)
        feed = self.feeds.get(feed_id) if TOKEN_ID.fullmatch(feed_id) else None
        if feed is None or not all(principal.covers(label) for label in feed.labels):
            raise NotFound(NO_FEED)
        require(principal, Action.FEEDS)
        self.feeds.delete(feed_id)
        logger.info("feed revoked", extra={"feed_id": feed_id, "by": principal.token_id})

    def feed(self, capability: str, if_none_match: str | None) -> FeedAnswer:
        """The feed's iCalendar, or a 304 read from the feed's item alone. Never log `capability`."""
        parts = split_token(capability)
        feed = self.feeds.get(parts[0]) if parts else None
        if parts is None or feed is None:
            raise NotFound(NO_FEED)
        if not hmac.compare_digest(_digest(parts[1]).encode(), feed.secret_sha256.encode()):
            raise NotFound(NO_FEED)
        etag = etag_of(feed, self.spacing)
        if matches(if_none_match, etag):
            return FeedAnswer(304, etag)
        calendar = build_calendar(
            self._named(self.campaigns.list_all()),
            feed.labels.__contains__,
            feed.labels.__contains__,
            self.spacing,
        )
        return FeedAnswer(200, etag, self.render_ics(feed.name, calendar))

    def labels_changed(self, labels: set[str]) -> None:
        """A campaign of these labels changed, or one whose pushes clash(ed) with theirs: every feed
        showing one of them gets a new version (and so a new ETag)."""
        for feed in self.feeds.list_all():
            if feed.labels & labels:
                self.feeds.bump(feed.feed_id)

    # Pages ---------------------------------------------------------------------------------------

    def publish_pages(
        self, campaigns: Sequence[Any], now: datetime, labels: set[str] | None = None
    ) -> list[str]:
        """Write calendar.html of every label with a campaign that is not archived (or of `labels`)."""
        wanted = sorted(
            {c.label for c in campaigns if not c.archived and (labels is None or c.label in labels)}
        )
        shown = self._named(campaigns)
        for label in wanted:
            zone_name = page_zone(campaigns, label)
            calendar = build_calendar(
                shown, label.__eq__, label.__eq__, self.spacing, start=now - timedelta(days=31)
            )
            page = self.render_page(
                label,
                calendar,
                generated_at=now,
                tz=ZoneInfo(zone_name),
                zone_name=zone_name,
                spacing_hours=self.spacing.total_seconds() / 3600,
            )
            self.pages.put(label, page)
        return wanted

    def links(self, bearer: str | None, label: str | None, expires_in: str | None) -> dict[str, Any]:
        principal = self.authenticate(bearer)
        if not label:
            raise ValidationFailed("label is required.", fields={"label": "Required."})
        self._require_label(principal, label, Action.LINKS)
        seconds = parse_expires_in(expires_in)
        if not self.pages.exists(label):
            raise NotFound("This label has no published calendar yet.")
        now = self.clock()
        expires_at = (now + timedelta(seconds=seconds)).astimezone(UTC).replace(microsecond=0)
        return {
            "html": self.pages.presign(label, seconds),
            "expires_at": expires_at.isoformat().replace("+00:00", "Z"),
        }

    @staticmethod
    def _require_label(principal: Principal, label: str, action: Action) -> None:
        if not SLUG.fullmatch(label):
            raise NotFound("No such label.")
        require(principal, action, label, not_found="No such label.")
