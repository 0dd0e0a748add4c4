"""Distributor and platform reports (contract section 12), parsed as a stream.

Bytes come from a `read(size)` callable (an HTTP body, an S3 object or one of its ranges): blocks are
cut at their last newline, decoded, and fed line by line to the `csv` module, which pulls only the
lines of the record it is reading. So every record knows the byte offset where it ends and the line
where it starts: a long import stops after any record and continues from that offset with the header
it kept (`Position`). A file never sits in memory: at most one block and one record do.

A record becomes a `Row` (one figure set identified by period, id, platform, country and stream type)
or a `Rejected` naming its line. What makes the whole file unusable (an encoding that is not UTF-8, a
header that is not the format's, no rows at all) is a `FileRejected` raised before any row is
produced, so nothing of such a file is ever counted.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from chalicelib.domain.consumption.ids import ISRC, is_upc, normalise_isrc
from chalicelib.domain.consumption.rules import Totals

FORMATS = ("generic", "believe", "distrokid")
Format = Literal["generic", "believe", "distrokid"]
BLOCK_BYTES = 1 << 20
BOM = b"\xef\xbb\xbf"
MIN_YEAR, MAX_YEAR = 2000, 2199
Read = Callable[[int], bytes]


class FileRejected(Exception):
    """The file as a whole cannot be read: nothing of it is counted."""


@dataclass(frozen=True, slots=True)
class Catalogue:
    """A label's registered ids: ISRC -> the UPCs of the releases holding it, and its UPCs."""

    tracks: Mapping[str, frozenset[str]]
    releases: frozenset[str]


@dataclass(frozen=True, slots=True)
class Row:
    """One reported figure set. `kind` track: `item` is an ISRC; release: a UPC (album downloads,
    physical units). `period` is the report's day or month (`YYYY-MM`); `day` the day it counts on (a
    month's first day)."""

    period: str
    day: date
    kind: Literal["track", "release"]
    item: str
    platform: str
    country: str
    stream_type: str  # all (a generic row holds both tiers), premium, ad, download, physical
    totals: Totals

    @property
    def entry(self) -> str:
        """The row's identity within its (kind, item, day): a re-import writes over the same entry."""
        grain = "m" if len(self.period) == 7 else "d"
        return f"{grain}|{self.platform}|{self.country}|{self.stream_type}"

    @property
    def identity(self) -> str:
        return f"{self.period}|{self.kind}|{self.item}|{self.platform}|{self.country}|{self.stream_type}"


@dataclass(frozen=True, slots=True)
class Rejected:
    line: int
    message: str


@dataclass(frozen=True, slots=True)
class Position:
    """Where a parse stands: the next record starts at byte `offset`, on line `line` + 1; `header` is
    the file's header row (kept so that a later invocation reads on from the middle)."""

    offset: int
    line: int
    header: tuple[str, ...]
    delimiter: str


class BadRow(ValueError):
    pass


# Field readers ----------------------------------------------------------------------------------------


def parse_period(value: str) -> tuple[str, date]:
    """`YYYY-MM-DD` or `YYYY-MM` (also `DD/MM/YYYY` and `MM/YYYY`, as some distributors write them);
    years 2000 to 2199."""
    text = value.strip()
    if "/" in text:
        parts = text.split("/")
        if len(parts) == 3:
            text = f"{parts[2]}-{parts[1]}-{parts[0]}"
        elif len(parts) == 2:
            text = f"{parts[1]}-{parts[0]}"
    shape = "month" if len(text) == 7 and text[4] == "-" else "day"
    if shape == "day" and not (len(text) == 10 and text[4] == "-" and text[7] == "-"):
        shape = ""
    try:
        day = date(int(text[:4]), int(text[5:7]), 1 if shape == "month" else int(text[8:10]))
    except ValueError:
        shape = ""
    if not shape:
        raise BadRow(f"date {value!r} is neither a day (YYYY-MM-DD) nor a month (YYYY-MM)")
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise BadRow(f"date {value!r} is outside the years {MIN_YEAR} to {MAX_YEAR}")
    return (text if len(text) == 7 else day.isoformat()), day


def parse_count(value: str, name: str) -> int:
    text = value.strip()
    if not text:
        return 0
    if text.isdigit():  # the common case, without int()'s exception path
        return int(text)
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        raise BadRow(f"{name} {value!r} is not a number") from None
    if number < 0:
        raise BadRow(f"{name} {value!r} is negative")
    if number != int(number):
        raise BadRow(f"{name} {value!r} is not a whole number")
    return int(number)


def parse_country(value: str) -> str:
    text = value.strip().upper()
    if not text:
        return "ZZ"  # unknown or worldwide
    if len(text) != 2 or not text.isalpha():
        raise BadRow(f"country {value!r} is not a two-letter code")
    return text


def parse_platform(value: str) -> str:
    text = " ".join(value.split()).lower()
    if not text or "|" in text:
        raise BadRow(f"platform {value!r} is empty or has a '|'")
    return text


def identify(catalogue: Catalogue, isrc_text: str, upc_text: str) -> tuple[Literal["track", "release"], str]:
    """A track row (an ISRC of the catalogue; a UPC beside it must be one of its releases) or a release
    row (a UPC of the catalogue alone)."""
    upc = upc_text.strip()
    isrc = normalise_isrc(isrc_text) if isrc_text.strip() else ""
    if isrc:
        if ISRC.fullmatch(isrc) is None:
            raise BadRow(f"ISRC {isrc_text.strip()!r} is not 12 characters of the ISRC shape")
        releases = catalogue.tracks.get(isrc)
        if releases is None:
            raise BadRow(f"unknown ISRC {isrc}: no release of the label's catalogue holds it")
        if upc and upc not in releases:
            raise BadRow(f"ISRC {isrc} is not a track of release {upc}")
        return "track", isrc
    if not upc:
        raise BadRow("neither an ISRC nor a UPC")
    if not is_upc(upc):
        raise BadRow(f"UPC {upc!r} is not 12 or 13 digits with a valid check digit")
    if upc not in catalogue.releases:
        raise BadRow(f"unknown UPC {upc}: not a release of the label's catalogue")
    return "release", upc


# Formats ----------------------------------------------------------------------------------------------

RowMaker = Callable[[Sequence[str]], Row]


@dataclass(frozen=True, slots=True)
class Layout:
    name: str
    required: tuple[str, ...]
    make: Callable[[Mapping[str, int], Catalogue], RowMaker]


GENERIC_COLUMNS = (
    "date",
    "isrc",
    "upc",
    "platform",
    "country",
    "streams_premium",
    "streams_ad",
    "downloads",
    "physical_units",
)


def _generic(columns: Mapping[str, int], catalogue: Catalogue) -> RowMaker:
    i_date, i_isrc, i_upc, i_platform, i_country, i_premium, i_ad, i_downloads, i_physical = (
        columns[name] for name in GENERIC_COLUMNS
    )
    periods: dict[str, tuple[str, date]] = {}  # a report repeats few dates: parse each once
    platforms: dict[str, str] = {}

    def make(record: Sequence[str]) -> Row:
        raw_date = record[i_date]
        period = periods.get(raw_date)
        if period is None:
            period = periods[raw_date] = parse_period(raw_date)
        raw_platform = record[i_platform]
        platform = platforms.get(raw_platform)
        if platform is None:
            platform = platforms[raw_platform] = parse_platform(raw_platform)
        kind, item = identify(catalogue, record[i_isrc], record[i_upc])
        totals = Totals(
            parse_count(record[i_premium], "streams_premium"),
            parse_count(record[i_ad], "streams_ad"),
            parse_count(record[i_downloads], "downloads"),
            parse_count(record[i_physical], "physical_units"),
        )
        return Row(
            period[0], period[1], kind, item, platform, parse_country(record[i_country]), "all", totals
        )

    return make


BELIEVE_COLUMNS = (
    "Sales Month",
    "Platform",
    "Country / Region",
    "UPC",
    "ISRC",
    "Sales Type",
    "Quantity",
    "Streaming Subscription Type",
)
PREMIUM_WORDS = ("premium", "subscription", "paid")
AD_WORDS = ("ad", "free", "ad-supported", "ad supported", "advertising")


def _tier(value: str) -> str:
    text = value.strip().lower()
    if text in PREMIUM_WORDS or "premium" in text or "paid" in text:
        return "premium"
    if text in AD_WORDS or "free" in text or "ad" in text.replace("-", " ").split():
        return "ad"
    # A stream whose tier is not said counts as ad-supported: it never raises a premium-only figure.
    return "ad"


def _believe(columns: Mapping[str, int], catalogue: Catalogue) -> RowMaker:
    index = {name: columns[name] for name in BELIEVE_COLUMNS}

    def make(record: Sequence[str]) -> Row:
        period, day = parse_period(record[index["Sales Month"]])
        kind, item = identify(catalogue, record[index["ISRC"]], record[index["UPC"]])
        quantity = parse_count(record[index["Quantity"]], "Quantity")
        sales_type = record[index["Sales Type"]].strip().lower()
        if "stream" in sales_type:
            stream_type = _tier(record[index["Streaming Subscription Type"]])
            totals = Totals(premium=quantity) if stream_type == "premium" else Totals(ad=quantity)
        elif "download" in sales_type:
            stream_type, totals = "download", Totals(downloads=quantity)
        elif "physical" in sales_type:
            stream_type, totals = "physical", Totals(physical=quantity)
        else:
            raise BadRow(
                f"Sales Type {record[index['Sales Type']]!r} is neither a stream, a download nor physical"
            )
        platform = parse_platform(record[index["Platform"]])
        country = parse_country(record[index["Country / Region"]])
        return Row(period, day, kind, item, platform, country, stream_type, totals)

    return make


# DistroKid's TSV: the older export names the month `Sale Month`, the newer `Sale Period` and adds
# `Recoup`; both carry the store, the ISRC/UPC, a quantity and song or album, no subscription tier.
DISTROKID_OLD = ("Sale Month", "Store", "ISRC", "UPC", "Quantity", "Song/Album", "Country of Sale")
DISTROKID_NEW = ("Sale Period", "Store", "ISRC", "UPC", "Quantity", "Song/Album", "Country of Sale")
DOWNLOAD_STORES = ("itunes", "download", "amazon mp3", "beatport", "7digital", "qobuz download")


def _distrokid(columns: Mapping[str, int], catalogue: Catalogue) -> RowMaker:
    i_period = columns["Sale Month"] if "Sale Month" in columns else columns["Sale Period"]
    i_store, i_isrc, i_upc = columns["Store"], columns["ISRC"], columns["UPC"]
    i_quantity, i_kind, i_country = columns["Quantity"], columns["Song/Album"], columns["Country of Sale"]

    def make(record: Sequence[str]) -> Row:
        period, day = parse_period(record[i_period])
        platform = parse_platform(record[i_store])
        is_album = record[i_kind].strip().lower() == "album"
        kind, item = identify(catalogue, "" if is_album else record[i_isrc], record[i_upc])
        quantity = parse_count(record[i_quantity], "Quantity")
        if any(store in platform for store in DOWNLOAD_STORES):
            stream_type, totals = "download", Totals(downloads=quantity)
        else:
            stream_type = _tier(platform)
            totals = Totals(premium=quantity) if stream_type == "premium" else Totals(ad=quantity)
        return Row(period, day, kind, item, platform, parse_country(record[i_country]), stream_type, totals)

    return make


LAYOUTS: dict[str, tuple[Layout, ...]] = {
    "generic": (Layout("generic", GENERIC_COLUMNS, _generic),),
    "believe": (Layout("believe", BELIEVE_COLUMNS, _believe),),
    "distrokid": (
        Layout("distrokid (newer columns)", DISTROKID_NEW, _distrokid),
        Layout("distrokid (older columns)", DISTROKID_OLD, _distrokid),
    ),
}


def row_maker(format_name: str, header: Sequence[str], catalogue: Catalogue) -> RowMaker:
    """The function turning this header's records into rows, or FileRejected naming what is missing."""
    columns = {name.strip(): i for i, name in enumerate(header)}
    layouts = LAYOUTS[format_name]
    for layout in layouts:
        if all(name in columns for name in layout.required):
            return layout.make(columns, catalogue)
    missing = [name for name in layouts[0].required if name not in columns]
    raise FileRejected(
        f"The header does not match the {format_name} format: missing {', '.join(missing)} "
        f"(expected columns: {', '.join(layouts[0].required)})."
    )


# The byte stream --------------------------------------------------------------------------------------


def sniff_encoding(head: bytes) -> None:
    """FileRejected when the first bytes are not UTF-8: UTF-16 (a BOM or NUL bytes) or Latin-1."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:4096]:
        raise FileRejected("The file is UTF-16: save it as UTF-8 (CSV UTF-8) and send it again.")
    cut = head.rfind(b"\n") + 1 if len(head) >= BLOCK_BYTES else len(head)
    try:
        head[:cut].decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start >= cut - 3 and len(head) >= BLOCK_BYTES:
            return  # a character cut by the end of the sample, not a wrong encoding
        raise FileRejected(
            "The file is not UTF-8 (its bytes read as Latin-1 / Windows-1252): save it as UTF-8 and "
            "send it again."
        ) from None


class _Lines:
    """The stream's lines (with their newline) for csv.reader, keeping the byte offset and the line
    number of what has been handed out."""

    def __init__(self, read: Read, offset: int, line: int) -> None:
        self._read = read
        self.offset = offset
        self.line = line
        self.bad_lines: set[int] = set()  # lines whose bytes were not UTF-8

    def __iter__(self) -> Iterator[str]:
        pending = b""
        while True:
            block = self._read(BLOCK_BYTES)
            if not block:
                break
            block = pending + block if pending else block
            cut = block.rfind(b"\n") + 1
            if cut == 0:
                pending = block
                continue
            pending = block[cut:]
            yield from self._block(block[:cut])
        if pending:
            yield from self._block(pending)

    def _block(self, block: bytes) -> Iterator[str]:
        """Every line of the block, empty ones included (they may be inside a quoted field); the last
        piece has no newline only at the end of the file."""
        if block.isascii():
            *pieces, last = block.decode("ascii").split("\n")
            for text in pieces:
                self.offset += len(text) + 1
                self.line += 1
                yield text + "\n"
            if last:
                self.offset += len(last)
                self.line += 1
                yield last
            return
        *raw_pieces, raw_last = block.split(b"\n")
        for raw in raw_pieces:
            self.offset += len(raw) + 1
            yield self._decoded(raw) + "\n"
        if raw_last:
            self.offset += len(raw_last)
            yield self._decoded(raw_last)

    def _decoded(self, raw: bytes) -> str:
        self.line += 1
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            self.bad_lines.add(self.line)
            return raw.decode("latin-1")


# The row or its rejection, then the byte offset and the line number after its record (where to resume).
Parsed = tuple[Row | Rejected, int, int]


def read_header(read: Read, format_name: str) -> Position:
    """The header of a file from its first bytes; FileRejected for a wrong encoding, an empty file or a
    header that is not the format's. The position is that of the first record."""
    head = b""
    while len(head) < BLOCK_BYTES:
        chunk = read(BLOCK_BYTES - len(head))
        if not chunk:
            break
        head += chunk
    if not head.strip(BOM + b" \r\n\t"):
        raise FileRejected("The file is empty: no header and no rows.")
    sniff_encoding(head)
    start = len(BOM) if head.startswith(BOM) else 0
    end = head.find(b"\n", start)
    if end < 0:
        end = len(head)
    header_line = head[start:end].decode("utf-8").rstrip("\r")
    delimiter = (
        "\t" if "\t" in header_line else (";" if header_line.count(";") > header_line.count(",") else ",")
    )
    header = tuple(next(csv.reader([header_line], delimiter=delimiter)))
    row_maker(format_name, header, Catalogue({}, frozenset()))  # raises on a header of another format
    return Position(offset=min(end + 1, len(head)), line=1, header=header, delimiter=delimiter)


def parse(read: Read, format_name: str, position: Position, catalogue: Catalogue) -> Iterator[Parsed]:
    """Rows and rejections from `position` on (`read` starts at `position.offset`)."""
    make = row_maker(format_name, position.header, catalogue)
    lines = _Lines(read, position.offset, position.line)
    reader = csv.reader(lines, delimiter=position.delimiter, strict=True)
    width = len(position.header)
    while True:
        start = lines.line + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            # Only an unterminated quote reaches here (strict mode): the rest of the file is that field.
            yield Rejected(start, f"unreadable CSV: {error}"), lines.offset, lines.line
            return
        if not record or (len(record) == 1 and not record[0].strip()):
            continue  # an empty line
        if lines.bad_lines and any(start <= n <= lines.line for n in lines.bad_lines):
            lines.bad_lines.clear()
            yield (
                Rejected(start, "not UTF-8 (Latin-1?): the row's bytes are another encoding"),
                lines.offset,
                lines.line,
            )
            continue
        if len(record) != width:
            yield (
                Rejected(start, f"{len(record)} columns where the header has {width}"),
                lines.offset,
                lines.line,
            )
            continue
        try:
            yield make(record), lines.offset, lines.line
        except BadRow as error:
            yield Rejected(start, str(error)), lines.offset, lines.line
