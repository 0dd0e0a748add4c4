"""Contract section 9 through Chalice's test client: GET /calendar, iCalendar feeds (parsed back
with icalendar: every push and window, stable UIDs, SEQUENCE on change, ETag and a 304 read from one
item, a revoked feed a 404 at once), calendar pages and their links, clashes in summaries."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

import boto3
import icalendar
import pytest

from tests.conftest import unique
from tests.integration.conftest import Stack
from tests.integration.management_client import Api, body_of, campaign_body

AT = "2026-11-25T10:00:00+00:00"


def push(push_id: str, at: str = AT, platforms: list[str] | None = None, **changes: Any) -> dict[str, Any]:
    return {
        "push_id": push_id,
        "at": at,
        "platforms": platforms or ["youtube"],
        "kind": "video",
        "title": f"Title of {push_id}",
        **changes,
    }


@pytest.fixture
def admin(stack: Stack) -> str:
    return stack.secrets["ADMIN_TOKEN"]


def create(api: Api, token: str, label: str, pushes: list[dict[str, Any]], **changes: Any) -> dict[str, Any]:
    response = api.call("POST", "/campaigns", token, campaign_body(label, pushes=pushes, **changes))
    assert response.status_code == 201, response.body
    campaign: dict[str, Any] = body_of(response)["campaign"]
    return campaign


def feed_path(url: str) -> str:
    return urlsplit(url).path


def get_feed(api: Api, path: str, etag: str | None = None) -> Any:
    headers = {"If-None-Match": etag} if etag else {}
    return api.client.http.get(path, headers=headers)


def make_feed(api: Api, token: str, labels: list[str]) -> dict[str, str]:
    response = api.call("POST", "/calendar/feeds", token, {"name": "Label planning", "labels": labels})
    assert response.status_code == 201, response.body
    feed: dict[str, str] = body_of(response)
    return feed


def events(body: bytes | str) -> dict[str, Any]:
    parsed = icalendar.Calendar.from_ical(body)
    return {str(event["UID"]): event for event in parsed.walk("VEVENT")}


# GET /calendar ------------------------------------------------------------------------------------


def a_feed_read_once(api: Api, admin: str) -> tuple[str, str]:
    """The feed path of a fresh label with one push, and the ETag of its first read."""
    label = unique("label")
    create(api, admin, label, [push("clip")])
    path = feed_path(make_feed(api, admin, [label])["url"])
    return path, get_feed(api, path).headers["ETag"]


def test_the_calendar_shows_its_labels_in_full_and_other_labels_anonymised(api: Api, admin: str) -> None:
    # Given a campaign of label A with a push, and one of label B with a clashing push
    label_a, label_b = unique("label"), unique("label")
    mine = create(api, admin, label_a, [push("clip", title="Clip A")])
    create(api, admin, label_b, [push("ad", at="2026-11-25T12:00:00Z", kind="ad", title="Secret B")])
    _, viewer_a = api.create_token(admin, "viewer", [label_a])
    # When a viewer of A reads the calendar of those weeks
    response = api.call("GET", "/calendar?from=2026-11-01&to=2026-12-31", viewer_a)
    # Then A's window and push are in full, B's push has its label, time, platforms and kind only
    assert response.status_code == 200, response.body
    calendar = body_of(response)
    assert [c["campaign_id"] for c in calendar["campaigns"]] == [mine["campaign_id"]]
    ours, theirs = (p for p in calendar["pushes"] if p["label"] in {label_a, label_b})
    assert (ours["push_id"], ours["title"], ours["clash"]) == ("clip", "Clip A", True)
    assert ours["clashes"][0]["label"] == label_b
    assert "campaign_id" not in ours["clashes"][0]
    assert theirs == {
        "label": label_b,
        "at": "2026-11-25T12:00:00Z",
        "platforms": ["youtube"],
        "kind": "ad",
        "clash": True,
    }


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2026-01-01&to=2027-02-06", "to"),  # 401 days
        ("from=2026-03-01&to=2026-02-01", "to"),
        ("from=yesterday", "from"),
        ("from=2026-01-01T00:00:00", "from"),  # no offset
    ],
    ids=["over-400-days", "to-before-from", "not-a-date", "no-offset"],
)
def test_a_bad_range_is_a_400_naming_the_field(api: Api, admin: str, query: str, field: str) -> None:
    # When the calendar is asked for a bad range
    response = api.call("GET", f"/calendar?{query}", admin)
    # Then it is a 400 naming the field
    assert response.status_code == 400, response.body
    assert field in body_of(response)["error"]["fields"]


def test_a_range_of_exactly_400_days_is_allowed(api: Api, admin: str) -> None:
    response = api.call("GET", "/calendar?from=2026-01-01&to=2027-02-05", admin)
    assert response.status_code == 200, response.body


def test_the_calendar_of_a_label_outside_the_token_is_a_404(api: Api, admin: str) -> None:
    # Given a viewer of one label
    _, viewer = api.create_token(admin, "viewer", [unique("label")])
    # When it asks for another label's calendar; Then the label does not exist for it
    assert api.call("GET", f"/calendar?label={unique('label')}", viewer).status_code == 404


# Feeds ----------------------------------------------------------------------------------------------


def test_the_feed_has_one_event_per_push_and_one_all_day_event_per_window(api: Api, admin: str) -> None:
    # Given a campaign of label A with two pushes, and an editor's feed of label A
    label = unique("label")
    campaign = create(
        api, admin, label, [push("clip"), push("ad", at="2026-12-01T18:30:00+01:00", kind="ad")]
    )
    _, editor = api.create_token(admin, "editor", [label])
    feed = make_feed(api, editor, [label])
    # When the feed URL is fetched without any bearer
    response = get_feed(api, feed_path(feed["url"]))
    # Then it is iCalendar, and parsing it finds both pushes and the window
    assert response.status_code == 200, response.body
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    found = events(response.body)
    campaign_id = campaign["campaign_id"]
    clip, ad = (
        found[f"push-{campaign_id}-clip@engagement-tracker"],
        found[f"push-{campaign_id}-ad@engagement-tracker"],
    )
    assert str(clip["SUMMARY"]) == "Indochine \u00b7 video: Title of clip"
    assert clip.decoded("DTSTART").isoformat() == "2026-11-25T10:00:00+00:00"
    assert ad.decoded("DTSTART").isoformat() == "2026-12-01T17:30:00+00:00"
    assert int(clip["SEQUENCE"]) == 0
    window = found[f"window-{campaign_id}@engagement-tracker"]
    assert (window.decoded("DTSTART").isoformat(), window.decoded("DTEND").isoformat()) == (
        "2026-11-20",
        "2026-12-20",
    )
    assert len(found) == 3


def test_a_registered_artist_shows_by_name_in_the_feed_and_a_free_text_artist_as_written(
    api: Api, admin: str
) -> None:
    # Given label A's registered artist "angele" (named Angèle), a campaign naming it, and a campaign
    # of label B with a free-text artist
    label_a, label_b = unique("label"), unique("label")
    artist_id = unique("angele")
    registered = {"artist_id": artist_id, "label": label_a, "name": "Angèle", "accounts": {}}
    assert api.call("POST", "/artists", admin, registered).status_code == 201
    mine = create(api, admin, label_a, [push("clip")], artist=artist_id)
    theirs = create(api, admin, label_b, [push("teaser", at="2026-12-10T10:00:00+00:00")], artist="Nova Lune")
    feed = make_feed(api, admin, [label_a, label_b])
    # When the feed is fetched
    found = events(get_feed(api, feed_path(feed["url"])).body)
    # Then the registered artist reads as its name, the free-text one as written
    assert str(found[f"push-{mine['campaign_id']}-clip@engagement-tracker"]["SUMMARY"]).startswith("Angèle ·")
    other = found[f"push-{theirs['campaign_id']}-teaser@engagement-tracker"]
    assert str(other["SUMMARY"]).startswith("Nova Lune ·")


def test_a_clash_is_named_in_the_push_description(api: Api, admin: str) -> None:
    # Given a push of label A and a clashing push of label B, and a feed of A
    label_a, label_b = unique("label"), unique("label")
    campaign = create(api, admin, label_a, [push("clip")])
    create(api, admin, label_b, [push("teaser", at="2026-11-25T13:00:00Z", kind="post")])
    feed = make_feed(api, admin, [label_a])
    # When the feed is read
    found = events(get_feed(api, feed_path(feed["url"])).body)
    # Then the push's description names B's push by label, kind, platform and time only
    description = str(found[f"push-{campaign['campaign_id']}-clip@engagement-tracker"]["DESCRIPTION"])
    assert f"{label_b} post on youtube, 3 h apart (2026-11-25T13:00:00Z)" in description
    assert "Title of teaser" not in description


def test_a_changed_push_keeps_its_uid_and_gets_a_higher_sequence_and_a_new_etag(api: Api, admin: str) -> None:
    # Given a feed of a label with one push, read once
    label = unique("label")
    body = campaign_body(label, pushes=[push("clip")])
    api.call("POST", "/campaigns", admin, body)
    path = feed_path(make_feed(api, admin, [label])["url"])
    first = get_feed(api, path)
    # When the push moves by an hour
    moved = {**body, "pushes": [push("clip", at="2026-11-25T11:00:00Z")]}
    assert api.call("PUT", f"/campaigns/{body['campaign_id']}", admin, moved).status_code == 200
    # Then the feed answers the old ETag with the new calendar: same UID, SEQUENCE 1, new time
    second = get_feed(api, path, first.headers["ETag"])
    assert second.status_code == 200
    assert second.headers["ETag"] != first.headers["ETag"]
    uid = f"push-{body['campaign_id']}-clip@engagement-tracker"
    event = events(second.body)[uid]
    assert int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART").isoformat() == "2026-11-25T11:00:00+00:00"


def test_a_poll_with_the_current_etag_is_a_304_that_reads_one_item(
    api: Api, admin: str, stack: Stack
) -> None:
    # Given a feed read once, and every DynamoDB item read from now on counted at botocore level
    path, etag = a_feed_read_once(api, admin)
    from chalicelib.aws import get_clients

    read: Counter[str] = Counter()

    def count(parsed: Any, model: Any, **_: Any) -> None:
        read["requests"] += 1
        read["items"] += len(parsed.get("Items", [])) + (1 if parsed.get("Item") else 0)
        read["items"] += sum(len(v) for v in parsed.get("Responses", {}).values())

    get_clients().dynamodb.meta.events.register("after-call.dynamodb", count)
    # When the calendar application polls with that ETag
    response = get_feed(api, path, etag)
    # Then it is a 304 with the same ETag, after one request that read one item
    assert response.status_code == 304
    assert response.headers["ETag"] == etag
    assert read == Counter({"requests": 1, "items": 1})


def test_another_labels_clashing_change_changes_the_feeds_etag(api: Api, admin: str) -> None:
    # Given a feed of label A, read once
    path, etag = a_feed_read_once(api, admin)
    # When label B creates a push that clashes with A's
    create(api, admin, unique("label"), [push("teaser", at="2026-11-25T12:00:00Z")])
    # Then the feed is no longer a 304 for the old ETag
    assert get_feed(api, path, etag).status_code == 200


def test_an_unrelated_change_keeps_the_304(api: Api, admin: str) -> None:
    # Given a feed of label A, read once
    path, etag = a_feed_read_once(api, admin)
    # When another label creates a campaign whose push is far from A's
    create(api, admin, unique("label"), [push("later", at="2026-12-10T10:00:00Z")])
    # Then the poll is still a 304
    assert get_feed(api, path, etag).status_code == 304


def test_a_revoked_feed_is_a_404_at_once(api: Api, admin: str) -> None:
    # Given a feed that answers
    label = unique("label")
    feed = make_feed(api, admin, [label])
    path = feed_path(feed["url"])
    assert get_feed(api, path).status_code == 200
    # When it is revoked
    assert api.call("DELETE", f"/calendar/feeds/{feed['feed_id']}", admin).status_code == 204
    # Then its URL is a 404 in the contract's error shape
    response = get_feed(api, path)
    assert response.status_code == 404
    assert json.loads(response.body)["error"]["code"] == "not_found"


def test_a_wrong_secret_is_a_404(api: Api, admin: str) -> None:
    # Given a feed; When its id is presented with another secret
    feed = make_feed(api, admin, [unique("label")])
    forged = f"/feeds/{feed['feed_id']}.{'x' * 43}/calendar.ics"
    # Then it is a 404, as for a feed that does not exist
    assert get_feed(api, forged).status_code == 404


def test_the_feed_secret_is_stored_only_as_its_hash(api: Api, admin: str, stack: Stack) -> None:
    # Given a feed
    feed = make_feed(api, admin, [unique("label")])
    secret = feed_path(feed["url"]).split("/")[2].split(".", 1)[1]
    # Then the table holds its SHA-256, never the secret
    from tests.integration.webhook_client import table_items

    stored = json.dumps(table_items(stack.table_name))
    assert secret not in stored
    assert feed["feed_id"] in stored


@pytest.mark.parametrize(
    ("role", "own_label", "expected"),
    [("viewer", True, 403), ("editor", False, 403), ("editor", True, 201)],
    ids=["viewer", "editor-of-another-label", "editor-of-the-label"],
)
def test_who_may_make_a_feed(api: Api, admin: str, role: str, own_label: bool, expected: int) -> None:
    # Given a token of some role, of the feed's label or not
    label = unique("label")
    _, token = api.create_token(admin, role, [label if own_label else unique("label")])
    # When it asks for a feed of the label
    response = api.call("POST", "/calendar/feeds", token, {"name": "Planning", "labels": [label]})
    # Then it gets the expected answer
    assert response.status_code == expected, response.body


def test_a_feed_of_another_labels_token_cannot_be_revoked_and_looks_missing(api: Api, admin: str) -> None:
    # Given a feed of label A, and an editor of label B
    feed = make_feed(api, admin, [unique("label")])
    _, editor_b = api.create_token(admin, "editor", [unique("label")])
    # When that editor revokes it; Then the feed does not exist for it, and still answers
    assert api.call("DELETE", f"/calendar/feeds/{feed['feed_id']}", editor_b).status_code == 404
    assert get_feed(api, feed_path(feed["url"])).status_code == 200


# Calendar pages and summaries -------------------------------------------------------------------------


def test_a_labels_calendar_link_is_a_404_before_a_publish_and_a_page_after(
    api: Api, admin: str, stack: Stack
) -> None:
    # Given a label with a pushed campaign, never published
    label = unique("label")
    create(api, admin, label, [push("clip", title="Clip <b>bold</b>")])
    assert api.call("GET", f"/calendar/links?label={label}", admin).status_code == 404
    # When the publish job runs
    assert api.call("POST", "/admin/jobs/publish", admin).status_code == 200
    # Then the label's calendar page is linked, and it holds the push, escaped
    response = api.call("GET", f"/calendar/links?label={label}&expires_in=600", admin)
    assert response.status_code == 200, response.body
    assert "calendar.html" in body_of(response)["html"]
    page = boto3.client("s3").get_object(Bucket=stack.bucket, Key=f"calendar/{label}/calendar.html")
    html = page["Body"].read().decode()
    assert page["ContentType"] == "text/html; charset=utf-8"
    assert "Clip &lt;b&gt;bold&lt;/b&gt;" in html


def test_calendar_links_need_a_label_of_the_token(api: Api, admin: str) -> None:
    _, viewer = api.create_token(admin, "viewer", [unique("label")])
    assert api.call("GET", "/calendar/links", viewer).status_code == 400
    assert api.call("GET", f"/calendar/links?label={unique('label')}", viewer).status_code == 404


def test_a_summary_lists_its_push_clashes_in_collisions_and_attention(api: Api, admin: str) -> None:
    # Given a campaign with a push, and a clashing push of another label
    label_a, label_b = unique("label"), unique("label")
    campaign = create(api, admin, label_a, [push("clip")])
    create(api, admin, label_b, [push("teaser", at="2026-11-25T16:00:00Z")])
    # When the campaign is published
    published = api.call("POST", f"/campaigns/{campaign['campaign_id']}/publish", admin)
    assert published.status_code == 200, published.body
    key = f"summaries/{label_a}/{campaign['campaign_id']}/"
    s3 = boto3.client("s3")
    bucket = s3.list_buckets()["Buckets"][0]["Name"]
    latest = json.loads(s3.get_object(Bucket=bucket, Key=f"{key}latest.json")["Body"].read())
    summary = json.loads(s3.get_object(Bucket=bucket, Key=latest["keys"]["json"])["Body"].read())
    # Then its collisions hold the clash (without the other label's names) and attention a low item
    assert summary["collisions"] == [
        {
            "type": "push_clash",
            "push_id": "clip",
            "label": label_b,
            "at": "2026-11-25T16:00:00Z",
            "platforms": ["youtube"],
            "hours_apart": 6.0,
        }
    ]
    # (beside it, YouTube is stale here: nothing was ever pulled or delivered; contract section 10)
    assert [
        (a["severity"], a["code"], a.get("platform"))
        for a in summary["attention"]
        if a["code"] == "push_clash"
    ] == [("low", "push_clash", "youtube")]
