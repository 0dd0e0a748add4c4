"""A label's consumption.html, written by the publish job of the local stack from an imported report and
opened from its presigned link in real headless Chromium at a phone and a laptop width: it logs no
error, fetches nothing beyond loopback, and never scrolls sideways. Screenshots are kept under
test-artifacts/e2e/."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.domain.consumption.ids import upc_check_digit
from infra.local.harness import LocalStack, api, http
from tests.e2e.browser import Visit, renders_cleanly, visits_fixture

pytestmark = pytest.mark.e2e

LABEL = "e2e-consumption"
ALBUM, SINGLE = (body + str(upc_check_digit(body)) for body in ("30000000201", "30000000202"))
TRACKS = ("FRZ032600201", "FRZ032600202", "FRZ032600203")


def _release(upc: str, title: str, kind: str, isrcs: tuple[str, ...]) -> dict[str, Any]:
    tracks = [{"isrc": isrc, "title": f"Track {n}", "position": n} for n, isrc in enumerate(isrcs, 1)]
    released = (datetime.now(UTC) - timedelta(days=40)).date().isoformat()
    return {
        "upc": upc,
        "label": LABEL,
        "artist_id": "e2e-consumption-artist",
        "title": title,
        "type": kind,
        "release_date": released,
        "tracks": tracks,
    }


def _report() -> bytes:
    """A month of daily streams of the album's tracks, the single's, and a few album sales."""
    today = datetime.now(UTC).date()
    lines = ["date,isrc,upc,platform,country,streams_premium,streams_ad,downloads,physical_units"]
    for back in range(30):
        day = (today - timedelta(days=back)).isoformat()
        lines += [f"{day},{isrc},,spotify,FR,{120_000 - 900 * back},{40_000},3,0" for isrc in TRACKS]
        lines.append(f"{day},,{ALBUM},fnac,FR,0,0,0,{25 + back}")
    return ("\n".join(lines) + "\n").encode()


def _until_done(stack: LocalStack, token: str, import_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status: dict[str, Any] = api(stack, "GET", f"/imports/{import_id}", token)[1]
        if status["status"] in ("done", "failed"):
            return status
        time.sleep(0.3)
    raise TimeoutError("the import did not finish")


@pytest.fixture(scope="module")
def consumption_link(local_stack: LocalStack) -> str:
    token = local_stack.env["ADMIN_TOKEN"]
    # Given an artist with a long-titled album of three tracks and a single, and a month of reports
    artist = {
        "artist_id": "e2e-consumption-artist",
        "label": LABEL,
        "name": "Angèle",
        "accounts": {"x": ["535353"]},
    }
    assert api(local_stack, "POST", "/artists", token, artist)[0] == 201
    long_title = "Nonante-Cinq (édition deluxe, avec les titres bonus et les versions acoustiques)"
    for release in (
        _release(ALBUM, long_title, "album", TRACKS),
        _release(SINGLE, "Bruxelles", "single", TRACKS[:1]),
    ):
        status, body = api(local_stack, "POST", "/releases", token, release)
        assert status == 201, body
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "text/csv"}
    url = f"{local_stack.base_url}/imports?label={LABEL}&format=generic"
    status, accepted = http("POST", url, _report(), headers)
    assert status == 202, accepted
    assert _until_done(local_stack, token, accepted["import_id"])["rows_rejected"] == 0
    # When the publish job runs, the label's report is linked
    published = api(local_stack, "POST", "/admin/jobs/publish", token)[1]
    assert LABEL in published["consumption_reports"], published
    status, links = api(local_stack, "GET", f"/consumption/links?label={LABEL}&expires_in=600", token)
    assert status == 200, links
    html: str = links["html"]
    return html


visits = visits_fixture("consumption_link", "consumption")


test_the_consumption_report_renders_cleanly_in_chromium = renders_cleanly("consumption", LABEL)


def test_the_report_shows_each_release_with_its_weeks(visits: dict[str, Visit]) -> None:
    text = visits["phone"].measures["text"]
    assert "Angèle" in text
    assert "Bruxelles" in text
    assert "in progress" in text
    assert "SNEP certification" in text
