"""A campaign's event counts in a window: whole quarters from the per-bucket rollups (one item per
content and hour), and event by event only in the quarters the window's edges cut, and only where a
rollup says the hour had any. Cost grows with the window's hours that had events, never with the
events themselves (invariant 5)."""

from __future__ import annotations

from collections.abc import Mapping
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
        tally = Tally()
        if end <= start:
            return tally
        edges = partial_quarters(start, end)
        first_hour, last_hour = hour_start(start), hour_start(end - timedelta(microseconds=1))

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
            for rollup in rollups:
                add_rollup(tally, rollup, tracked[platform], start, end)
            for edge_start, edge_end, events in cut:
                add_events(tally, events, tracked[platform], edge_start, edge_end)
        return tally
