"""The ingest consumer: queued deliveries in, engagement events stored exactly once.

A whole SQS batch is normalised, then its events are checked and written together (one read per
100 events, one write per 25 items), so AWS requests grow with events, not with messages. A message
whose events could not all be written is reported as a batch item failure; SQS redelivers it and
the deterministic keys make the retry converge.

A YouTube delivery counts only when its topic had a live subscription when it was received; the
receiver answers it 200 without looking (its hot path stays free of reads), and the consumer reads the
subscriptions of a batch's YouTube topics once per batch.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple, Protocol

from chalicelib.domain.events import Delivery, EngagementEvent, Pseudonymiser, storable
from chalicelib.domain.ingest import (
    Candidate,
    StoredEvent,
    WriteOutcome,
    WritePlan,
    plan_writes,
    revision_updates,
)
from chalicelib.errors import DomainError
from chalicelib.observability import count, logger
from chalicelib.platforms.capabilities import WebhookHandler
from chalicelib.platforms.registry import webhooks

if TYPE_CHECKING:
    from chalicelib.domain.moderation.classifier import Verdict
    from chalicelib.domain.moderation_actions import AutoHideCandidate


def handlers() -> dict[str, WebhookHandler]:
    """Each webhook route family's code (parsers, normalisers), by the name deliveries carry."""
    return {name: webhook.load() for name, webhook in webhooks()}


class QueuedMessage(NamedTuple):
    message_id: str
    body: str


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    failed_message_ids: tuple[str, ...]
    stored: int
    duplicates: int
    ignored: int


class EventStore(Protocol):
    def stored(self, events: Sequence[EngagementEvent]) -> dict[str, StoredEvent]:
        """Which of these events are stored already (by event id)."""
        ...

    def write(
        self,
        plan: WritePlan,
        *,
        written_at: datetime,
        texts_kept_for: timedelta,
        verdicts: Mapping[str, Verdict] | None = None,
    ) -> WriteOutcome:
        """Make the plan durable: texts (with their verdicts), new events, dirty markers and contents
        to pull soon, then the rewrites once the rest is written."""
        ...


class Subscriptions(Protocol):
    def live_until(self, topics: Collection[str]) -> Mapping[str, datetime]: ...


class IngestService:
    def __init__(
        self,
        store: EventStore,
        decode: Callable[[str], Delivery],
        pseudonymiser: Callable[[], Pseudonymiser],
        text_retention_days: int,
        clock: Callable[[], datetime],
        *,
        subscriptions: Subscriptions,
        auto_hide: Callable[[Sequence[AutoHideCandidate]], object] | None = None,
    ) -> None:
        self._store = store
        self._auto_hide = auto_hide
        self._decode = decode
        self._pseudonymiser = pseudonymiser
        self._text_retention_days = text_retention_days
        self._clock = clock
        self._subscriptions = subscriptions
        self._handlers = handlers()
        self._revised = {name: h.revision for name, h in self._handlers.items() if h.revision is not None}
        self._pulled_on_publish = frozenset(name for name, h in self._handlers.items() if h.pull_on_publish)
        # Loaded here, not at import: the webhook path imports this module (test_import_graph).
        from chalicelib.domain.moderation.classifier import classify

        self._classify = classify

    def process(self, messages: Sequence[QueuedMessage]) -> IngestOutcome:
        candidates, failed, ignored = self._normalise(messages)
        if not candidates:
            return self._outcome(failed, WritePlan(), ignored)
        stored = self._store.stored([c.event for c in candidates])
        derived, first_revisions = revision_updates(candidates, stored, self._revised)
        if derived:
            stored |= self._store.stored([c.event for c in derived])
        plan = plan_writes([*candidates, *derived], stored, first_revisions)
        # A new upload's counters are pulled at the next pull run, tracked or not yet.
        plan.pull_soon = [
            c
            for c in plan.new
            if c.event.platform in self._pulled_on_publish and c.event.kind == "content_published"
        ]
        # Every kept text is classified once, when first stored; its verdict rides on the puts of its
        # text and its event (contract section 11): no request of its own. The text is never logged.
        verdicts = {c.event.event_id: self._classify(c.event.text) for c in plan.new if c.event.text}
        written = self._store.write(
            plan,
            written_at=self._clock(),
            texts_kept_for=timedelta(days=self._text_retention_days),
            verdicts=verdicts,
        )
        failed |= written.failed_message_ids
        self._hide_abusive(plan, verdicts, failed)
        return self._outcome(failed, plan, ignored)

    def _hide_abusive(self, plan: WritePlan, verdicts: Mapping[str, Verdict], failed: set[str]) -> None:
        """Hand the stored abusive comments to the labels' auto-hide policies (contract section 11).
        Only when the batch has some: a batch of clean texts costs nothing. A failure to hide never
        fails the batch: the events are stored, and the action's record says what happened."""
        if self._auto_hide is None:
            return
        from chalicelib.domain.moderation_actions import AutoHideCandidate  # not on the webhook path

        candidates = [
            AutoHideCandidate(
                event.platform,
                event.comment_id,
                event.account_id,
                event.content_id,
                verdict.categories,
                verdict.severity,
            )
            for c in plan.new
            if c.message_id not in failed
            and (event := c.event).comment_id
            and (verdict := verdicts.get(event.event_id)) is not None
            and verdict.abusive
        ]
        if not candidates:
            return
        try:
            self._auto_hide(candidates)
        except DomainError as error:
            logger.warning("auto-hide failed", extra={"error_code": error.code, "comments": len(candidates)})

    def _normalise(self, messages: Sequence[QueuedMessage]) -> tuple[list[Candidate], set[str], int]:
        candidates: list[Candidate] = []
        failed: set[str] = set()
        ignored = 0
        deliveries: list[tuple[str, Delivery]] = []
        for message in messages:
            try:
                deliveries.append((message.message_id, self._decode(message.body)))
            except DomainError as error:
                failed.add(self._unreadable(message.message_id, error.code))
        live = self._live_topics(delivery for _, delivery in deliveries)
        pseudonymise = self._pseudonymiser()
        for message_id, delivery in deliveries:
            handler = self._handlers.get(delivery.platform)
            if handler is None:
                failed.add(self._unreadable(message_id, "unknown_platform"))
                continue
            try:
                normalized = handler.normalize(delivery, pseudonymise)
            except (DomainError, KeyError) as error:
                failed.add(self._unreadable(message_id, getattr(error, "code", "unreadable")))
                continue
            if handler.topic is not None and not _live_at_receipt(handler.topic(delivery), delivery, live):
                # A topic we hold no live subscription to: whoever signed it, nothing of it counts.
                ignored += normalized.ignored + len(normalized.events)
                continue
            # An event the store cannot hold would fail its whole batch on every retry: ignore it.
            kept = [e for e in map(storable, normalized.events) if e is not None]
            ignored += normalized.ignored + len(normalized.events) - len(kept)
            candidates.extend(Candidate(event, message_id) for event in kept)
        return candidates, failed, ignored

    @staticmethod
    def _unreadable(message_id: str, reason: str) -> str:
        """Poison: it will be retried, then parked in the dead-letter queue for a human."""
        count("messages_unreadable")
        logger.warning("queued message unreadable", extra={"message_id": message_id, "reason": reason})
        return message_id

    def _live_topics(self, deliveries: Iterable[Delivery]) -> Mapping[str, datetime]:
        """Until when each subscription topic of the batch is live; no read for a batch without one."""
        topics = {
            topic
            for delivery in deliveries
            if (handler := self._handlers.get(delivery.platform)) is not None
            and handler.topic is not None
            and (topic := handler.topic(delivery)) is not None
        }
        return self._subscriptions.live_until(topics) if topics else {}

    def _outcome(self, failed: set[str], plan: WritePlan, ignored: int) -> IngestOutcome:
        stored = sum(1 for c in plan.new if c.message_id not in failed)
        count("events_stored", stored)
        count("events_duplicate", plan.duplicates)
        count("events_ignored", ignored)
        count("messages_failed", len(failed))
        return IngestOutcome(tuple(sorted(failed)), stored, plan.duplicates, ignored)


def _live_at_receipt(topic: str | None, delivery: Delivery, live: Mapping[str, datetime]) -> bool:
    until = live.get(topic) if topic is not None else None
    return until is not None and delivery.received_at < until
