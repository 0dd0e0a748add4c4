"""The campaign model at the boundary: field paths and messages, windows, ids, activity. Pure."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.errors import ValidationFailed
from chalicelib.models import validated
from chalicelib.models.campaign import Campaign, CampaignBody
from tests.campaigns import campaign_dict


def stored(**changes: Any) -> Campaign:
    return validated(
        Campaign,
        {
            **campaign_dict(**changes),
            "created_at": "2026-01-01T00:00:00Z",
            "updated_at": "2026-01-01T00:00:00Z",
        },
        "c",
    )


def fields_of(data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as raised:
        validated(CampaignBody, data, "campaign")
    assert raised.value.fields is not None
    return raised.value.fields


def test_the_contract_example_validates_and_round_trips() -> None:
    campaign = stored()
    assert Campaign.model_validate_json(campaign.model_dump_json()) == campaign
    assert campaign.public()["starts_at"] == "2026-11-20T00:00:00+01:00"
    assert campaign.public()["tracked"]["standard:linkfire"] == {"accounts": [], "content": ["indochine-13"]}


def test_a_window_of_exactly_366_days_is_allowed_and_one_second_more_is_not() -> None:
    validated(CampaignBody, campaign_dict(ends_at="2027-11-21T00:00:00+01:00"), "campaign")
    assert "ends_at" in fields_of(campaign_dict(ends_at="2027-11-21T00:00:01+01:00"))


def test_offsets_are_compared_as_instants() -> None:
    # 2026-11-20T00:00+01:00 is 2026-11-19T23:00Z: an end at 23:30Z is after it
    validated(CampaignBody, campaign_dict(ends_at="2026-11-19T23:30:00Z"), "campaign")
    assert fields_of(campaign_dict(ends_at="2026-11-19T22:30:00Z")) == {"ends_at": "Must be after starts_at."}


@pytest.mark.parametrize(
    ("starts_at", "ends_at", "field"),
    [
        ("0001-01-01T00:00:00Z", "0001-02-01T00:00:00Z", "starts_at"),
        ("0001-01-01T00:00:00+14:00", "2026-01-01T00:00:00Z", "starts_at"),
        ("1999-12-31T23:59:59Z", "2000-01-15T00:00:00Z", "starts_at"),
        ("9999-12-01T00:00:00Z", "9999-12-31T23:59:59-14:00", "ends_at"),
        ("2199-12-01T00:00:00Z", "2200-01-01T00:00:00Z", "ends_at"),
    ],
)
def test_a_window_outside_the_supported_years_is_refused_on_its_field(
    starts_at: str, ends_at: str, field: str
) -> None:
    # Given a window at the edge of the calendar, where hour and time zone arithmetic overflows
    fields = fields_of(campaign_dict(starts_at=starts_at, ends_at=ends_at))
    # Then it is a validation error on that field, not a crash at publish time
    assert fields[field] == "Must be from 2000-01-01 to 2199-12-31 (UTC)."


def test_the_first_and_last_supported_instants_are_accepted() -> None:
    validated(
        CampaignBody, campaign_dict(starts_at="2000-01-01T00:00:00Z", ends_at="2000-02-01T00:00:00Z"), "c"
    )
    validated(
        CampaignBody, campaign_dict(starts_at="2199-12-01T00:00:00Z", ends_at="2199-12-31T23:59:59Z"), "c"
    )


def test_errors_name_nested_paths() -> None:
    fields = fields_of(
        campaign_dict(
            tracked={
                "youtube": {"content": ["dQw4w9WgXcQ", "bad"]},
                "x": {"accounts": ["1", "1"]},
                "nope": {},
            }
        )
    )
    assert fields == {
        "tracked.youtube.content.1": "Must be a video id: 11 letters, digits, - or _.",
        "tracked.x.accounts.1": "Duplicate id 1.",
        "tracked.nope": (
            "Unknown key: expected one of facebook, instagram, x, youtube, tiktok, spotify, soundcloud, "
            "deezer or standard:<source> (source: 1 to 64 letters, digits, '.', '_' or '-', starting "
            "with a letter or digit)."
        ),
    }


def test_unknown_keys_are_reported_with_every_other_error() -> None:
    # Given a body with an unknown field, unknown tracked keys and other errors
    data = campaign_dict(
        name="",
        timezone="Nowhere",
        surprise=1,
        tracked={"youtube": {"content": ["bad"]}, "myspace": {}, "standard:": {"content": ["a"]}},
    )
    # When it is validated
    fields = fields_of(data)
    # Then one error lists all of them
    assert set(fields) == {
        "name",
        "timezone",
        "surprise",
        "tracked.youtube.content.0",
        "tracked.myspace",
        "tracked.standard:",
    }


@pytest.mark.parametrize(
    ("platform", "kind", "value"),
    [
        ("facebook", "content", "104512345678901_998877665544332"),
        ("facebook", "content", "998877665544332"),
        ("instagram", "accounts", "17841400000000001"),
        ("x", "content", "1790000000000000000"),
        ("youtube", "accounts", "UC_x5XG1OV2P6uZZ5FSM9Ttw"),
        ("youtube", "content", "-abc_123XYZ"),
        ("tiktok", "accounts", "-000abcDEF_ghi"),
        ("spotify", "accounts", "0TnOYISbd1XYRBk9myaseg"),
        ("soundcloud", "accounts", "123"),
        ("soundcloud", "content", "soundcloud:playlists:9"),
        ("deezer", "content", "3135556"),
        ("standard:presave.co", "content", "any id, with spaces & unicode ✓"),
    ],
)
def test_real_ids_pass_the_shape_checks(platform: str, kind: str, value: str) -> None:
    validated(CampaignBody, campaign_dict(tracked={platform: {kind: [value]}}), "campaign")


def test_the_error_list_is_capped() -> None:
    with pytest.raises(ValidationFailed) as raised:
        validated(
            CampaignBody, campaign_dict(tracked={"x": {"content": [f"a{i}" for i in range(300)]}}), "campaign"
        )
    assert raised.value.fields is not None
    assert len(raised.value.fields) == 100
    assert "first 100 of 300" in raised.value.message


def test_an_oversized_campaign_is_refused_on_tracked() -> None:
    ids = [f"{i:03d}" + "x" * 500 for i in range(500)]
    fields = fields_of(campaign_dict(tracked={"tiktok": {"content": ids}, "standard:a": {"content": ids}}))
    assert list(fields) == ["tracked"]


@pytest.mark.parametrize(
    ("now", "archived", "active"),
    [
        (datetime(2026, 11, 19, 22, 59, tzinfo=UTC), False, False),
        (datetime(2026, 11, 19, 23, 0, tzinfo=UTC), False, True),  # starts_at, inclusive
        (datetime(2026, 12, 10, tzinfo=UTC), True, False),
        (datetime(2026, 12, 19, 22, 59, tzinfo=UTC), False, True),
        (datetime(2026, 12, 19, 23, 0, tzinfo=UTC), False, False),  # ends_at, exclusive
    ],
)
def test_is_active_is_the_half_open_window_and_not_archived(
    now: datetime, archived: bool, active: bool
) -> None:
    assert stored().model_copy(update={"archived": archived}).is_active(now) is active


def test_tracks_matches_content_or_account_of_the_platform() -> None:
    campaign = stored()
    assert campaign.tracks("youtube", "", "dQw4w9WgXcQ")
    assert campaign.tracks("youtube", "UCxxxxxxxxxxxxxxxxxxxxxx", "other")
    assert campaign.tracks("standard:linkfire", "", "indochine-13")
    assert not campaign.tracks("youtube", "UCother", "other")
    assert not campaign.tracks("x", "UCxxxxxxxxxxxxxxxxxxxxxx", "dQw4w9WgXcQ")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_campaign_may_name_the_language_of_its_summaries(language: str) -> None:
    campaign = validated(CampaignBody, campaign_dict(language=language), "campaign")
    assert campaign.language == language
    assert campaign.model_dump(mode="json")["language"] == language


def test_without_a_language_the_campaign_reads_as_before() -> None:
    # Given a body without `language` (every campaign stored before it existed)
    campaign = validated(CampaignBody, campaign_dict(), "campaign")
    # Then it has none, and its JSON has no such key (its summaries fall back to the artist's)
    assert campaign.language is None
    assert "language" not in campaign.model_dump(mode="json")


@pytest.mark.parametrize("language", ["de", "FR", "", 1])
def test_another_language_is_refused_on_its_field(language: Any) -> None:
    with pytest.raises(ValidationFailed) as refused:
        validated(CampaignBody, campaign_dict(language=language), "campaign")
    assert list(refused.value.fields) == ["language"]
