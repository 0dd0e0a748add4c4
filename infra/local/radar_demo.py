"""The radar part of `make demo`: a dozen unsigned artists watched by the demo label, 60 days of fake
daily audience readings backfilled through `POST /radar/readings`, one artist breaking out; then the
radar job, the radar report's links and the `talent_breakout` alert.

The readings are a pure function of the day (`radar_watchlist`), so a test checks that the demo's
data really makes exactly one artist explosive without starting a stack.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

DAYS = 60
NAMES = (
    "Zaho de Sagazan",
    "Pierre de Maere",
    "Yamê",
    "Charlotte Cardin",
    "La Femme",
    "Silly Boy Blue",
    "Lujipeka",
    "Luidji",
    "Marguerite Thiam",
    "Tsew the Kid",
    "Ojos",
    "Théa",
)
BREAKOUT = "marguerite-thiam"


@dataclass(frozen=True)
class Watchlist:
    artists: list[dict[str, Any]]
    readings: list[dict[str, Any]]


def _slug(name: str) -> str:
    plain = name.lower().replace("ê", "e").replace("é", "e").replace(" ", "-")
    return "".join(c for c in plain if c.isalnum() or c == "-")


def radar_watchlist(label: str, now: datetime, seed: int = 13) -> Watchlist:
    """12 artists, each on two or three platforms, with a reading a day for 60 days ending today:
    most grow 0.2 to 1 % a day with noise; one multiplies its audience about twelvefold."""
    rng = random.Random(seed)
    artists, readings = [], []
    for n, name in enumerate(NAMES):
        radar_id = _slug(name)
        accounts: dict[str, list[str]] = {
            "deezer": [str(91_000_000 + n)],
            "youtube": [f"UCradar{n:02d}" + "x" * 15],
            "spotify": [f"radar{n:02d}" + "s" * 15],
        }
        if n % 3 == 0:
            del accounts["spotify"]
        artists.append({"radar_id": radar_id, "label": label, "name": name, "accounts": accounts})
        rate = 0.045 if radar_id == BREAKOUT else rng.uniform(0.002, 0.01)
        for platform in accounts:
            audience = rng.uniform(2_000, 60_000)
            for day in range(DAYS):
                audience *= 1 + rate + rng.uniform(-0.004, 0.004)
                at = (now - timedelta(days=DAYS - 1 - day)).replace(hour=6, minute=0, second=0, microsecond=0)
                at = min(at, now)
                readings.append(
                    {
                        "radar_id": radar_id,
                        "platform": platform,
                        "at": at.isoformat(),
                        "audience": round(audience),
                    }
                )
    return Watchlist(artists, readings)


def run_radar_demo(
    call: Callable[[str, str, Any], tuple[int, Any]],
    label: str,
    say: Callable[[str], None],
    link_seconds: int,
) -> None:
    watchlist = radar_watchlist(label, datetime.now(UTC))
    for artist in watchlist.artists:
        status, body = call("POST", "/radar/artists", artist)
        if status not in {201, 409}:
            raise RuntimeError(f"watching {artist['radar_id']}: {status} {body}")
    status, stored = call("POST", "/radar/readings", {"readings": watchlist.readings})
    if status != 200:
        raise RuntimeError(f"backfilling readings: {status} {stored}")
    say(
        f"\nTalent radar of {label}: watching {len(watchlist.artists)} unsigned artists,"
        f" {stored['stored']} readings backfilled ({DAYS} days)."
    )
    status, ran = call("POST", "/admin/jobs/radar", None)
    if status != 200:
        raise RuntimeError(f"the radar job: {status} {ran}")
    status, listed = call("GET", f"/radar/artists?label={label}", None)
    ranked = sorted(listed["artists"], key=lambda a: -((a.get("score") or {}).get("z") or -99))
    for artist in ranked[:3]:
        score = artist["score"] or {}
        say(f"  {artist['name']:18} band {score.get('band')!s:9} z {score.get('z') or 0:+.2f}")
    status, links = call("GET", f"/radar/links?label={label}&expires_in={link_seconds}", None)
    if status != 200:
        raise RuntimeError(f"the radar links: {status} {links}")
    say(f"  html  {links['html']}")
    say(f"  csv   {links['csv']}")
    status, alerts = call("GET", f"/alerts?label={label}", None)
    for alert in alerts.get("alerts", []):
        if alert["type"] != "talent_breakout":
            continue  # the label's other alerts (abuse waves) are the moderation part's
        payload = alert["payload"]
        say(
            f"  ALERT {alert['type']}: {payload['name']} entered explosive on {payload['day']}"
            f" (z {payload['z']:+.2f}; published on the alerts topic at {alert['published_at']})"
        )
