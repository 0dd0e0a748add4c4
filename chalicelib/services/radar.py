"""The talent radar (contract section 13): the watchlist routes, backfilled readings, the `radar` job
(scores, the `talent_breakout` alert, the weekly report) and the report's links.

Checks in the house order: 401 token; 404 a radar id or label outside the token's labels (as if
missing); 403 a role that may not act (admin and editors of the label); 400 the body; 409 an existing
radar id, or an account on the roster (`already_signed`: the radar watches artists the group has not
signed). Each label has its own watchlist: two labels may watch the same accounts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import InitVar, dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

from chalicelib.domain.access import Action, Principal, require
from chalicelib.domain.radar import (
    Reading,
    Score,
    daily_audience,
    growth_of,
    ranked,
    readings_until,
    score_growths,
)
from chalicelib.domain.roster import AccountKey
from chalicelib.domain.stored import Alert, StoredReading
from chalicelib.errors import AlreadySigned, Forbidden, NotFound, ValidationFailed
from chalicelib.models import json_object, validated
from chalicelib.models.campaign import SLUG
from chalicelib.models.radar import ReadingsBody, WatchBody, WatchedArtist
from chalicelib.observability import logger
from chalicelib.services.access import require_label
from chalicelib.services.alerting import AlertLog, AlertPublisher
from chalicelib.services.publishing.links import parse_expires_in

NOT_WATCHED = "No such artist on the radar."
NO_LABEL = "No such label."
BREAKOUT = "talent_breakout"
SPARKLINE_DAYS = 90
FUTURE_SLACK = timedelta(minutes=5)
# 10,000 readings of ~120 bytes each: more than the management API's usual 1 MiB, well under API
# Gateway's 10 MB.
MAX_READINGS_BYTES = 4 * 1024 * 1024


class RadarStore(Protocol):
    def watch(self, artist: WatchedArtist) -> None: ...
    def get(self, radar_id: str) -> WatchedArtist | None: ...
    def labels_of(self, radar_ids: Iterable[str]) -> dict[str, str]: ...
    def list_label(self, label: str) -> list[WatchedArtist]: ...
    def unwatch(self, artist: WatchedArtist) -> None: ...
    def put_readings(self, readings: Sequence[StoredReading]) -> int: ...
    def readings(self, label: str, radar_id: str) -> list[Reading]: ...
    def labels(self) -> list[str]: ...
    def save_score(
        self, label: str, radar_id: str, score: dict[str, Any], band: str | None, alert: Any
    ) -> bool: ...


class Alerts(AlertLog, Protocol):
    def claim_put(self, alert: Alert) -> Any: ...


class Reports(Protocol):
    def put(self, label: str, html: bytes, csv: bytes, week: str, generated_at: datetime) -> None: ...
    def state(self, label: str) -> tuple[str, str] | None: ...  # (week, generated_at)
    def presign(self, label: str, name: str, expires_in_seconds: int) -> str: ...


@dataclass(frozen=True, slots=True)
class RadarRow:
    """One artist of a weekly report, ranked."""

    rank: int
    artist: WatchedArtist
    score: Score
    last_week: Score | None
    sparkline: list[tuple[date, int | None]]

    @property
    def change(self) -> str:
        before = self.last_week.band if self.last_week else None
        if before == self.score.band:
            return ""
        return f"{before or 'none'} → {self.score.band or 'none'}"


@dataclass(frozen=True, slots=True)
class RadarReport:
    label: str
    generated_at: datetime
    week: str
    rows: list[RadarRow]


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


@dataclass(slots=True, kw_only=True)
class RadarService:
    store: RadarStore
    signed: Callable[[Iterable[AccountKey]], Mapping[AccountKey, str]]
    authenticate: Callable[[str | None], Principal]
    clock: Callable[[], datetime]
    alerts: Alerts
    publish_alert: InitVar[Callable[[], Callable[[dict[str, Any]], None]]]
    reports: Reports
    render_html: Callable[[RadarReport], bytes]
    render_csv: Callable[[RadarReport], bytes]
    _publisher: AlertPublisher = field(init=False)

    def __post_init__(self, publish_alert: Callable[[], Callable[[dict[str, Any]], None]]) -> None:
        self._publisher = AlertPublisher(self.alerts, publish_alert, self.clock)

    # Routes -----------------------------------------------------------------------------------------

    def watch(self, bearer: str | None, body: bytes) -> WatchedArtist:
        principal = self.authenticate(bearer)
        require(principal, Action.RADAR)
        submitted = validated(WatchBody, json_object(body), "radar artist")
        if not principal.covers(submitted.label):  # creating outside the token's labels: 403, as campaigns
            raise Forbidden(f"This token may not watch artists for label {submitted.label}.")
        signed = self.signed(submitted.accounts.pairs())
        if signed:
            fields = {
                submitted.accounts.path_of(key): f"Signed: on the roster of label {label}."
                for key, label in sorted(signed.items())
            }
            raise AlreadySigned(
                "The group has signed this artist: the radar watches artists it has not signed.",
                fields=fields,
            )
        artist = WatchedArtist(**dict(submitted), created_at=self.clock())
        self.store.watch(artist)
        logger.info("radar artist watched", extra={"radar_id": artist.radar_id, "label": artist.label})
        return artist

    def list_watched(self, bearer: str | None, label: str | None) -> list[WatchedArtist]:
        principal = self.authenticate(bearer)
        self._require_label(principal, label)
        return self.store.list_label(str(label))

    def unwatch(self, bearer: str | None, radar_id: str) -> None:
        principal = self.authenticate(bearer)
        artist = self.store.get(radar_id) if SLUG.fullmatch(radar_id) else None
        if artist is None:
            raise NotFound(NOT_WATCHED)
        require(principal, Action.RADAR, artist.label, not_found=NOT_WATCHED)
        self.store.unwatch(artist)
        logger.info("radar artist unwatched", extra={"radar_id": radar_id, "by": principal.token_id})

    def backfill(self, bearer: str | None, body: bytes) -> dict[str, int]:
        principal = self.authenticate(bearer)
        require(principal, Action.RADAR)
        submitted = validated(ReadingsBody, json_object(body, MAX_READINGS_BYTES), "readings")
        labels = self.store.labels_of(r.radar_id for r in submitted.readings)
        latest = self.clock() + FUTURE_SLACK
        fields: dict[str, str] = {}
        for index, reading in enumerate(submitted.readings):
            label = labels.get(reading.radar_id)
            if label is None or not principal.covers(label):
                fields.setdefault(
                    f"readings.{index}.radar_id", "No watched artist of your labels has this id."
                )
            elif reading.at > latest:
                fields.setdefault(f"readings.{index}.at", "Must not be in the future.")
        if fields:
            raise ValidationFailed(
                "Invalid readings; none was stored.", fields=dict(list(fields.items())[:100])
            )
        stored = self.store.put_readings(
            [
                StoredReading(labels[r.radar_id], r.radar_id, r.platform, utc(r.at), r.audience)
                for r in submitted.readings
            ]
        )
        received = len(submitted.readings)
        return {"received": received, "stored": stored, "unchanged": received - stored}

    def links(self, bearer: str | None, label: str | None, expires_in: str | None) -> dict[str, Any]:
        principal = self.authenticate(bearer)
        self._require_label(principal, label)
        seconds = parse_expires_in(expires_in)
        state = self.reports.state(str(label))
        if state is None:
            raise NotFound("This label has no radar report yet: the radar job writes it.")
        expires_at = (self.clock() + timedelta(seconds=seconds)).astimezone(UTC).replace(microsecond=0)
        return {
            "html": self.reports.presign(str(label), "radar.html", seconds),
            "csv": self.reports.presign(str(label), "radar.csv", seconds),
            "week": state[0],
            "generated_at": state[1],
            "expires_at": expires_at.isoformat().replace("+00:00", "Z"),
        }

    # The job ----------------------------------------------------------------------------------------

    def run(self, *, report: bool = False) -> dict[str, Any]:
        """Score every label's watchlist, raise breakout alerts, and write a label's weekly report when
        its week has none yet (`report`: write it now whatever the week)."""
        now = self.clock()
        done: dict[str, Any] = {"labels": 0, "scored": 0, "alerts": [], "reports": []}
        for label in self.store.labels():
            artists = self.store.list_label(label)
            history = {a.radar_id: self.store.readings(label, a.radar_id) for a in artists}  # once each
            scores = score_growths({radar_id: growth_of(r) for radar_id, r in history.items()})
            done["labels"] += 1
            done["scored"] += len(scores)
            for artist in artists:
                alert = self._save(artist, scores[artist.radar_id], now)
                if alert is not None:
                    done["alerts"].append(alert)
            done["alerts"] += self._publisher.retry_failed(label, now)
            state = self.reports.state(label)
            week = iso_week(now.date())
            if report or state is None or state[0] != week:
                self._write_report(
                    label=label, artists=artists, history=history, scores=scores, now=now, week=week
                )
                done["reports"].append(label)
        return done

    def _save(self, artist: WatchedArtist, score: Score, now: datetime) -> dict[str, Any] | None:
        before = (artist.score or {}).get("band")
        entering = score.band == "explosive" and before != "explosive" and score.day is not None
        if not entering:
            self.store.save_score(artist.label, artist.radar_id, score.public(), score.band, None)
            return None
        alert = Alert(
            type=BREAKOUT,
            label=artist.label,
            key=f"{artist.radar_id}#{score.day}",
            payload={"radar_id": artist.radar_id, "name": artist.name, **score.public()},
            created_at=now,
        )
        claim = self.alerts.claim_put(alert)
        if not self.store.save_score(artist.label, artist.radar_id, score.public(), score.band, claim):
            return None  # another run stored this entry (and its alert) first
        self._publisher.publish(alert)
        return {"type": BREAKOUT, "radar_id": artist.radar_id, "day": str(score.day)}

    def _write_report(
        self,
        *,
        label: str,
        artists: list[WatchedArtist],
        history: Mapping[str, list[Reading]],
        scores: Mapping[str, Score],
        now: datetime,
        week: str,
    ) -> None:
        today = now.astimezone(UTC).date()
        week_ago = today - timedelta(days=7)
        then = score_growths({i: growth_of(readings_until(r, week_ago)) for i, r in history.items()})
        by_id = {a.radar_id: a for a in artists}
        first = today - timedelta(days=SPARKLINE_DAYS - 1)
        rows = [
            RadarRow(
                rank=index + 1,
                artist=by_id[radar_id],
                score=scores[radar_id],
                last_week=then.get(radar_id),
                sparkline=daily_audience(history[radar_id], first, today),
            )
            for index, radar_id in enumerate(ranked(scores))
        ]
        report = RadarReport(label=label, generated_at=now, week=week, rows=rows)
        self.reports.put(label, self.render_html(report), self.render_csv(report), week, now)

    @staticmethod
    def _require_label(principal: Principal, label: str | None) -> None:
        if not label:
            raise ValidationFailed("label is required.", fields={"label": "Required."})
        if not SLUG.fullmatch(label):
            raise NotFound(NO_LABEL)
        require(principal, Action.RADAR, label, not_found=NO_LABEL)


class AlertService:
    """`GET /alerts?label=&since=`: any role of the label reads its alerts, newest first."""

    def __init__(self, alerts: Alerts, authenticate: Callable[[str | None], Principal]) -> None:
        self._alerts = alerts
        self._authenticate = authenticate

    def list_alerts(self, bearer: str | None, label: str | None, since: str | None) -> list[dict[str, Any]]:
        label = require_label(self._authenticate(bearer), label, Action.READ_ALERTS)
        moment = None
        if since:
            message = "Must be an ISO 8601 date-time with an offset, e.g. 2026-11-20T00:00:00Z."
            try:
                moment = datetime.fromisoformat(since)
            except ValueError:
                raise ValidationFailed("since is not a date-time.", fields={"since": message}) from None
            if moment.utcoffset() is None:
                raise ValidationFailed("since has no offset.", fields={"since": message})
        return [alert.public() for alert in self._alerts.list_label(label, moment)]
