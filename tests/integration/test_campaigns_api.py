"""Contract sections 4 and 5 through Chalice's test client: the contract's shape of a refusal,
field-level validation, collisions as warnings or a strict 409, listing and archiving (every route
against every kind of caller: test_label_records_access.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.conftest import unique
from tests.integration.conftest import Stack
from tests.integration.management_client import (
    Api,
    Callers,
    body_of,
    campaign_body,
)
from tests.integration.webhook_client import table_items

NOW = datetime.now(UTC)


def create(api: Api, who: Callers, **changes: Any) -> dict[str, Any]:
    body = campaign_body(who.label, **changes)
    response = api.call("POST", "/campaigns", who.token("admin"), body)
    assert response.status_code == 201, response.body
    return body


def test_a_forbidden_answer_has_the_contract_shape(api: Api, who: Callers, stack: Stack) -> None:
    response = api.call("POST", "/campaigns", who.tokens["viewer"], campaign_body(who.label))
    assert response.status_code == 403
    assert body_of(response)["error"]["code"] == "forbidden"


def test_a_viewer_is_refused_before_its_body_is_read(api: Api, who: Callers, stack: Stack) -> None:
    response = api.call("POST", "/campaigns", who.tokens["viewer"], b"not json")
    assert response.status_code == 403


# Create, read, replace, archive -----------------------------------------------------------------------


def test_a_created_campaign_reads_back_as_sent(api: Api, who: Callers, stack: Stack) -> None:
    # When an editor creates a campaign
    body = campaign_body(who.label)
    response = api.call("POST", "/campaigns", who.tokens["editor"], body)
    # Then it is 201 with the campaign and no warnings
    assert response.status_code == 201, response.body
    created = body_of(response)
    assert created["warnings"] == []
    assert {k: created["campaign"][k] for k in body} == body
    assert created["campaign"]["archived"] is False
    assert created["campaign"]["created_at"] == created["campaign"]["updated_at"]
    # And a viewer of the label reads the same campaign
    read = api.call("GET", f"/campaigns/{body['campaign_id']}", who.tokens["viewer"])
    assert read.status_code == 200
    assert body_of(read) == created["campaign"]
    # And it is stored at pk CAMPAIGN, sk <campaign_id>, with its label
    items = [i for i in table_items(stack.table_name) if i["pk"]["S"] == "CAMPAIGN"]
    assert [(i["sk"]["S"], i["label"]["S"]) for i in items] == [(body["campaign_id"], who.label)]


def test_an_existing_campaign_id_is_409(api: Api, who: Callers, stack: Stack) -> None:
    body = create(api, who)
    response = api.call("POST", "/campaigns", who.token("admin"), {**body, "name": "Again"})
    assert response.status_code == 409
    assert body_of(response)["error"]["code"] == "conflict"


def test_put_replaces_every_field_but_id_and_label(api: Api, who: Callers, stack: Stack) -> None:
    # Given a campaign
    body = create(api, who)
    path = f"/campaigns/{body['campaign_id']}"
    created = body_of(api.call("GET", path, who.token("admin")))
    # When an editor replaces it (without repeating campaign_id and label)
    changes = {k: v for k, v in body.items() if k not in ("campaign_id", "label")}
    changes.update(name="Renamed", tracked={"deezer": {"accounts": ["27"]}})
    response = api.call("PUT", path, who.tokens["editor"], changes)
    # Then the fields are replaced, the id, label and created_at kept, updated_at moved
    assert response.status_code == 200, response.body
    replaced = body_of(response)["campaign"]
    assert replaced["name"] == "Renamed"
    assert replaced["tracked"] == {"deezer": {"accounts": ["27"], "content": []}}
    assert (replaced["campaign_id"], replaced["label"]) == (body["campaign_id"], who.label)
    assert replaced["created_at"] == created["created_at"]
    assert replaced["updated_at"] >= created["updated_at"]
    assert body_of(api.call("GET", path, who.token("admin"))) == replaced


@pytest.mark.parametrize("field", ["campaign_id", "label"])
def test_put_changing_the_id_or_label_is_400(api: Api, who: Callers, stack: Stack, field: str) -> None:
    body = create(api, who)
    changed = {**body, field: unique("changed")}
    response = api.call("PUT", f"/campaigns/{body['campaign_id']}", who.token("admin"), changed)
    assert response.status_code == 400
    assert body_of(response)["error"]["fields"] == {field: "Cannot be changed."}


def test_a_get_response_can_be_put_back(api: Api, who: Callers, stack: Stack) -> None:
    # Read-only fields (archived, created_at, updated_at) in a body are ignored
    body = create(api, who)
    path = f"/campaigns/{body['campaign_id']}"
    read = body_of(api.call("GET", path, who.token("admin")))
    response = api.call("PUT", path, who.token("admin"), {**read, "archived": True})
    assert response.status_code == 200, response.body
    assert body_of(response)["campaign"]["archived"] is False


def test_delete_archives_and_the_campaign_stays_readable(api: Api, who: Callers, stack: Stack) -> None:
    # Given a campaign
    body = create(api, who)
    path = f"/campaigns/{body['campaign_id']}"
    # When an editor deletes it
    response = api.call("DELETE", path, who.tokens["editor"])
    # Then it is 204 and the campaign shows archived
    assert response.status_code == 204
    assert body_of(api.call("GET", path, who.tokens["viewer"]))["archived"] is True
    # And deleting again is still a 204 (it stays archived)
    assert api.call("DELETE", path, who.token("admin")).status_code == 204


def test_unknown_campaigns_are_404_on_every_route(api: Api, who: Callers, stack: Stack) -> None:
    body = campaign_body(who.label)
    for method in ("GET", "PUT", "DELETE"):
        for campaign_id in (unique("nothing"), "Not_A_Slug", "x" * 2000):
            response = api.call(method, f"/campaigns/{campaign_id}", who.token("admin"), body)
            assert response.status_code == 404, (method, campaign_id)


# Listing ----------------------------------------------------------------------------------------------


def _ids(response: Any) -> set[str]:
    assert response.status_code == 200, response.body
    return {c["campaign_id"] for c in body_of(response)["campaigns"]}


def test_the_list_holds_only_the_callers_campaigns(api: Api, who: Callers, stack: Stack) -> None:
    # Given a campaign in each of the two labels
    mine = create(api, who)["campaign_id"]
    theirs = api.call("POST", "/campaigns", who.token("admin"), campaign_body(who.other_label))
    theirs_id = body_of(theirs)["campaign"]["campaign_id"]
    # Then each viewer lists its own label's only; the admin lists both
    assert _ids(api.call("GET", "/campaigns", who.tokens["viewer"])) == {mine}
    assert _ids(api.call("GET", "/campaigns", who.tokens["viewer_other"])) == {theirs_id}
    assert {mine, theirs_id} <= _ids(api.call("GET", "/campaigns", who.token("admin")))
    # And filtering by a label outside the scope lists nothing
    assert _ids(api.call("GET", f"/campaigns?label={who.other_label}", who.tokens["viewer"])) == set()
    assert _ids(api.call("GET", f"/campaigns?label={who.label}", who.token("admin"))) == {mine}


def _window(start_days: int, end_days: int) -> dict[str, str]:
    return {
        "starts_at": (NOW + timedelta(days=start_days)).isoformat(),
        "ends_at": (NOW + timedelta(days=end_days)).isoformat(),
    }


def test_the_list_filters_active_and_archived(api: Api, who: Callers, stack: Stack) -> None:
    # Given a running, a future, a past and an archived running campaign of one label
    running = create(api, who, **_window(-1, 1))["campaign_id"]
    future = create(api, who, **_window(10, 20))["campaign_id"]
    past = create(api, who, **_window(-20, -10))["campaign_id"]
    archived = create(api, who, **_window(-1, 1))["campaign_id"]
    assert api.call("DELETE", f"/campaigns/{archived}", who.token("admin")).status_code == 204
    base = f"/campaigns?label={who.label}"
    token = who.tokens["viewer"]
    # Then archived ones appear only with archived=true, and active splits the rest by window
    assert _ids(api.call("GET", base, token)) == {running, future, past}
    assert _ids(api.call("GET", f"{base}&archived=true", token)) == {running, future, past, archived}
    assert _ids(api.call("GET", f"{base}&active=true", token)) == {running}
    assert _ids(api.call("GET", f"{base}&active=true&archived=true", token)) == {running}
    assert _ids(api.call("GET", f"{base}&active=false", token)) == {future, past}
    assert _ids(api.call("GET", f"{base}&active=false&archived=true", token)) == {future, past, archived}


@pytest.mark.parametrize("query", ["active=yes", "archived=1", "strict=maybe"])
def test_a_flag_that_is_not_true_or_false_is_400(api: Api, who: Callers, stack: Stack, query: str) -> None:
    method = "POST" if query.startswith("strict") else "GET"
    response = api.call(method, f"/campaigns?{query}", who.token("admin"), campaign_body(who.label))
    assert response.status_code == 400
    assert body_of(response)["error"]["code"] == "validation_failed"


# Validation -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "path", "message"),
    [
        ({"campaign_id": "Bad_Id"}, "campaign_id", "lower-case"),
        ({"campaign_id": "-starts-with-hyphen"}, "campaign_id", "lower-case"),
        ({"campaign_id": "a" * 65}, "campaign_id", "1 to 64"),
        ({"name": ""}, "name", "at least 1"),
        ({"name": "x" * 201}, "name", "at most 200"),
        ({"name": "   "}, "name", "blank"),
        ({"label": "Columbia FR"}, "label", "lower-case"),
        ({"artist": "a" * 101}, "artist", "at most 100"),
        ({"artist": 7}, "artist", "string"),
        ({"starts_at": "2026-11-20T00:00:00"}, "starts_at", "offset"),
        ({"starts_at": "2026-11-20"}, "starts_at", "offset"),
        ({"starts_at": 1790000000}, "starts_at", "ISO 8601"),
        ({"ends_at": "next week"}, "ends_at", "ISO 8601"),
        ({"ends_at": "2026-11-20T00:00:00+01:00"}, "ends_at", "after starts_at"),
        ({"ends_at": "2027-11-22T00:00:00+01:00"}, "ends_at", "366 days"),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone", "IANA"),
        ({"timezone": "../../etc/passwd"}, "timezone", "IANA"),
        ({"tracked": {"myspace": {}}}, "tracked.myspace", "Unknown key"),
        ({"tracked": {"standard:": {}}}, "tracked.standard:", "standard:<source>"),
        ({"tracked": {"standard:bad source": {}}}, "tracked.standard:bad source", "standard:<source>"),
        ({"tracked": {"x": {"followers": ["1"]}}}, "tracked.x.followers", "Unknown field"),
        ({"tracked": {"x": {"accounts": "1234"}}}, "tracked.x.accounts", "list"),
        ({"tracked": {"x": {"accounts": [""]}}}, "tracked.x.accounts.0", "empty"),
        ({"tracked": {"x": {"accounts": [1234]}}}, "tracked.x.accounts.0", "string"),
        ({"tracked": {"x": {"content": ["12", "12"]}}}, "tracked.x.content.1", "Duplicate"),
        ({"tracked": {"x": {"content": ["@handle"]}}}, "tracked.x.content.0", "numeric"),
        ({"tracked": {"tiktok": {"content": ["é" * 257]}}}, "tracked.tiktok.content.0", "512 bytes"),
        ({"tracked": {"tiktok": {"content": [" padded"]}}}, "tracked.tiktok.content.0", "whitespace"),
        (
            {"tracked": {"deezer": {"accounts": [str(i) for i in range(501)]}}},
            "tracked.deezer.accounts",
            "500",
        ),
        ({"tracked": {"youtube": {"accounts": ["UCshort"]}}}, "tracked.youtube.accounts.0", "UC and 22"),
        (
            {"tracked": {"youtube": {"content": ["dQw4w9WgXcQ", "toolongvideoid"]}}},
            "tracked.youtube.content.1",
            "11",
        ),
        ({"tracked": {"facebook": {"content": ["104_abc"]}}}, "tracked.facebook.content.0", "<post id>"),
        ({"tracked": {"spotify": {"accounts": ["spotify:artist:x"]}}}, "tracked.spotify.accounts.0", "22"),
        (
            {"tracked": {"soundcloud": {"content": ["soundcloud:users:1"]}}},
            "tracked.soundcloud.content.0",
            "tracks",
        ),
        ({"tracked": None}, "tracked", "valid"),
        ({"budget": 1000}, "budget", "Unknown field"),
    ],
)
def test_an_invalid_field_is_400_with_its_path_and_message(
    api: Api, who: Callers, stack: Stack, changes: dict[str, Any], path: str, message: str
) -> None:
    # When an admin sends a campaign with one bad field
    response = api.call("POST", "/campaigns", who.token("admin"), campaign_body(who.label, **changes))
    # Then it is a 400 naming that field, and nothing is stored
    assert response.status_code == 400, response.body
    error = body_of(response)["error"]
    assert error["code"] == "validation_failed"
    assert list(error["fields"]) == [path]
    assert message in error["fields"][path]
    assert not [i for i in table_items(stack.table_name) if i["pk"]["S"] == "CAMPAIGN"]


def test_every_bad_field_is_reported_at_once(api: Api, who: Callers, stack: Stack) -> None:
    body = campaign_body(who.label, name="", timezone="Nowhere")
    del body["ends_at"]
    response = api.call("POST", "/campaigns", who.token("admin"), body)
    assert set(body_of(response)["error"]["fields"]) == {"name", "timezone", "ends_at"}


def test_unknown_keys_and_other_errors_come_in_one_400(api: Api, who: Callers, stack: Stack) -> None:
    # Given a campaign with an unknown field, an unknown platform, a bad name and a bad video id
    body = campaign_body(who.label, name="", colour="blue")
    body["tracked"] = {"youtube": {"content": ["bad"]}, "myspace": {"accounts": ["1"]}}
    # When it is created
    response = api.call("POST", "/campaigns", who.token("admin"), body)
    # Then one 400 names all four
    assert response.status_code == 400
    fields = set(body_of(response)["error"]["fields"])
    assert fields == {"name", "colour", "tracked.youtube.content.0", "tracked.myspace"}


def test_a_put_changing_the_label_reports_its_other_errors_too(api: Api, who: Callers, stack: Stack) -> None:
    # Given a campaign, and a replacement that changes its label, adds an unknown field and blanks its name
    body = create(api, who)
    changed = {**body, "label": unique("other"), "colour": "blue", "name": ""}
    # When it is PUT
    response = api.call("PUT", f"/campaigns/{body['campaign_id']}", who.token("admin"), changed)
    # Then one 400 names all three
    assert response.status_code == 400
    assert set(body_of(response)["error"]["fields"]) == {"label", "colour", "name"}


@pytest.mark.parametrize("raw", [b"", b"not json", b"[1, 2]", b'"a string"', b"\xff\xfe", b"[" * 100_000])
def test_a_body_that_is_not_a_json_object_is_400(api: Api, who: Callers, stack: Stack, raw: bytes) -> None:
    response = api.call("POST", "/campaigns", who.token("admin"), raw)
    assert response.status_code == 400
    assert body_of(response)["error"]["code"] == "validation_failed"


def test_the_contract_example_is_valid(api: Api, who: Callers, stack: Stack) -> None:
    tracked = {
        "facebook": {"accounts": ["104512345678901"], "content": ["104512345678901_998877665544332"]},
        "instagram": {"accounts": ["17841400000000001"], "content": ["17900000000000001"]},
        "youtube": {"accounts": ["UCxxxxxxxxxxxxxxxxxxxxxx"], "content": ["dQw4w9WgXcQ"]},
        "x": {"accounts": ["1234"], "content": ["1790000000000000000"]},
        "tiktok": {"accounts": ["<open_id>"], "content": ["<video id>"]},
        "spotify": {"accounts": ["0TnOYISbd1XYRBk9myaseg"]},
        "soundcloud": {"accounts": ["soundcloud:users:123"], "content": ["soundcloud:tracks:456"]},
        "deezer": {"accounts": ["27"]},
        "standard:linkfire": {"content": ["indochine-13"]},
    }
    response = api.call("POST", "/campaigns", who.token("admin"), campaign_body(who.label, tracked=tracked))
    assert response.status_code == 201, response.body


# Collisions (contract section 5) ---------------------------------------------------------------------


def test_an_overlapping_campaign_sharing_content_is_a_warning(api: Api, who: Callers, stack: Stack) -> None:
    # Given a campaign tracking a YouTube channel and video
    first = create(api, who, name="First")
    # When another campaign of the label overlaps it in time and tracks the same video
    second = campaign_body(
        who.label,
        starts_at="2026-12-01T00:00:00+01:00",
        ends_at="2027-01-15T00:00:00+01:00",
        tracked={"youtube": {"content": ["dQw4w9WgXcQ"]}},
    )
    response = api.call("POST", "/campaigns", who.tokens["editor"], second)
    # Then it is created, with the collision as a warning over the overlap
    assert response.status_code == 201, response.body
    assert body_of(response)["warnings"] == [
        {
            "campaign_id": first["campaign_id"],
            "name": "First",
            "from": "2026-12-01T00:00:00+01:00",
            "to": "2026-12-20T00:00:00+01:00",
            "shared": [{"platform": "youtube", "type": "content", "id": "dQw4w9WgXcQ"}],
        }
    ]


def test_strict_turns_collisions_into_a_409_and_stores_nothing(api: Api, who: Callers, stack: Stack) -> None:
    # Given a campaign tracking a YouTube channel
    first = create(api, who)
    # When a strict create shares the channel in an overlapping window
    second = campaign_body(who.label, tracked={"youtube": {"accounts": ["UCxxxxxxxxxxxxxxxxxxxxxx"]}})
    response = api.call("POST", "/campaigns?strict=true", who.token("admin"), second)
    # Then it is a 409 listing the collision, and the campaign does not exist
    assert response.status_code == 409
    error = body_of(response)["error"]
    assert error["code"] == "conflict"
    assert first["campaign_id"] in error["message"]
    assert error["warnings"][0]["shared"] == [
        {"platform": "youtube", "type": "account", "id": "UCxxxxxxxxxxxxxxxxxxxxxx"}
    ]
    assert api.call("GET", f"/campaigns/{second['campaign_id']}", who.token("admin")).status_code == 404
    # And strict=false creates it with the warning
    response = api.call("POST", "/campaigns?strict=false", who.token("admin"), second)
    assert response.status_code == 201
    assert len(body_of(response)["warnings"]) == 1


def test_put_returns_collisions_and_honours_strict(api: Api, who: Callers, stack: Stack) -> None:
    # Given two campaigns of the label that share nothing
    first = create(api, who)
    second = create(api, who, tracked={"deezer": {"accounts": ["27"]}})
    path = f"/campaigns/{second['campaign_id']}"
    # When the second is changed to track the first's video, strictly
    changed = {**second, "tracked": {"youtube": {"content": ["dQw4w9WgXcQ"]}}}
    strict = api.call("PUT", f"{path}?strict=true", who.token("admin"), changed)
    # Then it is a 409 and nothing changed
    assert strict.status_code == 409
    assert body_of(api.call("GET", path, who.token("admin")))["tracked"] == {
        "deezer": {"accounts": ["27"], "content": []}
    }
    # And without strict it is replaced, with the warning
    response = api.call("PUT", path, who.token("admin"), changed)
    assert response.status_code == 200
    assert [w["campaign_id"] for w in body_of(response)["warnings"]] == [first["campaign_id"]]


@pytest.mark.parametrize(
    "second",
    [
        {"starts_at": "2026-12-20T00:00:00+01:00", "ends_at": "2027-01-20T00:00:00+01:00"},  # touching
        {"label": "elsewhere"},
        {"tracked": {"youtube": {"content": ["aaaaaaaaaaa"]}}},
    ],
    ids=["windows-only-touch", "other-label", "nothing-shared"],
)
def test_no_collision_without_overlap_label_or_shared_ids(
    api: Api, who: Callers, stack: Stack, second: dict[str, Any]
) -> None:
    create(api, who)
    body = campaign_body(who.label, **second)
    response = api.call("POST", "/campaigns?strict=true", who.token("admin"), body)
    assert response.status_code == 201, response.body
    assert body_of(response)["warnings"] == []


def test_an_archived_campaign_collides_with_nothing(api: Api, who: Callers, stack: Stack) -> None:
    first = create(api, who)
    assert api.call("DELETE", f"/campaigns/{first['campaign_id']}", who.token("admin")).status_code == 204
    response = api.call("POST", "/campaigns?strict=true", who.token("admin"), campaign_body(who.label))
    assert response.status_code == 201, response.body
