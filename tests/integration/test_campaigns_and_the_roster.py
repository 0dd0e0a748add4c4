"""Contract section 8 on campaigns, through the routes: a campaign's `artist` is free text or an
artist_id of its own label, never another label's, and a campaign tracks no account registered to
another label's artist; both on POST and PUT, each a 400 at its field path that stores nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration import management_client as management
from tests.integration.conftest import Stack
from tests.integration.webhook_client import table_items


def registered(api: management.Api, who: management.Callers, label: str, **changes: Any) -> dict[str, Any]:
    body = management.artist_body(label, **changes)
    assert api.call("POST", "/artists", who.token("admin"), body).status_code == 201
    return body


def stored_campaign(stack: Stack, campaign_id: str) -> str | None:
    for item in table_items(stack.table_name):
        if item["pk"]["S"] == "CAMPAIGN" and item["sk"]["S"] == campaign_id:
            return str(item["campaign"]["S"])
    return None


def tracking(label: str, *accounts: str, **changes: Any) -> dict[str, Any]:
    return management.campaign_body(label, tracked={"x": {"accounts": list(accounts)}}, **changes)


def test_a_campaign_tracking_another_labels_account_is_400_at_its_path_and_not_stored(
    api: management.Api, who: management.Callers, stack: Stack
) -> None:
    # Given an X account registered to an artist of another label
    theirs = registered(api, who, who.other_label)["accounts"]["x"][0]
    # When an editor creates a campaign tracking one account of its own and that one
    body = tracking(who.label, management.unique_digits(), theirs)
    response = api.call("POST", "/campaigns", who.token("editor"), body)
    # Then it is a 400 at that account's path, naming the label that holds it, and nothing is stored
    assert response.status_code == 400
    fields = management.body_of(response)["error"]["fields"]
    assert list(fields) == ["tracked.x.accounts.1"]
    assert who.other_label in fields["tracked.x.accounts.1"]
    assert stored_campaign(stack, body["campaign_id"]) is None


def test_a_put_adding_another_labels_account_is_400_and_changes_nothing(
    api: management.Api, who: management.Callers, stack: Stack
) -> None:
    body = tracking(who.label, management.unique_digits())
    assert api.call("POST", "/campaigns", who.token("editor"), body).status_code == 201
    before = stored_campaign(stack, body["campaign_id"])
    theirs = registered(api, who, who.other_label)["accounts"]["x"][0]
    changed = tracking(who.label, *body["tracked"]["x"]["accounts"], theirs, campaign_id=body["campaign_id"])
    response = api.call("PUT", f"/campaigns/{body['campaign_id']}", who.token("editor"), changed)
    assert response.status_code == 400
    assert list(management.body_of(response)["error"]["fields"]) == ["tracked.x.accounts.1"]
    assert stored_campaign(stack, body["campaign_id"]) == before


@pytest.mark.parametrize("method", ["POST", "PUT"])
def test_an_artist_id_of_another_label_is_400_on_artist(
    api: management.Api, who: management.Callers, stack: Stack, method: str
) -> None:
    # Given an artist of another label
    theirs = registered(api, who, who.other_label)
    body = management.campaign_body(who.label)
    if method == "PUT":
        assert api.call("POST", "/campaigns", who.token("editor"), body).status_code == 201
    before = stored_campaign(stack, body["campaign_id"])
    # When a campaign of the label names it as its artist
    path = "/campaigns" if method == "POST" else f"/campaigns/{body['campaign_id']}"
    response = api.call(method, path, who.token("editor"), {**body, "artist": theirs["artist_id"]})
    # Then it is a 400 on `artist`, and the campaign is as it was (absent, or unchanged)
    assert response.status_code == 400
    assert list(management.body_of(response)["error"]["fields"]) == ["artist"]
    assert stored_campaign(stack, body["campaign_id"]) == before


def test_a_campaign_may_name_its_labels_artist_and_track_its_accounts(
    api: management.Api, who: management.Callers, stack: Stack
) -> None:
    ours = registered(api, who, who.label)
    body = tracking(who.label, ours["accounts"]["x"][0], artist=ours["artist_id"])
    assert api.call("POST", "/campaigns", who.token("editor"), body).status_code == 201


def test_a_free_text_artist_keeps_working(api: management.Api, who: management.Callers, stack: Stack) -> None:
    registered(api, who, who.other_label)
    body = management.campaign_body(who.label, artist="Indochine & friends")
    assert api.call("POST", "/campaigns", who.token("editor"), body).status_code == 201
    changed = {**body, "name": "Renamed"}
    assert (
        api.call("PUT", f"/campaigns/{body['campaign_id']}", who.token("editor"), changed).status_code == 200
    )


def test_both_roster_problems_come_in_one_400(
    api: management.Api, who: management.Callers, stack: Stack
) -> None:
    theirs = registered(api, who, who.other_label)
    body = tracking(who.label, theirs["accounts"]["x"][0], artist=theirs["artist_id"])
    response = api.call("POST", "/campaigns", who.token("editor"), body)
    assert response.status_code == 400
    assert set(management.body_of(response)["error"]["fields"]) == {"artist", "tracked.x.accounts.0"}
