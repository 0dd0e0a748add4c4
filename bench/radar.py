"""Issue 15 (`bench.radar`): scoring a 2,000-artist watchlist with 400 days of readings reads each
artist's readings once and takes under 5x the time of reading them.

Storage is an in-memory stand-in for DynamoDB's Query (`MemoryTable`): per artist it keeps its reading
items compactly and builds DynamoDB's typed item dicts page by page when queried, as botocore does
when it parses an answer. Why not moto: 2,000 x 400 days x ~2 platforms is ~1.6 million items, which
moto needs minutes and gigabytes to hold and serve on a shared 2-core machine; and what is measured is
our code's cost against the cost of the reads it cannot avoid, which the stand-in keeps (the real
adapter, `DynamoRadar`, runs unchanged over it: its Query pagination and item parsing are in both the
baseline and the job).

- baseline: `DynamoRadar.readings(label, radar_id)` for every artist (one Query each, parsed);
- daily run: `RadarService.run()` as the schedule runs it (the week's report already written): the
  watchlist Query, every artist's readings, growths, z-scores, bands, and one score write per artist;
- weekly run: the same plus the report (last week's scores, 90-day sparklines, HTML and CSV).

The figure is each run's median time / the baseline's median time, and the number of Queries per
artist's readings partition (must be exactly 1).
"""

from __future__ import annotations

import gc
import json
import random
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bench.common import median, report, timed
from chalicelib.adapters.radar_store import DynamoRadar
from chalicelib.domain.access import Principal
from chalicelib.report.radar_report import render_radar_csv, render_radar_html
from chalicelib.services.radar import RadarService, iso_week

ARTISTS = 2_000
DAYS = 400
LABEL = "bench-radar"
NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
LIMIT = 5.0
PAGE_ITEMS = 10_000  # ~1 MB of reading items: what one Query page returns


class MemoryTable:
    """The Query, UpdateItem and TransactWriteItems of a DynamoDB client over compact rows."""

    def __init__(self, artists: dict[str, dict[str, Any]], readings: dict[str, list[tuple[str, str, str]]]):
        self.artists = artists  # radar_id -> artist JSON
        self.readings = readings  # pk -> [(sk, at, audience)]
        self.queries: Counter[str] = Counter()
        self.writes = 0

    def query(self, **request: Any) -> dict[str, Any]:
        pk = request["ExpressionAttributeValues"][":pk"]["S"]
        self.queries[pk] += 1
        if pk == "RADARID":
            return {"Items": [{"pk": {"S": pk}, "sk": {"S": r}, "label": {"S": LABEL}} for r in self.artists]}
        if pk == f"RADAR#{LABEL}":
            return {
                "Items": [
                    {"pk": {"S": pk}, "sk": {"S": f"A#{r}"}, "artist": {"S": body}}
                    for r, body in self.artists.items()
                ]
            }
        if pk.startswith("ALERTS#"):
            return {"Items": []}
        rows = self.readings[pk]
        start = int(request.get("ExclusiveStartKey", {}).get("offset", 0))
        page = rows[start : start + PAGE_ITEMS]
        answer: dict[str, Any] = {
            "Items": [
                {"pk": {"S": pk}, "sk": {"S": sk}, "at": {"S": at}, "audience": {"N": n}}
                for sk, at, n in page
            ]
        }
        if start + PAGE_ITEMS < len(rows):
            answer["LastEvaluatedKey"] = {"offset": start + PAGE_ITEMS}
        return answer

    def get_paginator(self, operation: str) -> Any:
        """What boto3's Query paginator does: pages, following `LastEvaluatedKey`."""
        table = self

        class Paginator:
            def paginate(self, **request: Any) -> Iterator[dict[str, Any]]:
                while True:
                    page = table.query(**request)
                    yield page
                    if "LastEvaluatedKey" not in page:
                        return
                    request = {**request, "ExclusiveStartKey": page["LastEvaluatedKey"]}

        assert operation == "query"
        return Paginator()

    def update_item(self, **request: Any) -> dict[str, Any]:
        self.writes += 1
        return {}

    def transact_write_items(self, **request: Any) -> dict[str, Any]:
        self.writes += 1
        return {}


class Reports:
    def __init__(self, week: str | None) -> None:
        self.week = week
        self.bytes = 0

    def put(self, label: str, html: bytes, csv: bytes, week: str, generated_at: datetime) -> None:
        self.bytes = len(html) + len(csv)

    def state(self, label: str) -> tuple[str, str] | None:
        return (self.week, "") if self.week else None

    def presign(self, label: str, name: str, expires_in_seconds: int) -> str:
        return ""


class NoAlerts:
    def claim_put(self, alert: Any) -> Any:
        return {}

    def published(self, alert: Any, at: datetime) -> None: ...
    def failed(self, alert: Any, reason: str) -> None: ...
    def take_retry(self, alert: Any) -> bool:
        return False

    def list_label(self, label: str, since: datetime | None = None) -> list[Any]:
        return []


def build(rng: random.Random) -> MemoryTable:
    artists: dict[str, str] = {}
    readings: dict[str, list[tuple[str, str, str]]] = {}
    first = NOW.date() - timedelta(days=DAYS - 1)
    platforms = ("deezer", "spotify", "youtube", "x", "soundcloud")
    for n in range(ARTISTS):
        radar_id = f"artist-{n:04d}"
        chosen = rng.sample(platforms, rng.randint(1, 3))
        artists[radar_id] = json.dumps(
            {
                "radar_id": radar_id,
                "label": LABEL,
                "name": f"Artist {n}",
                "accounts": {"deezer": [str(1000 + n)]},
                "created_at": NOW.isoformat(),
            }
        )
        rows: list[tuple[str, str, str]] = []
        level = {p: rng.uniform(500, 500_000) for p in chosen}
        rate = rng.uniform(-0.002, 0.01)
        for d in range(DAYS):
            day: date = first + timedelta(days=d)
            for platform in sorted(chosen):
                level[platform] *= 1 + rate + rng.uniform(-0.003, 0.003)
                rows.append(
                    (
                        f"{day.isoformat()}#{platform}",
                        f"{day.isoformat()}T06:00:00Z",
                        str(round(level[platform])),
                    )
                )
        readings[f"RADARREAD#{LABEL}#{radar_id}"] = rows
    return MemoryTable(artists, readings)


def main() -> None:
    table = build(random.Random(15))
    items = sum(len(rows) for rows in table.readings.values())
    store = DynamoRadar(table, "bench", sleep=lambda _: None)  # type: ignore[arg-type]

    def service(reports: Reports) -> RadarService:
        return RadarService(
            store=store,
            signed=lambda _: {},
            authenticate=lambda _: Principal("b", "b", "admin", frozenset()),
            clock=lambda: NOW,
            alerts=NoAlerts(),
            publish_alert=lambda: lambda message: None,
            reports=reports,
            render_html=render_radar_html,
            render_csv=render_radar_csv,
        )

    ids = list(table.artists)

    def read_all() -> None:
        for radar_id in ids:
            store.readings(LABEL, radar_id)

    daily, weekly = service(Reports(iso_week(NOW.date()))), service(Reports(None))
    # Interleaved, each after a full collection, so that a noisy neighbour or the collector's debt
    # weighs on both sides alike.
    baseline: list[float] = []
    daily_runs: list[float] = []
    for _ in range(3):
        gc.collect()
        baseline += timed(read_all, 1)
        table.queries.clear()
        gc.collect()
        daily_runs += timed(daily.run, 1)
    per_artist = Counter(count for pk, count in table.queries.items() if pk.startswith("RADARREAD#"))
    gc.collect()
    weekly_runs = timed(weekly.run, 1)
    read_s, daily_s, weekly_s = median(baseline), median(daily_runs), median(weekly_runs)
    once = per_artist == Counter({1: ARTISTS})  # one daily run: one Query per artist's partition
    report(
        f"Radar scoring: {ARTISTS:,} artists, {DAYS} days, {items:,} readings (in-memory Query stand-in)",
        [
            ("reading every artist's readings (baseline)", f"{read_s:.2f} s"),
            (
                "daily radar run (score, bands, writes)",
                f"{daily_s:.2f} s = {daily_s / read_s:.2f}x the reads",
            ),
            (
                "weekly radar run (+ report, sparklines)",
                f"{weekly_s:.2f} s = {weekly_s / read_s:.2f}x the reads",
            ),
            ("Queries per artist's readings per run", "1" if once else f"NOT 1: {dict(per_artist)}"),
            ("limit", f"< {LIMIT:g}x"),
        ],
    )
    print(
        json.dumps(
            {"radar_daily_ratio": daily_s / read_s, "radar_weekly_ratio": weekly_s / read_s, "once": once}
        )
    )
    if not once or daily_s / read_s >= LIMIT or weekly_s / read_s >= LIMIT:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
