"""Contract section 8 through Chalice's test client: one owner per account across the deployment (a 409
naming only the holding label), bad input that stores nothing, changes that claim and release
accounts, archiving, and two registrations racing (every route against every kind of caller:
test_label_records_access.py)."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest

from chalicelib import wiring
from chalicelib.adapters.roster import DynamoRoster
from chalicelib.errors import AccountTaken
from tests.conftest import unique
from tests.integration.conftest import Stack
from tests.integration.management_client import (
    Api,
    Callers,
    artist_body,
    body_of,
    campaign_body,
    unique_digits,
)
from tests.integration.webhook_client import table_items


def register(api: Api, token: str, body: dict[str, Any]) -> dict[str, Any]:
    response = api.call("POST", "/artists", token, body)
    assert response.status_code == 201, response.body
    return body


def roster_items(stack: Stack) -> list[dict[str, Any]]:
    return [item for item in table_items(stack.table_name) if item["pk"]["S"] in ("ARTIST", "OWNER")]


def holder(stack: Stack, platform: str, account_id: str) -> str | None:
    """The artist holding the account now, None when nobody does."""
    for item in roster_items(stack):
        if item["pk"]["S"] == "OWNER" and item["sk"]["S"] == f"{platform}#{account_id}":
            return None if "released" in item else str(item["artist_id"]["S"])
    return None


# Registering and reading -------------------------------------------------------------------------------


def test_a_registered_artist_reads_back_as_sent_in_french_by_default(
    api: Api, who: Callers, stack: Stack
) -> None:
    # When an editor registers an artist without a language
    body = artist_body(who.label)
    response = api.call("POST", "/artists", who.tokens["editor"], body)
    # Then it answers 201 with the artist and no warnings, and a viewer reads the same artist
    assert response.status_code == 201
    created = body_of(response)
    assert created["warnings"] == []
    assert created["artist"] == {
        **body,
        "language": "fr",
        "archived": False,
        "created_at": created["artist"]["created_at"],
        "updated_at": created["artist"]["created_at"],
    }
    assert (
        body_of(api.call("GET", f"/artists/{body['artist_id']}", who.tokens["viewer"])) == created["artist"]
    )


def test_the_list_holds_the_callers_labels_and_archived_artists_only_when_asked(
    api: Api, who: Callers, stack: Stack
) -> None:
    # Given an artist of each label, and an archived one of the first
    mine, archived = artist_body(who.label), artist_body(who.label)
    theirs = artist_body(who.other_label)
    for body in (mine, archived, theirs):
        register(api, who.token("admin"), body)
    assert api.call("DELETE", f"/artists/{archived['artist_id']}", who.token("admin")).status_code == 204

    def listed(query: str) -> set[str]:
        response = api.call("GET", f"/artists{query}", who.tokens["viewer"])
        return {artist["artist_id"] for artist in body_of(response)["artists"]}

    # Then a viewer of the first label lists its own, archived ones when asked, never the other label's
    assert listed("") == {mine["artist_id"]}
    assert listed("?archived=true") == {mine["artist_id"], archived["artist_id"]}
    assert listed(f"?label={who.other_label}") == set()


def test_an_existing_artist_id_is_409_whatever_its_label(api: Api, who: Callers, stack: Stack) -> None:
    taken = register(api, who.token("admin"), artist_body(who.label))
    again = artist_body(who.other_label, artist_id=taken["artist_id"])
    response = api.call("POST", "/artists", who.tokens["editor_other"], again)
    assert response.status_code == 409
    assert body_of(response)["error"]["code"] == "conflict"


def test_an_account_another_artist_holds_is_409_naming_only_its_label(
    api: Api, who: Callers, stack: Stack
) -> None:
    # Given an artist of the label holding an X account
    holder_body = register(api, who.token("admin"), artist_body(who.label, name="Holder Name"))
    account = holder_body["accounts"]["x"][0]
    # When an editor of another label registers an artist with that account among others
    other = artist_body(who.other_label, accounts={"x": [unique_digits(), account]})
    response = api.call("POST", "/artists", who.tokens["editor_other"], other)
    # Then a 409 account_taken names the holding label at the account's path, never the artist
    assert response.status_code == 409
    error = body_of(response)["error"]
    assert error["code"] == "account_taken"
    assert who.label in error["message"]
    assert list(error["fields"]) == ["accounts.x.1"]
    assert holder_body["artist_id"] not in response.body.decode()
    assert "Holder Name" not in response.body.decode()
    # And nothing of the refused artist is stored: the account stays its holder's
    assert all(item["sk"]["S"] != other["artist_id"] for item in roster_items(stack))
    assert holder(stack, "x", other["accounts"]["x"][0]) is None
    assert holder(stack, "x", account) == holder_body["artist_id"]


# Bad input: a 400 with the field path, and nothing stored ---------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"accounts": {"x": ["@indochine"]}}, "accounts.x.0"),
        ({"accounts": {"youtube": ["dQw4w9WgXcQ"]}}, "accounts.youtube.0"),
        ({"accounts": {"myspace": ["1"]}}, "accounts.myspace"),
        ({"artist_id": "Not A Slug"}, "artist_id"),
        ({"language": "de"}, "language"),
        ({"genre": "rock"}, "genre"),
    ],
)
def test_bad_input_is_400_at_its_path_and_stores_nothing(
    api: Api, who: Callers, stack: Stack, change: dict[str, Any], field: str
) -> None:
    # Given a body with one problem (and a well-formed account beside it when accounts are fine)
    body = artist_body(who.label, **change)
    before = roster_items(stack)
    # When an editor registers it
    response = api.call("POST", "/artists", who.tokens["editor"], body)
    # Then it is a 400 naming the field, and the roster is as it was
    assert response.status_code == 400
    assert field in body_of(response)["error"]["fields"]
    assert roster_items(stack) == before


def test_a_put_that_changes_the_id_or_label_says_so_with_every_other_error(
    api: Api, who: Callers, stack: Stack
) -> None:
    target = register(api, who.token("admin"), artist_body(who.label))
    changed = {**target, "artist_id": unique("moved"), "label": who.other_label, "name": "", "extra": 1}
    response = api.call("PUT", f"/artists/{target['artist_id']}", who.token("admin"), changed)
    assert response.status_code == 400
    assert set(body_of(response)["error"]["fields"]) == {"artist_id", "label", "name", "extra"}


# Changing and archiving: accounts claimed and released -----------------------------------------------


def test_a_put_claims_added_accounts_and_releases_removed_ones(api: Api, who: Callers, stack: Stack) -> None:
    # Given an artist holding two X accounts
    kept, dropped, added = unique_digits(), unique_digits(), unique_digits()
    target = register(api, who.token("admin"), artist_body(who.label, accounts={"x": [kept, dropped]}))
    # When a PUT replaces one of them with a third
    replaced = {**target, "accounts": {"x": [kept, added]}}
    response = api.call("PUT", f"/artists/{target['artist_id']}", who.tokens["editor"], replaced)
    # Then the artist holds the kept and added accounts, and the dropped one is free
    assert response.status_code == 200, response.body
    assert [holder(stack, "x", a) for a in (kept, added, dropped)] == [target["artist_id"]] * 2 + [None]
    register(api, who.token("admin"), artist_body(who.other_label, accounts={"x": [dropped]}))


def test_a_put_taking_another_artists_account_is_409_and_changes_nothing(
    api: Api, who: Callers, stack: Stack
) -> None:
    theirs = register(api, who.token("admin"), artist_body(who.other_label))
    mine = register(api, who.token("admin"), artist_body(who.label))
    taking = {**mine, "name": "Renamed", "accounts": {"x": theirs["accounts"]["x"]}}
    response = api.call("PUT", f"/artists/{mine['artist_id']}", who.tokens["editor"], taking)
    assert response.status_code == 409
    assert body_of(response)["error"]["fields"] == {
        "accounts.x.0": f"Registered to an artist of label {who.other_label}."
    }
    assert (
        body_of(api.call("GET", f"/artists/{mine['artist_id']}", who.token("admin")))["name"] == mine["name"]
    )
    assert holder(stack, "x", mine["accounts"]["x"][0]) == mine["artist_id"]


def test_archiving_releases_the_accounts_so_another_label_may_sign_the_artist(
    api: Api, who: Callers, stack: Stack
) -> None:
    # Given an artist of the label
    signed = register(api, who.token("admin"), artist_body(who.label))
    # When it is archived (twice: archiving is idempotent)
    for _ in range(2):
        assert api.call("DELETE", f"/artists/{signed['artist_id']}", who.tokens["editor"]).status_code == 204
    # Then it reads as archived, and another label registers its accounts under an artist of its own
    assert body_of(api.call("GET", f"/artists/{signed['artist_id']}", who.token("admin")))["archived"] is True
    resigned = artist_body(who.other_label, accounts=signed["accounts"])
    register(api, who.token("editor_other"), resigned)
    assert holder(stack, "x", signed["accounts"]["x"][0]) == resigned["artist_id"]


def test_a_put_of_an_archived_artist_keeps_it_archived_and_claims_nothing(
    api: Api, who: Callers, stack: Stack
) -> None:
    target = register(api, who.token("admin"), artist_body(who.label))
    api.call("DELETE", f"/artists/{target['artist_id']}", who.token("admin"))
    response = api.call(
        "PUT", f"/artists/{target['artist_id']}", who.token("admin"), {**target, "name": "Renamed"}
    )
    assert response.status_code == 200
    assert body_of(response)["artist"]["archived"] is True
    assert holder(stack, "x", target["accounts"]["x"][0]) is None


def test_a_registration_warns_of_the_labels_campaigns_that_track_it_under_another_artist(
    api: Api, who: Callers, stack: Stack
) -> None:
    # Given a campaign of the label tracking an X account, with a free-text artist
    account = unique_digits()
    campaign = campaign_body(who.label, artist="Indochine", tracked={"x": {"accounts": [account]}})
    assert api.call("POST", "/campaigns", who.token("admin"), campaign).status_code == 201
    # When an artist holding that account is registered
    response = api.call(
        "POST", "/artists", who.token("admin"), artist_body(who.label, accounts={"x": [account]})
    )
    # Then the answer names the campaign, so that its artist can be set to the artist_id
    assert response.status_code == 201
    (warning,) = body_of(response)["warnings"]
    assert (warning["type"], warning["campaign_id"], warning["artist"]) == (
        "campaign_artist",
        campaign["campaign_id"],
        "Indochine",
    )


# Two registrations of one account at the same moment ---------------------------------------------------


def test_two_editors_registering_one_account_at_once_exactly_one_wins(
    api: Api, who: Callers, stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given two editors of two labels registering artists that share an X account (each with another
    # account of its own), both reading the roster before either writes
    shared = unique_digits()
    bodies = {
        caller: artist_body(label, accounts={"x": [shared, unique_digits()]})
        for caller, label in (("editor", who.label), ("editor_other", who.other_label))
    }
    both_read = threading.Barrier(2, timeout=10)
    one_transaction_at_a_time = threading.Lock()  # DynamoDB serialises them; moto's are not atomic
    lookup, commit = DynamoRoster.lookup, DynamoRoster.commit

    def lookup_then_wait(self: DynamoRoster, *args: Any, **kwargs: Any) -> Any:
        view = lookup(self, *args, **kwargs)
        both_read.wait()
        return view

    def commit_alone(self: DynamoRoster, *args: Any, **kwargs: Any) -> int:
        with one_transaction_at_a_time:
            return commit(self, *args, **kwargs)

    monkeypatch.setattr(DynamoRoster, "lookup", lookup_then_wait)
    monkeypatch.setattr(DynamoRoster, "commit", commit_alone)
    service = wiring.artist_service()
    outcomes: dict[str, object] = {}

    def attempt(caller: str) -> None:
        try:
            outcomes[caller] = service.register(who.tokens[caller], json.dumps(bodies[caller]).encode())
        except AccountTaken as error:
            outcomes[caller] = error

    # When both register at once
    threads = [threading.Thread(target=attempt, args=(caller,)) for caller in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Then exactly one wins; the other gets account_taken naming the winner's label
    losers = {caller for caller, outcome in outcomes.items() if isinstance(outcome, AccountTaken)}
    assert len(outcomes) == 2
    assert len(losers) == 1
    (loser,) = losers
    (winner,) = set(bodies) - losers
    error = outcomes[loser]
    assert isinstance(error, AccountTaken)
    assert error.taken == {("x", shared): bodies[winner]["label"]}
    assert error.fields == {"accounts.x.0": f"Registered to an artist of label {bodies[winner]['label']}."}
    # And the account is the winner's, while nothing of the loser was written
    assert holder(stack, "x", shared) == bodies[winner]["artist_id"]
    assert holder(stack, "x", bodies[loser]["accounts"]["x"][1]) is None
    assert all(item["sk"]["S"] != bodies[loser]["artist_id"] for item in roster_items(stack))
