"""Moderation reports (contract section 11), pure parts: pseudonyms, repeat counts, links to the
platforms, and the rendered page and CSV of hostile texts."""

from __future__ import annotations

import csv
import html
import io
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from chalicelib.domain.moderation.report import (
    AbusiveText,
    build_report,
    comment_link,
    day_tally,
    pseudonym,
)
from chalicelib.report.moderation_report import (
    CSV_HEADER,
    render_moderation_csv,
    render_moderation_html,
)
from tests.conftest import unique

DAY = date(2026, 3, 14)
AT = datetime(2026, 3, 14, 9, 30, 5, tzinfo=UTC)
GENERATED = datetime(2026, 3, 14, 10, 0, tzinfo=UTC)


def abusive(text: str = "sale p.d", *, actor: str | None = "actor", platform: str = "youtube") -> AbusiveText:
    return AbusiveText(
        platform=platform,
        account_id=unique("account"),
        content_id="dQw4w9WgXcQ",
        event_id=unique("event"),
        comment_id=unique("comment"),
        at=AT,
        categories=("homophobia", "insult"),
        severity=3,
        text=text,
        actor=actor,
    )


def csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


# Pseudonyms ----------------------------------------------------------------------------------------


def test_a_pseudonym_is_stable_for_one_author() -> None:
    actor = unique("actor")
    assert pseudonym("x", actor) == pseudonym("x", actor)


def test_the_same_author_id_on_two_platforms_gets_two_pseudonyms() -> None:
    actor = unique("actor")
    assert pseudonym("x", actor) != pseudonym("facebook", actor)


def test_a_pseudonym_shows_nothing_of_the_stored_author() -> None:
    actor = "0123456789abcdef0123456789abcdef"
    assert actor[:6] not in pseudonym("x", actor)


# Repeat counts -------------------------------------------------------------------------------------


def test_an_author_counts_every_abusive_text_of_the_day() -> None:
    actor = unique("actor")
    report = build_report(
        "l", DAY, [abusive(actor=actor), abusive(actor=actor), abusive(actor=unique("a"))], [], GENERATED
    )
    assert sorted(row.repeat for row in report.rows) == [1, 2, 2]


def test_earlier_days_tallies_add_to_an_authors_count() -> None:
    actor = unique("actor")
    earlier = [{pseudonym("youtube", actor): 2}, {pseudonym("youtube", actor): 1, "a-other": 9}]
    (row,) = build_report("l", DAY, [abusive(actor=actor)], earlier, GENERATED).rows
    assert row.repeat == 4


def test_a_text_without_an_author_counts_once_and_has_no_pseudonym() -> None:
    (row,) = build_report("l", DAY, [abusive(actor=None)], [{}], GENERATED).rows
    assert (row.author, row.repeat) == (None, 1)


def test_the_days_tally_counts_texts_per_pseudonym_and_leaves_out_unnamed_authors() -> None:
    actor = unique("actor")
    tally = day_tally([abusive(actor=actor), abusive(actor=actor), abusive(actor=None)])
    assert tally == {pseudonym("youtube", actor): 2}


def test_rows_are_in_time_order() -> None:
    late, early = abusive("late"), replace(abusive("early"), at=AT.replace(hour=1))
    report = build_report("l", DAY, [late, early], [], GENERATED)
    assert [row.text.text for row in report.rows] == ["early", "late"]


# Links ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("platform", "content", "comment", "link"),
    [
        ("youtube", "dQw4w9WgXcQ", "Ugx1", "https://www.youtube.com/watch?v=dQw4w9WgXcQ&lc=Ugx1"),
        ("x", "179", "180", "https://x.com/i/web/status/180"),
        ("facebook", "1_2", "2_3", "https://www.facebook.com/1_2?comment_id=2_3"),
        ("instagram", "17", "18", None),  # its links need a shortcode no webhook gives
        ("youtube", "dQw4w9WgXcQ", None, None),
    ],
)
def test_a_comment_links_to_its_platform_where_its_ids_make_a_link(
    platform: str, content: str, comment: str | None, link: str | None
) -> None:
    assert comment_link(platform, content, comment) == link


def test_an_id_cannot_change_the_links_shape() -> None:
    assert comment_link("x", "1", "2?a=b&c=/d") == "https://x.com/i/web/status/2%3Fa%3Db%26c%3D%2Fd"


# The CSV -------------------------------------------------------------------------------------------


def test_the_csv_has_the_documented_header_and_one_row_per_text() -> None:
    report = build_report("l", DAY, [abusive(), abusive()], [], GENERATED)
    data = render_moderation_csv(report)
    assert data.decode().splitlines()[0] == ",".join(f'"{name}"' for name in CSV_HEADER.split(","))
    assert len(csv_rows(data)) == 2


def test_a_csv_row_carries_the_texts_fields_in_utc() -> None:
    text = abusive("tu es nul")
    (row,) = csv_rows(render_moderation_csv(build_report("l", DAY, [text], [], GENERATED)))
    assert row["at"] == "2026-03-14T09:30:05Z"
    assert (row["platform"], row["comment_id"], row["content"]) == ("youtube", text.comment_id, "tu es nul")
    assert (row["categories"], row["severity"], row["repeat_count"]) == ("homophobia insult", "3", "1")
    assert row["author"] == pseudonym("youtube", "actor")


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_a_spreadsheet_would_run_starts_with_a_quote(start: str) -> None:
    text = f"{start}cmd|' /C calc'!A0"
    (row,) = csv_rows(render_moderation_csv(build_report("l", DAY, [abusive(text)], [], GENERATED)))
    assert row["content"] == "'" + text


def test_an_ordinary_text_is_left_as_it_is() -> None:
    (row,) = csv_rows(render_moderation_csv(build_report("l", DAY, [abusive("a = b")], [], GENERATED)))
    assert row["content"] == "a = b"


# The page ------------------------------------------------------------------------------------------


def page_of(*texts: AbusiveText) -> str:
    return render_moderation_html(build_report("l", DAY, texts, [], GENERATED), 30).decode("utf-8")


def test_hostile_markup_in_a_text_is_escaped() -> None:
    page = page_of(abusive('<script>alert(1)</script><a href="javascript:x">'))
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_page_lists_each_text_with_its_author_count_and_link() -> None:
    actor = unique("actor")
    page = page_of(abusive("one", actor=actor), abusive("two", actor=actor))
    assert page.count('<li class="text"') == 2
    assert page.count("<dd>2</dd>") == 2
    assert "https://www.youtube.com/watch?v=dQw4w9WgXcQ&amp;lc=" in page
    assert f"<code>{pseudonym('youtube', actor)}</code> · 2 abusive texts" in page  # a repeat offender


def test_a_day_without_abuse_says_so() -> None:
    assert "No abusive text on this day." in page_of()


def test_the_page_loads_nothing_and_runs_nothing() -> None:
    page = page_of(abusive())
    assert "default-src 'none'" in html.unescape(page)
    assert "<script" not in page
