"""Abuse waves (contract section 11): when one starts and ends, from hourly abusive counts. Pure.

Per (artist, or account when no artist is registered; platform), evaluated for each completed UTC hour H:
- the baseline b is the mean abusive count of the same hour of the week over the previous 4 weeks
  (H - 168 h, H - 336 h, H - 504 h, H - 672 h; an hour without a count counts 0), at least 0.25;
- the window is the last 4 hours, H - 3 .. H; a wave starts at H when the window holds at least 5 abusive
  texts and P(Poisson(4b) >= that count) < 0.001;
- a live wave ends at the end of the second consecutive hour with fewer than 2 abusive texts
  (each of the two hours: 0 or 1); quiet hours are counted from the hour after the start, and an hour with 2
  or more resets them. No wave starts while one is live; the hour after an end may start a new one.

The wave's id is derived from the key and its start hour only, so every evaluation of the same history,
whoever runs it and however often, names the same wave: an alert keyed by it is sent once (the job's
conditional write or idempotency record is the caller's). The decision is a function of the counts and
the live wave, nothing else: no clock, no randomness.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

HOUR = timedelta(hours=1)
WEEK = timedelta(weeks=1)
BASELINE_WEEKS = 4
BASELINE_FLOOR = 0.25
WINDOW_HOURS = 4
MIN_ABUSIVE = 5
P_THRESHOLD = 0.001
QUIET_BELOW = 2  # an hour with fewer abusive texts than this is quiet
QUIET_HOURS_TO_END = 2


@dataclass(frozen=True, slots=True, order=True)
class WaveKey:
    subject: str  # "artist:<id>" or "account:<id>"
    platform: str


@dataclass(frozen=True, slots=True)
class LiveWave:
    wave_id: str
    key: WaveKey
    started_at: datetime  # the start of the hour whose completion started it
    abusive: int  # abusive texts in the window that started it
    quiet_hours: int = 0  # consecutive quiet hours so far


@dataclass(frozen=True, slots=True)
class WaveChange:
    kind: str  # "start" or "end"
    wave_id: str
    key: WaveKey
    hour: datetime  # the hour evaluated (its start)
    abusive: int  # the window's count at a start; the hour's count at an end
    p_value: float | None = None  # at a start


def wave_id(key: WaveKey, started_at: datetime) -> str:
    text = "\x1f".join((key.subject, key.platform, started_at.strftime("%Y-%m-%dT%H")))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def poisson_tail(k: int, mu: float) -> float:
    """P(X >= k) for X ~ Poisson(mu), accurate in the far tail (no 1 - CDF cancellation) and without
    overflow (terms in log space)."""
    if k <= 0:
        return 1.0
    if mu <= 0:
        return 0.0
    log_mu = math.log(mu)
    if k <= mu:
        # The tail is large: 1 - P(X < k) loses nothing.
        below = sum(math.exp(j * log_mu - mu - math.lgamma(j + 1)) for j in range(k))
        return max(0.0, 1.0 - below)
    # Terms decrease from j = k on (j > mu): sum until they stop mattering.
    total = 0.0
    j = k
    while True:
        term = math.exp(j * log_mu - mu - math.lgamma(j + 1))
        total += term
        if term <= total * 1e-17 or term == 0.0:
            return min(1.0, total)
        j += 1


def baseline(counts: Mapping[datetime, int], hour: datetime) -> float:
    """b for `hour`: the mean of the same hour of the week over the previous 4 weeks, at least 0.25."""
    past = [counts.get(hour - WEEK * n, 0) for n in range(1, BASELINE_WEEKS + 1)]
    return max(BASELINE_FLOOR, sum(past) / BASELINE_WEEKS)


def window_count(counts: Mapping[datetime, int], hour: datetime) -> int:
    return sum(counts.get(hour - HOUR * n, 0) for n in range(WINDOW_HOURS))


def evaluate(
    key: WaveKey, counts: Mapping[datetime, int], hour: datetime, live: LiveWave | None
) -> tuple[LiveWave | None, WaveChange | None]:
    """One completed hour: the live wave after it, and the change it makes, if any.

    `counts` maps hour starts (UTC, on the hour) to abusive counts of this key; it must hold the window
    and the 4 previous weeks' same hours (absent hours are 0)."""
    if live is not None:
        abusive = counts.get(hour, 0)
        quiet = live.quiet_hours + 1 if abusive < QUIET_BELOW else 0
        if quiet >= QUIET_HOURS_TO_END:
            return None, WaveChange("end", live.wave_id, key, hour, abusive)
        return replace(live, quiet_hours=quiet), None
    in_window = window_count(counts, hour)
    if in_window < MIN_ABUSIVE:
        return None, None
    p_value = poisson_tail(in_window, WINDOW_HOURS * baseline(counts, hour))
    if p_value >= P_THRESHOLD:
        return None, None
    started = LiveWave(wave_id(key, hour), key, hour, in_window)
    return started, WaveChange("start", started.wave_id, key, hour, in_window, p_value)


def replay(
    key: WaveKey,
    counts: Mapping[datetime, int],
    first_hour: datetime,
    last_hour: datetime,
    live: LiveWave | None = None,
) -> tuple[LiveWave | None, list[WaveChange]]:
    """Every hour from first_hour to last_hour inclusive, in order: a job that missed hours (or runs
    twice) catches up to the same waves and ids."""
    changes: list[WaveChange] = []
    hour = first_hour
    while hour <= last_hour:
        live, change = evaluate(key, counts, hour, live)
        if change is not None:
            changes.append(change)
        hour += HOUR
    return live, changes
