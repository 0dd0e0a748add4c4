"""summary.html (contract sections 6 and 10): self-contained, escaped, in the summary's language, with
attention first, the comparison, the matched engagement rate, titled top content and honest charts."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from chalicelib.report.html_report import render_html
from chalicelib.report.words import FRENCH
from tests.summary_schema import validate_summary
from tests.unit.report.factories import (
    FIRST_RATE_SHAPE,
    REMOVE,
    collision,
    hourly_points,
    make_lead_summary,
    make_minimal_summary,
    make_summary,
)

HOSTILE_NAMES = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']
TEMPLATES = Path(__file__).resolve().parents[3] / "chalicelib" / "report" / "templates"


class Page(HTMLParser):
    """Every start tag with its attributes, the text of <style> and <title>, and all visible text."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.styles: list[str] = []
        self.title = ""
        self.text: list[str] = []
        self._open: list[str] = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in {"meta", "br"}:  # void elements: no end tag comes
            self._open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        while self._open and self._open.pop() != tag:
            pass

    def handle_data(self, data: str) -> None:
        current = self._open[-1] if self._open else ""
        if current == "style":
            self.styles.append(data)
        elif current == "title" and "svg" not in self._open:
            self.title += data
        else:
            self.text.append(data)

    def all(self, tag: str, **wanted: str) -> list[dict[str, str | None]]:
        return [
            attrs
            for name, attrs in self.tags
            if name == tag and all(attrs.get(key.replace("_", "-")) == value for key, value in wanted.items())
        ]

    @property
    def words(self) -> str:
        """The visible text, ASCII white space collapsed (no-break spaces stay as they are)."""
        return re.sub(r"[ \t\r\n]+", " ", "".join(self.text)).strip()


def _render(summary: dict[str, Any]) -> tuple[str, Page]:
    markup = render_html(summary).decode("utf-8")
    return markup, Page(markup)


def _section(markup: str, section_id: str) -> str:
    start = markup.index(f'<section id="{section_id}"')
    return markup[start : markup.index("</section>", start)]


def _charts(page: Page) -> list[dict[str, str | None]]:
    return [svg for svg in page.all("svg") if svg.get("role") == "img"]


def _x_labels(chart: str) -> list[str]:
    return re.findall(r'<text class="axis[^"]*" x="[\d.]+" y="[\d.]+" text-anchor="middle">([^<]+)', chart)


def _y_labels(chart: str) -> list[str]:
    return re.findall(r'text-anchor="end" dy="0.32em">([^<]+)</text>', chart)


# -- the page as a whole ------------------------------------------------------------------------------


def test_the_page_is_utf8_with_a_phone_viewport_and_a_title() -> None:
    # Given today's summary, valid against the schema
    summary = make_summary()
    validate_summary(summary)
    # When it is rendered
    markup, page = _render(summary)
    # Then it is an English UTF-8 page for phones, titled after the campaign
    assert markup.startswith("<!DOCTYPE html>")
    assert page.all("html")[0]["lang"] == "en"
    assert page.all("meta", charset="utf-8")
    assert page.all("meta", name="viewport")[0]["content"] == "width=device-width, initial-scale=1"
    assert page.title == "Indochine: 13 tour launch \u2013 engagement summary"
    assert len(page.all("h1")) == 1


def test_a_french_summary_is_a_french_page() -> None:
    # Given a summary whose language is French
    # When it is rendered
    _, page = _render(make_lead_summary("fr"))
    # Then the page says so and speaks it
    assert page.all("html")[0]["lang"] == "fr"
    assert page.title == "Indochine: 13 tour launch \u2013 bilan d'engagement"
    assert "Rien ne demande" not in page.words  # there is something to look at
    assert "\u00c0 surveiller" in page.words
    assert "Vue d'ensemble" in page.words


def test_a_summary_without_a_language_is_english() -> None:
    # Given a section 10 summary whose language is missing
    _, page = _render(make_lead_summary(language=REMOVE))
    # Then the page is English
    assert page.all("html")[0]["lang"] == "en"
    assert "Overview" in page.words


@pytest.mark.parametrize("factory", [make_summary, make_minimal_summary, make_lead_summary])
def test_the_page_fetches_nothing_and_runs_nothing(factory: Any) -> None:
    markup, page = _render(factory())
    names = {name for name, _ in page.tags}
    assert not names & {"script", "link", "img", "iframe", "object", "embed", "image", "use", "base", "form"}
    assert "<script" not in markup.lower()
    for name, attrs in page.tags:
        assert "src" not in attrs, name
        assert "srcset" not in attrs, name
        assert not any(key.startswith("on") for key in attrs), (name, attrs)
        assert "style" not in attrs, name
        href = attrs.get("href")
        if href is not None:
            assert re.match(r"^(https?://[^\s]+|#[\w-]+)$", href), href
    assert len(page.styles) == 1
    css = page.styles[0]
    assert "url(" not in css
    assert "@import" not in css
    assert "@font-face" not in css
    # The Content-Security-Policy allows exactly this <style> and nothing else.
    policy = page.all("meta", http_equiv="Content-Security-Policy")[0]["content"] or ""
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    assert "default-src 'none'" in policy
    assert f"style-src 'sha256-{digest}'" in policy
    assert "script-src" not in policy  # default-src 'none' covers scripts
    assert page.all("meta", name="referrer")[0]["content"] == "no-referrer"


# -- escaping and links -------------------------------------------------------------------------------


@pytest.mark.parametrize("hostile", HOSTILE_NAMES)
def test_every_string_of_the_summary_is_escaped(hostile: str) -> None:
    # Given markup in every string a summary carries
    summary = make_lead_summary(
        campaign={
            "name": hostile,
            "campaign_id": hostile,
            "label": hostile,
            "artist": hostile,
            "tracked": {"x": {"accounts": [hostile]}},
        },
        platforms={
            "deezer": {
                "counters": {
                    hostile: {"first": 1, "last": 2, "delta": 1, "as_of": "2026-11-26T09:00:00Z"},
                    "fans": {
                        "first": None,
                        "last": None,
                        "delta": None,
                        "as_of": None,
                        "unavailable": hostile,
                    },
                },
                "freshness": {"last_error": hostile},
            }
        },
        weights={"version": hostile, "source": hostile},
        engagement_rate={"excluded": [{"platform": "tiktok", "reason": hostile}]},
        series={
            "counters": [
                {
                    "platform": "deezer",
                    "metric": hostile,
                    "points": [
                        {"at": "2026-11-25T09:00:00Z", "value": 1},
                        {"at": "2026-11-26T09:00:00Z", "value": 2},
                    ],
                }
            ]
        },
        top_content=[{"platform": "x", "content_id": hostile, "events": 3, "url": None, "title": hostile}],
        collisions=[collision(hostile, hostile, ("x", "account", hostile))],
        attention=[{"severity": "high", "code": hostile, "platform": "x", "message": hostile}],
    )
    # When it is rendered
    markup, page = _render(summary)
    # Then none of it is markup, and all of it is text
    assert hostile not in markup
    assert not page.all("img")
    assert not page.all("script")
    escaped = hostile.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;")
    assert markup.count(escaped) >= 15
    assert page.title.startswith(hostile)  # the parser reads the escaped title back as the plain text
    assert hostile in "".join(page.text)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        'https://evil.test/"><script>alert(1)</script>',
        "https://evil.test/ onmouseover=alert(1)",
        "https:///no-host",
        "//evil.test/x",
        "ftp://files.test/x",
        "vbscript:msgbox(1)",
    ],
)
def test_only_http_urls_with_a_host_become_links(url: str) -> None:
    # Given top content whose URL is not an http(s) URL with a host
    summary = make_summary(top_content=[{"platform": "x", "content_id": "post-1", "events": 1, "url": url}])
    # When it is rendered
    markup, page = _render(summary)
    # Then it is shown without a link
    assert not [a for a in page.all("a") if not (a.get("href") or "").startswith("#")]
    assert "post-1" in page.words
    assert "<script>" not in markup


def test_top_content_shows_titles_and_links_without_a_referrer() -> None:
    # Given top content with titles and URLs (section 10), and one without either
    _, page = _render(make_lead_summary())
    # Then titles are the link texts, ids stay beside them, and no link carries a referrer
    links = [a for a in page.all("a") if not (a.get("href") or "").startswith("#")]
    assert [a["href"] for a in links] == [
        "https://www.instagram.com/p/C0example/",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    ]
    assert all("noreferrer" in (a.get("rel") or "") for a in links)
    assert "Les dates de la tourn\u00e9e 13 : on vous attend !" in page.words
    assert "Indochine \u2013 13 (clip officiel)" in page.words
    assert "dQw4w9WgXcQ" in page.words
    assert "indochine-13" in page.words  # no title: its id is its name


def test_user_text_is_isolated_and_may_wrap_anywhere() -> None:
    # Given a campaign name with a right-to-left override and a title of 10,000 characters
    name = "\u202egnp.exe\u202c Tourn\u00e9e \U0001f3b8"
    title = "x" * 10_000
    summary = make_lead_summary(
        campaign={"name": name},
        top_content=[{"platform": "x", "content_id": "1", "events": 1, "url": None, "title": title}],
    )
    # When it is rendered
    markup, page = _render(summary)
    # Then each sits in its own <bdi>, which the stylesheet isolates and lets wrap anywhere
    assert f"<bdi>{name}</bdi>" in markup
    assert f"<bdi>{title}</bdi>" in markup
    assert re.search(r"bdi\{unicode-bidi:isolate;overflow-wrap:anywhere\}", page.styles[0])


# -- attention, overview and comparison ---------------------------------------------------------------


def test_attention_comes_first_most_severe_first() -> None:
    # Given a summary with an item of every attention code
    summary = make_lead_summary()
    # When it is rendered
    markup, page = _render(summary)
    # Then Attention is the first section, before the overview, in the summary's order of severity
    sections = [attrs.get("id") for attrs in page.all("section")]
    assert sections[:2] == ["attention", "overview"]
    severities = re.findall(r'<li class="sev-(\w+)">', _section(markup, "attention"))
    assert severities == ["high", "medium", "medium", "medium", "medium", "low", "low", "low"]
    for item in summary["attention"]:
        assert item["message"] in page.words


def test_attention_sorts_an_unsorted_list_by_severity() -> None:
    # Given an attention list whose low item comes first
    low = {"severity": "low", "code": "budget_spent", "message": "spent"}
    high = {"severity": "high", "code": "abuse_wave", "message": "wave"}
    # When it is rendered
    markup, _ = _render(make_lead_summary(attention=[low, high]))
    # Then the high one is shown first
    assert re.findall(r'<li class="sev-(\w+)">', _section(markup, "attention")) == ["high", "low"]


@pytest.mark.parametrize(
    ("code", "english", "french"),
    [
        ("abuse_wave", "Abuse wave", "Vague d'abus"),
        ("source_refused", "Platform refused", "Refus de la plateforme"),
        ("no_credentials", "No credentials", "Identifiants manquants"),
        ("source_stale", "Platform silent", "Plateforme muette"),
        ("budget_spent", "Request budget spent", "Budget de requ\u00eates \u00e9puis\u00e9"),
        ("collision", "Collision", "Collision"),
        ("push_clash", "Push clash", "Conflit de push"),
        ("spike", "Spike", "Pic d'activit\u00e9"),
    ],
)
def test_every_attention_code_has_a_name_in_both_languages(code: str, english: str, french: str) -> None:
    # Given one attention item of this code
    item = {"severity": "medium", "code": code, "message": "m"}
    for language, name in (("en", english), ("fr", french)):
        # When it is rendered in each language
        markup, _ = _render(make_lead_summary(language, attention=[item]))
        # Then the item is named in that language
        assert f"<strong>{name.replace(chr(39), '&#39;')}</strong>" in _section(markup, "attention")


def test_a_summary_without_attention_says_so() -> None:
    markup, _ = _render(make_minimal_summary())
    assert "Nothing needs your attention." in _section(markup, "attention")


def test_the_comparison_shows_both_windows_and_the_changes() -> None:
    # Given a summary compared with the previous window (1,463 events against 1,180: +23.98 %)
    # When it is rendered
    markup, page = _render(make_lead_summary())
    # Then the comparison section gives both figures and the change, and the overview the changes
    section = " ".join(Page(_section(markup, "comparison")).text)
    assert "1,463" in section
    assert "1,180" in section
    assert "+24%" in section  # 23.98 % with two significant digits
    assert "+22%" in section  # engagement units: 1,829 against 1,500
    assert "Events on TikTok" in section
    assert "+24% vs the previous window" in page.words
    assert 'href="#comparison"' in markup


def test_a_summary_without_comparison_has_no_comparison_section() -> None:
    # Given a summary written before section 10, which has no `comparison`
    markup, page = _render(make_summary(comparison=REMOVE))
    # Then there is no comparison section, nor a link to one, nor a change in the overview
    assert "comparison" not in [attrs.get("id") for attrs in page.all("section")]
    assert 'href="#comparison"' not in markup
    assert "previous window" not in page.words


def test_a_change_against_nothing_says_so() -> None:
    # Given a comparison whose previous window had no events (its change is null)
    summary = make_lead_summary(
        comparison={"totals": {"events": 0}, "change": {"events": None}, "platforms": REMOVE}
    )
    # Then the overview says there was nothing before rather than a percent
    assert "nothing in the previous window" in _render(summary)[1].words


def test_the_engagement_rate_names_its_denominator_and_what_it_leaves_out() -> None:
    # Given the matched rate: units and followers over Facebook, Instagram, X and Deezer only
    markup, _ = _render(make_lead_summary())
    # Then the page gives both, the platforms, and each excluded platform with why
    text = Page(_section(markup, "engagement")).words
    assert (
        "0.0478% = 1,214 engagement units \u00f7 2,537,097 followers on Facebook, Instagram, X, and Deezer"
        in (" ".join(text.split()))
    )
    assert "TikTok: no credentials configured (TIKTOK_ACCESS_TOKENS)" in text
    assert "linkfire: a link service has no followers" in text


def test_the_first_shape_of_the_engagement_rate_still_renders() -> None:
    # Given the rate written before section 10: {value, denominator, denominator_value} over every
    # platform's units
    text = " ".join(
        Page(_section(_render(make_summary(engagement_rate=FIRST_RATE_SHAPE))[0], "engagement")).text
    )
    # Then the page shows it with all units
    assert "0.0721% = 1,829 engagement units \u00f7 2,537,097 followers" in " ".join(text.split())


def test_an_unavailable_rate_gives_its_reason_once() -> None:
    # Given the builder's own reason, a full sentence
    summary = make_minimal_summary()
    summary["engagement_rate"]["reason"] = "No follower count has been pulled yet."
    # Then the page gives it without a second full stop
    markup, _ = _render(summary)
    assert "Not available: No follower count has been pulled yet." in Page(markup).words
    assert "pulled yet.." not in markup


# -- French -------------------------------------------------------------------------------------------


def test_french_dates_have_french_month_names() -> None:
    # Given a French summary of a campaign in November
    _, page = _render(make_lead_summary("fr"))
    # Then its dates are French
    assert "20 novembre 2026, 00:00" in page.words
    assert "26 nov. 2026, 10:41" in page.words  # 09:41Z in Paris
    assert "November" not in page.words


def test_french_numbers_have_decimal_commas_and_french_percents() -> None:
    # Given a French summary
    _, page = _render(make_lead_summary("fr"))
    # Then decimals have commas, thousands narrow no-break spaces, percents a space before the sign
    assert "64,5" in page.words  # Spotify popularity
    assert "1\u202f209\u202f877" in page.words
    assert "0,0478\u00a0%" in page.words
    assert "+24\u00a0%" in page.words
    assert "64.5" not in page.words


def test_every_word_the_page_uses_has_a_french_translation() -> None:
    # Given every literal word of the templates and of html_report.py
    sources = [path.read_text(encoding="utf-8") for path in TEMPLATES.glob("*.j2")]
    sources.append((TEMPLATES.parent / "html_report.py").read_text(encoding="utf-8"))
    found = set()
    for source in sources:
        found.update(re.findall(r'(?:_|\.word)\(\s*"((?:[^"\\]|\\.)+)"', source))
        for one, other in re.findall(r'\.count\(\s*"([^"]+)",\s*"([^"]+)"', source):
            found.update((one, other))
    from chalicelib.report import language

    for table in (language.KINDS, language.METRICS, language.CODES, language.SEVERITY_NAMES):
        found.update(table.values())
    # Then French has each of them
    assert len(found) > 100
    assert sorted(found - FRENCH.keys()) == []


# -- charts -------------------------------------------------------------------------------------------


def test_the_events_chart_has_one_series_per_platform_with_a_legend() -> None:
    summary = make_summary()
    markup, page = _render(summary)
    charts = _charts(page)
    assert charts[0]["aria-labelledby"] == "events-chart-t events-chart-d"
    in_points = {p for point in summary["series"]["points"] for p in point["events"]}
    chart = _section(markup, "over-time")
    series = re.findall(r'<g class="series-group" data-series="([^"]+)">', chart)
    assert sorted(series) == sorted(in_points)
    colours = re.findall(r'<polyline class="series" stroke="(#[0-9a-f]{6})"', chart)
    assert len(colours) == len(in_points) == len(set(colours))
    legend = chart[chart.index('<ul class="legend"') :]
    assert legend.count("<li>") == len(in_points)
    for chart_attrs in charts:
        for ref in (chart_attrs["aria-labelledby"] or "").split():
            assert f'id="{ref}"' in markup


def test_hourly_ticks_fall_on_round_local_hours() -> None:
    # Given 36 hourly points in Paris starting at 07:00 local
    points = hourly_points("2026-11-24T07:00:00+01:00", 36, {"x": 5, "tiktok": 9})
    # When the chart is drawn
    markup, _ = _render(make_summary(series={"granularity": "hour", "points": points}))
    # Then its time labels are round hours six hours apart, local: 12:00, 18:00, 00:00...
    labels = _x_labels(_section(markup, "over-time"))
    assert labels == ["12:00", "18:00", "00:00", "06:00", "12:00", "18:00"]


def test_hourly_ticks_stay_round_across_a_dst_change() -> None:
    # Given 60 hourly points across the end of summer time in Paris
    points = hourly_points("2026-10-24T20:00:00+02:00", 60, {"x": 5, "tiktok": 9, "standard:linkfire": 4})
    markup, _ = _render(make_summary(series={"granularity": "hour", "points": points}))
    # Then every label is a round local hour, twelve hours apart, the days named at midnight
    labels = _x_labels(_section(markup, "over-time"))
    assert labels == ["00:00", "12:00", "00:00", "12:00", "00:00"]
    assert "Oct 25" in markup


def test_daily_ticks_fall_on_local_midnights() -> None:
    # Given today's daily points
    markup, _ = _render(make_summary())
    # Then the labels are days, one per local midnight
    assert _x_labels(_section(markup, "over-time")) == [f"Nov {day}" for day in range(20, 27)]


def test_count_axes_show_whole_numbers_only() -> None:
    # Given daily counts of at most 3
    points = [
        {"start": f"2026-11-{day}T00:00:00+01:00", "events": {"x": count}}
        for day, count in zip(range(20, 24), [1, 3, 2, 1], strict=True)
    ]
    markup, _ = _render(make_summary(series={"points": points}))
    # Then the value axis has no fraction
    assert _y_labels(_section(markup, "over-time")) == ["0", "1", "2", "3"]


def test_negative_net_counts_draw_a_zero_line() -> None:
    points = [
        {"start": f"2026-11-2{day}T00:00:00+01:00", "events": {"facebook": count}}
        for day, count in enumerate([3, -4, 2])
    ]
    markup, _ = _render(make_summary(series={"points": points}))
    assert '<line class="zero"' in markup


def test_a_counter_with_one_reading_is_a_figure_not_a_chart() -> None:
    # Given a counter series of a single reading
    single = {
        "platform": "deezer",
        "metric": "fans",
        "points": [{"at": "2026-11-26T09:00:00Z", "value": 823_400}],
    }
    # When it is rendered
    markup, page = _render(make_summary(series={"counters": [single]}))
    # Then the counters section shows its figure and draws no chart
    section = _section(markup, "counters")
    assert "<svg" not in section
    assert "Deezer \u00b7 fans" in " ".join(Page(section).text)
    assert "823,400" in " ".join(Page(section).text)
    assert len(_charts(page)) == 1  # the events chart only


def test_one_small_chart_per_counter_series_of_two_readings_or_more() -> None:
    summary = make_summary()
    _, page = _render(summary)
    assert len(_charts(page)) == 1 + len(summary["series"]["counters"])


def test_an_hourly_summary_of_one_hour_shows_a_figure() -> None:
    # Given a campaign one hour old
    points = [{"start": "2026-11-26T10:00:00+01:00", "events": {"x": 4, "tiktok": 3}}]
    markup, _ = _render(make_summary(series={"granularity": "hour", "points": points}))
    # Then its events over time are a figure, not a chart of one dot
    section = _section(markup, "over-time")
    assert "<svg" not in section
    assert ">7<" in section


# -- nothing to show ----------------------------------------------------------------------------------


def test_a_summary_with_no_events_renders_every_section_with_a_sentence() -> None:
    # Given a summary whose series has buckets but every count is zero, and nothing else
    points = [{"start": f"2026-11-26T{hour:02d}:00:00+01:00", "events": {"x": 0}} for hour in range(9, 12)]
    summary = make_minimal_summary(series={"points": points})
    # When it is rendered
    _, page = _render(summary)
    # Then no chart is drawn, and each section says why in a sentence
    assert not _charts(page)
    sections = [attrs.get("id") for attrs in page.all("section")]
    assert sections == [
        "attention",
        "overview",
        "comparison",
        "over-time",
        "events",
        "counters",
        "engagement",
        "freshness",
        "top-content",
        "consumption",
        "collisions",
        "moderation",
        "tracked",
    ]
    text = page.words
    for sentence in (
        "Nothing needs your attention.",
        "No events in the window yet: nothing to chart.",
        "No events attributed yet.",
        "No counter has been pulled for this campaign yet.",
        "Not available: no follower counts yet.",
        "No platform has reported anything yet.",
        "No content has events yet.",
        "No release of this artist is registered.",
        "None: no other campaign",
        "No text was classified in this window.",
        "Nothing is tracked yet.",
    ):
        assert sentence in text, sentence


# -- tables -------------------------------------------------------------------------------------------


def test_tables_stack_into_cards_on_a_phone() -> None:
    # Given a full summary
    markup, page = _render(make_lead_summary())
    # Then every table stacks on a phone, every data cell naming its column
    assert markup.count("<table") == markup.count('<table class="stack')
    assert all(td.get("data-label") for td in page.all("td"))
    assert all(th.get("scope") in {"col", "row"} for th in page.all("th"))
    assert re.search(r"@media \(max-width:640px\)\{[^@]*table\.stack", page.styles[0])


def test_figures_tables_show_what_the_summary_says() -> None:
    text = _render(make_summary())[1].words
    assert "Spotify refused: the app has no extended quota (403)" in text
    assert "-130" in text  # X followers went down
    assert "+1,230,412" in text
    assert "429 Too Many Requests: retried at 09:00" in text
    assert "Weights version 2026-10" in text
    assert "Indochine catalogue Q4" in text
    assert "Nov 26, 2026, 10:41\u202fAM" in text  # 09:41Z in Paris
    assert "Europe/Paris" in text


def test_an_unknown_timezone_keeps_each_times_offset() -> None:
    summary = make_summary(
        timezone="Mars/Olympus_Mons",
        campaign={"timezone": "Mars/Olympus_Mons"},
        series={"timezone": "Mars/Olympus_Mons"},
    )
    text = _render(summary)[1].words
    assert "Nov 26, 2026, 9:41\u202fAM (UTC+00:00)" in text
    assert "each time's own UTC offset" in text


def test_an_archived_campaign_says_so() -> None:
    assert "archived" in _render(make_summary(campaign={"archived": True}))[1].words


def test_a_push_clash_is_a_row_of_its_own_table_in_collisions() -> None:
    markup, _ = _render(make_summary())
    section = " ".join(Page(_section(markup, "collisions")).text)
    assert "Push clashes" in section
    assert "single-2" in section
    assert "polydor-fr" in section
    assert "5.5" in section


# -- consumption (contract section 12) ----------------------------------------------------------------


def test_the_consumption_section_shows_each_release_with_its_equivalents_and_snep_level_in_french() -> None:
    # Given a French summary of an artist with an album and a single
    markup, _ = _render(make_lead_summary("fr"))
    # Then each release is a row with its streams, its equivalents by rule set, and its SNEP level
    section = _section(markup, "consumption")
    assert "Consommation" in section
    assert "Nos célébrations" in section
    assert "snep-2024-07" in section
    assert "Or</strong>" in section  # the single's level
    assert "pas encore de niveau" in section  # the album, below Or
    assert "du niveau Platine" in section  # the single's progress to the next


def test_a_summary_written_before_section_12_has_no_consumption_section() -> None:
    # Given a summary without `consumption` (published before it existed), read as JSON
    summary = make_summary()
    del summary["consumption"]
    markup, _ = _render(summary)
    # Then the page has no consumption section and no link to it
    assert 'id="consumption"' not in markup
    assert 'href="#consumption"' not in markup
