"""Distributor and platform reports (contract section 12), parsed as a stream.

Bytes come from a `read(size)` callable (an HTTP body, an S3 object or one of its ranges): blocks are
cut at their last newline and decoded; a block without quotes is split line by line on the delimiter
and made into rows a slice of lines at a time by `map` (no Python loop step a record), and from the
first block with a quote on, lines go to the `csv` module, which pulls only the lines of the record it
is reading. So every record knows the byte offset where it ends and the line where it
starts: a long import stops after any record and continues from that offset with the header it kept
(`Position`). A file never sits in memory: at most one block does.

A record becomes a `Row` (one figure set identified by its place: period, id; and its channel:
platform, country and stream type) or a `Rejected` naming its line. What makes the whole file
unusable (an encoding that is not UTF-8, a header that is not the format's, no rows at all) is a
`FileRejected` raised before any row is produced, so nothing of such a file is ever counted.
"""

from __future__ import annotations

import csv
import io
from array import array
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from itertools import accumulate, chain, count, repeat
from typing import Literal, NamedTuple, TypeVar

from chalicelib.domain.consumption.ids import ISRC, is_upc, normalise_isrc
from chalicelib.domain.consumption.rules import Totals

FORMATS = ("generic", "believe", "distrokid")
Format = Literal["generic", "believe", "distrokid"]
Kind = Literal["track", "release"]
BLOCK_BYTES = 1 << 20
BOM = b"\xef\xbb\xbf"
MIN_YEAR, MAX_YEAR = 2000, 2199
# Distinct values a field's reader remembers: enough for a report's dates, ids, platforms and small
# counts; a file of endless distinct values starts over rather than growing memory.
MEMO_ENTRIES = 512
PLAIN_SLICE = 1000  # lines of a plain block made into rows at once
Read = Callable[[int], bytes]
Figures = tuple[int, int, int, int]  # premium streams, ad-supported streams, downloads, physical units
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class FileRejected(Exception):
    """The file as a whole cannot be read: nothing of it is counted."""


@dataclass(frozen=True, slots=True)
class Catalogue:
    """A label's registered ids: ISRC -> the UPCs of the releases holding it, and its UPCs."""

    tracks: Mapping[str, frozenset[str]]
    releases: frozenset[str]


class Place(NamedTuple):
    """What a row counts and when. `kind` track: `item` is an ISRC; release: a UPC (album downloads,
    physical units). `period` is the report's day or month (`YYYY-MM`, `grain` m, else d); `day` the
    day it counts on (a month's first day); `ledger` the key of that day's ledger of the item."""

    period: str
    day: date
    kind: Kind
    item: str
    grain: str
    ledger: tuple[str, str, str]


class Channel(NamedTuple):
    """Where figures come from; `entry` names them within a day ledger (with the period's grain)."""

    platform: str
    country: str
    stream_type: str  # all (a generic row holds both tiers), premium, ad, download, physical
    entry: str


class Row(NamedTuple):
    """One reported figure set, identified by its place and channel (memoised: shared by the rows of
    the same day and id, or platform and country). A tuple: an import makes one for every record."""

    place: Place
    channel: Channel
    figures: Figures

    @property
    def totals(self) -> Totals:
        return Totals(*self.figures)

    @property
    def entry(self) -> str:
        """The row's identity within its (kind, item, day): a re-import writes over the same entry."""
        return self.channel.entry

    @property
    def identity(self) -> str:
        place, channel = self.place, self.channel
        return "|".join(
            (place.period, place.kind, place.item, channel.platform, channel.country, channel.stream_type)
        )


@dataclass(frozen=True, slots=True)
class Position:
    """Where a parse stands: the next record starts at byte `offset`, on line `line` + 1; `header` is
    the file's header row (kept so that a later invocation reads on from the middle)."""

    offset: int
    line: int
    header: tuple[str, ...]
    delimiter: str


# Row(...) without the Python frame of a NamedTuple's __new__: a row is made for every record.
new_row: Callable[[tuple[Place, Channel, Figures]], Row] = partial(tuple.__new__, Row)


class BadRow(ValueError):
    pass


class Memo(dict[K, V]):
    """`compute`'s results by argument: a report repeats few distinct dates, ids, platforms and counts,
    so each is read once. A BadRow from `compute` is not remembered."""

    def __init__(self, compute: Callable[[K], V]) -> None:
        super().__init__()
        self._compute = compute

    def __missing__(self, key: K) -> V:
        if len(self) >= MEMO_ENTRIES:
            self.clear()
        value = self[key] = self._compute(key)
        return value


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
    if text.isdecimal():  # the common case, without int()'s exception path ("²" is a digit, not decimal)
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


def identify(catalogue: Catalogue, isrc_text: str, upc_text: str) -> tuple[Kind, str]:
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


def place_memo(catalogue: Catalogue) -> Memo[tuple[str, str, str], Place]:
    """The places of records' (date, ISRC, UPC) texts. A report has a place for each day and id, more
    than a memo keeps: each is made from its date's and its ids' own memos, not read again."""
    periods = Memo(parse_period)
    items: Memo[tuple[str, str], tuple[Kind, str]] = Memo(lambda ids: identify(catalogue, *ids))

    def place(texts: tuple[str, str, str]) -> Place:
        period, day = periods[texts[0]]
        kind, item = items[texts[1], texts[2]]
        return Place(period, day, kind, item, "m" if len(period) == 7 else "d", (kind, item, day.isoformat()))

    return Memo(place)


def channel(texts: tuple[str, str, str, str]) -> Channel:
    """The channel of a record's (grain, platform, country, stream type) texts."""
    grain, platform_text, country_text, stream_type = texts
    platform = parse_platform(platform_text)
    country = parse_country(country_text)
    return Channel(platform, country, stream_type, f"{grain}|{platform}|{country}|{stream_type}")


def single_figures(stream_type: str, quantity: int) -> Figures:
    """The figures of a row reporting one stream type (Believe, DistroKid)."""
    return (
        quantity if stream_type == "premium" else 0,
        quantity if stream_type == "ad" else 0,
        quantity if stream_type == "download" else 0,
        quantity if stream_type == "physical" else 0,
    )


# Formats ----------------------------------------------------------------------------------------------
# Each format's maker reads fields through memos (`Memo`): the same date, id, platform or count read
# once per parse rather than once per row is most of an import's speed.

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
    places = place_memo(catalogue)
    channels = Memo(channel)
    premium, ad, downloads, physical = (Memo(partial(parse_count, name=name)) for name in GENERIC_COLUMNS[5:])

    def make(record: Sequence[str]) -> Row:
        where = places[record[i_date], record[i_isrc], record[i_upc]]
        return new_row(
            (
                where,
                channels[where.grain, record[i_platform], record[i_country], "all"],
                (
                    premium[record[i_premium]],
                    ad[record[i_ad]],
                    downloads[record[i_downloads]],
                    physical[record[i_physical]],
                ),
            )
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


def _believe_type(texts: tuple[str, str]) -> str:
    """The stream type of a (Sales Type, Streaming Subscription Type) pair."""
    sales_type = texts[0].strip().lower()
    if "stream" in sales_type:
        return _tier(texts[1])
    if "download" in sales_type:
        return "download"
    if "physical" in sales_type:
        return "physical"
    raise BadRow(f"Sales Type {texts[0]!r} is neither a stream, a download nor physical")


def _believe(columns: Mapping[str, int], catalogue: Catalogue) -> RowMaker:
    i_month, i_platform, i_country, i_upc, i_isrc, i_sales_type, i_quantity, i_tier = (
        columns[name] for name in BELIEVE_COLUMNS
    )
    places = place_memo(catalogue)
    channels = Memo(channel)
    quantities = Memo(partial(parse_count, name="Quantity"))
    stream_types = Memo(_believe_type)

    def make(record: Sequence[str]) -> Row:
        where = places[record[i_month], record[i_isrc], record[i_upc]]
        quantity = quantities[record[i_quantity]]
        stream_type = stream_types[record[i_sales_type], record[i_tier]]
        return Row(
            where,
            channels[where.grain, record[i_platform], record[i_country], stream_type],
            single_figures(stream_type, quantity),
        )

    return make


# DistroKid's TSV: the older export names the month `Sale Month`, the newer `Sale Period` and adds
# `Recoup`; both carry the store, the ISRC/UPC, a quantity and song or album, no subscription tier.
DISTROKID_OLD = ("Sale Month", "Store", "ISRC", "UPC", "Quantity", "Song/Album", "Country of Sale")
DISTROKID_NEW = ("Sale Period", "Store", "ISRC", "UPC", "Quantity", "Song/Album", "Country of Sale")
DOWNLOAD_STORES = ("itunes", "download", "amazon mp3", "beatport", "7digital", "qobuz download")


def _store_type(store: str) -> str:
    """The stream type of a DistroKid store's rows: downloads, or streams of the tier its name says."""
    platform = parse_platform(store)
    if any(download_store in platform for download_store in DOWNLOAD_STORES):
        return "download"
    return _tier(platform)


def _distrokid(columns: Mapping[str, int], catalogue: Catalogue) -> RowMaker:
    i_period = columns["Sale Month"] if "Sale Month" in columns else columns["Sale Period"]
    i_store, i_isrc, i_upc = columns["Store"], columns["ISRC"], columns["UPC"]
    i_quantity, i_kind, i_country = columns["Quantity"], columns["Song/Album"], columns["Country of Sale"]
    places = place_memo(catalogue)
    channels = Memo(channel)
    quantities = Memo(partial(parse_count, name="Quantity"))
    stream_types = Memo(_store_type)

    def make(record: Sequence[str]) -> Row:
        is_album = record[i_kind].strip().lower() == "album"
        where = places[record[i_period], "" if is_album else record[i_isrc], record[i_upc]]
        stream_type = stream_types[record[i_store]]
        quantity = quantities[record[i_quantity]]
        return Row(
            where,
            channels[where.grain, record[i_store], record[i_country], stream_type],
            single_figures(stream_type, quantity),
        )

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


# A record as read: its fields, the lines where it starts and ends, and the byte offset after it.
Record = tuple[list[str], int, int, int]


class PlainBlock(NamedTuple):
    """A plain block's lines (each one record) from line `first` of the file; `ends[n]`: the byte
    offset after its nth line (from 1)."""

    lines: list[str]
    first: int
    ends: array[int]


class Unreadable(Exception):
    """A record csv.reader cannot read (an unterminated quote: the rest of the file is that field)."""

    def __init__(self, message: str, start: int, line: int, offset: int) -> None:
        super().__init__(message)
        self.start, self.line, self.offset = start, line, offset


class _Records:
    """The stream's records, a block at a time. A plain block (UTF-8 without quotes or NUL bytes, a
    carriage return only before a newline) is one record a line, handed out as its lines for `parse`
    to split on the delimiter exactly as csv.reader would read them, at half its cost (a property test
    holds the two paths equal). From the first block that is not plain on, the lines
    (with their newline, as csv.reader needs them within a quoted field) go to csv.reader, whose own
    line count places each record in the block being read."""

    def __init__(self, read: Read, position: Position) -> None:
        self._read = read
        self._line = position.line  # of the file, before the stream's first
        self._delimiter = position.delimiter
        self._lines_out = 0  # lines of the blocks handed out
        self._bytes_out = position.offset  # where the next block starts
        self._before = 0  # lines of the stream before the block being read
        self._ends = array("q", [position.offset])  # after each line of the block being read, from 1
        self.bad_lines: set[int] = set()  # lines of the file whose bytes were not UTF-8

    def __iter__(self) -> Iterator[PlainBlock | Iterator[Record]]:
        """Each plain block whole, then the records csv.reader reads from the rest of the stream."""
        blocks = self._blocks()
        for block in blocks:
            lines = _plain_lines(block)
            if lines is None:
                yield self._read_by_csv(chain([block], blocks))
                return
            self._hand_out(block, io.BytesIO(block))  # its lines one at a time, not all at once
            del block  # neither it nor its lines stay alive while the next block is read
            yield PlainBlock(lines, self._line + self._before + 1, self._ends)
            del lines

    def _blocks(self) -> Iterator[bytes]:
        """The stream cut after its last newline of each read (the last block: the rest)."""
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
            yield block[:cut]
        if pending:
            yield pending

    def _hand_out(self, block: bytes, lines: Iterable[bytes]) -> None:
        """`block` (of these lines, with their newline) is now the block being read."""
        self._before = self._lines_out
        self._ends = array("q", accumulate(map(len, lines), initial=self._bytes_out))
        self._lines_out += len(self._ends) - 1
        self._bytes_out += len(block)

    def _read_by_csv(self, blocks: Iterator[bytes]) -> Iterator[Record]:
        reader = csv.reader(
            chain.from_iterable(map(self._decoded_lines, blocks)), delimiter=self._delimiter, strict=True
        )
        before = self._lines_out  # lines of the stream before the reader's first
        line = self._line + before  # of the file, the last of the last record read
        try:
            for record in reader:
                start, line = line + 1, self._line + before + reader.line_num
                yield record, start, line, self._ends[before + reader.line_num - self._before]
        except csv.Error as error:
            end = self._ends[before + reader.line_num - self._before]
            raise Unreadable(
                f"unreadable CSV: {error}", line + 1, self._line + before + reader.line_num, end
            ) from None

    def _decoded_lines(self, block: bytes) -> Iterable[str]:
        """Every line of the block, empty ones included (they may be inside a quoted field); the last
        has no newline only at the end of the file. Decoded as csv.reader asks for them."""
        lines = io.BytesIO(block).readlines()
        self._hand_out(block, lines)
        try:
            block.decode("utf-8")
        except UnicodeDecodeError:
            first = self._line + self._before + 1
            return [self._decoded(line, piece) for line, piece in enumerate(lines, first)]
        return map(bytes.decode, lines)

    def _decoded(self, line: int, raw: bytes) -> str:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            self.bad_lines.add(line)
            return raw.decode("latin-1")


def _plain_lines(block: bytes) -> list[str] | None:
    """The lines of a plain block (without their line ends), or None for a block that is not plain."""
    if b'"' in block or b"\x00" in block:
        return None
    if b"\r" in block:
        if block.count(b"\r") != block.count(b"\r\n"):
            return None
        block = block.replace(b"\r\n", b"\n")
    try:
        text = block.decode("utf-8")
    except UnicodeDecodeError:
        return None
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()  # the empty text after the last newline (cutting it from the text would copy it)
    return lines


@dataclass(frozen=True, slots=True)
class Rejected:
    line: int
    message: str


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
    return chain.from_iterable(_parsed_runs(read, format_name, position, catalogue))


def _parsed_runs(
    read: Read, format_name: str, position: Position, catalogue: Catalogue
) -> Iterator[Iterable[Parsed]]:
    """The parse in runs of records, each iterated without a Python frame a record where it can be."""
    make = row_maker(format_name, position.header, catalogue)
    records = _Records(read, position)
    width = len(position.header)
    for block in records:
        if not isinstance(block, PlainBlock):
            yield _parsed(block, make, width, records.bad_lines)
            continue
        # A slice of lines at a time: a whole block's fields and rows alive at once would be walked
        # by every collection of the garbage collector and grow the peak memory fourfold.
        for start in range(0, len(block.lines), PLAIN_SLICE):
            yield _plain_slice(block, start, position.delimiter, make, width)
        del block  # its lines are not kept while the next block is read


def _plain_slice(
    block: PlainBlock, start: int, delimiter: str, make: RowMaker, width: int
) -> Iterable[Parsed]:
    """The records of PLAIN_SLICE lines of a block from `start`: made by `map` when all have the
    header's width (their fields then go before the rows are read), else one by one."""
    fields = list(map(str.split, block.lines[start : start + PLAIN_SLICE], repeat(delimiter)))
    first, ends = block.first + start, block.ends[start + 1 : start + 1 + PLAIN_SLICE]
    if set(map(len, fields)) == {width}:
        return zip(_made(make, fields, first), ends, count(first))
    # A plain block is valid UTF-8: none of its lines is one of the bad lines.
    return _parsed(zip(fields, count(first), count(first), ends), make, width, set())


def _made(make: RowMaker, records: list[list[str]], first: int) -> list[Row | Rejected]:
    """The rows of a plain block's records, all of the header's width (so none is an empty line), made
    by `map` rather than a Python loop a record. A BadRow stops the map: the rows made before it
    stay in the list (list.extend keeps what it took), the record is rejected, and a new map goes on
    from the next record."""
    made: list[Row | Rejected] = []
    remaining = iter(records)
    while True:
        try:
            made.extend(map(make, remaining))
        except BadRow as error:
            made.append(Rejected(first + len(made), str(error)))
        else:
            return made


def _parsed(records: Iterable[Record], make: RowMaker, width: int, bad_lines: set[int]) -> Iterator[Parsed]:
    """Rows and rejections of records read one by one (a block with other widths, or csv.reader's)."""
    try:
        for record, start, line, offset in records:
            if len(record) != width and (len(record) == 0 or (len(record) == 1 and not record[0].strip())):
                continue  # an empty line
            if bad_lines and any(start <= n <= line for n in bad_lines):
                bad_lines.clear()
                yield (
                    Rejected(start, "not UTF-8 (Latin-1?): the row's bytes are another encoding"),
                    offset,
                    line,
                )
                continue
            if len(record) != width:
                yield Rejected(start, f"{len(record)} columns where the header has {width}"), offset, line
                continue
            try:
                yield make(record), offset, line
            except BadRow as error:
                yield Rejected(start, str(error)), offset, line
    except Unreadable as error:
        yield Rejected(error.start, str(error)), error.offset, error.line
