"""The artist model at the boundary (contract section 8): account shapes shared with campaigns, field
paths, the account cap, the language. Pure."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.errors import ValidationFailed
from chalicelib.models import validated
from chalicelib.models.artist import MAX_ACCOUNTS, ArtistBody, RegisteredArtist
from chalicelib.models.campaign import CampaignBody
from tests.campaigns import campaign_dict


def body(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "artist_id": "indochine",
        "label": "columbia-fr",
        "name": "Indochine",
        "accounts": {"youtube": ["UCxxxxxxxxxxxxxxxxxxxxxx"], "x": ["1234"], "standard:linkfire": ["ind"]},
    }
    data.update(changes)
    return data


def fields_of(data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as raised:
        validated(ArtistBody, data, "artist")
    assert raised.value.fields is not None
    return raised.value.fields


def _accepted(model: type[Any], data: dict[str, Any]) -> bool:
    try:
        validated(model, data, "body")
    except ValidationFailed:
        return False
    return True


def test_the_contract_body_validates_with_french_by_default() -> None:
    artist = validated(ArtistBody, body(), "artist")
    assert artist.language == "fr"
    assert artist.accounts.keys() == [
        ("x", "1234"),
        ("youtube", "UCxxxxxxxxxxxxxxxxxxxxxx"),
        ("standard:linkfire", "ind"),
    ]


@pytest.mark.parametrize(
    ("platform", "account_id"),
    [
        ("facebook", "104512345678901"),
        ("facebook", "104512345678901_998877665544332"),  # a post, not a page
        ("instagram", "17841400000000001"),
        ("instagram", "not-digits"),
        ("x", "1234"),
        ("x", "@indochine"),
        ("youtube", "UC_x5XG1OV2P6uZZ5FSM9Ttw"),
        ("youtube", "dQw4w9WgXcQ"),  # a video, not a channel
        ("tiktok", "-000abcDEF_ghi"),
        ("spotify", "0TnOYISbd1XYRBk9myaseg"),
        ("spotify", "short"),
        ("soundcloud", "soundcloud:users:123"),
        ("soundcloud", "soundcloud:tracks:123"),  # a track, not a user
        ("deezer", "27"),
        ("deezer", "27a"),
        ("standard:presave.co", "any id, with spaces & unicode ✓"),
        ("standard:presave.co", " padded "),
    ],
)
def test_an_artist_holds_exactly_the_account_ids_a_campaign_may_track(platform: str, account_id: str) -> None:
    # Given an account id, good or bad for its platform
    as_artist = body(accounts={platform: [account_id]})
    as_campaign = campaign_dict(tracked={platform: {"accounts": [account_id]}})
    # Then the artist and the campaign models agree on it (one shape check, section 4's)
    assert _accepted(ArtistBody, as_artist) == _accepted(CampaignBody, as_campaign)


def test_an_account_of_the_wrong_shape_is_refused_at_its_path() -> None:
    assert fields_of(body(accounts={"youtube": ["UCxxxxxxxxxxxxxxxxxxxxxx", "dQw4w9WgXcQ"]})) == {
        "accounts.youtube.1": "Must be a channel id: UC and 22 letters, digits, - or _."
    }


def test_every_problem_is_listed_at_once() -> None:
    # Given unknown fields and keys, a bad slug, a duplicate, a blank name and an unknown language
    data = body(
        artist_id="Indochine",
        name=" ",
        language="de",
        surprise=1,
        accounts={"myspace": ["1"], "x": ["1", "1"], "standard:": ["a"]},
    )
    # Then one error lists all of them, each at its path
    assert set(fields_of(data)) == {
        "artist_id",
        "name",
        "language",
        "surprise",
        "accounts.myspace",
        "accounts.x.1",
        "accounts.standard:",
    }


def test_accounts_are_required_but_may_be_empty() -> None:
    assert fields_of({k: v for k, v in body().items() if k != "accounts"}) == {"accounts": "Field required"}
    assert validated(ArtistBody, body(accounts={}), "artist").accounts.keys() == []


def test_more_accounts_than_one_transaction_can_claim_are_refused() -> None:
    # Given one account more than the cap, over two platforms
    accounts = {"tiktok": [f"t{i}" for i in range(MAX_ACCOUNTS)], "deezer": ["27"]}
    # Then the whole list is refused
    assert fields_of(body(accounts=accounts)) == {
        "accounts": f"At most {MAX_ACCOUNTS} accounts in all (here 41)."
    }


def test_an_archived_artist_holds_no_account() -> None:
    stored = {**body(), "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}
    artist = validated(RegisteredArtist, stored, "artist")
    assert len(artist.holds()) == 3
    assert artist.model_copy(update={"archived": True}).holds() == frozenset()


def test_the_path_of_an_account_is_its_index_under_its_platform() -> None:
    accounts = validated(ArtistBody, body(accounts={"x": ["1", "2"]}), "artist").accounts
    assert accounts.path_of(("x", "2")) == "accounts.x.1"
