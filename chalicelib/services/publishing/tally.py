"""A campaign's event counts in a window: whole quarters from the per-bucket rollups (one item per
content and hour), and event by event only in the quarters the window's edges cut, and only where a
rollup says the hour had any. Cost grows with the window's hours that had events, never with the
events themselves (invariant 5)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from functools import partial

from chalicelib.domain.rollups import (
    Rollup,
    StoredEventView,
    Tally,
    add_events,
    add_rollup,
    hour_start,
    partial_quarters,
    quarter_start,
)
from chalicelib.domain.tracking import Excluded, TracksPlatforms, tracked_by_platform
from chalicelib.services.publishing.ports import Rollups
from chalicelib.services.publishing.reads import Reader

Events = list[StoredEventView]


class Tallier:
    def __init__(self, rollups: Rollups, reader: Reader) -> None:
        self._rollups = rollups
        self._reader = reader

    def tracked_contents(
        self, campaign: TracksPlatforms, excluded: Excluded | None = None
    ) -> dict[str, list[str]]:
        """Per platform, the content the campaign tracks and the content of the accounts it tracks
        (a new upload of a tracked channel counts too), but never the content of an `excluded`
        account (one the campaign tracked before another label registered it)."""
        contents: dict[str, list[str]] = {}
        for platform, tracked in tracked_by_platform(campaign, excluded).items():
            found = set(tracked.content)
            for of_account in self._reader.all(
                partial(self._rollups.contents_of, platform), sorted(tracked.accounts - tracked.excluded)
            ):
                found.update(of_account)
            contents[platform] = sorted(found)
        return contents

    def tally(
        self,
        campaign: TracksPlatforms,
        start: datetime,
        end: datetime,
        contents: Mapping[str, list[str]] | None = None,
        excluded: Excluded | None = None,
    ) -> Tally:
        """The campaign's event counts in [start, end); `contents` (per platform, from
        `tracked_contents`) saves reading the account index again. Events of `excluded` accounts are
        never counted; the content they are about is `withheld`."""
        return self.tally_windows(campaign, [(start, end)], contents, excluded)[0]

    def tally_windows(
        self,
        campaign: TracksPlatforms,
        windows: Sequence[tuple[datetime, datetime]],
        contents: Mapping[str, list[str]] | None = None,
        excluded: Excluded | None = None,
    ) -> list[Tally]:
        """One tally per window, from one read of each content's rollups over all of them (a summary's
        window and the previous one it is compared with are adjacent: one Query per content covers
        both). Events are read one by one only in the quarters a window's edge cuts, once even where
        two windows share the edge."""
        tallies = [Tally() for _ in windows]
        spans = [(start, end) for start, end in windows if start < end]
        if not spans:
            return tallies
        first = min(start for start, _ in spans)
        last = max(end for _, end in spans)
        first_hour, last_hour = hour_start(first), hour_start(last - timedelta(microseconds=1))
        edges = cut_quarters(spans)

        def read(job: tuple[str, str]) -> tuple[list[Rollup], list[tuple[datetime, datetime, Events]]]:
            platform, content_id = job
            rollups = self._rollups.rollups(platform, content_id, first_hour, last_hour)
            # An hour without a rollup had no events: its cut quarter needs no event reads.
            hours = {rollup.hour for rollup in rollups}
            cut = [
                (
                    edge_start,
                    edge_end,
                    self._rollups.events_between(platform, content_id, edge_start, edge_end),
                )
                for edge_start, edge_end in edges
                if hour_start(edge_start) in hours
            ]
            return rollups, cut

        tracked = tracked_by_platform(campaign, excluded)
        contents = contents if contents is not None else self.tracked_contents(campaign, excluded)
        jobs = [(platform, content_id) for platform in tracked for content_id in contents[platform]]
        for (platform, _), (rollups, cut) in zip(jobs, self._reader.all(read, jobs), strict=True):
            for tally, (start, end) in zip(tallies, windows, strict=True):
                if end <= start:
                    continue
                for rollup in rollups:
                    add_rollup(tally, rollup, tracked[platform], start, end)
                for edge_start, edge_end, events in cut:
                    if max(edge_start, start) < min(edge_end, end):
                        add_events(
                            tally, events, tracked[platform], max(edge_start, start), min(edge_end, end)
                        )
        return tallies


def cut_quarters(windows: Sequence[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """The ranges to read event by event: the quarters the windows' edges cut, within the windows.
    For one window these are exactly `partial_quarters(start, end)`; an edge two adjacent windows
    share is one range, read once, that each window then takes its part of."""
    ranges: list[tuple[datetime, datetime]] = []
    for start, end in windows:
        ranges.extend(partial_quarters(start, end))
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(ranges):
        # Only parts of one quarter join (so a range never spans two hours, whose rollups say
        # separately whether to read).
        if merged and quarter_start(start) == quarter_start(merged[-1][0]) and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
