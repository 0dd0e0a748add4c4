"""Contract section 9 through Chalice's test client: pushes on campaigns, clashes across labels as
warnings (what the caller may read of them) or a strict 409, the push index kept in step with the
campaigns, and bad pushes refused with their field paths, storing nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import unique
from tests.integration.conftest import Stack
from tests.integration.management_client import Api, body_of, campaign_body
from tests.integration.webhook_client import table_items

# Inside campaign_body's window [2026-11-20T00:00+01:00, 2026-12-20T00:00+01:00).
AT = "2026-11-25T10:00:00+00:00"


def push(
    push_id: str = "single-1", at: str = AT, platforms: list[str] | None = None, **changes: Any
) -> dict[str, Any]:
    return {
        "push_id": push_id,
        "at": at,
        "platforms": platforms or ["youtube"],
        "kind": "single",
        "title": "Nouveau single",
        **changes,
    }


@pytest.fixture
def admin(stack: Stack) -> str:
    return stack.secrets["ADMIN_TOKEN"]


def create(api: Api, token: str, label: str, pushes: list[dict[str, Any]], query: str = "") -> Any:
    return api.call("POST", f"/campaigns{query}", token, campaign_body(label, pushes=pushes))


def index_items(stack: Stack, campaign_id: str) -> list[dict[str, Any]]:
    return [
        item
        for item in table_items(stack.table_name)
        if item["pk"]["S"].startswith("PUSH#") and item["campaign_id"]["S"] == campaign_id
    ]


def test_a_campaign_keeps_its_pushes_with_a_first_sequence(api: Api, admin: str, stack: Stack) -> None:
    # Given a campaign body with a push on two platforms
    response = create(api, admin, unique("label"), [push(platforms=["youtube", "x"])])
    # Then it is stored and shown with the push, at sequence 0
    assert response.status_code == 201, response.body
    shown = body_of(response)["campaign"]["pushes"]
    assert [(p["push_id"], p["platforms"], p["sequence"]) for p in shown] == [
        ("single-1", ["youtube", "x"], 0)
    ]
    # And the push is indexed once per platform under its UTC day
    campaign_id = body_of(response)["campaign"]["campaign_id"]
    keys = sorted(item["pk"]["S"] for item in index_items(stack, campaign_id))
    assert keys == ["PUSH#x#2026-11-25", "PUSH#youtube#2026-11-25"]


@pytest.mark.parametrize(
    ("pushes", "path"),
    [
        ([push(at="2026-10-20T22:59:59+00:00")], "pushes.0.at"),  # starts_at - 30 days - 1 s
        ([push(at="2026-12-19T23:00:00+00:00")], "pushes.0.at"),  # ends_at itself is outside
        ([push(push_id=f"p-{n}") for n in range(101)], "pushes"),
        ([push(kind="tour")], "pushes.0.kind"),
        ([push(), push()], "pushes.1.push_id"),
        ([push(platforms=["myspace"])], "pushes.0.platforms.0"),
    ],
    ids=["before-the-lead", "at-ends_at", "101-pushes", "unknown-kind", "duplicate-id", "unknown-platform"],
)
def test_a_bad_push_is_a_400_with_its_path_and_stores_nothing(
    api: Api, admin: str, stack: Stack, pushes: list[dict[str, Any]], path: str
) -> None:
    # Given a campaign body with a bad push
    body = campaign_body(unique("label"), pushes=pushes)
    # When it is created
    response = api.call("POST", "/campaigns", admin, body)
    # Then it is a 400 naming the push's field, and neither the campaign nor an index item is stored
    assert response.status_code == 400, response.body
    assert path in body_of(response)["error"]["fields"]
    assert api.call("GET", f"/campaigns/{body['campaign_id']}", admin).status_code == 404
    assert index_items(stack, body["campaign_id"]) == []


def test_every_bad_push_is_reported_in_one_400(api: Api, admin: str) -> None:
    # Given two bad pushes and a good one
    pushes = [push("a", at="2027-01-01T00:00:00Z"), push("b"), push("c", kind="tour", title=" ")]
    # When the campaign is created
    response = create(api, admin, unique("label"), pushes)
    # Then one 400 lists each problem under its own path
    fields = body_of(response)["error"]["fields"]
    assert {"pushes.0.at", "pushes.2.kind", "pushes.2.title"} <= set(fields)
    assert not any(key.startswith("pushes.1") for key in fields)


def test_a_push_near_another_labels_push_on_a_shared_platform_is_a_clash_warning(
    api: Api, admin: str
) -> None:
    # Given a campaign of label A with a push on YouTube and X
    label_a, label_b = unique("label"), unique("label")
    first = body_of(
        create(api, admin, label_a, [push("video-a", platforms=["youtube", "x"], title="Clip A")])
    )
    # And an editor of label B only
    _, editor_b = api.create_token(admin, "editor", [label_b])
    # When that editor creates a campaign with a push 5 hours later on YouTube and Spotify
    response = create(
        api,
        editor_b,
        label_b,
        [push("single-b", at="2026-11-25T15:00:00Z", platforms=["spotify", "youtube"])],
    )
    # Then it is created with one push_clash warning: label, time, shared platform, hours, no names
    assert response.status_code == 201, response.body
    assert body_of(response)["warnings"] == [
        {
            "type": "push_clash",
            "push_id": "single-b",
            "label": label_a,
            "at": "2026-11-25T10:00:00Z",
            "platforms": ["youtube"],
            "hours_apart": 5.0,
        }
    ]
    assert first["warnings"] == []


def test_a_caller_who_may_read_the_other_campaign_sees_its_id_and_title(api: Api, admin: str) -> None:
    # Given a push of label A
    label_a, label_b = unique("label"), unique("label")
    other = body_of(create(api, admin, label_a, [push("video-a", title="Clip A")]))["campaign"]
    # When an admin (who reads every label) creates a clashing push of label B
    response = create(api, admin, label_b, [push("single-b", at="2026-11-25T20:30:00Z")])
    # Then the warning names the other push's campaign and title
    (warning,) = body_of(response)["warnings"]
    assert (warning["campaign_id"], warning["title"], warning["hours_apart"]) == (
        other["campaign_id"],
        "Clip A",
        10.5,
    )


def test_pushes_exactly_the_spacing_apart_do_not_clash(api: Api, admin: str) -> None:
    # Given a push of label A
    create(api, admin, unique("label"), [push("a")])
    # When another label pushes 24 hours later (PUSH_SPACING_HOURS' default) on the same platform
    response = create(api, admin, unique("label"), [push("b", at="2026-11-26T10:00:00Z")])
    # Then there is no clash
    assert body_of(response)["warnings"] == []


def test_a_clash_with_strict_is_a_409_and_stores_nothing(api: Api, admin: str, stack: Stack) -> None:
    # Given a push of label A
    create(api, admin, unique("label"), [push("a")])
    body = campaign_body(unique("label"), pushes=[push("b", at="2026-11-25T11:00:00Z")])
    # When another label creates a clashing push with strict=true
    response = api.call("POST", "/campaigns?strict=true", admin, body)
    # Then it is a 409 carrying the clash, and nothing is stored
    assert response.status_code == 409, response.body
    assert body_of(response)["error"]["warnings"][0]["type"] == "push_clash"
    assert api.call("GET", f"/campaigns/{body['campaign_id']}", admin).status_code == 404
    assert index_items(stack, body["campaign_id"]) == []


def test_an_archived_campaigns_pushes_clash_with_nothing(api: Api, admin: str, stack: Stack) -> None:
    # Given a campaign with a push, archived
    archived = body_of(create(api, admin, unique("label"), [push("a")]))["campaign"]["campaign_id"]
    assert api.call("DELETE", f"/campaigns/{archived}", admin).status_code == 204
    # When another label pushes at the same time on the same platform
    response = create(api, admin, unique("label"), [push("b")])
    # Then there is no clash, and the archived campaign has nothing left in the index
    assert body_of(response)["warnings"] == []
    assert index_items(stack, archived) == []


def test_moving_a_push_moves_its_index_entries(api: Api, admin: str, stack: Stack) -> None:
    # Given a campaign with a push on the 25th
    body = campaign_body(unique("label"), pushes=[push("a")])
    api.call("POST", "/campaigns", admin, body)
    # When the push is moved to December 5th
    moved = {**body, "pushes": [push("a", at="2026-12-05T10:00:00Z")]}
    assert api.call("PUT", f"/campaigns/{body['campaign_id']}", admin, moved).status_code == 200
    # Then only the new day is indexed, and a push on the 25th no longer clashes with it
    assert [item["pk"]["S"] for item in index_items(stack, body["campaign_id"])] == [
        "PUSH#youtube#2026-12-05"
    ]
    assert body_of(create(api, admin, unique("label"), [push("b")]))["warnings"] == []


def test_a_changed_push_gets_the_next_sequence_and_an_unchanged_one_keeps_its_own(
    api: Api, admin: str
) -> None:
    # Given a campaign with two pushes
    body = campaign_body(unique("label"), pushes=[push("a"), push("b", at="2026-11-30T10:00:00Z")])
    api.call("POST", "/campaigns", admin, body)
    stored = body_of(api.call("GET", f"/campaigns/{body['campaign_id']}", admin))
    # When the campaign is sent back as read, with push b's title changed
    stored["pushes"][1]["title"] = "Renamed"
    response = api.call("PUT", f"/campaigns/{body['campaign_id']}", admin, stored)
    # Then b's sequence grows and a's stays
    pushes = body_of(response)["campaign"]["pushes"]
    assert [(p["push_id"], p["sequence"]) for p in pushes] == [("a", 0), ("b", 1)]


def test_the_spacing_is_the_deployments_push_spacing_hours(
    api: Api, admin: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a deployment whose pushes need only 6 hours between them
    monkeypatch.setenv("PUSH_SPACING_HOURS", "6")
    create(api, admin, unique("label"), [push("a")])
    # When another label pushes 7 hours later, then 5 hours later
    later = create(api, admin, unique("label"), [push("b", at="2026-11-25T17:00:00Z")])
    closer = create(api, admin, unique("label"), [push("c", at="2026-11-25T15:00:00Z")])
    # Then 7 hours is far enough, and the push in between clashes with both (5 and 2 hours)
    assert body_of(later)["warnings"] == []
    assert [w["hours_apart"] for w in body_of(closer)["warnings"]] == [5.0, 2.0]
