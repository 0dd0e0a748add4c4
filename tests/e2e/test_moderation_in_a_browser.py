"""A label's moderation.html, written by the publish job of the local stack from abusive comments sent
as signed webhooks, opened from `GET /moderation/links` in real headless Chromium at a phone and a
laptop width: hostile text is shown as text (no markup of it runs), nothing is fetched beyond
loopback, no error is logged, and it never scrolls sideways, even with a 400-character word.
Screenshots are kept under test-artifacts/e2e/."""

from __future__ import annotations

import time
import urllib.request
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from infra.local import senders as payloads
from infra.local.harness import LocalStack, api, send_signed
from infra.local.senders import Senders
from tests.e2e.browser import Visit, renders_cleanly, visits_fixture
from tests.e2e.conftest import secrets_of

pytestmark = pytest.mark.e2e

LABEL = "e2e-moderation"
PAGE, POST = "104599999999901", "104599999999901_998877665599901"
AT = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
INJECTED = '<img src="https://example.com/x.png" onerror="document.title=1"> sale p.d'
TEXTS = [
    INJECTED,
    "sale p.d " + "a" * 400,  # one unbroken word far wider than a phone
    "\u0645\u0631\u062d\u0628\u0627 sale p.d",  # right-to-left text
    "T'es qu'une sale tarlouze",
]


def _admin(stack: LocalStack, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    return api(stack, method, path, stack.env["ADMIN_TOKEN"], body)


@pytest.fixture(scope="module")
def report_link(local_stack: LocalStack) -> str:
    # Given an artist of the label whose Page got abusive comments, one author writing them all
    artist = {"artist_id": "e2e-moderated", "label": LABEL, "name": "M", "accounts": {"facebook": [PAGE]}}
    assert _admin(local_stack, "POST", "/artists", artist)[0] == 201
    changes = []
    for text in TEXTS:
        change = payloads.facebook_comment(POST, AT, text=text)
        change["from"] = {"id": "5550123", "name": "Troll"}
        changes.append(change)
    senders = Senders(secrets_of(local_stack))
    assert send_signed(local_stack, senders.meta(payloads.facebook_feed(PAGE, changes))) == 200
    # When the publish job has run after the consumer stored them, the day's report is linked
    query = f"/moderation/links?label={LABEL}&day={AT.date().isoformat()}&expires_in=600"
    deadline = time.monotonic() + 60
    while True:
        _admin(local_stack, "POST", "/admin/jobs/publish")
        status, answer = _admin(local_stack, "GET", query)
        if status == 200 or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert status == 200, (answer, local_stack.output())
    link: str = answer["html"]
    return link


visits = visits_fixture("report_link", "moderation")


# The title keeps the label: the injected handler never ran (it would set the title to "1").
test_the_report_renders_cleanly_in_chromium = renders_cleanly("moderation", LABEL)


def test_hostile_markup_is_shown_as_text(visits: dict[str, Visit]) -> None:
    assert INJECTED in visits["phone"].measures["text"]


def test_every_text_is_listed_with_its_authors_repeat_count(report_link: str) -> None:
    with urllib.request.urlopen(report_link, timeout=10) as response:
        page = response.read().decode()
    assert page.count('<li class="text"') == len(TEXTS)
    assert page.count(f"<dd>{len(TEXTS)}</dd>") == len(TEXTS)
    assert "5550123" not in page  # the author's platform id never appears
