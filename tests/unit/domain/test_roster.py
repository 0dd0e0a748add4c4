"""The roster's rules (contract section 8): who holds an account, what a campaign may name and track,
which accounts a label's summaries exclude, which campaigns a registration warns about. Pure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.domain.roster import (
    Owner,
    OwnerIndex,
    RosterView,
    campaign_conflicts,
    unlinked_campaigns,
)
from chalicelib.models import validated
from chalicelib.models.campaign import Campaign
from tests.campaigns import campaign_dict
from tests.conftest import unique

AT = datetime(2026, 11, 26, 10, tzinfo=UTC)


def owner(platform: str, account_id: str, label: str, **changes: Any) -> Owner:
    fields: dict[str, Any] = {"artist_id": unique("artist"), "changed_at": AT, **changes}
    return Owner(platform, account_id, label=label, **fields)


def campaign(**changes: Any) -> Campaign:
    data = {
        **campaign_dict(**changes),
        "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-01T00:00:00Z",
    }
    return validated(Campaign, data, "campaign")


# What a label's summaries exclude ----------------------------------------------------------------------


def test_a_label_excludes_the_accounts_held_by_other_labels_only() -> None:
    # Given accounts held by two labels, and one released by a third
    index = OwnerIndex.of(
        [
            owner("x", "1", "mine"),
            owner("x", "2", "theirs"),
            owner("youtube", "UC2", "theirs"),
            owner("x", "3", "gone", released=True),
        ]
    )
    # Then "mine" excludes what "theirs" holds, and nothing released
    assert index.foreign_to("mine") == {"x": frozenset({"2"}), "youtube": frozenset({"UC2"})}
    assert index.foreign_to("theirs") == {"x": frozenset({"1"})}


def test_the_roster_changed_at_its_latest_claim_or_release() -> None:
    index = OwnerIndex.of(
        [
            owner("x", "1", "a", changed_at=AT),
            owner("x", "2", "a", changed_at=AT + timedelta(hours=2), released=True),
            owner("x", "3", "a", changed_at=AT + timedelta(hours=1)),
        ]
    )
    assert index.changed_at == AT + timedelta(hours=2)
    assert OwnerIndex.of([]).changed_at is None


# Who holds what --------------------------------------------------------------------------------------


def test_accounts_taken_are_those_another_artist_holds_with_its_label() -> None:
    mine, theirs = owner("x", "1", "l", artist_id="me"), owner("x", "2", "other", artist_id="them")
    view = RosterView(owners={mine.key: mine, theirs.key: theirs})
    assert view.taken_from("me", [("x", "1"), ("x", "2"), ("x", "3")]) == {("x", "2"): "other"}
    assert view.held_by("me", [("x", "1"), ("x", "2"), ("x", "3")]) == frozenset({("x", "1")})


# What a campaign may name and track ------------------------------------------------------------------


def test_a_campaign_may_name_its_own_labels_artist_or_free_text() -> None:
    view = RosterView(artists={"indochine": "columbia-fr"})
    for artist in ("indochine", "Indochine", "not-registered"):
        subject = campaign(artist=artist)
        assert campaign_conflicts("columbia-fr", artist, subject.tracked, view) == {}


def test_a_campaign_may_not_name_another_labels_artist() -> None:
    view = RosterView(artists={"indochine": "sony-fr"})
    subject = campaign(artist="indochine")
    assert set(campaign_conflicts("columbia-fr", "indochine", subject.tracked, view)) == {"artist"}


def test_a_campaign_may_not_track_an_account_of_another_label_at_its_path() -> None:
    # Given a campaign tracking two X accounts, the second held by another label, the first by its own
    theirs, ours = owner("x", "2", "sony-fr"), owner("x", "1", "columbia-fr")
    view = RosterView(owners={theirs.key: theirs, ours.key: ours})
    subject = campaign(tracked={"x": {"accounts": ["1", "2"], "content": ["2"]}})
    # Then only the other label's account is refused, at its index, naming the label that holds it
    fields = campaign_conflicts("columbia-fr", subject.artist, subject.tracked, view)
    assert list(fields) == ["tracked.x.accounts.1"]
    assert "sony-fr" in fields["tracked.x.accounts.1"]


# Warnings of a registration --------------------------------------------------------------------------


def test_a_registration_warns_of_its_labels_campaigns_that_track_it_under_another_name() -> None:
    # Given campaigns tracking the artist's X account: one naming it as free text, one naming its
    # artist_id, one archived, one of another label
    tracked = {"x": {"accounts": ["1234"]}}
    free_text = campaign(campaign_id="free-text", artist="Indochine", tracked=tracked)
    linked = campaign(campaign_id="linked", artist="indochine", tracked=tracked)
    archived = campaign(campaign_id="archived", artist="Indochine", tracked=tracked).model_copy(
        update={"archived": True}
    )
    elsewhere = campaign(campaign_id="elsewhere", label="sony-fr", artist="Indochine", tracked=tracked)
    # When the artist registers the account
    warnings = unlinked_campaigns(
        "indochine", "columbia-fr", [("x", "1234")], [free_text, linked, archived, elsewhere]
    )
    # Then only the free-text campaign of its label is named
    assert warnings == [
        {
            "type": "campaign_artist",
            "campaign_id": "free-text",
            "name": free_text.name,
            "artist": "Indochine",
            "shared": [{"platform": "x", "type": "account", "id": "1234"}],
        }
    ]
