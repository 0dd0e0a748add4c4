"""`make demo`'s radar data: a dozen artists, 60 days of readings in one backfill call, and exactly
one of them explosive by the documented score."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime

from chalicelib.domain.radar import Reading, score_watchlist
from chalicelib.models.radar import ReadingsBody, WatchBody
from infra.local.radar_demo import BREAKOUT, DAYS, radar_watchlist

NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def test_the_demo_watches_a_dozen_valid_artists_with_60_days_in_one_call() -> None:
    watchlist = radar_watchlist("columbia-fr", NOW)
    assert len(watchlist.artists) == 12
    for artist in watchlist.artists:
        WatchBody.model_validate(artist)
    body = ReadingsBody.model_validate({"readings": watchlist.readings})
    assert len({r.at.date() for r in body.readings}) == DAYS


def test_exactly_one_demo_artist_breaks_out() -> None:
    by_artist: dict[str, list[Reading]] = defaultdict(list)
    for r in radar_watchlist("columbia-fr", NOW).readings:
        day = date.fromisoformat(r["at"][:10])
        by_artist[r["radar_id"]].append(Reading(r["platform"], day, r["audience"]))
    scores = score_watchlist(by_artist)
    assert [radar_id for radar_id, s in scores.items() if s.band == "explosive"] == [BREAKOUT]
