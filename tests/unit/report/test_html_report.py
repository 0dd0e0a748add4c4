"""summary.html (contract section 6): self-contained, escaped, accessible; charts cope with no data."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from typing import Any

import pytest

from chalicelib.report.html_report import render_html, safe_url
from tests.summary_schema import validate_summary
from tests.unit.report.factories import hourly_points, make_minimal_summary, make_summary

HOSTILE_NAMES = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']


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


def _render(summary: dict[str, Any]) -> tuple[str, Page]:
    validate_summary(summary)
    markup = render_html(summary).decode("utf-8")
    return markup, Page(markup)


def test_the_page_is_utf8_with_a_phone_viewport_and_a_title() -> None:
    markup, page = _render(make_summary())
    assert markup.startswith("<!DOCTYPE html>")
    assert page.all("html")[0]["lang"] == "en"
    assert page.all("meta", charset="utf-8")
    assert page.all("meta", name="viewport")[0]["content"] == "width=device-width, initial-scale=1"
    assert page.title == "Indochine: 13 tour launch \u2013 engagement summary"
    assert len(page.all("h1")) == 1
    assert len(page.all("h2")) >= 8


@pytest.mark.parametrize("factory", [make_summary, make_minimal_summary])
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


@pytest.mark.parametrize("hostile", HOSTILE_NAMES)
def test_every_string_of_the_summary_is_escaped(hostile: str) -> None:
    summary = make_summary(
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
        engagement_rate={"denominator": hostile},
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
        top_content=[{"platform": "x", "content_id": hostile, "events": 3, "url": None, "title": None}],
        collisions=[
            {
                "campaign_id": hostile,
                "name": hostile,
                "from": "2026-11-20T00:00:00+01:00",
                "to": "2026-12-20T00:00:00+01:00",
                "shared": [{"platform": "x", "type": "account", "id": hostile}],
            }
        ],
    )
    markup, page = _render(summary)
    assert hostile not in markup
    assert "<img" not in markup
    assert "<script>" not in markup
    assert not page.all("img")
    assert not page.all("script")
    escaped = hostile.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
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
def test_only_http_urls_become_links(url: str) -> None:
    assert safe_url(url) is None
    summary = make_summary(
        top_content=[{"platform": "x", "content_id": "post-1", "events": 1, "url": url, "title": None}]
    )
    markup, page = _render(summary)
    assert not [a for a in page.all("a") if not (a.get("href") or "").startswith("#")]
    assert "post-1" in "".join(page.text)
    assert "<script>" not in markup


def test_top_content_links_to_the_platform_without_a_referrer() -> None:
    _, page = _render(make_summary())
    links = [a for a in page.all("a") if not (a.get("href") or "").startswith("#")]
    assert [a["href"] for a in links] == [
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://www.instagram.com/p/C0example/",
    ]
    assert all("noreferrer" in (a.get("rel") or "") for a in links)
    assert safe_url("https://www.youtube.com/watch?v=a&t=1") == "https://www.youtube.com/watch?v=a&t=1"


def test_the_events_chart_has_one_series_per_platform_with_a_legend() -> None:
    summary = make_summary()
    markup, page = _render(summary)
    charts = [svg for svg in page.all("svg") if svg.get("role") == "img"]
    assert charts[0]["aria-labelledby"] == "events-chart-t events-chart-d"
    in_points = {p for point in summary["series"]["points"] for p in point["events"]}
    events_chart = markup[markup.index('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 560') :]
    events_chart = events_chart[: events_chart.index("</svg>")]
    series = re.findall(r'<g class="series-group" data-series="([^"]+)">', events_chart)
    assert sorted(series) == sorted(in_points)
    colours = re.findall(r'<polyline class="series" stroke="(#[0-9a-f]{6})"', events_chart)
    assert len(colours) == len(in_points) == len(set(colours))
    legend = markup[markup.index('<ul class="legend"') :]
    legend = legend[: legend.index("</ul>")]
    assert legend.count("<li>") == len(in_points)
    assert "linkfire" in legend
    assert "TikTok" in legend
    # Every labelled chart's title and description exist.
    for chart in charts:
        for ref in (chart["aria-labelledby"] or "").split():
            assert f'id="{ref}"' in markup


def test_the_x_axis_is_labelled_in_the_campaign_timezone() -> None:
    points = [
        {"start": "2026-11-25T23:00:00Z", "events": {"x": 4}},  # midnight in Paris
        {"start": "2026-11-26T00:00:00Z", "events": {"x": 2}},
        {"start": "2026-11-26T01:00:00+01:00", "events": {"x": 1}},  # already in Paris time
    ]
    markup, _ = _render(make_summary(series={"granularity": "hour", "points": points}))
    chart = markup[markup.index('viewBox="0 0 560') :]
    chart = chart[: chart.index("</svg>")]
    labels = re.findall(r'<text class="axis[^"]*"[^>]*>([0-9:]+)<tspan[^>]*>([^<]+)</tspan>', chart)
    assert labels == [("00:00", "26 Nov"), ("01:00", "26 Nov"), ("01:00", "26 Nov")]
    assert "Net events per hour" in markup


def test_hourly_series_across_a_dst_change_render() -> None:
    points = hourly_points("2026-10-24T20:00:00+02:00", 60, {"x": 5, "tiktok": 9, "standard:linkfire": 4})
    markup, _ = _render(make_summary(series={"granularity": "hour", "points": points}))
    assert markup.count('class="series-group"') >= 3
    assert "25 Oct" in markup


def test_negative_net_counts_draw_a_zero_line() -> None:
    points = [
        {"start": f"2026-11-2{day}T00:00:00+01:00", "events": {"facebook": count}}
        for day, count in enumerate([3, -4, 2])
    ]
    markup, _ = _render(make_summary(series={"points": points}))
    assert '<line class="zero"' in markup
    assert "\u22124" in markup or "\u2212" in markup


def test_empty_series_give_sentences_not_empty_charts() -> None:
    _, page = _render(make_minimal_summary())
    assert not [svg for svg in page.all("svg") if svg.get("role") == "img"]
    text = " ".join(page.text)
    assert "No events in the window yet" in text
    assert "No counter has been pulled for this campaign yet" in text
    assert "None: no other campaign" in text
    assert "Not available: no follower counts yet." in text
    assert "No content has events yet." in text


def test_counters_only_empty_keeps_the_events_chart() -> None:
    markup, page = _render(make_summary(series={"counters": []}))
    charts = [svg for svg in page.all("svg") if svg.get("role") == "img"]
    assert len(charts) == 1
    assert "No counter snapshots in the window yet" in markup


def test_one_small_chart_per_counter_series() -> None:
    summary = make_summary()
    _, page = _render(summary)
    charts = [svg for svg in page.all("svg") if svg.get("role") == "img"]
    assert len(charts) == 1 + len(summary["series"]["counters"])


def test_tables_have_header_scopes_and_scroll_inside_their_own_region() -> None:
    markup, page = _render(make_summary())
    assert all(th.get("scope") in {"col", "row"} for th in page.all("th"))
    regions = page.all("div", role="region")
    assert len(regions) == markup.count("<table")
    assert all(region.get("class") == "scroll" and region.get("tabindex") == "0" for region in regions)
    assert all(region.get("aria-label") for region in regions)
    assert re.search(r"\.scroll\{overflow-x:auto", page.styles[0])
    assert re.search(r"\.wrap\{max-width:\d+px", page.styles[0])


def test_figures_tables_show_what_the_summary_says() -> None:
    text = "".join(Page(render_html(make_summary()).decode()).text)
    assert "Unavailable: Spotify refused: the app has no extended quota (403)" in text
    assert "\u2212130" in text  # X followers went down
    assert "+1\u202f230\u202f412" in text
    assert "429 Too Many Requests: retried at 09:00" in text
    assert "Weights version 2026-10" in text
    assert "0.0188\u00a0% = 1\u202f829 engagement units \u00f7 2\u202f131\u202f147 followers" in text
    assert "Indochine catalogue Q4" in text
    assert "26 Nov 2026, 10:41" in text  # 09:41Z in Paris
    assert "Europe/Paris" in text


def test_an_unknown_timezone_keeps_each_times_offset() -> None:
    summary = make_summary(
        timezone="Mars/Olympus_Mons",
        campaign={"timezone": "Mars/Olympus_Mons"},
        series={"timezone": "Mars/Olympus_Mons"},
    )
    markup = render_html(summary).decode()
    assert "26 Nov 2026, 09:41 (UTC+0000)" in markup
    assert "each time&#x27;s own UTC offset" in markup


def test_an_archived_campaign_says_so() -> None:
    text = " ".join(_render(make_summary(campaign={"archived": True}))[1].text)
    assert "archived" in text


def test_a_reason_that_ends_with_a_full_stop_gets_only_one() -> None:
    # Given the builder's own reason, a full sentence
    summary = make_minimal_summary()
    summary["engagement_rate"]["reason"] = "No follower count has been pulled yet."
    # Then the page does not add a second full stop
    markup, _ = _render(summary)
    assert "pulled yet.." not in markup
    assert "pulled yet." in markup


def test_attention_comes_first_and_lists_every_item() -> None:
    # Given a summary with a collision and a push clash in `attention`
    _, page = _render(make_summary())
    # Then the Attention section is the first of the page, with both messages
    sections = [attrs.get("id") for attrs in page.all("section")]
    assert sections[0] == "attention"
    text = " ".join(page.text)
    assert "Push single-2 clashes with a push of polydor-fr" in text
    assert "Campaign indochine-catalogue-q4 (Indochine catalogue Q4) tracks the same items" in text


def test_a_push_clash_is_a_row_of_its_own_table_in_collisions() -> None:
    # Given a summary whose push single-2 clashes with a push of another label
    markup, page = _render(make_summary())
    # Then the collisions section holds a push clashes table naming the other label and the hours
    assert page.all("div", role="region", aria_label="Push clashes")
    section = markup[markup.index('id="collisions"') :]
    assert "single-2" in section
    assert "polydor-fr" in section
    assert "5.5" in section


def test_a_summary_without_attention_says_so() -> None:
    # Given a summary with nothing to look at
    markup, _ = _render(make_minimal_summary())
    # Then its Attention section says so in a sentence
    assert "Nothing needs your attention." in markup
