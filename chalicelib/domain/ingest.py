"""Which writes make a batch of normalised events durable exactly once. Pure.

Event ids are deterministic, so a redelivered event maps to the key it was stored under: the
consumer reads which keys exist (one BatchGetItem per 100 events), writes only the new ones, and
counts the rest as duplicates. Everything it writes is a put of a deterministic key, so a retried
batch converges to the same stored state.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from chalicelib.domain.events import EngagementEvent, parse_iso8601

Revise = Callable[[EngagementEvent], EngagementEvent]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A normalised event and the queue message it came from (for partial batch failures)."""

    event: EngagementEvent
    message_id: str


@dataclass(frozen=True, slots=True)
class StoredEvent:
    first_revision: str | None = None


@dataclass(frozen=True, slots=True)
class TouchedBucket:
    """An hour of one content that gained events: its rollup must be recomputed."""

    platform: str
    content_id: str
    hour: str  # YYYY-MM-DDTHH in UTC


@dataclass
class WritePlan:
    new: list[Candidate] = field(default_factory=list)
    # YouTube publications whose first revision moved earlier (a shuffled redelivery): rewritten
    # only after the content_updated events they imply are stored.
    rewrites: list[Candidate] = field(default_factory=list)
    duplicates: int = 0
    touched: set[TouchedBucket] = field(default_factory=set)

    # Contents whose counters the next pull run reads (a new upload of a platform pulled on publish).
    pull_soon: list[Candidate] = field(default_factory=list)

    @property
    def message_ids(self) -> set[str]:
        return {c.message_id for c in (*self.new, *self.rewrites)}


@dataclass(frozen=True, slots=True)
class WriteOutcome:
    """What a write of a plan left undone: the messages some of whose writes are not durable (SQS
    redelivers them; the deterministic keys make the retry converge)."""

    failed_message_ids: frozenset[str] = frozenset()


def hour_of(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H")


def occurred(event: EngagementEvent) -> datetime:
    """The event's time: the platform's, else the delivery's (the first write wins)."""
    return event.occurred_at or event.received_at


def first_per_id(candidates: Iterable[Candidate]) -> list[Candidate]:
    """One candidate per event id: the earliest received, so the first delivery's time wins."""
    chosen: dict[str, Candidate] = {}
    for candidate in candidates:
        current = chosen.get(candidate.event.event_id)
        if current is None or candidate.event.received_at < current.event.received_at:
            chosen[candidate.event.event_id] = candidate
    return list(chosen.values())


def revision_updates(
    candidates: Iterable[Candidate],
    stored: Mapping[str, StoredEvent],
    revised: Mapping[str, Revise],
) -> tuple[list[Candidate], dict[str, str]]:
    """A content's earliest revision is its publication; every later revision is a content_updated
    (`revised`: the event it is, by platform, for platforms whose publications carry revisions:
    YouTube's).

    Defined on revision times rather than arrival order, so shuffled deliveries converge. Returns the
    derived content_updated candidates and, per publication event id, its first revision.
    """
    groups: dict[str, list[Candidate]] = defaultdict(list)
    for candidate in candidates:
        event = candidate.event
        if event.platform in revised and event.kind == "content_published" and event.revision:
            groups[event.event_id].append(candidate)
    derived: list[Candidate] = []
    first_revisions: dict[str, str] = {}
    for publication_id, group in groups.items():
        by_revision = {c.event.revision: c for c in group}
        known = stored.get(publication_id)
        if known and known.first_revision and known.first_revision not in by_revision:
            by_revision[known.first_revision] = replace(
                group[0], event=replace(group[0].event, revision=known.first_revision)
            )
        first = min(by_revision, key=lambda revision: parse_iso8601(str(revision)))
        first_revisions[publication_id] = str(first)
        derived.extend(
            Candidate(revised[candidate.event.platform](candidate.event), candidate.message_id)
            for revision, candidate in by_revision.items()
            if revision != first
        )
    return derived, first_revisions


def plan_writes(
    candidates: Iterable[Candidate],
    stored: Mapping[str, StoredEvent],
    first_revisions: Mapping[str, str],
) -> WritePlan:
    plan = WritePlan()
    for chosen in first_per_id(candidates):
        event = chosen.event
        first_revision = first_revisions.get(event.event_id)
        candidate = chosen
        if first_revision is not None:
            candidate = replace(chosen, event=replace(event, revision=first_revision))
        known = stored.get(event.event_id)
        bucket = TouchedBucket(event.platform, event.content_id, hour_of(occurred(event)))
        # Touch even on a duplicate: a crash after the event but before its marker must heal.
        plan.touched.add(bucket)
        if known is None:
            plan.new.append(candidate)
            continue
        plan.duplicates += 1
        if first_revision is not None and known.first_revision != first_revision:
            plan.rewrites.append(candidate)
    return plan
