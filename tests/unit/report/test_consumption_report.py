"""consumption.html and consumption.csv (contract section 12): one CSV row per week, release and rule
set with ISO dates and formulas neutralised; a page that escapes what labels typed, allows only its
own inline style, and marks the current week."""

from __future__ import annotations

import base64
import csv
import hashlib
import html
import io
import re
from datetime import UTC, date, datetime

from chalicelib.domain.consumption.rules import Totals
from chalicelib.domain.consumption.weekly import ConsumptionReport, LabelRelease, build_report
from chalicelib.domain.summary import ReleaseDays
from chalicelib.report.consumption_report import (
    CSV_HEADER,
    render_consumption_csv,
    render_consumption_html,
)

NOW = datetime(2026, 1, 22, 12, tzinfo=UTC)


def report(title: str = "One", artist: str = "Angèle", label: str = "lab") -> ConsumptionReport:
    days = ((date(2026, 1, 19), "FRZ032600001", Totals(premium=1500, ad=700, downloads=2)),)
    given = ReleaseDays("000000000017", title, "album", date(2026, 1, 2), days)
    return build_report(label, NOW, [LabelRelease("angele", given)], {"angele": artist})


def rows(report: ConsumptionReport) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(render_consumption_csv(report).decode("utf-8"))))


def test_the_csv_has_a_row_per_week_release_and_rule_set_oldest_week_first() -> None:
    found = rows(report())
    header = render_consumption_csv(report()).decode("utf-8").split("\r\n")[0]
    # Then the three weeks since the release (2 Jan), with four rule sets each, five in the current
    # week (Billboard's change on the 17th), ISO dates
    assert header == CSV_HEADER
    weeks = [(r["week_start"], r["week_end"], r["current_week"]) for r in found]
    assert weeks == [
        *[("2026-01-02", "2026-01-08", "false")] * 4,
        *[("2026-01-09", "2026-01-15", "false")] * 4,
        *[("2026-01-16", "2026-01-22", "true")] * 5,
    ]
    snep = next(r for r in found if r["rule_set"] == "snep-2024-07" and r["current_week"] == "true")
    # (1,500 + 700 / 7 - half of the same track's) / 1,500 + 0 album sales
    assert (snep["streams_premium"], snep["streams_ad"], snep["downloads"]) == ("1500", "700", "2")
    assert (snep["equivalents"], snep["unit"], snep["snep_next_level"]) == ("0.533", "album_units", "or")


def test_the_csv_neutralises_cells_a_spreadsheet_would_run() -> None:
    found = rows(report(title='=HYPERLINK("http://evil")', artist="+cmd"))
    assert found[0]["release"] == '\'=HYPERLINK("http://evil")'
    assert found[0]["artist"] == "'+cmd"


def test_the_page_escapes_titles_and_runs_nothing() -> None:
    page = render_consumption_html(report(title="<script>alert(1)</script>")).decode("utf-8")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_page_allows_only_its_own_inline_style() -> None:
    page = html.unescape(render_consumption_html(report()).decode("utf-8"))
    style = re.search(r"<style>(.*?)</style>", page, re.S)
    assert style is not None
    digest = base64.b64encode(hashlib.sha256(style.group(1).encode("utf-8")).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in page
    assert "default-src 'none'" in page


def test_the_page_marks_the_current_week_and_shows_the_certification() -> None:
    page = render_consumption_html(report()).decode("utf-8")
    assert page.count('class="current"') == 1
    assert "Fri 16 Jan \u2013 Thu 22 Jan 2026" in page
    assert 'data-upc="000000000017"' in page
    assert "no level yet · 0.5 album units · 0.00107% of Gold" in page


def test_a_label_without_releases_gets_a_page_that_says_so() -> None:
    page = render_consumption_html(build_report("lab", NOW, [], {})).decode("utf-8")
    assert "No release of this label is registered." in page
