"""Report parsing as a stream (contract section 12): the three formats, identities, rejected rows with
their line numbers, files rejected as a whole, and resuming from a stored byte offset."""

from __future__ import annotations

import io
from datetime import date

import pytest

from chalicelib.domain.consumption import reports
from chalicelib.domain.consumption.reports import (
    Catalogue,
    FileRejected,
    Position,
    Rejected,
    Row,
    parse,
    read_header,
)
from chalicelib.domain.consumption.rules import Totals

ALBUM, SINGLE = "036000291452", "4006381333931"
T1, T2 = "FRZ032600001", "FRZ032600002"
CATALOGUE = Catalogue({T1: frozenset({ALBUM, SINGLE}), T2: frozenset({ALBUM})}, frozenset({ALBUM, SINGLE}))
GENERIC_HEADER = "date,isrc,upc,platform,country,streams_premium,streams_ad,downloads,physical_units"


def run(data: bytes, fmt: str = "generic") -> list[Row | Rejected]:
    stream = io.BytesIO(data)
    position = read_header(stream.read, fmt)
    stream.seek(position.offset)
    return [item for item, _, _ in parse(stream.read, fmt, position, CATALOGUE)]


def generic(*lines: str, header: str = GENERIC_HEADER, newline: str = "\n") -> bytes:
    return newline.join((header, *lines)).encode("utf-8") + newline.encode()


def rows(items: list[Row | Rejected]) -> list[Row]:
    return [item for item in items if isinstance(item, Row)]


def all_rows(data: bytes, fmt: str) -> list[Row]:
    """What `run` reads, where every item must be a row (none rejected)."""
    items = run(data, fmt)
    assert all(isinstance(item, Row) for item in items), items
    return rows(items)


def rejected(items: list[Row | Rejected]) -> list[Rejected]:
    return [item for item in items if isinstance(item, Rejected)]


def test_a_generic_row_is_a_track_row_with_both_tiers() -> None:
    # Given one daily row of a known ISRC / When parsed
    (row,) = run(generic(f"2026-03-06,{T1},,Spotify,fr,1200,300,4,0"))
    # Then it is identified by day, ISRC, platform, country and stream type, with its figures
    assert isinstance(row, Row)
    assert (row.place.day, row.place.kind, row.place.item, row.channel.platform, row.channel.country) == (
        date(2026, 3, 6),
        "track",
        T1,
        "spotify",
        "FR",
    )
    assert row.totals == Totals(premium=1200, ad=300, downloads=4)
    assert row.identity == f"2026-03-06|track|{T1}|spotify|FR|all"


def test_a_month_row_counts_on_the_months_first_day_with_its_own_identity() -> None:
    (row,) = run(generic(f"2026-03,{T1},,deezer,FR,10,0,0,0"))
    assert isinstance(row, Row)
    assert (row.place.period, row.place.day, row.entry) == ("2026-03", date(2026, 3, 1), "m|deezer|FR|all")


def test_a_row_naming_a_upc_alone_is_a_release_row() -> None:
    (row,) = run(generic(f"2026-03-06,,{ALBUM},fnac,FR,0,0,0,25"))
    assert isinstance(row, Row)
    assert (row.place.kind, row.place.item, row.totals) == ("release", ALBUM, Totals(physical=25))


def test_unknown_ids_are_rejected_naming_the_id_and_the_rest_counts() -> None:
    # Given a file with an unknown ISRC on line 2, an unknown UPC on line 3 and a good row on line 4
    items = run(
        generic(
            "2026-03-06,FRZ039999999,,spotify,FR,1,0,0,0",
            "2026-03-06,,123456789012,spotify,FR,1,0,0,0",
            f"2026-03-06,{T2},,spotify,FR,1,0,0,0",
        )
    )
    # Then the first two are rejected with their line and the id; the third is a row
    bad = rejected(items)
    assert [r.line for r in bad] == [2, 3]
    assert "FRZ039999999" in bad[0].message
    assert "123456789012" in bad[1].message
    assert len(rows(items)) == 1


def test_a_track_beside_a_release_that_does_not_hold_it_is_rejected() -> None:
    (item,) = run(generic(f"2026-03-06,{T2},{SINGLE},spotify,FR,1,0,0,0"))
    assert isinstance(item, Rejected)
    assert "not a track of release" in item.message


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ("2026-03-06,{t},,spotify,FR,-5,0,0,0", "negative"),
        ("2026-03-06,{t},,spotify,FR,lots,0,0,0", "not a number"),
        ("2026-03-06,{t},,spotify,FR,1.5,0,0,0", "not a whole number"),
        ("2026-03-06,{t},,spotify,FR,²,0,0,0", "not a number"),  # a digit that is no decimal digit
        ("1999-12-31,{t},,spotify,FR,1,0,0,0", "outside the years 2000 to 2199"),
        ("2200-01-01,{t},,spotify,FR,1,0,0,0", "outside the years 2000 to 2199"),
        ("2026-02-30,{t},,spotify,FR,1,0,0,0", "neither a day"),
        ("06.03.2026,{t},,spotify,FR,1,0,0,0", "neither a day"),
        ("2026-03-06,{t},,spotify,France,1,0,0,0", "two-letter"),
        ("2026-03-06,{t},,spotify,FR,1,0,0", "8 columns where the header has 9"),
        ("2026-03-06,FR-Z03-26,,spotify,FR,1,0,0,0", "ISRC shape"),
        ("2026-03-06,,036000291453,spotify,FR,1,0,0,0", "check digit"),
    ],
)
def test_bad_rows_are_rejected_with_their_line_number(cells: str, expected: str) -> None:
    # Given a good row, then the bad one on line 3
    items = run(generic(f"2026-03-06,{T1},,spotify,FR,1,0,0,0", cells.format(t=T1)))
    # Then the bad row is rejected on line 3 saying why, and the good one is a row
    (bad,) = rejected(items)
    assert bad.line == 3
    assert expected in bad.message
    assert len(rows(items)) == 1


def test_a_bom_and_crlf_line_endings_read_like_plain_utf8() -> None:
    data = reports.BOM + generic(f"2026-03-06,{T1},,spotify,FR,7,0,0,0", newline="\r\n")
    (row,) = run(data)
    assert isinstance(row, Row)
    assert row.totals.premium == 7


def test_a_quoted_newline_stays_in_its_field_and_line_numbers_follow_the_file() -> None:
    # Given a Believe report (semicolons) whose release title on line 2 spans two lines, then a bad row
    header = ";".join(
        [
            *("Reporting month", "Sales Month", "Platform", "Country / Region", "Release title", "UPC"),
            *("ISRC", "Sales Type", "Quantity", "Streaming Subscription Type"),
        ]
    )
    data = (
        f"{header}\n"
        f'2026-04;2026-03;Spotify;FR;"Live\nà Bercy";{ALBUM};{T1};Streaming;1000;Premium\n'
        f"2026-04;2026-03;Spotify;FR;Live;{ALBUM};{T1};Streaming;-1;Ad-supported\n"
    ).encode()
    items = run(data, "believe")
    # Then the first record is one premium row, and the bad one is reported on line 4, where it starts
    (row,) = rows(items)
    assert (row.channel.stream_type, row.totals) == ("premium", Totals(premium=1000))
    assert [r.line for r in rejected(items)] == [4]


def test_believe_splits_streams_by_subscription_type_and_counts_downloads() -> None:
    header = "Sales Month;Platform;Country / Region;UPC;ISRC;Sales Type;Quantity;Streaming Subscription Type"
    data = (
        f"{header}\n2026-03;Deezer;FR;;{T1};Streaming;500;Ad-supported\n"
        f"2026-03;iTunes;FR;{ALBUM};;Download;3;\n"
    ).encode()
    ad, download = all_rows(data, "believe")
    assert (ad.channel.stream_type, ad.totals) == ("ad", Totals(ad=500))
    assert (download.place.kind, download.channel.stream_type, download.totals) == (
        "release",
        "download",
        Totals(downloads=3),
    )


@pytest.mark.parametrize(
    "header",
    [
        "Reporting Date\tSale Month\tStore\tArtist\tTitle\tISRC\tUPC\tQuantity\tTeam Percentage\tSong/Album"
        "\tCountry of Sale\tSongwriter Royalties Withheld\tEarnings (USD)",
        "Reporting Date\tSale Period\tStore\tArtist\tTitle\tISRC\tUPC\tQuantity\tTeam Percentage\tSong/Album"
        "\tCountry of Sale\tSongwriter Royalties Withheld\tEarnings (USD)\tRecoup",
    ],
    ids=["older", "newer"],
)
def test_distrokid_reads_both_column_sets(header: str) -> None:
    extra = "\t0" if header.endswith("Recoup") else ""
    data = (
        f"{header}\n2026-04-02\t2026-03\tSpotify\tA\tT\t{T1}\t{ALBUM}\t900\t100\tSong\tFR\t0\t1.2{extra}\n"
        f"2026-04-02\t2026-03\tiTunes\tA\tT\t\t{ALBUM}\t2\t100\tAlbum\tFR\t0\t10{extra}\n"
    ).encode()
    stream, album = all_rows(data, "distrokid")
    # DistroKid does not say the tier: a stream counts as ad-supported, never raising premium-only figures
    assert (stream.place.kind, stream.channel.stream_type, stream.totals) == ("track", "ad", Totals(ad=900))
    assert (album.place.kind, album.place.item, album.totals) == ("release", ALBUM, Totals(downloads=2))


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "empty"),
        (b"\r\n\r\n", "empty"),
        (GENERIC_HEADER.encode("utf-16"), "UTF-16"),
        (GENERIC_HEADER.encode("utf-16-le"), "UTF-16"),
        (generic(f"2026-03-06,{T1},,Café Deezer,FR,1,0,0,0").decode().encode("latin-1"), "Latin-1"),
        (
            generic(f"2026-03-06,{T1},,spotify,FR,1,0,0,0", header="day,isrc,upc"),
            "does not match the generic",
        ),
    ],
    ids=["empty", "blank lines", "utf-16 bom", "utf-16 no bom", "latin-1", "header"],
)
def test_a_file_that_cannot_be_read_is_rejected_as_a_whole(data: bytes, expected: str) -> None:
    with pytest.raises(FileRejected, match=expected):
        read_header(io.BytesIO(data).read, "generic")


def test_a_header_only_file_has_no_rows() -> None:
    assert run(generic()) == []


def test_resuming_from_a_stored_offset_reads_exactly_the_remaining_records() -> None:
    # Given a file of 5 rows, one with a quoted platform spanning two lines
    data = generic(
        f"2026-03-01,{T1},,spotify,FR,1,0,0,0",
        f'2026-03-02,{T1},,"spo\ntify",FR,2,0,0,0',
        f"2026-03-03,{T1},,spotify,FR,3,0,0,0",
        f"2026-03-04,{T1},,spotify,FR,-4,0,0,0",
        f"2026-03-05,{T1},,spotify,FR,5,0,0,0",
    )
    stream = io.BytesIO(data)
    first = read_header(stream.read, "generic")
    stream.seek(first.offset)
    everything = list(parse(stream.read, "generic", first, CATALOGUE))
    # When a first invocation stops after the second record and a later one resumes from its offset
    _, offset, line = everything[1]
    resumed_at = Position(offset, line, first.header, first.delimiter)
    later = io.BytesIO(data[offset:])  # an S3 ranged GET from the offset
    rest = [item for item, _, _ in parse(later.read, "generic", resumed_at, CATALOGUE)]
    # Then it reads the last three records only, with the file's own line numbers (the quoted newline
    # made the second record two lines: the negative count is on line 6)
    assert rest == [item for item, _, _ in everything[2:]]
    assert isinstance(rest[1], Rejected)
    assert rest[1].line == 6


def test_offsets_count_bytes_of_multibyte_characters() -> None:
    data = generic(f"2026-03-01,{T1},,déézer,FR,1,0,0,0", f"2026-03-02,{T1},,spotify,FR,1,0,0,0")
    stream = io.BytesIO(data)
    position = read_header(stream.read, "generic")
    stream.seek(position.offset)
    offsets = [offset for _, offset, _ in parse(stream.read, "generic", position, CATALOGUE)]
    assert offsets[-1] == len(data)
    assert data[offsets[0] :].startswith(b"2026-03-02")


def test_a_latin1_line_beyond_the_sniffed_head_is_rejected_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given blocks of 100 bytes, and a file whose first block is UTF-8 and whose third line has a Latin-1
    # byte beyond it (a 1 GB S3 drop is sniffed by its first block only)
    monkeypatch.setattr(reports, "BLOCK_BYTES", 100)
    latin = f"2026-03-02,{T1},,déezer,FR,1,0,0,0\n".encode("latin-1")
    data = generic(f"2026-03-01,{T1},,spotify,FR,1,0,0,0") + latin
    assert len(data) - len(latin) > 100
    items = run(data)
    assert len(rows(items)) == 1
    (bad,) = rejected(items)
    assert bad.line == 3
    assert "not UTF-8" in bad.message


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_offsets_and_lines_follow_the_file_in_plain_blocks_and_after_a_quote(
    monkeypatch: pytest.MonkeyPatch, newline: str
) -> None:
    # Given blocks of 100 bytes, and a file whose first blocks have no quote (split as they are) and
    # whose sixth record has a quoted newline (csv.reader reads on from its block), then a bad row
    monkeypatch.setattr(reports, "BLOCK_BYTES", 100)
    records = [f"2026-03-0{day},{T1},,spotify,FR,{day},0,0,0" for day in range(1, 6)]
    records.append(f'2026-03-06,{T1},,"spo{newline}tify",FR,6,0,0,0')
    records += [f"2026-03-07,{T1},,spotify,FR,-7,0,0,0", f"2026-03-08,{T1},,spotify,FR,8,0,0,0"]
    data = generic(*records, newline=newline)
    stream = io.BytesIO(data)
    position = read_header(stream.read, "generic")
    stream.seek(position.offset)
    # When parsed
    parsed = list(parse(stream.read, "generic", position, CATALOGUE))
    # Then every record's offset is the end of its last line, whose number it carries
    assert [data[:offset].count(b"\n") for _, offset, _ in parsed] == [line for _, _, line in parsed]
    assert [line for _, _, line in parsed] == [2, 3, 4, 5, 6, 8, 9, 10]
    assert [item.totals.premium for item in rows([item for item, _, _ in parsed])] == [1, 2, 3, 4, 5, 6, 8]
    assert [(r.line, "negative" in r.message) for r in rejected([item for item, _, _ in parsed])] == [
        (9, True)
    ]


def test_a_memo_computes_a_value_once_and_forgets_all_when_full(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a memo of at most two values
    monkeypatch.setattr(reports, "MEMO_ENTRIES", 2)
    computed: list[str] = []
    memo = reports.Memo(lambda text: computed.append(text) or text.upper())
    # When it is asked for a, a, b, then c
    values = [memo["a"], memo["a"], memo["b"], memo["c"]]
    # Then a is computed once, and c found it full: only c is remembered
    assert values == ["A", "A", "B", "C"]
    assert computed == ["a", "b", "c"]
    assert dict(memo) == {"c": "C"}
