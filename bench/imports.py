"""Issue 14: importing a 200,000-row generic report.

- rows per second of the import pipeline (stream parse, validation against the catalogue, row
  identities, ledger merge; the store is in memory and counts the requests DynamoDB would get with
  the real adapter's batching) against the floor: `csv.reader` over the same bytes (target ratio <= 4);
- peak Python memory (tracemalloc) of the same pipeline reading a file from disk, 50,000 vs 200,000
  rows (target: within 10 %);
- DynamoDB requests per 1,000 rows: BatchGetItem per 100 ledgers and BatchWriteItem per 25 per chunk
  of 5,000 rows, plus a status PutItem per chunk (target <= 45).
The pipeline is the worker's own chunk loop (`import_chunk`), and the store builds the items the real
adapter would send (`ledger_item`: the entries' names and figures, and their totals) and reads
them back as the adapter does (`ledger_entries`).
Not measured here: the same through moto or the local stack (moto's own cost dominates).
"""

from __future__ import annotations

import csv
import io
import json
import math
import tempfile
import time
import tracemalloc
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO

from bench.common import report
from chalicelib.adapters.consumption_store import (
    BATCH_GET,
    BATCH_WRITE,
    Entries,
    LedgerKey,
    ledger_entries,
    ledger_item,
)
from chalicelib.domain.consumption.ids import upc_check_digit
from chalicelib.domain.consumption.reports import Catalogue, Position, Read, parse, read_header
from chalicelib.services.consumption import import_chunk

HEADER = "date,isrc,upc,platform,country,streams_premium,streams_ad,downloads,physical_units\n"
TRACKS = [f"FRZ0326{n:05d}" for n in range(20)]
UPC = "12345678901" + str(upc_check_digit("12345678901"))
PLATFORMS = ("spotify", "deezer", "apple music", "amazon music", "youtube music")
COUNTRIES = ("FR", "BE", "CH", "CA", "LU", "DE", "GB", "US", "ES", "IT")


def report_bytes(rows: int) -> bytes:
    """A daily report sorted by day then track, as distributors send them: 50 rows a track-day."""
    out = io.StringIO()
    out.write(HEADER)
    written = 0
    day = 0
    while written < rows:
        date = f"2026-{1 + day // 28:02d}-{1 + day % 28:02d}"
        for isrc in TRACKS:
            for platform in PLATFORMS:
                for country in COUNTRIES:
                    if written == rows:
                        break
                    out.write(
                        f"{date},{isrc},,{platform},{country},{1000 + written % 97},{written % 13},0,0\n"
                    )
                    written += 1
        day += 1
    return out.getvalue().encode()


class CountingStore:
    """The ledgers in memory, counting the requests the DynamoDB adapter would make. `keep=False`
    forgets what is written (the table is remote: its size is no part of the import's memory)."""

    def __init__(self, *, keep: bool = True) -> None:
        self.data: dict[LedgerKey, dict[str, Any]] = {}
        self.requests = 0
        self.keep = keep

    def ledgers(self, keys: Iterable[LedgerKey]) -> dict[LedgerKey, Entries]:
        wanted = list(keys)
        self.requests += math.ceil(len(wanted) / BATCH_GET)
        return {k: ledger_entries(self.data[k]) for k in wanted if k in self.data}

    def write_ledgers(self, ledgers: dict[LedgerKey, Entries]) -> None:
        self.requests += math.ceil(len(ledgers) / BATCH_WRITE)
        for key, entries in ledgers.items():
            item = ledger_item(key, entries)
            if self.keep:
                self.data[key] = item


def pipeline(stream: BinaryIO, store: CountingStore) -> int:
    catalogue = Catalogue({isrc: frozenset({UPC}) for isrc in TRACKS}, frozenset({UPC}))
    position = read_header(stream.read, "generic")
    stream.seek(position.offset)  # the header's read took a whole block: the rows start after the header
    return _rows(stream.read, position, catalogue, store)


def _rows(read: Read, position: Position, catalogue: Catalogue, store: CountingStore) -> int:
    status: dict[str, Any] = {"rows_total": 0, "rows_counted": 0, "rows_duplicate": 0, "rows_rejected": 0}
    status["errors"] = []
    parsed = parse(read, "generic", position, catalogue)
    while True:
        end = import_chunk(store, parsed, status)  # type: ignore[arg-type]
        store.requests += 1  # the status PutItem with the offset
        if end is None:
            return int(status["rows_total"])


def floor(data: bytes) -> float:
    started = time.perf_counter()
    for _ in csv.reader(io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline="")):
        pass
    return time.perf_counter() - started


def ours(data: bytes) -> tuple[float, CountingStore]:
    store = CountingStore()
    stream = io.BytesIO(data)
    started = time.perf_counter()
    total = pipeline(stream, store)
    elapsed = time.perf_counter() - started
    assert total == data.count(b"\n") - 1, "every row of the file is read"
    return elapsed, store


def peak_bytes(rows: int, directory: Path) -> int:
    path = directory / f"report-{rows}.csv"
    path.write_bytes(report_bytes(rows))
    tracemalloc.start()
    with path.open("rb") as stream:
        pipeline(stream, CountingStore(keep=False))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def main() -> None:
    rows = 200_000
    data = report_bytes(rows)
    floors, times = [], []
    store = CountingStore()
    for _ in range(3):  # alternately, fastest of each
        floors.append(floor(data))
        elapsed, store = ours(data)
        times.append(elapsed)
    ratio = min(times) / min(floors)
    with tempfile.TemporaryDirectory() as directory:
        small, large = peak_bytes(50_000, Path(directory)), peak_bytes(200_000, Path(directory))
    per_thousand = store.requests / (rows / 1000)
    report(
        "imports: a 200,000-row generic report (issue 14)",
        [
            ("csv.reader floor", f"{rows / min(floors):,.0f} rows/s"),
            ("import pipeline", f"{rows / min(times):,.0f} rows/s"),
            ("ratio (target <= 4)", f"{ratio:.2f}"),
            ("peak memory 50k rows", f"{small / 1e6:.1f} MB"),
            (
                "peak memory 200k rows",
                f"{large / 1e6:.1f} MB ({(large - small) / small:+.1%}, target within 10 %)",
            ),
            ("DynamoDB requests / 1,000 rows (target <= 45)", f"{per_thousand:.1f}"),
        ],
    )
    print(
        json.dumps(
            {"ratio": ratio, "peak_small": small, "peak_large": large, "requests_per_1000": per_thousand}
        )
    )


if __name__ == "__main__":
    main()
