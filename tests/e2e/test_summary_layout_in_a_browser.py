"""summary.html in real headless Chromium at a phone's and a laptop's width, in French and English
(contract section 10): attention above the overview, French month names and decimal commas, no
sideways scroll at 390 px, even with markup, bidirectional overrides, emoji and 10,000-character
strings in every text. The pages are rendered here and opened from files; screenshots and pages are
kept under test-artifacts/e2e/."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.report.html_report import render_html
from tests.e2e.browser import ARTIFACTS, WIDTHS, Visit, chromium, screenshot, visit
from tests.unit.report.factories import collision, make_lead_summary

pytestmark = pytest.mark.e2e

LONG = "Tourn\u00e9e " * 1_250  # 10,000 characters, with spaces
UNBROKEN = "\U0001f3b8" + "x" * 9_999  # 10,000 characters, none to break at
RLO = "\u202e<b>gnp.exe</b> \u05e9\u05dc\u05d5\u05dd \U0001f525"


def hostile_summary(language: str) -> dict[str, Any]:
    """Every text a lead sees holds markup, bidi overrides, emoji or 10,000 characters."""
    return make_lead_summary(
        language,
        campaign={"name": LONG, "campaign_id": UNBROKEN, "label": RLO, "artist": RLO},
        top_content=[
            {"platform": "youtube", "content_id": UNBROKEN, "events": 12, "url": None, "title": UNBROKEN},
            {
                "platform": "x",
                "content_id": "2",
                "events": 3,
                "url": "https://x.com/i/web/status/2",
                "title": RLO,
            },
        ],
        attention=[
            {"severity": "high", "code": "abuse_wave", "platform": "instagram", "message": UNBROKEN},
            {"severity": "medium", "code": "spike", "message": RLO},
        ],
        platforms={"x": {"freshness": {"last_error": UNBROKEN}}},
        collisions=[collision(UNBROKEN, RLO, ("x", "account", UNBROKEN))],
        engagement_rate={"excluded": [{"platform": "tiktok", "reason": UNBROKEN}]},
    )


PAGES = {
    "fr": lambda: make_lead_summary("fr"),
    "en": lambda: make_lead_summary("en"),
    "hostile-fr": lambda: hostile_summary("fr"),
}


@pytest.fixture(scope="module")
def visits() -> dict[tuple[str, str], Visit]:
    """Each page written under test-artifacts/e2e/ and opened once per width in one Chromium."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    found = {}
    with chromium() as browser:
        for name, summary in PAGES.items():
            page = ARTIFACTS / f"summary-{name}.html"
            page.write_bytes(render_html(summary()))
            for device, (width, height) in WIDTHS.items():
                shot = screenshot(f"summary-{name}", device)
                found[(name, device)] = visit(browser, page.as_uri(), width, height, shot)
    return found


@pytest.mark.parametrize("device", list(WIDTHS))
@pytest.mark.parametrize("name", list(PAGES))
def test_the_page_renders_cleanly_and_never_scrolls_sideways(
    visits: dict[tuple[str, str], Visit], name: str, device: str
) -> None:
    # Given the page of this summary opened at this width (fixture `visits`)
    seen = visits[(name, device)]
    width = WIDTHS[device][0]
    # Then it logged no error, fetched nothing but itself, and drew its charts
    assert seen.console_errors == []
    assert seen.page_errors == []
    assert [url for url in seen.requests if not url.startswith("file://")] == []
    assert any(svg["width"] > 0 and svg["height"] > 0 for svg in seen.measures["svgs"])
    # And nothing reaches past the viewport: the document never scrolls sideways
    assert seen.measures["scrollWidth"] <= width, seen.measures["overflowing"]
    assert seen.measures["overflowing"] == []
    assert screenshot(f"summary-{name}", device).stat().st_size > 0


@pytest.mark.parametrize("device", list(WIDTHS))
@pytest.mark.parametrize("name", list(PAGES))
def test_attention_is_above_the_overview(
    visits: dict[tuple[str, str], Visit], name: str, device: str
) -> None:
    sections = {section["id"]: section["top"] for section in visits[(name, device)].measures["sections"]}
    assert sections["attention"] < sections["overview"] < sections["over-time"]


@pytest.mark.parametrize("device", list(WIDTHS))
def test_the_french_page_shows_french_months_and_decimal_commas(
    visits: dict[tuple[str, str], Visit], device: str
) -> None:
    seen = visits[("fr", device)]
    text = seen.measures["text"]
    assert seen.measures["lang"] == "fr"
    assert "novembre 2026" in text
    assert "nov." in text
    assert "64,5" in text  # Spotify's popularity
    assert "0,0478\u00a0%" in text  # the engagement rate
    assert "November" not in text
    assert "64.5" not in text


@pytest.mark.parametrize("device", list(WIDTHS))
def test_the_english_page_is_english(visits: dict[tuple[str, str], Visit], device: str) -> None:
    seen = visits[("en", device)]
    assert seen.measures["lang"] == "en"
    assert "November 20, 2026" in seen.measures["text"]
    assert "64.5" in seen.measures["text"]
