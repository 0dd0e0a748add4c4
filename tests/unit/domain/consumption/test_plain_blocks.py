"""Plain blocks (no quote, UTF-8, CRLF only as line ends) are split on the delimiter and made into rows
a slice of lines at a time: for any generic file they must yield exactly what csv.reader's path
yields, rows, rejections, line numbers and byte offsets alike."""

from __future__ import annotations

import io
from unittest.mock import patch

from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain.consumption import reports
from chalicelib.domain.consumption.reports import Catalogue, Parsed, Position, parse, read_header

ALBUM, SINGLE = "036000291452", "4006381333931"
T1, T2 = "FRZ032600001", "FRZ032600002"
CATALOGUE = Catalogue({T1: frozenset({ALBUM, SINGLE}), T2: frozenset({ALBUM})}, frozenset({ALBUM, SINGLE}))
HEADER = "date,isrc,upc,platform,country,streams_premium,streams_ad,downloads,physical_units"

dates = st.sampled_from(
    ["2026-03-06", "2026-03", "06/03/2026", " 2026-03-07 ", "1999-12-31", "2200-01-01", "2026-02-30", "x", ""]
)
isrcs = st.sampled_from([T1, T2, "fr-z03-26-00001", "FRZ039999999", "FRZ0326", ""])
upcs = st.sampled_from(["", ALBUM, SINGLE, "036000291453", "123"])
platforms = st.sampled_from(["spotify", " Apple  Music ", "deezer", "a|b", ""])
countries = st.sampled_from(["FR", "be", "", "FRA", "F1"])
counts = st.sampled_from(["0", "12", "1200", "", " 7", "-3", "abc", "1.5", "2.0", "1e3", "٣", "²"])
cells = st.tuples(dates, isrcs, upcs, platforms, countries, counts, counts, counts, counts).map(list)


@st.composite
def lines(draw: st.DrawFn) -> str:
    fields = draw(cells)
    shape = draw(st.sampled_from(["row"] * 8 + ["quoted", "quoted newline", "short", "long", "blank"]))
    if shape == "quoted":
        fields[3] = f'"{fields[3]}"'
    elif shape == "quoted newline":
        fields[3] = f'"{fields[3]}\n{fields[3]}"'
    elif shape == "short":
        fields = fields[:5]
    elif shape == "long":
        fields.append("9")
    elif shape == "blank":
        fields = [draw(st.sampled_from(["", " ", "\t"]))]
    return ",".join(fields)


@st.composite
def generic_files(draw: st.DrawFn) -> bytes:
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    body = newline.join(draw(st.lists(lines(), max_size=40)))
    data = f"{HEADER}{newline}{body}".encode() + (newline.encode() if body and draw(st.booleans()) else b"")
    if draw(st.integers(0, 9)) == 0:  # a Latin-1 line after the others
        data += (
            b"" if data.endswith(b"\n") else newline.encode()
        ) + b"2026-03-06,,036000291452,caf\xe9,FR,1,0,0,0"
    return (reports.BOM if draw(st.booleans()) else b"") + data


def parsed(data: bytes, position: Position) -> list[Parsed]:
    stream = io.BytesIO(data)
    stream.seek(position.offset)
    return list(parse(stream.read, "generic", position, CATALOGUE))


@settings(max_examples=300, deadline=None)
@given(data=generic_files(), block_bytes=st.integers(16, 400), plain_slice=st.integers(1, 5))
def test_plain_blocks_read_exactly_as_csv_reader_reads_them(
    data: bytes, block_bytes: int, plain_slice: int
) -> None:
    # Given any generic file, cut into small blocks so that plain ones, slices of lines and csv.reader's
    # remainder all meet in one file
    # (its header read alone: a Latin-1 line would fail the whole file within the sniffed head)
    position = read_header(io.BytesIO(data[: data.index(b"\n") + 1]).read, "generic")
    with patch.object(reports, "BLOCK_BYTES", block_bytes), patch.object(reports, "PLAIN_SLICE", plain_slice):
        # When it is parsed with plain blocks, and with every block read by csv.reader
        fast = parsed(data, position)
        with patch.object(reports, "_plain_lines", lambda block: None):
            by_csv = parsed(data, position)
    # Then both yield the same rows and rejections, with the same lines and byte offsets
    assert fast == by_csv
