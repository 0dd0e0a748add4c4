"""Imports of consumption reports (contract section 12).

`submit` takes a report posted to the API (at most 10 MB): it is checked as a whole for what would make
it unusable (encoding, header, emptiness) before it is queued, stored under `uploads/`, and queued by id.
`accept_drop` turns an S3 drop (`imports/<label>/<format>/<name>`, any size) into a queued import whose
id is derived from the object's key and ETag, so a redelivered notification is the same import.
`run` parses an import as a stream from its stored position and applies its rows to the day ledgers
chunk by chunk; after each chunk the status keeps the byte offset, so an invocation that runs out of
time stops there and the next continues (it re-queues the import itself).
"""

from __future__ import annotations

import gc
import hashlib
import json
import secrets
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby, islice
from operator import attrgetter, itemgetter
from typing import Any, Protocol, cast

from chalicelib.adapters.consumption_store import Entries, LedgerKey
from chalicelib.domain.access import Action, Principal, require
from chalicelib.domain.consumption.reports import (
    FORMATS,
    Catalogue,
    FileRejected,
    Parsed,
    Position,
    Read,
    Rejected,
    Row,
    parse,
    read_header,
)
from chalicelib.errors import (
    DependencyFailed,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    UnsupportedMediaType,
    ValidationFailed,
)
from chalicelib.models.campaign import SLUG
from chalicelib.models.release import Release
from chalicelib.observability import logger

MAX_POST_BYTES = 10 * 1024 * 1024
CONTENT_TYPES = ("text/csv", "text/tab-separated-values")
MAX_ERRORS = 100
CHUNK_ROWS = 5_000
# Stop reading when the invocation has less than this left: a chunk's writes and the status must fit.
MARGIN_SECONDS = 20.0
NOT_FOUND = "No such import."
DROP_PREFIX = "imports/"
ROW_PLACE, ROW_ENTRY, ROW_FIGURES = itemgetter(0), attrgetter("channel.entry"), itemgetter(2)


class Files(Protocol):
    def put(self, key: str, body: bytes, content_type: str) -> None: ...

    def reader(self, key: str, offset: int) -> Read: ...


class Queue(Protocol):
    def send(self, message: dict[str, str]) -> None: ...


class Store(Protocol):
    def create_import(self, label: str, import_id: str, status: dict[str, Any]) -> bool: ...

    def save_import(self, label: str, import_id: str, status: dict[str, Any]) -> None: ...

    def get_import(self, label: str, import_id: str) -> dict[str, Any] | None: ...

    def imports_of(self, label: str) -> list[dict[str, Any]]: ...

    def ledgers(self, keys: Iterable[LedgerKey]) -> dict[LedgerKey, Entries]: ...

    def write_ledgers(self, ledgers: dict[LedgerKey, Entries]) -> None: ...


@dataclass(frozen=True, slots=True)
class Outcome:
    counted: int
    duplicate: int


def apply_rows(store: Store, rows: list[Row]) -> Outcome:
    """Write rows into their day ledgers: one read and one write of each ledger a chunk touches. A row
    already there with the same figures is a duplicate; with other figures it is replaced (a corrected
    report); new, it is counted."""
    runs = [(place, list(run)) for place, run in groupby(rows, ROW_PLACE)]  # reports run by day and id
    keys = {place.ledger for place, _ in runs}
    ledgers = store.ledgers(keys)
    for key in keys:
        ledgers.setdefault(key, {})
    counted = duplicate = 0
    for place, run in runs:
        entries = ledgers[place.ledger]
        if not entries:  # a new ledger: its run's entries go in at once, all counted if none repeats
            entries.update(zip(map(ROW_ENTRY, run), map(ROW_FIGURES, run), strict=True))
            if len(entries) == len(run):
                counted += len(run)
                continue
            entries.clear()
        for row in run:
            stored = entries.get(row.channel.entry)
            if stored == row.figures:  # a stored entry is a tuple too
                duplicate += 1
            else:
                entries[row.channel.entry] = row.figures
                counted += 1
    store.write_ledgers(ledgers)
    return Outcome(counted, duplicate)


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a chunk is read and merged: its rows are tuples of
    shared values that make no cycle, yet thousands of them alive at once set off collections that
    walk them all again (a fifth of an import's time). It runs again, once, after the chunk."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def import_chunk(store: Store, parsed: Iterator[Parsed], status: dict[str, Any]) -> tuple[int, int] | None:
    """Read the next CHUNK_ROWS records of `parsed`, apply their rows and count them in `status`: the
    byte offset and line after the chunk's last record, or None when the file has ended."""
    with collector_paused():
        return _read_and_apply(store, parsed, status)  # its rows are gone when the collector runs again


def _read_and_apply(store: Store, parsed: Iterator[Parsed], status: dict[str, Any]) -> tuple[int, int] | None:
    # The items without their offsets and lines (a tuple each, kept for the chunk), but the last's.
    items: list[Row | Rejected] = list(map(itemgetter(0), islice(parsed, CHUNK_ROWS - 1)))
    last = next(parsed, None) if len(items) == CHUNK_ROWS - 1 else None
    end = None
    if last is not None:
        items.append(last[0])
        end = last[1:]
    records = len(items)
    rows = items
    if Rejected in map(type, items):  # the usual chunk has none: its items are its rows
        rows = [item for item in items if not isinstance(item, Rejected)]
        rejections = [item for item in items if isinstance(item, Rejected)]
        status["rows_rejected"] += len(rejections)
        errors = status["errors"]
        room = max(0, MAX_ERRORS - len(errors))
        errors.extend({"row": item.line, "message": item.message} for item in rejections[:room])
    status["rows_total"] += records
    if rows:
        outcome = apply_rows(store, cast(list[Row], rows))
        status["rows_counted"] += outcome.counted
        status["rows_duplicate"] += outcome.duplicate
    return end


def import_label(import_id: str) -> str | None:
    label = import_id.split(".", 1)[0]
    return label if SLUG.fullmatch(label) else None


def public(status: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in status.items() if key != "position"}


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportService:
    store: Store
    files: Files
    queue: Queue
    releases: Callable[[], list[Release]]
    authenticate: Callable[[str | None], Principal]
    clock: Callable[[], datetime]

    # The API --------------------------------------------------------------------------------------------

    def submit(
        self, bearer: str | None, label: str | None, fmt: str | None, content_type: str | None, body: bytes
    ) -> str:
        principal = self.authenticate(bearer)
        if len(body) > MAX_POST_BYTES:
            raise PayloadTooLarge(
                f"A report posted to the API is at most {MAX_POST_BYTES} bytes: drop a larger file at "
                f"s3://<summary bucket>/{DROP_PREFIX}{label or '<label>'}/{fmt or '<format>'}/<name> instead."
            )
        media = (content_type or "").split(";")[0].strip().lower()
        if media not in CONTENT_TYPES:
            raise UnsupportedMediaType(f"A report is {' or '.join(CONTENT_TYPES)}.")
        label, fmt = self._label_and_format(label, fmt)
        require(principal, Action.WRITE_CATALOGUE)
        if not principal.covers(label):
            raise Forbidden(f"This token may not import reports of label {label}.")
        now = self.clock()
        import_id = f"{label}.{now:%Y%m%dT%H%M%S}.{secrets.token_hex(4)}"
        status = self._new_status(
            import_id, label, fmt, now, source="api", key=f"uploads/{label}/{import_id}"
        )
        try:
            read_header(_bytes_reader(body), fmt)
            body.decode("utf-8")  # all of it, not only the head: nothing of a mixed file is counted
        except (FileRejected, UnicodeDecodeError) as error:
            message = str(error) if isinstance(error, FileRejected) else _not_utf8(body, error)
            status.update(status="failed", errors=[{"row": 0, "message": message}])
            self.store.create_import(label, import_id, status)
            logger.info("import refused", extra={"import_id": import_id, "label": label})
            return import_id
        self.files.put(status["key"], body, media)
        self.store.create_import(label, import_id, status)
        self.queue.send({"import_id": import_id})
        logger.info("import queued", extra={"import_id": import_id, "label": label, "bytes": len(body)})
        return import_id

    def get(self, bearer: str | None, import_id: str) -> dict[str, Any]:
        principal = self.authenticate(bearer)
        label = import_label(import_id)
        status = self.store.get_import(label, import_id) if label else None
        if status is None or label is None:
            raise NotFound(NOT_FOUND)
        require(principal, Action.READ_CATALOGUE, label, not_found=NOT_FOUND)
        return public(status)

    def list_imports(self, bearer: str | None, label: str | None) -> list[dict[str, Any]]:
        principal = self.authenticate(bearer)
        if not label or not SLUG.fullmatch(label):
            raise ValidationFailed("label is required.", fields={"label": "Required: a label slug."})
        require(principal, Action.READ_CATALOGUE, label, not_found="No such label.")
        statuses = self.store.imports_of(label)
        return [public(s) for s in sorted(statuses, key=lambda s: s["created_at"], reverse=True)]

    # The worker -------------------------------------------------------------------------------------------

    def handle_message(self, body: str, seconds_left: Callable[[], float]) -> bool:
        """The worker's entry: False when the message should come back (a dependency failed: the
        import's status keeps its offset, so the retry continues); a body that is not JSON is logged
        and dropped, since no retry would read it."""
        try:
            self.handle(body, seconds_left)
        except DependencyFailed:
            logger.exception("import message failed; it will be retried")
            return False
        except ValueError:
            logger.error("import message ignored: not JSON")
        return True

    def handle(self, body: str, seconds_left: Callable[[], float]) -> None:
        """One queue message: an import to run, or an S3 notification of dropped files."""
        message = json.loads(body)
        if "import_id" in message:
            self.run(message["import_id"], seconds_left)
            return
        for record in message.get("Records", []):
            s3 = record.get("s3", {})
            obj = s3.get("object", {})
            import_id = self.accept_drop(str(obj.get("key", "")), str(obj.get("eTag", "")))
            if import_id:
                self.run(import_id, seconds_left)

    def accept_drop(self, key: str, etag: str) -> str | None:
        """The import of a dropped file (created once per key and ETag); None for a key that is not
        `imports/<label>/<format>/<name>`."""
        from urllib.parse import unquote_plus

        key = unquote_plus(key)
        parts = key.split("/")
        if len(parts) < 4 or parts[0] != DROP_PREFIX.rstrip("/") or not parts[-1]:
            logger.warning("dropped file ignored: not imports/<label>/<format>/<name>")
            return None
        label, fmt = parts[1], parts[2]
        if not SLUG.fullmatch(label) or fmt not in FORMATS:
            logger.warning("dropped file ignored: unknown label or format", extra={"format": fmt})
            return None
        digest = hashlib.sha256(f"{key}\n{etag}".encode()).hexdigest()[:16]
        now = self.clock()
        import_id = f"{label}.s3.{digest}"
        status = self._new_status(import_id, label, fmt, now, source="s3", key=key)
        if self.store.create_import(label, import_id, status):
            logger.info("dropped file queued", extra={"import_id": import_id, "label": label})
        return import_id

    def run(self, import_id: str, seconds_left: Callable[[], float]) -> dict[str, Any]:
        label = import_label(import_id)
        status = self.store.get_import(label, import_id) if label else None
        if status is None or label is None:
            logger.warning("unknown import", extra={"import_id": import_id})
            return {}
        if status["status"] in ("done", "failed"):
            return status
        status["status"] = "running"
        fmt = status["format"]
        position = _position(status.get("position"))
        if position is None:
            try:
                position = read_header(self.files.reader(status["key"], 0), fmt)
            except FileRejected as error:
                status.update(status="failed", errors=[{"row": 0, "message": str(error)}])
                self.store.save_import(label, import_id, status)
                return status
        finished = self._read_on(label, import_id, status, position, seconds_left)
        if finished:
            status["status"] = "done"
            status["finished_at"] = self.clock().isoformat()
        self.store.save_import(label, import_id, status)
        if not finished:
            self.queue.send({"import_id": import_id})  # the next invocation continues from the offset
            logger.info("import continues", extra={"import_id": import_id, "offset": status["position"][0]})
        else:
            logger.info(
                "import done",
                extra={k: status[k] for k in ("import_id", "rows_total", "rows_counted", "rows_rejected")},
            )
        return status

    # ------------------------------------------------------------------------------------------------------

    def _read_on(
        self,
        label: str,
        import_id: str,
        status: dict[str, Any],
        position: Position,
        seconds_left: Callable[[], float],
    ) -> bool:
        """Parse from `position`, applying rows chunk by chunk; False when time ran out first."""
        catalogue = self._catalogue(label)
        reader = self.files.reader(status["key"], position.offset)
        parsed = parse(reader, status["format"], position, catalogue)
        while (end := import_chunk(self.store, parsed, status)) is not None:
            status["position"] = [*end, list(position.header), position.delimiter]
            self.store.save_import(label, import_id, status)
            if seconds_left() < MARGIN_SECONDS:
                return False
        return True

    def _catalogue(self, label: str) -> Catalogue:
        from chalicelib.services.catalogue import label_catalogue

        return label_catalogue(self.releases(), label)

    @staticmethod
    def _label_and_format(label: str | None, fmt: str | None) -> tuple[str, str]:
        fields = {}
        if not label or not SLUG.fullmatch(label):
            fields["label"] = "Required: a label slug."
        if fmt not in FORMATS:
            fields["format"] = f"One of {', '.join(FORMATS)}."
        if fields or label is None or fmt is None:
            raise ValidationFailed("label and format are required query parameters.", fields=fields)
        return label, fmt

    @staticmethod
    def _new_status(
        import_id: str, label: str, fmt: str, now: datetime, *, source: str, key: str
    ) -> dict[str, Any]:
        return {
            "import_id": import_id,
            "label": label,
            "format": fmt,
            "source": source,
            "key": key,
            "created_at": now.isoformat(),
            "status": "queued",
            "rows_total": 0,
            "rows_counted": 0,
            "rows_duplicate": 0,
            "rows_rejected": 0,
            "errors": [],
        }


def _position(raw: Any) -> Position | None:
    if not raw:
        return None
    offset, line, header, delimiter = raw
    return Position(int(offset), int(line), tuple(header), str(delimiter))


def _bytes_reader(body: bytes) -> Read:
    import io

    return io.BytesIO(body).read


def _not_utf8(body: bytes, error: UnicodeDecodeError) -> str:
    line = body.count(b"\n", 0, error.start) + 1
    return (
        f"The file is not UTF-8 (line {line} reads as Latin-1 / Windows-1252): save it as UTF-8 and send it "
        "again; nothing of it was counted."
    )
