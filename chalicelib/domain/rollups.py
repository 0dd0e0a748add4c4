"""Per-bucket rollups and what a campaign sums from them. Pure.

A rollup holds the net counts of one (platform, content, UTC hour), per account, per kind, per
quarter of the hour: quarters because every time zone's offset is a multiple of 15 minutes, so a
campaign's local hours and days are unions of quarters. A rollup is recomputed from the bucket's
stored events, never incremented, so recomputing it twice gives the same item. It also keeps the
content's newest title among the bucket's events (a delivery that gave one), so that summaries name
content without reading events. And it counts the bucket's classified texts per account and quarter
(texts, abusive ones, abusive ones by category: contract section 11), from the verdict each event
carries, so moderation figures outlive the texts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

QUARTER = timedelta(minutes=15)
HOUR = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class StoredEventView:
    """What a rollup needs of a stored event."""

    event_id: str
    platform: str
    kind: str
    undo: bool
    content_id: str
    account_id: str
    occurred_at: datetime
    title: str | None = None
    abusive: bool | None = None  # None: no classified text
    categories: tuple[str, ...] = ()


# account -> {"texts": [q0..q3], "abusive": [q0..q3], "categories": {category: [q0..q3]}}
ModerationCounts = dict[str, dict[str, Any]]


@dataclass
class ModerationTally:
    """Classified texts, abusive ones, and abusive ones per category."""

    texts: int = 0
    abusive: int = 0
    by_category: dict[str, int] = field(default_factory=dict)

    def add(self, texts: int, abusive: int, categories: Mapping[str, int]) -> None:
        self.texts += texts
        self.abusive += abusive
        for category, n in categories.items():
            if n:
                self.by_category[category] = self.by_category.get(category, 0) + n


@dataclass(frozen=True, slots=True)
class Title:
    """A content's title and the time of the event that gave it."""

    text: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Rollup:
    platform: str
    content_id: str
    hour: datetime  # UTC, on the hour
    # account -> kind -> net count per quarter [q0, q1, q2, q3]
    counts: dict[str, dict[str, list[int]]]
    last_event_at: dict[str, datetime]  # account -> newest event time in the bucket
    title: Title | None = None  # the newest title an event of the bucket gave
    moderation: ModerationCounts = field(default_factory=dict)

    @property
    def accounts(self) -> set[str]:
        return set(self.counts)


def hour_start(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def quarter_start(moment: datetime) -> datetime:
    utc = moment.astimezone(UTC)
    return utc.replace(minute=utc.minute - utc.minute % 15, second=0, microsecond=0)


def compute_rollup(
    platform: str, content_id: str, hour: datetime, events: Iterable[StoredEventView]
) -> Rollup:
    """Net counts (events minus undo events) of the bucket's distinct events."""
    counts: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0, 0]))
    moderation: ModerationCounts = {}
    last: dict[str, datetime] = {}
    seen: set[str] = set()
    titled: list[StoredEventView] = []
    for event in events:
        if event.event_id in seen or hour_start(event.occurred_at) != hour:
            continue
        seen.add(event.event_id)
        if event.title:
            titled.append(event)
        quarter = (event.occurred_at.astimezone(UTC).minute // 15) % 4
        counts[event.account_id][event.kind][quarter] += -1 if event.undo else 1
        if event.account_id not in last or event.occurred_at > last[event.account_id]:
            last[event.account_id] = event.occurred_at
        if event.abusive is not None and not event.undo:
            _count_verdict(moderation, event, quarter)
    plain = {account: {kind: list(q) for kind, q in kinds.items()} for account, kinds in counts.items()}
    newest = max(titled, key=lambda e: (e.occurred_at, e.event_id), default=None)
    title = Title(newest.title, newest.occurred_at) if newest is not None and newest.title else None
    return Rollup(platform, content_id, hour, plain, last, title, moderation)


def _count_verdict(moderation: ModerationCounts, event: StoredEventView, quarter: int) -> None:
    counts = moderation.setdefault(
        event.account_id, {"texts": [0, 0, 0, 0], "abusive": [0, 0, 0, 0], "categories": {}}
    )
    counts["texts"][quarter] += 1
    if event.abusive:
        counts["abusive"][quarter] += 1
        for category in event.categories:
            counts["categories"].setdefault(category, [0, 0, 0, 0])[quarter] += 1


def abusive_by_account(rollup: Rollup) -> dict[str, tuple[int, int, dict[str, int]]]:
    """account -> (texts, abusive, abusive by category) over the rollup's whole hour."""
    return {
        account: (
            sum(counts["texts"]),
            sum(counts["abusive"]),
            {category: sum(q) for category, q in sorted(counts["categories"].items())},
        )
        for account, counts in rollup.moderation.items()
    }


@dataclass(frozen=True, slots=True)
class Tracked:
    """What a campaign tracks on one platform, and the accounts whose events it never counts: those
    registered to artists of other labels (contract section 8), whatever content they are about."""

    accounts: frozenset[str]
    content: frozenset[str]
    excluded: frozenset[str] = frozenset()

    def excludes(self, account_id: str) -> bool:
        return account_id != "" and account_id in self.excluded

    def attributes(self, content_id: str, account_id: str) -> bool:
        if self.excludes(account_id):
            return False
        return content_id in self.content or (account_id != "" and account_id in self.accounts)


@dataclass
class Tally:
    """A campaign's counts, accumulated from rollups and boundary events."""

    # (platform, kind) -> net count
    events: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    # (platform, quarter start UTC) -> net events
    quarters: dict[tuple[str, datetime], int] = field(default_factory=lambda: defaultdict(int))
    # (platform, content) -> net events
    by_content: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    last_event_at: dict[str, datetime] = field(default_factory=dict)
    # (platform, content) with events of an excluded account: another label's content, whose pulled
    # counters the campaign must not show either
    withheld: set[tuple[str, str]] = field(default_factory=set)
    # (platform, content) -> the newest title its rollups or events gave
    titles: dict[tuple[str, str], Title] = field(default_factory=dict)
    # platform -> its classified texts (contract section 11)
    moderation: dict[str, ModerationTally] = field(default_factory=dict)

    def judged(self, platform: str, texts: int, abusive: int, categories: Mapping[str, int]) -> None:
        if texts or abusive:
            self.moderation.setdefault(platform, ModerationTally()).add(texts, abusive, categories)

    def add(self, platform: str, content_id: str, kind: str, quarter: datetime, net: int) -> None:
        if net == 0:
            return
        self.events[(platform, kind)] += net
        self.quarters[(platform, quarter)] += net
        self.by_content[(platform, content_id)] += net

    def saw(self, platform: str, moment: datetime) -> None:
        if platform not in self.last_event_at or moment > self.last_event_at[platform]:
            self.last_event_at[platform] = moment

    def named(self, platform: str, content_id: str, title: Title) -> None:
        """Keep `title` for the content unless a newer one is known."""
        known = self.titles.get((platform, content_id))
        if known is None or (title.at, title.text) > (known.at, known.text):
            self.titles[(platform, content_id)] = title


def add_rollup(tally: Tally, rollup: Rollup, tracked: Tracked, start: datetime, end: datetime) -> None:
    """Add the rollup's whole quarters that lie inside [start, end) and belong to the campaign, and
    its title (a content's name is not a count: any read rollup of the content gives it)."""
    if rollup.title is not None and not any(tracked.excludes(account) for account in rollup.counts):
        tally.named(rollup.platform, rollup.content_id, rollup.title)
    for account, kinds in rollup.counts.items():
        if tracked.excludes(account):
            tally.withheld.add((rollup.platform, rollup.content_id))
            continue
        if not tracked.attributes(rollup.content_id, account):
            continue
        for kind, quarters in kinds.items():
            for index, net in enumerate(quarters):
                quarter = rollup.hour + index * QUARTER
                if start <= quarter and quarter + QUARTER <= end:
                    tally.add(rollup.platform, rollup.content_id, kind, quarter, net)
        last = rollup.last_event_at.get(account)
        if last is not None and start <= last < end:
            tally.saw(rollup.platform, last)
    for account, counts in rollup.moderation.items():
        if not tracked.attributes(rollup.content_id, account):
            continue
        for index in range(4):
            quarter = rollup.hour + index * QUARTER
            if start <= quarter and quarter + QUARTER <= end:
                tally.judged(
                    rollup.platform,
                    counts["texts"][index],
                    counts["abusive"][index],
                    {category: q[index] for category, q in counts["categories"].items()},
                )


def add_events(
    tally: Tally, events: Iterable[StoredEventView], tracked: Tracked, start: datetime, end: datetime
) -> None:
    """Add events one by one (for quarters cut by the window's edges, where a rollup is too coarse)."""
    seen: set[str] = set()
    for event in events:
        if event.event_id in seen or not start <= event.occurred_at < end:
            continue
        seen.add(event.event_id)
        if tracked.excludes(event.account_id):
            tally.withheld.add((event.platform, event.content_id))
            continue
        if not tracked.attributes(event.content_id, event.account_id):
            continue
        if event.title:
            tally.named(event.platform, event.content_id, Title(event.title, event.occurred_at))
        tally.add(
            event.platform,
            event.content_id,
            event.kind,
            quarter_start(event.occurred_at),
            -1 if event.undo else 1,
        )
        tally.saw(event.platform, event.occurred_at)
        if event.abusive is not None and not event.undo:
            abusive = 1 if event.abusive else 0
            tally.judged(event.platform, 1, abusive, dict.fromkeys(event.categories, abusive))


def partial_quarters(start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """The sub-ranges of [start, end) that cut a quarter: read event by event."""
    ranges = []
    first = quarter_start(start)
    if first != start:
        ranges.append((start, min(first + QUARTER, end)))
    last = quarter_start(end)
    if last != end and last >= start and (not ranges or last >= ranges[0][1]):
        ranges.append((max(last, start), end))
    return ranges
