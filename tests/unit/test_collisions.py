"""Collisions (contract section 5): same label, overlapping windows, a shared account or content. Pure."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.collisions import collisions
from chalicelib.models.campaign import Campaign


def campaign(campaign_id: str, starts: str, ends: str, tracked: dict[str, Any], **changes: Any) -> Campaign:
    return Campaign.model_validate(
        {
            "campaign_id": campaign_id,
            "name": campaign_id.title(),
            "label": "columbia-fr",
            "artist": "Indochine",
            "starts_at": starts,
            "ends_at": ends,
            "timezone": "Europe/Paris",
            "tracked": tracked,
            "created_at": "2026-01-01T00:00:00Z",
            "updated_at": "2026-01-01T00:00:00Z",
            **changes,
        }
    )


PAGE = {"facebook": {"accounts": ["104"], "content": ["104_1"]}}


def test_overlap_and_every_shared_id_are_listed() -> None:
    # Given a campaign and another of the label sharing a page and a post, overlapping for ten days
    mine = campaign("mine", "2026-11-01T00:00:00Z", "2026-11-20T00:00:00Z", {**PAGE, "x": {"content": ["9"]}})
    other = campaign(
        "other", "2026-11-10T00:00:00Z", "2026-12-01T00:00:00Z", {**PAGE, "x": {"content": ["8"]}}
    )
    # Then the collision names the other, the overlap and both shared ids
    assert collisions(mine, [other]) == [
        {
            "campaign_id": "other",
            "name": "Other",
            "from": "2026-11-10T00:00:00+00:00",
            "to": "2026-11-20T00:00:00+00:00",
            "shared": [
                {"platform": "facebook", "type": "account", "id": "104"},
                {"platform": "facebook", "type": "content", "id": "104_1"},
            ],
        }
    ]


def test_an_account_in_one_and_content_in_the_other_is_not_shared() -> None:
    mine = campaign("mine", "2026-11-01T00:00:00Z", "2026-11-20T00:00:00Z", {"deezer": {"accounts": ["27"]}})
    other = campaign("other", "2026-11-01T00:00:00Z", "2026-11-20T00:00:00Z", {"deezer": {"content": ["27"]}})
    assert collisions(mine, [other]) == []


def test_no_collision_for_itself_touching_windows_other_labels_or_archived() -> None:
    mine = campaign("mine", "2026-11-01T00:00:00Z", "2026-11-20T00:00:00Z", PAGE)
    others = [
        campaign("mine", "2026-11-01T00:00:00Z", "2026-11-20T00:00:00Z", PAGE),
        campaign("after", "2026-11-20T00:00:00Z", "2026-12-20T00:00:00Z", PAGE),
        campaign("elsewhere", "2026-11-01T00:00:00Z", "2026-11-20T00:00:00Z", PAGE, label="other-label"),
        campaign("archived", "2026-11-01T00:00:00Z", "2026-11-20T00:00:00Z", PAGE, archived=True),
    ]
    assert collisions(mine, others) == []
    archived_mine = mine.model_copy(update={"archived": True})
    assert (
        collisions(archived_mine, [campaign("b", "2026-11-01T00:00:00Z", "2026-11-20T00:00:00Z", PAGE)]) == []
    )


def test_collisions_are_ordered_by_overlap_start_as_instants() -> None:
    mine = campaign("mine", "2026-11-01T00:00:00Z", "2026-11-30T00:00:00Z", PAGE)
    # 05:00+09:00 is 20:00Z the day before: earlier than 10:00Z the same calendar day
    late = campaign("late", "2026-11-10T10:00:00Z", "2026-11-30T00:00:00Z", PAGE)
    early = campaign("early", "2026-11-10T05:00:00+09:00", "2026-11-30T00:00:00Z", PAGE)
    assert [c["campaign_id"] for c in collisions(mine, [late, early])] == ["early", "late"]
