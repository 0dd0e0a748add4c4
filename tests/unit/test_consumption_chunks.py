"""The import worker's chunk loop (issue 14): each chunk is read and merged with the cyclic garbage
collector paused, ends with the offset of its last record, merges rows as it would one at a time, and
the ledger items carry their totals and read back as their entries."""

from __future__ import annotations

import gc
import io
from collections.abc import Iterable, Iterator
from typing import Any, cast

import pytest

from chalicelib.adapters.consumption_store import Entries, LedgerKey, ledger_entries, ledger_item
from chalicelib.domain.consumption.reports import Catalogue, Parsed, Rejected, Row, parse, read_header
from chalicelib.services import consumption
from chalicelib.services.consumption import apply_rows, import_chunk


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


def rows_of(*lines: str) -> list[Row]:
    """The rows of a generic report of these lines (all known to the catalogue)."""
    header = "date,isrc,upc,platform,country,streams_premium,streams_ad,downloads,physical_units\n"
    data = (header + "\n".join(lines) + "\n").encode()
    stream = io.BytesIO(data)
    position = read_header(stream.read, "generic")
    stream.seek(position.offset)
    catalogue = Catalogue({TRACK: frozenset()}, frozenset())
    items = [item for item, _, _ in parse(stream.read, "generic", position, catalogue)]
    assert all(isinstance(item, Row) for item in items), items
    return cast(list[Row], items)


TRACK = "FRZ032600001"


@pytest.mark.parametrize(
    ("second_figures", "counted", "duplicate", "kept"),
    [("5,0,0,0", 1, 1, (5, 0, 0, 0)), ("7,0,0,0", 2, 0, (7, 0, 0, 0))],
    ids=["same-figures-a-duplicate", "other-figures-replace"],
)
def test_a_row_repeated_within_a_chunk_of_a_new_ledger_counts_as_one_row_at_a_time(
    second_figures: str, counted: int, duplicate: int, kept: tuple[int, ...]
) -> None:
    # Given a new ledger whose chunk holds the same identity twice
    rows = rows_of(
        f"2026-01-02,{TRACK},,spotify,FR,5,0,0,0",
        f"2026-01-02,{TRACK},,deezer,FR,1,0,0,0",
        f"2026-01-02,{TRACK},,spotify,FR,{second_figures}",
    )
    store = MemoryLedgers()
    # When the chunk is applied
    outcome = apply_rows(store, rows)
    # Then the repeat is a duplicate or a replacement, as it would be row by row
    assert (outcome.counted, outcome.duplicate) == (counted + 1, duplicate)
    assert store.written[("track", TRACK, "2026-01-02")]["d|spotify|FR|all"] == kept


def test_a_ledger_item_reads_back_as_its_entries() -> None:
    entries: Entries = {"d|a|FR|all": (1, 2, 3, 4), "m|b c|ZZ|all": (0, 2**32 - 1, 0, 7)}
    item = ledger_item(("track", TRACK, "2026-01-02"), entries)
    assert ledger_entries(item) == entries


def test_a_ledger_item_of_figures_past_32_bits_keeps_the_json_form() -> None:
    entries: Entries = {"d|a|FR|all": (2**32, 0, 0, 0)}
    item = ledger_item(("track", TRACK, "2026-01-02"), entries)
    assert "figures" not in item
    assert (item["p"]["N"], ledger_entries(item)) == (str(2**32), entries)


def test_a_ledger_item_stored_before_packed_figures_still_reads() -> None:
    item = {"rows": {"S": '{"d|a|FR|all":[1,2,3,4]}'}}
    assert ledger_entries(item) == {"d|a|FR|all": (1, 2, 3, 4)}
