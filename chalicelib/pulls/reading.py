"""Small readers shared by the pull clients: ids in order, batches, counts from JSON. Pure."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from chalicelib.domain.events import title_of
from chalicelib.pulls.errors import MalformedResponse
from chalicelib.pulls.snapshots import ItemKind, Snapshot

NOT_RETURNED = "not returned by the platform"
NOT_READABLE = "not a count the tracker can read"

_DIGITS = re.compile(r"[0-9]{1,30}")


def unique(ids: Iterable[str]) -> list[str]:
    """The ids once each, in their first order (reading an id twice would pay for it twice)."""
    return list(dict.fromkeys(ids))


def well_formed(ids: Iterable[str], shape: re.Pattern[str]) -> tuple[list[str], list[str]]:
    """The ids once each, in order, split into those of the platform's shape (worth a request) and
    the others (missing without one)."""
    wanted = unique(ids)
    return [i for i in wanted if shape.fullmatch(i)], [i for i in wanted if not shape.fullmatch(i)]


def _text_id(value: object) -> str | None:
    return value if isinstance(value, str) else None


def batch_items(
    items: Iterable[object],
    batch: Collection[str],
    seen: set[str],
    id_of: Callable[[object], str | None] = _text_id,
) -> Iterator[tuple[str, dict[str, object]]]:
    """(id, fields) of each answered item that is one of `batch`'s ids, once: an item the platform
    repeats or did not ask for is skipped. Adds each id to `seen`, so the caller knows what is missing."""
    for item in items:
        fields = mapping(item)
        item_id = id_of(fields.get("id"))
        if item_id is not None and item_id in batch and item_id not in seen:
            seen.add(item_id)
            yield item_id, fields


def chunks(items: Sequence[str], size: int) -> list[list[str]]:
    """Consecutive batches of at most `size`; every batch but the last is full."""
    return [list(items[start : start + size]) for start in range(0, len(items), size)]


def as_count(value: object) -> float | None:
    """A non-negative count given as a JSON integer or as a string of digits (YouTube); else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and value >= 0:
        return float(value)
    if isinstance(value, float) and value >= 0 and value.is_integer():
        return value
    if isinstance(value, str) and _DIGITS.fullmatch(value):
        return float(int(value))
    return None


@dataclass(frozen=True)
class Item:
    """One item read at one time; makes its snapshots."""

    platform: str
    kind: ItemKind
    item_id: str
    at: datetime

    def count(
        self, metric: str, fields: Mapping[str, object], name: str, *, absent: str = NOT_RETURNED
    ) -> Snapshot:
        """The snapshot of `fields[name]`: its count, else unavailable with `absent` (the field is
        missing or null) or `NOT_READABLE` (it is there but not a count)."""
        if fields.get(name) is None:
            return self.unavailable(metric, absent)
        value = as_count(fields[name])
        if value is None:
            return self.unavailable(metric, NOT_READABLE)
        return Snapshot(self.platform, self.kind, self.item_id, metric, value, self.at)

    def unavailable(self, metric: str, reason: str) -> Snapshot:
        return Snapshot(self.platform, self.kind, self.item_id, metric, None, self.at, unavailable=reason)


def titled(snapshots: list[Snapshot], title: object) -> list[Snapshot]:
    """The snapshots with the content's title (as summaries show titles), when `title` is text."""
    text = title_of(title) if isinstance(title, str) else None
    return [replace(snapshot, title=text) for snapshot in snapshots] if text else snapshots


def object_body(body: object, what: str) -> dict[str, object]:
    if not isinstance(body, dict):
        raise MalformedResponse(f"{what} answered JSON that is not an object")
    return body


def list_field(body: Mapping[str, object], name: str, what: str) -> list[object]:
    """`body[name]` as a list; absent or null is an empty list, anything else is malformed."""
    value = body.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        raise MalformedResponse(f"{what} answered a `{name}` that is not a list")
    return value


def mapping(value: object) -> dict[str, object]:
    return value if isinstance(value, dict) else {}
