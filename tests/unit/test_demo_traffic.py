"""`make demo`'s plan (infra/local/traffic.py): the label's pushes never clash with each other, and the
other label's campaign clashes with exactly one of them (issue 10, point 4)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.domain.pushes import PushEntry, entries_of, shared_platforms
from chalicelib.models.campaign import Campaign
from infra.local.stack import resolve_secrets
from infra.local.traffic import LABEL, RIVAL_LABEL, Day, day_of_traffic, with_linkfire

SPACING = timedelta(hours=24)
MOMENTS = [datetime(2026, 12, 2, 9, 10, tzinfo=UTC), datetime(2026, 3, 29, 23, 59, tzinfo=UTC)]


@pytest.fixture(scope="module", params=MOMENTS, ids=["december", "a-dst-night"])
def day(request: pytest.FixtureRequest) -> Day:
    return day_of_traffic(with_linkfire(resolve_secrets({})[0]), request.param)


def _entries(body: dict[str, Any]) -> list[PushEntry]:
    now = datetime.now(UTC)
    campaign = Campaign.model_validate({**body, "archived": False, "created_at": now, "updated_at": now})
    return entries_of(campaign)


def test_every_demo_campaign_is_valid_and_has_pushes(day: Day) -> None:
    for body in [*day.campaigns, day.rival]:
        assert _entries(body)


def test_the_labels_own_pushes_never_clash(day: Day) -> None:
    ours = [_entries(body) for body in day.campaigns]
    for first, second in itertools.combinations(ours, 2):
        assert not [(a, b) for a in first for b in second if shared_platforms(a, b, SPACING)]


def test_the_other_label_clashes_with_exactly_one_push(day: Day) -> None:
    rival = _entries(day.rival)
    ours = [entry for body in day.campaigns for entry in _entries(body)]
    found = [(r, o) for r in rival for o in ours if shared_platforms(r, o, SPACING)]
    assert [(r.push_id, o.campaign_id.split("-")[0], o.push_id) for r, o in found] == [
        ("ep-video", "indochine", "video")
    ]
    assert (day.rival["label"], day.campaigns[0]["label"]) == (RIVAL_LABEL, LABEL)
