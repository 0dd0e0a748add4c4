"""Meta Graph API counters: Facebook posts and Pages, Instagram media and accounts, 50 ids a request.

One request reads up to 50 objects: `GET {base}/?ids=<a,b,c>&fields=<fields>` answers an object keyed
by id (Graph's multiple-ids lookup). The token goes in `Authorization: Bearer`, never in the URL.

- Facebook post: `shares{count}`, `reactions.summary(total_count)`, `comments.summary(true)` ->
  `likes` (all reactions), `comments`, `shares`. Graph leaves `shares` out of a post nobody shared:
  that is reported as unavailable, with the reason, rather than guessed as 0.
- Facebook Page: `followers_count` (else `fan_count`, the Page's likes, on Pages without it) -> `followers`.
- Instagram media: `like_count` (left out when the owner hides likes), `comments_count`.
- Instagram account: `followers_count` -> `followers`.

Graph refuses a whole multiple-ids request when one id does not exist (HTTP 400). Such a batch is read
again one id at a time (`GET {base}/{id}?fields=...`): an id Graph answers with `GraphMethodException`
(object does not exist or cannot be read) is missing, any other failure stops the pull. A clean run makes
exactly ceil(n / 50) requests. An id that is not a Graph id (digits, or digits_digits for a post) is
never sent and counts as missing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from chalicelib.pulls.errors import PullError, Rejected
from chalicelib.pulls.http import PlatformHttp
from chalicelib.pulls.reading import NOT_RETURNED, Item, chunks, mapping, object_body, well_formed
from chalicelib.pulls.snapshots import ItemKind, PullResult, Snapshot

BATCH_SIZE = 50
NOT_FOUND_REASON = "GraphMethodException"

POST_FIELDS = "shares,reactions.limit(0).summary(total_count),comments.limit(0).summary(true)"
PAGE_FIELDS = "followers_count,fan_count"
MEDIA_FIELDS = "like_count,comments_count"
IG_ACCOUNT_FIELDS = "followers_count"

HIDDEN_LIKES = "hidden by the owner"
NO_SHARES = "not returned by Meta (Graph leaves out shares for a post that has none)"

_ID = re.compile(r"[0-9]{1,32}(?:_[0-9]{1,32})?")

ReadItem = Callable[[str, dict[str, object], datetime], list[Snapshot]]


@dataclass(frozen=True)
class _Resource:
    platform: str
    fields: str
    read: ReadItem


class MetaGraph:
    """Counters of Facebook and Instagram objects through one `PlatformHttp`, with one access token."""

    def __init__(self, http: PlatformHttp, base_url: str, access_token: str) -> None:
        self._http = http
        self._base = base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {access_token}"}

    def facebook_posts(self, ids: Iterable[str], now: datetime) -> PullResult:
        """likes (reactions total), comments and shares of each Facebook post."""
        return self._pull(_Resource("facebook", POST_FIELDS, _post_snapshots), ids, now)

    def facebook_pages(self, ids: Iterable[str], now: datetime) -> PullResult:
        """followers of each Facebook Page."""
        return self._pull(_Resource("facebook", PAGE_FIELDS, _page_snapshots), ids, now)

    def instagram_media(self, ids: Iterable[str], now: datetime) -> PullResult:
        """likes and comments of each Instagram media."""
        return self._pull(_Resource("instagram", MEDIA_FIELDS, _media_snapshots), ids, now)

    def instagram_accounts(self, ids: Iterable[str], now: datetime) -> PullResult:
        """followers of each Instagram professional account."""
        return self._pull(
            _Resource("instagram", IG_ACCOUNT_FIELDS, _followers_reader("instagram", "followers_count")),
            ids,
            now,
        )

    def _pull(self, resource: _Resource, ids: Iterable[str], now: datetime) -> PullResult:
        valid, missing = well_formed(ids, _ID)
        snapshots: list[Snapshot] = []
        batches = chunks(valid, BATCH_SIZE)
        for index, batch in enumerate(batches):
            later = [item_id for rest in batches[index + 1 :] for item_id in rest]
            try:
                found = self._many(resource, batch)
            except Rejected as error:
                if error.status != 400:
                    return PullResult(tuple(snapshots), tuple(batch + later), tuple(missing), error)
                stopped = self._one_by_one(resource, batch, now, snapshots, missing)
                if stopped is not None:
                    left, failure = stopped
                    return PullResult(tuple(snapshots), tuple(left + later), tuple(missing), failure)
                continue
            except PullError as error:
                return PullResult(tuple(snapshots), tuple(batch + later), tuple(missing), error)
            for item_id in batch:
                fields = found.get(item_id)
                if isinstance(fields, dict):
                    snapshots.extend(resource.read(item_id, fields, now))
                else:
                    missing.append(item_id)
        return PullResult(tuple(snapshots), (), tuple(missing), None)

    def _many(self, resource: _Resource, batch: list[str]) -> dict[str, object]:
        body = self._http.get_json(
            f"{self._base}/", {"ids": ",".join(batch), "fields": resource.fields}, self._headers
        )
        return object_body(body, f"{resource.platform} graph")

    def _one_by_one(
        self,
        resource: _Resource,
        batch: list[str],
        now: datetime,
        snapshots: list[Snapshot],
        missing: list[str],
    ) -> tuple[list[str], PullError] | None:
        """Read `batch` an id at a time; the ids left and the error, if one stopped it."""
        for position, item_id in enumerate(batch):
            try:
                body = self._http.get_json(
                    f"{self._base}/{item_id}", {"fields": resource.fields}, self._headers
                )
                fields = object_body(body, f"{resource.platform} graph")
            except Rejected as error:
                if error.reason == NOT_FOUND_REASON:
                    missing.append(item_id)
                    continue
                return batch[position:], error
            except PullError as error:
                return batch[position:], error
            snapshots.extend(resource.read(item_id, fields, now))
        return None


def _post_snapshots(post_id: str, fields: dict[str, object], at: datetime) -> list[Snapshot]:
    post = Item("facebook", "content", post_id, at)
    reactions = mapping(mapping(fields.get("reactions")).get("summary"))
    comments = mapping(mapping(fields.get("comments")).get("summary"))
    shares = mapping(fields.get("shares"))
    return [
        post.count("likes", reactions, "total_count"),
        post.count("comments", comments, "total_count"),
        post.count("shares", shares, "count", absent=NO_SHARES),
    ]


def _page_snapshots(page_id: str, fields: dict[str, object], at: datetime) -> list[Snapshot]:
    page = Item("facebook", "account", page_id, at)
    name = "followers_count" if fields.get("followers_count") is not None else "fan_count"
    return [page.count("followers", fields, name, absent=NOT_RETURNED)]


def _media_snapshots(media_id: str, fields: dict[str, object], at: datetime) -> list[Snapshot]:
    media = Item("instagram", "content", media_id, at)
    return [
        media.count("likes", fields, "like_count", absent=HIDDEN_LIKES),
        media.count("comments", fields, "comments_count"),
    ]


def _followers_reader(platform: str, name: str) -> ReadItem:
    kind: ItemKind = "account"

    def read(item_id: str, fields: dict[str, object], at: datetime) -> list[Snapshot]:
        return [Item(platform, kind, item_id, at).count("followers", fields, name)]

    return read
