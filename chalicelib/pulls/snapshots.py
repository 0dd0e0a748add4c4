"""What a pull reads: one counter of one item at one time, and how far a pull got. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from chalicelib.pulls.errors import PullError

ItemKind = Literal["content", "account"]


@dataclass(frozen=True)
class Snapshot:
    """`value` is None exactly when the platform would not give the counter; `unavailable` says why
    in words a campaign lead reads ("hidden by the owner"). `title` is the content's title when the
    platform gave it in the same answer (a video's, a post's text), for summaries to name it."""

    platform: str
    item_kind: ItemKind
    item_id: str
    metric: str
    value: float | None
    at: datetime
    unavailable: str | None = None
    title: str | None = None

    def __post_init__(self) -> None:
        if (self.value is None) == (self.unavailable is None):
            raise ValueError("a snapshot has either a value or the reason it is unavailable")
        if self.at.tzinfo is None:
            raise ValueError("a snapshot's time must be timezone-aware")


@dataclass(frozen=True)
class PullResult:
    """The outcome of reading a list of ids from one platform.

    `snapshots`: every counter read. `remaining_ids`: ids not read because the pull stopped (budget
    spent, or `error`), in their original order, for a later run to resume with. `missing_ids`: ids the
    platform answered for without the item (deleted, private, or not an id at all). `error`: why the
    pull stopped early, if it did (`BudgetExhausted` when a daily budget ran out).
    """

    snapshots: tuple[Snapshot, ...] = ()
    remaining_ids: tuple[str, ...] = ()
    missing_ids: tuple[str, ...] = ()
    error: PullError | None = None

    @property
    def complete(self) -> bool:
        return not self.remaining_ids and self.error is None
