"""Moderation reports (contract section 11): `moderation.html` and `moderation.csv` per label and UTC
day, written by the publish job, linked by `GET /moderation/links` for admin, editor and moderator.

Which days: those of the rollups the run's refresh changed that count abusive texts. Which label: the
label of the artist holding the account, else each label whose campaigns track it (as the wave job).
What is read, per (label, day): the accounts with abusive texts that day (the refresh's `MODACT#<day>`
items), their contents with abusive texts that day (`MODH#` items), and those contents' `TXT#` items of
the day: cost grows with abusive activity, never with the table. Repeat counts add the tallies earlier
days' reports stored (`domain/moderation/report.py`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol

from chalicelib.adapters.wave_store import AbusiveHour
from chalicelib.domain.access import Action, Principal
from chalicelib.domain.moderation.report import AbusiveText, ModerationReport, build_report, day_tally
from chalicelib.domain.rollups import abusive_by_account
from chalicelib.domain.roster import Owner
from chalicelib.errors import NotFound, ValidationFailed
from chalicelib.observability import logger
from chalicelib.services.access import require_label
from chalicelib.services.publishing.links import link_expiry, parse_expires_in
from chalicelib.services.publishing.refresh import Refresh
from chalicelib.services.waves import CampaignTracking, tracking_labels

AccountKey = tuple[str, str]


class Activity(Protocol):
    """What the rollup refresh derived (chalicelib.adapters.wave_store.DynamoWaves)."""

    def active_accounts(self, day: date) -> list[tuple[str, str]]: ...
    def abusive_hours(
        self, platform: str, account_id: str, first: datetime, last: datetime
    ) -> list[AbusiveHour]: ...


class Texts(Protocol):
    def abusive_texts(self, platform: str, content_id: str, day: date) -> list[AbusiveText]: ...
    def tallies(self, label: str, first: date, last: date) -> dict[date, dict[str, int]]: ...
    def put_tally(self, label: str, day: date, authors: Mapping[str, int], expires_at: datetime) -> None: ...


class Reports(Protocol):
    def put(self, label: str, day: date, bodies: Mapping[str, bytes], generated_at: datetime) -> None: ...
    def generated_at(self, label: str, day: date) -> str | None: ...
    def presign(self, label: str, day: date, name: str, expires_in_seconds: int) -> str: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class ModerationReportService:
    activity: Activity
    texts: Texts
    reports: Reports
    owners: Callable[[], Iterable[Owner]]
    campaigns: Callable[[], Iterable[CampaignTracking]]
    authenticate: Callable[[str | None], Principal]
    clock: Callable[[], datetime]
    render_html: Callable[[ModerationReport, int], bytes]
    render_csv: Callable[[ModerationReport], bytes]
    repeat_days: int

    # The publish job ----------------------------------------------------------------------------------

    def publish(self, refresh: Refresh, now: datetime) -> list[str]:
        """Rewrite the report of every (label, day) whose abusive texts the refresh recounted;
        returns them as `<label>/<day>`."""
        touched = {
            (rollup.platform, account, rollup.hour.date())
            for rollup in refresh.rollups
            for account, (_, abusive, _) in abusive_by_account(rollup).items()
            if account and abusive
        }
        if not touched:
            return []
        labels_of = self._labels_by_account()
        due = sorted({(label, day) for p, a, day in touched for label in labels_of.get((p, a), ())})
        for label, day in due:
            self._write(label, day, labels_of, now)
        return [f"{label}/{day.isoformat()}" for label, day in due]

    def _write(self, label: str, day: date, labels_of: Mapping[AccountKey, set[str]], now: datetime) -> None:
        start = datetime.combine(day, time(), tzinfo=UTC)
        texts: list[AbusiveText] = []
        for platform, account in sorted(self.activity.active_accounts(day)):
            if label not in labels_of.get((platform, account), ()):
                continue
            hours = self.activity.abusive_hours(platform, account, start, start + timedelta(hours=23))
            for content_id in sorted({hour.content_id for hour in hours}):
                found = self.texts.abusive_texts(platform, content_id, day)
                texts += [text for text in found if text.account_id == account]
        first = day - timedelta(days=self.repeat_days - 1)
        earlier = self.texts.tallies(label, first, day - timedelta(days=1))
        report = build_report(label, day, texts, earlier.values(), now)
        kept_until = start + timedelta(days=self.repeat_days + 1)
        self.texts.put_tally(label, day, day_tally(texts), kept_until)
        bodies = {
            "moderation.html": self.render_html(report, self.repeat_days),
            "moderation.csv": self.render_csv(report),
        }
        self.reports.put(label, day, bodies, now)
        logger.info(
            "moderation report written",
            extra={"label": label, "day": day.isoformat(), "abusive_texts": len(report.rows)},
        )

    def _labels_by_account(self) -> dict[AccountKey, set[str]]:
        """The label of each registered account's artist; an unregistered account's tracking labels."""
        labels: dict[AccountKey, set[str]] = defaultdict(set, tracking_labels(self.campaigns()))
        for owner in self.owners():
            if not owner.released:
                labels[owner.key] = {owner.label}
        return labels

    # GET /moderation/links ----------------------------------------------------------------------------

    def links(
        self, bearer: str | None, label: str | None, day: str | None, expires_in: str | None
    ) -> dict[str, Any]:
        """Presigned links to a label's report of one UTC day (`day`, default today UTC)."""
        label = require_label(self.authenticate(bearer), label, Action.READ_MODERATION_REPORTS)
        wanted = _day(day) if day else self.clock().astimezone(UTC).date()
        seconds = parse_expires_in(expires_in)
        generated_at = self.reports.generated_at(label, wanted)
        if generated_at is None:
            raise NotFound(
                f"This label has no moderation report for {wanted.isoformat()}: the publish job writes "
                "one for each day with abusive texts."
            )
        return {
            "label": label,
            "day": wanted.isoformat(),
            "html": self.reports.presign(label, wanted, "moderation.html", seconds),
            "csv": self.reports.presign(label, wanted, "moderation.csv", seconds),
            "generated_at": generated_at,
            "expires_at": link_expiry(self.clock(), seconds),
        }


def _day(raw: str) -> date:
    message = "day must be a date, YYYY-MM-DD."
    try:
        parsed = date.fromisoformat(raw)
    except ValueError:
        parsed = None
    if parsed is None or len(raw) != len("YYYY-MM-DD"):
        raise ValidationFailed(message, fields={"day": message})
    return parsed
