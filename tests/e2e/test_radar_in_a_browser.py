"""A label's radar.html, written by the radar job of the local stack and opened from its presigned link
in real headless Chromium at a phone and a laptop width: it ranks the breakout first with its band and
an inline SVG sparkline per artist, logs no error, fetches nothing beyond loopback, and never scrolls
sideways on the phone. Screenshots are kept under test-artifacts/e2e/."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from infra.local.harness import LocalStack
from infra.local.radar_demo import BREAKOUT, radar_watchlist
from tests.e2e.browser import WIDTHS, Visit, problems_of_a_presigned_page, served_page, visit_at_every_width
from tests.e2e.conftest import as_admin, html_link_once_run

pytestmark = pytest.mark.e2e

LABEL = "e2e-radar"


@pytest.fixture(scope="module")
def radar_link(local_stack: LocalStack) -> str:
    # Given the demo's dozen watched artists (radar ids of their own label) and their 60 days
    watchlist = radar_watchlist(LABEL, datetime.now(UTC))
    for artist in watchlist.artists:
        as_admin(local_stack, "POST", "/radar/artists", {**artist, "radar_id": f"e2e-{artist['radar_id']}"})
    readings = [{**r, "radar_id": f"e2e-{r['radar_id']}"} for r in watchlist.readings]
    as_admin(local_stack, "POST", "/radar/readings", {"readings": readings})
    # When the radar job runs, the label's report is linked
    return html_link_once_run(local_stack, "radar", f"/radar/links?label={LABEL}&expires_in=600")


@pytest.fixture(scope="module")
def visits(radar_link: str) -> dict[str, Visit]:
    return visit_at_every_width(radar_link, "radar")


@pytest.mark.parametrize("device", list(WIDTHS))
def test_the_radar_renders_cleanly_in_chromium(visits: dict[str, Visit], device: str) -> None:
    assert problems_of_a_presigned_page(visits[device], device, "radar", LABEL) == []


def test_the_breakout_ranks_first_with_a_sparkline_per_artist(radar_link: str) -> None:
    page = served_page(radar_link)
    first = page.index('data-radar-id="')
    assert page[first:].startswith(f'data-radar-id="e2e-{BREAKOUT}"')
    assert page.count("<svg") == 12
    assert 'class="band explosive"' in page
