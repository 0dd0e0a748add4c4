"""X API v2 counters: posts' and users' `public_metrics`, 100 ids a request, within a read budget.

`GET {base}/tweets?ids=<ids>&tweet.fields=public_metrics` and `GET {base}/users?ids=<ids>&
user.fields=public_metrics`, with the app's bearer token. Metric names are the contract's (section 7).
An id X cannot return comes back in the `errors` array beside the others' `data`: it is missing, not a
failure. Rate-limit windows (`x-rate-limit-*`) are honoured by `PlatformHttp`.

X bills every resource read, so each post (or user, `units_per_user` each) that comes back is spent
from `read_budget`; a batch is cut to what the budget still allows and the pull stops, returning the
ids left, once it allows nothing. An id that is not a decimal X id is never sent (X would refuse the
whole request) and counts as missing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime

from chalicelib.pulls.budget import UnitBudget
from chalicelib.pulls.errors import BudgetExhausted, PullError
from chalicelib.pulls.http import PlatformHttp
from chalicelib.pulls.reading import Item, batch_items, list_field, mapping, object_body, titled, well_formed
from chalicelib.pulls.snapshots import ItemKind, PullResult, Snapshot

PLATFORM = "x"
BATCH_SIZE = 100

TWEET_METRICS = (
    ("likes", "like_count"),
    ("reposts", "retweet_count"),
    ("comments", "reply_count"),
    ("quotes", "quote_count"),
    ("views", "impression_count"),
    ("saves", "bookmark_count"),
)
USER_METRICS = (("followers", "followers_count"),)

_ID = re.compile(r"[0-9]{1,19}")

ReadItem = Callable[[str, dict[str, object], datetime], list[Snapshot]]


class XMetrics:
    """Counters of posts and users through one `PlatformHttp`, spending `read_budget`."""

    def __init__(
        self,
        http: PlatformHttp,
        base_url: str,
        bearer_token: str,
        read_budget: UnitBudget,
        *,
        units_per_post: int = 1,
        units_per_user: int = 1,
    ) -> None:
        if units_per_post < 1 or units_per_user < 1:
            raise ValueError("every read costs at least one unit")
        self._http = http
        self._base = base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {bearer_token}"}
        self._budget = read_budget
        self._units = {"tweets": units_per_post, "users": units_per_user}

    def tweets(self, ids: Iterable[str], now: datetime) -> PullResult:
        """likes, reposts, comments, quotes, views and saves of each post."""
        return self._pull(
            "tweets", ids, now, fields_param="tweet.fields", read=_reader("content", TWEET_METRICS)
        )

    def users(self, ids: Iterable[str], now: datetime) -> PullResult:
        """followers of each account."""
        return self._pull(
            "users", ids, now, fields_param="user.fields", read=_reader("account", USER_METRICS)
        )

    def _pull(
        self,
        resource: str,
        ids: Iterable[str],
        now: datetime,
        *,
        fields_param: str,
        read: ReadItem,
    ) -> PullResult:
        valid, missing = well_formed(ids, _ID)
        snapshots: list[Snapshot] = []
        units = self._units[resource]
        start = 0
        while start < len(valid):
            affordable = self._budget.available(now) // units
            if affordable < 1:
                cap = f"the label's cap of {self._budget.daily_limit} X reads a day (X_READS_PER_DAY)"
                error = BudgetExhausted(f"{cap} is reached")
                return PullResult(tuple(snapshots), tuple(valid[start:]), tuple(missing), error)
            batch = valid[start : start + min(BATCH_SIZE, affordable)]
            try:
                body = object_body(
                    self._http.get_json(
                        f"{self._base}/{resource}",
                        {"ids": ",".join(batch), fields_param: "public_metrics"},
                        self._headers,
                    ),
                    f"{PLATFORM} {resource}",
                )
                items = list_field(body, "data", f"{PLATFORM} {resource}")
            except PullError as error:
                return PullResult(tuple(snapshots), tuple(valid[start:]), tuple(missing), error)
            seen: set[str] = set()
            for item_id, fields in batch_items(items, batch, seen):
                snapshots.extend(read(item_id, fields, now))
            self._budget.spend(len(seen) * units, now)
            missing.extend(item_id for item_id in batch if item_id not in seen)
            start += len(batch)
        return PullResult(tuple(snapshots), (), tuple(missing), None)


def _reader(kind: ItemKind, metrics: tuple[tuple[str, str], ...]) -> ReadItem:
    def read(item_id: str, fields: dict[str, object], at: datetime) -> list[Snapshot]:
        item = Item(PLATFORM, kind, item_id, at)
        public_metrics = mapping(fields.get("public_metrics"))
        snapshots = [item.count(metric, public_metrics, field) for metric, field in metrics]
        # A post comes with its text by default: the content's title in summaries.
        return titled(snapshots, fields.get("text")) if kind == "content" else snapshots

    return read
