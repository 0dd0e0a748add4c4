"""YouTube Data API v3 counters: `videos` and `channels` statistics, 50 ids a request, within quota.

`GET {base}/videos?part=snippet,statistics&id=<ids>&key=<key>` gives `viewCount`, `likeCount` and
`commentCount` as JSON strings, and the video's title (kept for summaries; `fields` trims the answer
to it, and a part costs no unit of its own); `GET {base}/channels?part=statistics&id=<ids>&key=<key>` gives
`subscriberCount` (unless `hiddenSubscriberCount`) and `viewCount`. Metric names are the contract's
(section 7). Every page costs one unit of the daily `UnitBudget`, charged whether or not it succeeds
(YouTube charges invalid requests too); before the budget reaches its reserve the pull stops and
returns the ids it did not read. A 403 `quotaExceeded` marks the day's budget spent.

An id that is not a YouTube id (letters, digits, `-` and `_`) is never sent (a comma would split it)
and counts as missing, like an id YouTube does not return (deleted or private).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime

from chalicelib.pulls.budget import UnitBudget
from chalicelib.pulls.errors import DAILY_QUOTA_REASONS, BudgetExhausted, Forbidden, PullError
from chalicelib.pulls.http import PlatformHttp
from chalicelib.pulls.reading import (
    Item,
    batch_items,
    chunks,
    list_field,
    mapping,
    object_body,
    titled,
    well_formed,
)
from chalicelib.pulls.snapshots import PullResult, Snapshot

PLATFORM = "youtube"
BATCH_SIZE = 50
UNITS_PER_PAGE = 1
MAX_PAGES_PER_BATCH = 5
QUOTA_REASONS = DAILY_QUOTA_REASONS

HIDDEN = "hidden by the owner"
COMMENTS_OFF = "comments are turned off"

_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")

ReadItem = Callable[[str, dict[str, object], datetime], list[Snapshot]]


class YouTubeStats:
    """Counters of videos and channels through one `PlatformHttp`, spending `budget`."""

    def __init__(self, http: PlatformHttp, base_url: str, api_key: str, budget: UnitBudget) -> None:
        self._http = http
        self._base = base_url.rstrip("/")
        self._key = api_key
        self._budget = budget

    def videos(self, ids: Iterable[str], now: datetime) -> PullResult:
        """views, likes and comments of each video."""
        return self._pull("videos", ids, now, _video_snapshots)

    def channels(self, ids: Iterable[str], now: datetime) -> PullResult:
        """followers and account_views of each channel."""
        return self._pull("channels", ids, now, _channel_snapshots)

    def _pull(self, resource: str, ids: Iterable[str], now: datetime, read: ReadItem) -> PullResult:
        valid, missing = well_formed(ids, _ID)
        snapshots: list[Snapshot] = []
        batches = chunks(valid, BATCH_SIZE)
        for index, batch in enumerate(batches):
            seen: set[str] = set()
            error = self._read_batch(resource, batch, now, read=read, seen=seen, snapshots=snapshots)
            if error is not None:
                later = [item_id for rest in batches[index + 1 :] for item_id in rest]
                left = [item_id for item_id in batch if item_id not in seen] + later
                return PullResult(tuple(snapshots), tuple(left), tuple(missing), error)
            missing.extend(item_id for item_id in batch if item_id not in seen)
        return PullResult(tuple(snapshots), (), tuple(missing), None)

    def _read_batch(
        self,
        resource: str,
        batch: list[str],
        now: datetime,
        *,
        read: ReadItem,
        seen: set[str],
        snapshots: list[Snapshot],
    ) -> PullError | None:
        """Read one batch's pages into `seen` and `snapshots`; the error that stopped it, if any."""
        page_token: str | None = None
        for _page in range(MAX_PAGES_PER_BATCH):
            if not self._budget.can_spend(UNITS_PER_PAGE, now):
                return BudgetExhausted(
                    f"the Data API quota of {self._budget.daily_limit} units a day (Pacific time) is used "
                    f"down to the tracker's reserve of {self._budget.reserve}"
                )
            try:
                body = self._page(resource, batch, page_token, now)
                items = list_field(body, "items", f"{PLATFORM} {resource}")
            except Forbidden as error:
                if error.reason in QUOTA_REASONS:
                    self._budget.exhaust(now)
                return error
            except PullError as error:
                return error
            for item_id, fields in batch_items(items, batch, seen):
                snapshots.extend(read(item_id, fields, now))
            next_token = body.get("nextPageToken")
            if not isinstance(next_token, str) or not next_token or next_token == page_token:
                return None
            page_token = next_token
        return None

    def _page(
        self, resource: str, batch: list[str], page_token: str | None, now: datetime
    ) -> dict[str, object]:
        params = {"part": "statistics", "id": ",".join(batch), "key": self._key}
        if resource == "videos":
            params["part"] = "snippet,statistics"
            params["fields"] = "items(id,statistics,snippet/title),nextPageToken"
        if page_token:
            params["pageToken"] = page_token
        try:
            body = self._http.get_json(f"{self._base}/{resource}", params)
        finally:
            self._budget.spend(UNITS_PER_PAGE, now)
        return object_body(body, f"{PLATFORM} {resource}")


def _video_snapshots(video_id: str, fields: dict[str, object], at: datetime) -> list[Snapshot]:
    video = Item(PLATFORM, "content", video_id, at)
    stats = mapping(fields.get("statistics"))
    snapshots = [
        video.count("views", stats, "viewCount"),
        video.count("likes", stats, "likeCount", absent=HIDDEN),
        video.count("comments", stats, "commentCount", absent=COMMENTS_OFF),
    ]
    return titled(snapshots, mapping(fields.get("snippet")).get("title"))


def _channel_snapshots(channel_id: str, fields: dict[str, object], at: datetime) -> list[Snapshot]:
    channel = Item(PLATFORM, "account", channel_id, at)
    stats = mapping(fields.get("statistics"))
    if stats.get("hiddenSubscriberCount") is True:
        followers = channel.unavailable("followers", HIDDEN)
    else:
        followers = channel.count("followers", stats, "subscriberCount")
    return [followers, channel.count("account_views", stats, "viewCount")]
