"""The `moderation` job (contract section 11): abuse waves per artist (or unregistered account) and
platform, one alert per wave; and the routes that read moderation (`GET /moderation/links`).

Hourly. Each run evaluates, for every key with abusive texts in the last hours (the rollup refresh's
`MODACT#<day>` items) or with a live wave, the completed hours since the key's last evaluation, with the
pure wave rule (`domain/moderation/waves.py`) over the hourly abusive counts the refresh derived from
rollups (`MODH#` items: one Query per account, 4 weeks and 4 hours deep).

Exactly one alert per wave: a wave's id is a function of its key and start hour, so every run that
evaluates the same counts (a retry, a concurrent run, a run after a crash) names the same wave. The
alert item `ALERTS#<label>` / `abuse_wave#<wave id>` is claimed with a conditional put before SNS is
called, and only the run whose claim succeeds publishes. A publish SNS refuses is recorded and retried
once by a later run (the radar's `take_retry`); a process that dies between the claim and SNS's answer
leaves the alert listed by `GET /alerts` unpublished (at most once, never twice).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import InitVar, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Protocol
from urllib.parse import urlencode

from chalicelib.adapters.wave_store import AbusiveHour, WaveRecord, WaveState
from chalicelib.domain.moderation.waves import (
    BASELINE_WEEKS,
    HOUR,
    WEEK,
    WINDOW_HOURS,
    LiveWave,
    WaveChange,
    WaveKey,
    replay,
)
from chalicelib.domain.rollups import hour_start
from chalicelib.domain.roster import Owner
from chalicelib.domain.stored import Alert
from chalicelib.observability import count
from chalicelib.services.alerting import AlertLog, AlertPublisher

ABUSE_WAVE = "abuse_wave"
# The rollups of an hour are computed by the publish job (every 15 minutes) once its events are in:
# an hour is evaluated once it ended this long ago.
SETTLE = timedelta(minutes=20)
# A key seen for the first time is evaluated over these last hours (a wave starts within 4 hours).
FIRST_LOOKBACK = timedelta(hours=6)
# How far back a key's activity makes it a candidate.
ACTIVE_LOOKBACK = timedelta(hours=6)


class ModerationStore(Protocol):
    def active_accounts(self, day: date) -> list[tuple[str, str]]: ...
    def abusive_hours(
        self, platform: str, account_id: str, first: datetime, last: datetime
    ) -> list[AbusiveHour]: ...
    def state(self, label: str, platform: str, subject: str) -> WaveState: ...
    def save_state(self, label: str, platform: str, subject: str, state: WaveState) -> None: ...
    def live_keys(self) -> list[tuple[str, str, str]]: ...
    def put_wave(self, wave: WaveRecord) -> None: ...


class Alerts(AlertLog, Protocol):
    def claim(self, alert: Alert) -> bool: ...


class CampaignTracking(Protocol):
    @property
    def label(self) -> str: ...

    @property
    def archived(self) -> bool: ...

    @property
    def tracked(self) -> Any: ...


def tracking_labels(campaigns: Iterable[CampaignTracking]) -> dict[tuple[str, str], set[str]]:
    """(platform, account) -> labels whose campaigns track it (for accounts of no registered artist)."""
    labels: dict[tuple[str, str], set[str]] = defaultdict(set)
    for campaign in campaigns:
        if campaign.archived:
            continue
        for platform, ids in campaign.tracked.entries():
            for account in ids.accounts:
                labels[(platform, account)].add(campaign.label)
    return labels


@dataclass(frozen=True, slots=True)
class Subject:
    label: str
    subject: str  # artist:<id> or account:<id>
    platform: str


@dataclass(slots=True, kw_only=True)
class WaveService:
    store: ModerationStore
    owners: Callable[[], Iterable[Owner]]
    campaigns: Callable[[], Iterable[CampaignTracking]]
    alerts: Alerts
    publish_alert: InitVar[Callable[[], Callable[[dict[str, Any]], None]]]
    clock: Callable[[], datetime]
    report_link: Callable[[str, date], str]
    _publisher: AlertPublisher = field(init=False)

    def __post_init__(self, publish_alert: Callable[[], Callable[[dict[str, Any]], None]]) -> None:
        self._publisher = AlertPublisher(self.alerts, publish_alert, self.clock)

    def run(self) -> dict[str, Any]:
        now = self.clock()
        last = hour_start(now - SETTLE) - HOUR
        keys = self._keys(last)
        done: dict[str, Any] = {"evaluated": 0, "started": [], "ended": [], "retried": []}
        for subject, accounts in sorted(keys.items(), key=lambda item: (item[0].label, item[0].subject)):
            starts, ends = self._evaluate(subject, accounts, last, now)
            done["evaluated"] += 1
            done["started"] += starts
            done["ended"] += ends
        for label in sorted({subject.label for subject in keys}):
            done["retried"] += self._publisher.retry_failed(label, now, {ABUSE_WAVE})
        count("waves_started", len(done["started"]))
        return done

    def _keys(self, last: datetime) -> dict[Subject, set[str]]:
        """Each (label, artist or account, platform) to evaluate, with the accounts it sums."""
        owners = [o for o in self.owners() if not o.released]
        owner_of = {o.key: o for o in owners}
        artist_accounts: dict[tuple[str, str], set[str]] = defaultdict(set)
        for owner in owners:
            artist_accounts[(owner.artist_id, owner.platform)].add(owner.account_id)
        active: set[tuple[str, str]] = set()
        day = (last - ACTIVE_LOOKBACK).date()
        while day <= last.date():
            active.update(self.store.active_accounts(day))
            day += timedelta(days=1)
        tracking: dict[tuple[str, str], set[str]] | None = None
        keys: dict[Subject, set[str]] = {}
        for platform, account in sorted(active):
            held = owner_of.get((platform, account))
            if held is not None:
                subject = Subject(held.label, f"artist:{held.artist_id}", platform)
                keys[subject] = artist_accounts[(held.artist_id, platform)]
                continue
            if tracking is None:
                tracking = tracking_labels(self.campaigns())
            for label in sorted(tracking.get((platform, account), ())):
                keys[Subject(label, f"account:{account}", platform)] = {account}
        for label, platform, name in self.store.live_keys():
            subject = Subject(label, name, platform)
            if subject not in keys:
                kind, _, ident = name.partition(":")
                keys[subject] = artist_accounts[(ident, platform)] if kind == "artist" else {ident}
        return keys

    def _evaluate(
        self, subject: Subject, accounts: set[str], last: datetime, now: datetime
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        state = self.store.state(subject.label, subject.platform, subject.subject)
        first = state.through + HOUR if state.through is not None else last - FIRST_LOOKBACK + HOUR
        if first > last:
            return [], []
        earliest = first - WEEK * BASELINE_WEEKS - HOUR * (WINDOW_HOURS - 1)
        counts: dict[datetime, int] = defaultdict(int)
        categories: dict[datetime, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for account in sorted(accounts):
            for hour in self.store.abusive_hours(subject.platform, account, earliest, last):
                counts[hour.hour] += hour.abusive
                for category, n in hour.categories.items():
                    categories[hour.hour][category] += n
        key = WaveKey(subject.subject, subject.platform)
        live_state = state.live
        live = _live(key, live_state) if live_state is not None else None
        live, changes = replay(key, counts, first, last, live)
        starts, ends = [], []
        for change in changes:
            if change.kind == "start":
                by_category = _window_categories(categories, change.hour)
                live_state = {"by_category": by_category}
                starts.append(self._started(subject, change, by_category, now))
            else:
                ends.append(self._ended(subject, change, live_state or {}))
                live_state = None
        live_json = None
        if live is not None:
            live_json = {
                "wave_id": live.wave_id,
                "started_at": live.started_at.isoformat(),
                "abusive": live.abusive,
                "quiet_hours": live.quiet_hours,
                "by_category": (live_state or {}).get("by_category", {}),
            }
        self.store.save_state(subject.label, subject.platform, subject.subject, WaveState(last, live_json))
        return starts, ends

    def _started(
        self, subject: Subject, change: WaveChange, by_category: dict[str, int], now: datetime
    ) -> dict[str, Any]:
        """Record the wave, then claim its alert; only the claiming run publishes."""
        self.store.put_wave(
            _wave(
                subject,
                change.wave_id,
                started_at=change.hour,
                abusive=change.abusive,
                by_category=by_category,
            )
        )
        kind, _, ident = subject.subject.partition(":")
        payload: dict[str, Any] = {
            "artist_id": ident if kind == "artist" else None,
            "platform": subject.platform,
            "started_at": change.hour.isoformat().replace("+00:00", "Z"),
            "abusive": change.abusive,
            "by_category": by_category,
            "report": self.report_link(subject.label, change.hour.date()),
        }
        if kind == "account":
            payload["account_id"] = ident
        alert = Alert(ABUSE_WAVE, subject.label, change.wave_id, payload, now)
        claimed = self.alerts.claim(alert)
        if claimed:
            self._publisher.publish(alert)
        return {
            "wave_id": change.wave_id,
            "label": subject.label,
            "platform": subject.platform,
            "alerted": claimed,
        }

    def _ended(self, subject: Subject, change: WaveChange, live: dict[str, Any]) -> dict[str, Any]:
        started = live.get("started_at")
        self.store.put_wave(
            _wave(
                subject,
                change.wave_id,
                started_at=datetime.fromisoformat(started) if started else change.hour,
                abusive=int(live.get("abusive", 0)),
                by_category=dict(live.get("by_category", {})),
                ended_at=change.hour + HOUR,
            )
        )
        return {"wave_id": change.wave_id, "label": subject.label, "platform": subject.platform}


def _wave(subject: Subject, wave_id: str, **span: Any) -> WaveRecord:
    """The record of `subject`'s wave `wave_id`; `span`: its start, end and counts."""
    return WaveRecord(
        label=subject.label, wave_id=wave_id, subject=subject.subject, platform=subject.platform, **span
    )


def _live(key: WaveKey, state: dict[str, Any]) -> LiveWave:
    return LiveWave(
        wave_id=str(state["wave_id"]),
        key=key,
        started_at=datetime.fromisoformat(str(state["started_at"])),
        abusive=int(state["abusive"]),
        quiet_hours=int(state.get("quiet_hours", 0)),
    )


def _window_categories(categories: dict[datetime, dict[str, int]], hour: datetime) -> dict[str, int]:
    """Abusive texts per category in the window that started the wave (H - 3 .. H)."""
    total: dict[str, int] = defaultdict(int)
    for n in range(WINDOW_HOURS):
        for category, k in categories.get(hour - HOUR * n, {}).items():
            total[category] += k
    return dict(sorted(total.items()))


def report_link(public_base_url: str) -> Callable[[str, date], str]:
    """The moderation report of a label's day, reached through the API (a bearer token of a moderation
    role presigns it): an alert's reader never holds a link to texts that outlives its role."""

    def link(label: str, day: date) -> str:
        return f"{public_base_url}/moderation/links?{urlencode({'label': label, 'day': day.isoformat()})}"

    return link
