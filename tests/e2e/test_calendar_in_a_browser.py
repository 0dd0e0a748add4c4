"""A label's calendar.html, written by the publish job and opened from its presigned link in real
headless Chromium on a phone and a laptop width: it renders its month grid with the clash marked,
logs no error, fetches nothing beyond loopback, and never scrolls sideways on the phone.
Screenshots are kept under test-artifacts/e2e/."""

from __future__ import annotations

import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from infra.local.harness import LocalStack
from tests.e2e.browser import WIDTHS, Visit, problems_of_a_presigned_page, served_page, visit_at_every_width
from tests.e2e.conftest import as_admin, html_link_once_run

pytestmark = pytest.mark.e2e

NOW = datetime.now(UTC).replace(microsecond=0)
LABEL, OTHER = "e2e-calendar", "e2e-calendar-other"


def _campaign(campaign_id: str, label: str, artist: str, pushes: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "campaign_id": campaign_id,
        "name": f"{artist}: a long campaign name that a phone must cut or wrap somewhere",
        "label": label,
        "artist": artist,
        "starts_at": (NOW - timedelta(days=2)).isoformat(),
        "ends_at": (NOW + timedelta(days=40)).isoformat(),
        "timezone": "Europe/Paris",
        "tracked": {"youtube": {"content": ["dQw4w9WgXcQ"]}},
        "pushes": pushes,
    }


def _push(push_id: str, at: datetime, kind: str, title: str) -> dict[str, Any]:
    return {
        "push_id": push_id,
        "at": at.isoformat(),
        "platforms": ["youtube", "x"],
        "kind": kind,
        "title": title,
    }


@pytest.fixture(scope="module")
def calendar_link(local_stack: LocalStack) -> str:
    """A presigned link to the label's calendar.html, one of whose pushes clashes with another label's."""
    # Given a campaign of the label with several pushes, one of them close to another label's push
    soon = NOW + timedelta(days=3)
    pushes = [
        _push("clip", soon, "video", "Le clip officiel, avec un titre bien trop long pour une case"),
        _push("single", NOW + timedelta(days=10), "single", "Deuxième single"),
        _push("live", NOW + timedelta(days=10, hours=2), "live", "Concert en direct"),
        _push("presave", NOW + timedelta(days=20), "presave", "Pré-enregistrement de l'album"),
    ]
    as_admin(local_stack, "POST", "/campaigns", _campaign("calendar-check", LABEL, "Indochine", pushes))
    other = [_push("teaser", soon + timedelta(hours=3), "post", "Teaser of another label")]
    as_admin(local_stack, "POST", "/campaigns", _campaign("calendar-other", OTHER, "Someone else", other))
    # When the publish job runs, the label's calendar page is linked
    return html_link_once_run(local_stack, "publish", f"/calendar/links?label={LABEL}&expires_in=600")


@pytest.fixture(scope="module")
def visits(calendar_link: str) -> dict[str, Visit]:
    return visit_at_every_width(calendar_link, "calendar")


def test_the_link_is_a_presigned_loopback_url(calendar_link: str) -> None:
    assert calendar_link.startswith("http://127.0.0.1:")
    assert f"calendar/{LABEL}/calendar.html" in calendar_link
    assert "X-Amz-Signature=" in calendar_link


@pytest.mark.parametrize("device", list(WIDTHS))
def test_the_calendar_renders_cleanly_in_chromium(visits: dict[str, Visit], device: str) -> None:
    # Given the label's published calendar.html (fixture `calendar_link`)
    # When Chromium opens its presigned link at this width (fixture `visits`)
    # Then it loaded, logged no error (a CSP-blocked style logs one), threw none, fetched nothing beyond
    # the presigned GET on loopback, names the label in its title, and on a phone never scrolls sideways
    assert problems_of_a_presigned_page(visits[device], device, "calendar", LABEL) == []


def test_the_page_marks_the_clash_and_names_the_other_label_only(calendar_link: str) -> None:
    # When the page is read
    page = served_page(calendar_link)
    # Then the clashing push is marked, the other push named by its label, kind and platforms only
    assert 'class="chip clash"' in page
    assert f"Clashes with {OTHER} post on youtube, x, 3 h apart" in page
    assert "Teaser of another label" not in page


def test_a_feed_over_http_answers_a_poll_with_304_and_never_logs_its_secret(
    local_stack: LocalStack, calendar_link: str
) -> None:
    # Given a feed of the label, made over HTTP
    feed = as_admin(local_stack, "POST", "/calendar/feeds", {"name": "Planning", "labels": [LABEL]})
    path = "/" + feed["url"].split("/", 3)[3]
    secret = path.split("/")[2]
    # When a calendar application fetches it, then polls with its ETag
    with urllib.request.urlopen(local_stack.base_url + path, timeout=10) as response:
        etag = response.headers["ETag"]
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
        assert b"BEGIN:VCALENDAR" in response.read()
    poll = urllib.request.Request(local_stack.base_url + path, headers={"If-None-Match": etag})
    with pytest.raises(urllib.error.HTTPError) as not_modified:
        urllib.request.urlopen(poll, timeout=10)
    # Then the poll is a 304, and the stack's log lines never show the secret
    assert not_modified.value.code == 304
    assert secret not in local_stack.output()
