"""moderation.html and moderation.csv: one label's abusive texts of one UTC day (contract section 11).

The page is a list of cards that wraps (no table), so at 390 px it never scrolls sideways; it fetches
nothing (inline CSS allowed by its hash in a Content-Security-Policy meta, no script). The texts are
hostile: the Jinja2 template autoescapes every string, and the CSV neutralises cells a spreadsheet
would run as a formula. English only: a label's report spans artists of several languages, and the
summary's French words are the summary's.

Jinja2 is imported with it; only the publish path imports this module.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup

from chalicelib.domain.moderation.report import AbusiveText, ModerationReport, ReportRow
from chalicelib.report.common import platform_name, sorted_platforms
from chalicelib.report.templates_env import style_only_csp, stylesheet, template

CSS = stylesheet("moderation.css")
CSP = style_only_csp(CSS)
CSV_HEADER = (
    "day,platform,account_id,content_id,comment_id,at,categories,severity,content,author,repeat_count,link"
)
# A cell starting with one of these is a formula to a spreadsheet (OWASP's CSV injection list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class _Row:
    text: AbusiveText
    author: str | None
    repeat: int
    link: str | None
    platform: str  # its human name
    at: str


@dataclass(frozen=True, slots=True)
class _Page:
    label: str
    day: str
    generated: str
    rows: list[_Row]
    by_platform: list[tuple[str, int]]
    offenders: list[tuple[str, int]]  # pseudonyms with more than one abusive text, most first
    repeat_days: int
    css: Markup  # ours, and hashed as written: not escaped
    csp: str


def utc_stamp(moment: datetime) -> str:
    """`YYYY-MM-DDTHH:MM:SSZ`."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _row(row: ReportRow) -> _Row:
    return _Row(
        row.text, row.author, row.repeat, row.link, platform_name(row.text.platform), utc_stamp(row.text.at)
    )


def render_moderation_html(report: ModerationReport, repeat_days: int) -> bytes:
    platforms = Counter(row.text.platform for row in report.rows)
    offenders = {row.author: row.repeat for row in report.rows if row.author and row.repeat > 1}
    page = _Page(
        label=report.label,
        day=report.day.isoformat(),
        generated=report.generated_at.strftime("%Y-%m-%d %H:%M UTC"),
        rows=[_row(row) for row in report.rows],
        by_platform=[(platform_name(p), platforms[p]) for p in sorted_platforms(platforms)],
        offenders=sorted(offenders.items(), key=lambda item: (-item[1], item[0])),
        repeat_days=repeat_days,
        css=Markup(CSS),  # noqa: S704 (the page's own stylesheet, not user text)
        csp=CSP,
    )
    return (
        template("moderation.html.j2").render(r=page).encode("utf-8", "replace")
    )  # a lone surrogate becomes "?"


def cell(value: str) -> str:
    """A CSV cell a spreadsheet shows as text: a leading formula character is quoted away."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def render_moderation_csv(report: ModerationReport) -> bytes:
    out = io.StringIO()
    # Every cell quoted: Python 3.11's csv leaves a bare "\r" unquoted when rows end in "\n", which
    # would split a hostile text's row in two for any reader.
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(CSV_HEADER.split(","))
    for row in report.rows:
        text = row.text
        values = [
            report.day.isoformat(),
            text.platform,
            text.account_id,
            text.content_id,
            text.comment_id or "",
            utc_stamp(text.at),
            " ".join(text.categories),
            str(text.severity),
            text.text,
            row.author or "",
            str(row.repeat),
            row.link or "",
        ]
        writer.writerow([cell(value) for value in values])
    return out.getvalue().encode("utf-8", "replace")
