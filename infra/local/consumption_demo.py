"""The consumption part of `make demo` (contract section 12, issue 14 point 5): an album of one demo artist
and a single of the other registered in the catalogue, a small generic report of yesterday's streams
and sales, and a small Believe-shaped monthly report of the three months before this one, imported
through `POST /imports`; then, from each campaign's published summary, the equivalents per rule set
(over the campaign's window: yesterday's report) and the SNEP certification (since each release:
both reports).

The catalogue and the reports are a pure function of the moment (`demo_reports`), so a test checks
that both reports parse with no rejected row against that catalogue, without a stack.
"""

from __future__ import annotations

import csv
import io
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from chalicelib.domain.consumption.ids import upc_check_digit
from infra.local.traffic import ARTISTS, Artist

GENERIC_HEADER = [
    *("date", "isrc", "upc", "platform", "country"),
    *("streams_premium", "streams_ad", "downloads", "physical_units"),
]
# Believe's monthly sales report columns (those the parser reads, and a few it does not).
BELIEVE_HEADER = [
    "Reporting Month",
    "Sales Month",
    "Platform",
    "Country / Region",
    "Label Name",
    "Artist Name",
    "Release title",
    "Track title",
    "UPC",
    "ISRC",
    "Sales Type",
    "Quantity",
    "Streaming Subscription Type",
    "Client Payment Currency",
]
# platform -> (share of a track's streams, tier)
STREAMING = {
    "Spotify": (0.55, "premium"),
    "Spotify Free": (0.15, "ad"),
    "Deezer": (0.15, "premium"),
    "Apple Music": (0.1, "premium"),
    "YouTube Music": (0.05, "ad"),
}
# artist slug -> (type, title, track titles, streams a month of the whole release, album sales a month)
RELEASES: dict[str, tuple[str, str, tuple[str, ...], int, int]] = {
    "indochine": (
        "album",
        "13 (édition tournée)",
        ("Station 13", "Karma Girls", "Black Sky", "La vie est belle", "Un été français"),
        36_000_000,
        2_500,
    ),
    "angele": ("single", "Nonante-Cinq", ("Nonante-Cinq",), 8_000_000, 0),
}
TRACK_SHARES = (0.3, 0.22, 0.18, 0.16, 0.14)
MONTHS = 3
POLL_SECONDS = 0.5
POLL_TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class Reports:
    releases: list[dict[str, Any]]  # POST /releases bodies
    generic: bytes  # yesterday, per track and platform, and the album's sales
    believe: bytes  # the MONTHS months before this one, per track, platform and tier


def _month_start(day: date, back: int) -> date:
    month = day.year * 12 + day.month - 1 - back
    return date(month // 12, month % 12 + 1, 1)


def _upc(n: int) -> str:
    body = f"36000000{n:04d}"
    return body + str(upc_check_digit(body))


def release_body(artist: Artist, n: int, label: str, released: date) -> dict[str, Any]:
    kind, title, tracks, _, _ = RELEASES[artist.slug]
    return {
        "upc": _upc(n),
        "label": label,
        "artist_id": artist.slug,
        "title": title,
        "type": kind,
        "release_date": released.isoformat(),
        "tracks": [
            {"isrc": f"FRDM1{released:%y}{n:02d}{position:03d}", "title": name, "position": position}
            for position, name in enumerate(tracks, 1)
        ],
    }


def _csv(header: list[str], rows: list[list[Any]], delimiter: str) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return text.getvalue().encode()


def _track_streams(
    release: dict[str, Any], monthly: int, rng: random.Random, part: float
) -> Iterator[tuple[dict[str, Any], str, str, int]]:
    """(track, platform, tier, streams) of a release over `part` of a month, a little noisy."""
    shares = TRACK_SHARES[: len(release["tracks"])]
    for track, share in zip(release["tracks"], shares, strict=True):
        for platform, (platform_share, tier) in STREAMING.items():
            noise = rng.uniform(0.9, 1.1)
            yield track, platform, tier, round(monthly * share / sum(shares) * platform_share * part * noise)


def demo_reports(label: str, now: datetime, seed: int = 13) -> Reports:
    rng = random.Random(seed)
    today = now.date()
    released = _month_start(today, MONTHS + 1) + timedelta(days=4)
    releases = [release_body(artist, n, label, released) for n, artist in enumerate(ARTISTS, 1)]
    yesterday = (today - timedelta(days=1)).isoformat()
    generic: list[list[Any]] = []
    believe: list[list[Any]] = []
    for artist, release in zip(ARTISTS, releases, strict=True):
        _, _, _, monthly, sales = RELEASES[artist.slug]
        for track, platform, tier, streams in _track_streams(release, monthly, rng, 1 / 30):
            premium, ad = (streams, 0) if tier == "premium" else (0, streams)
            generic.append([yesterday, track["isrc"], release["upc"], platform, "FR", premium, ad, 0, 0])
        if sales:
            daily = sales // 30
            generic.append(
                [yesterday, "", release["upc"], "Fnac", "FR", 0, 0, daily // 3, daily - daily // 3]
            )
        described = (label, artist.name.split(":")[0], release["title"])
        for back in range(MONTHS, 0, -1):
            months = (f"{_month_start(today, back - 1):%Y-%m}", f"{_month_start(today, back):%Y-%m}")
            for track, platform, tier, streams in _track_streams(release, monthly, rng, 1):
                believe.append(
                    [
                        *months,
                        platform,
                        "FR",
                        *described,
                        track["title"],
                        release["upc"],
                        track["isrc"],
                        "Streaming",
                        streams,
                        tier.capitalize(),
                        "EUR",
                    ]
                )
            if sales:
                for sales_type, share in (("Download", 0.3), ("Physical", 0.7)):
                    believe.append(
                        [
                            *months,
                            "Believe",
                            "FR",
                            *described,
                            "",
                            release["upc"],
                            "",
                            sales_type,
                            round(sales * share),
                            "",
                            "EUR",
                        ]
                    )
    return Reports(releases, _csv(GENERIC_HEADER, generic, ","), _csv(BELIEVE_HEADER, believe, ";"))


Call = Callable[[str, str, Any], tuple[int, Any]]
Upload = Callable[[str, bytes, str], tuple[int, Any]]


def import_reports(call: Call, upload: Upload, label: str, say: Callable[[str], None]) -> Reports:
    """Register the releases, post both reports and wait until each import is done."""
    reports = demo_reports(label, datetime.now(UTC))
    for release in reports.releases:
        status, body = call("POST", "/releases", release)
        if status not in {201, 409}:
            raise RuntimeError(f"registering release {release['upc']}: {status} {body}")
    say(
        f"\nConsumption: registered {len(reports.releases)} releases of {label}"
        f" ({', '.join(r['title'] + ' (' + r['type'] + ')' for r in reports.releases)})."
    )
    for fmt, data in (("generic", reports.generic), ("believe", reports.believe)):
        status, body = upload(f"/imports?label={label}&format={fmt}", data, "text/csv")
        if status != 202:
            raise RuntimeError(f"importing the {fmt} report: {status} {body}")
        done = _wait(call, body["import_id"])
        say(
            f"  {fmt:8} report ({len(data):,} bytes): {done['status']}, {done['rows_counted']} rows counted,"
            f" {done['rows_duplicate']} duplicate, {done['rows_rejected']} rejected"
        )
    return reports


def _wait(call: Call, import_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + POLL_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        status, body = call("GET", f"/imports/{import_id}", None)
        if status != 200:
            raise RuntimeError(f"import {import_id}: {status} {body}")
        if body["status"] in {"done", "failed"}:
            return dict(body)
        time.sleep(POLL_SECONDS)
    raise TimeoutError(f"import {import_id} did not finish in {POLL_TIMEOUT_SECONDS} s")


def consumption_table(summaries: list[dict[str, Any]]) -> list[str]:
    """Equivalents per rule set over each campaign's window and the SNEP certification since release,
    one line per release of the summaries' `consumption`."""
    releases = [r for summary in summaries for r in (summary.get("consumption") or {}).get("releases", [])]
    rules = sorted({rule for release in releases for rule in release["equivalents"]})
    width = max([len(r["title"]) + len(r["type"]) + 3 for r in releases] + [7])
    lines = [
        "  " + "release".ljust(width) + "".join(f"{rule:>19}" for rule in rules) + "   SNEP certification"
    ]
    for release in releases:
        name = f"{release['title']} ({release['type']})".ljust(width)
        figures = "".join(f"{release['equivalents'].get(rule, 0):>19,.0f}" for rule in rules)
        lines.append(f"  {name}{figures}   {_certified(release['certification'])}")
    return lines


def _certified(certification: dict[str, Any]) -> str:
    unit = "album units" if certification["unit"] == "album_units" else "stream equivalents"
    level = (certification["level"] or "no level yet").replace("_", " ").title()
    text = f"{level}: {certification['units']:,.0f} {unit}"
    if certification["next_level"]:
        next_level = certification["next_level"].replace("_", " ").title()
        text += f", {certification['progress']:.0%} of {next_level} ({certification['next_units']:,})"
    return text


def say_weekly_report(call: Call, label: str, expires_in: int, say: Callable[[str], None]) -> None:
    """The publish job (which writes the label's weekly consumption report), then its links."""
    status, ran = call("POST", "/admin/jobs/publish", None)
    if status != 200:
        raise RuntimeError(f"the publish job: {status} {ran}")
    status, links = call("GET", f"/consumption/links?label={label}&expires_in={expires_in}", None)
    if status != 200:
        raise RuntimeError(f"the consumption report's links: {status} {links}")
    say(f"\nWeekly consumption of {label} over chart weeks (Friday to Thursday):")
    for name in ("html", "csv"):
        say(f"  {name:4}  {links[name]}")
