"""The import worker's chunk loop (issue 14): each chunk is read and merged with the cyclic garbage
collector paused, ends with the offset of its last record, and the ledger items carry their totals."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from typing import Any

import pytest

from chalicelib.adapters.consumption_store import Entries, LedgerKey, ledger_item
from chalicelib.domain.consumption.reports import Parsed, Rejected
from chalicelib.services import consumption
from chalicelib.services.consumption import import_chunk


class MemoryLedgers:
    def __init__(self) -> None:
        self.written: dict[LedgerKey, Entries] = {}

    def ledgers(self, keys: Iterable[LedgerKey]) -> dict[LedgerKey, Entries]:
        return {key: dict(self.written[key]) for key in keys if key in self.written}

    def write_ledgers(self, ledgers: dict[LedgerKey, Entries]) -> None:
        self.written.update(ledgers)


def a_status() -> dict[str, Any]:
    return {"rows_total": 0, "rows_counted": 0, "rows_duplicate": 0, "rows_rejected": 0, "errors": []}


def rejections(count: int, seen: list[bool] | None = None) -> Iterator[Parsed]:
    """Rejected records ending at byte 10 * n, line n + 1 (noting whether the collector ran for each)."""
    for n in range(1, count + 1):
        if seen is not None:
            seen.append(gc.isenabled())
        yield Rejected(n + 1, "bad"), 10 * n, n + 1


def test_the_collector_is_paused_while_a_chunk_is_read_and_runs_again_after() -> None:
    seen: list[bool] = []
    assert gc.isenabled()
    import_chunk(MemoryLedgers(), rejections(3, seen), a_status())  # type: ignore[arg-type]
    assert seen == [False, False, False]
    assert gc.isenabled()


def test_a_collector_the_caller_paused_stays_paused_after_a_chunk() -> None:
    gc.disable()
    try:
        import_chunk(MemoryLedgers(), rejections(2), a_status())  # type: ignore[arg-type]
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_full_chunk_ends_at_the_offset_and_line_after_its_last_record(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(consumption, "CHUNK_ROWS", 2)
    parsed, status = rejections(5), a_status()
    ends = [import_chunk(MemoryLedgers(), parsed, status) for _ in range(3)]  # type: ignore[arg-type]
    assert ends == [(20, 3), (40, 5), None]
    assert status["rows_total"] == status["rows_rejected"] == 5


def test_a_ledger_item_carries_the_totals_of_its_entries() -> None:
    item = ledger_item(
        ("track", "FRZ032600001", "2026-01-02"), {"d|a|FR|all": (1, 2, 3, 4), "d|b|FR|all": [10, 20, 30, 40]}
    )
    assert [item[name]["N"] for name in ("p", "a", "d", "u")] == ["11", "22", "33", "44"]
    assert item["pk"]["S"] == "CONS#track#FRZ032600001"


def test_a_ledger_item_without_entries_totals_nothing() -> None:
    item = ledger_item(("release", "036000291452", "2026-01-02"), {})
    assert [item[name]["N"] for name in ("p", "a", "d", "u")] == ["0", "0", "0", "0"]
