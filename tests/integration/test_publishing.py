"""Contract section 6 through the routes: publish, artefacts on S3, latest.json, expiring links,
and exact counts for a campaign created after its events arrived."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

import boto3
import pytest

from infra.local import senders as payloads
from infra.local.senders import Senders
from tests.campaigns import campaign_dict, open_window
from tests.conftest import unique
from tests.integration.conftest import Stack
from tests.integration.management_client import Api, body_of, callers
from tests.integration.webhook_client import consume as shared_consume
from tests.integration.webhook_client import send
from tests.summary_schema import validate_summary

NOW = datetime.now(UTC).replace(microsecond=0)
AT = NOW - timedelta(hours=2)
PAGE, POST = "104512345678901", "104512345678901_998877665544332"
ARTIST, TWEET, OTHER_TWEET = "1234", "1790000000000000001", "1790000000000000999"


def consume(stack: Stack) -> None:
    shared_consume(stack.queue_url, batch_size=100)


def campaign(label: str, **changes: Any) -> dict[str, Any]:
    return campaign_dict(
        **{
            "campaign_id": unique("campaign"),
            "label": label,
            "artist": "Indochine",
            "tracked": {"facebook": {"content": [POST]}, "x": {"content": [TWEET]}},
            **open_window(NOW, until=timedelta(days=20)),
            **changes,
        }
    )


def published_campaign(api: Api, admin: str) -> dict[str, Any]:
    """A campaign of a fresh label, created and published."""
    body = campaign(unique("label"))
    api.call("POST", "/campaigns", admin, body)
    api.call("POST", f"/campaigns/{body['campaign_id']}/publish", admin)
    return body


def s3_json(stack: Stack, key: str) -> Any:
    return json.loads(boto3.client("s3").get_object(Bucket=stack.bucket, Key=key)["Body"].read())


def test_a_campaign_created_after_its_events_sees_them_exactly(api: Api, stack: Stack) -> None:
    # Given engagement already stored: tracked and untracked, inside and before the window, with an undo
    senders = Senders(stack.secrets)
    fan = "5550001"
    before_window = NOW - timedelta(days=3)
    changes = [
        payloads.facebook_reaction(POST, AT, user_id=fan),
        payloads.facebook_reaction(POST, AT + timedelta(minutes=1), user_id="5550002"),
        payloads.facebook_reaction(POST, AT + timedelta(minutes=2), verb="remove", user_id=fan),
        payloads.facebook_comment(POST, before_window),
    ]
    for request in (
        senders.meta(payloads.facebook_feed(PAGE, changes)),
        senders.x(payloads.x_likes(ARTIST, TWEET, AT, count=3)),
        senders.x(payloads.x_likes("999", OTHER_TWEET, AT, count=4)),
    ):
        assert send(api.client, request).status_code == 200
    consume(stack)
    # When a campaign is created afterwards and published
    admin = stack.secrets["ADMIN_TOKEN"]
    body = campaign(unique("label"))
    assert api.call("POST", "/campaigns", admin, body).status_code == 201
    response = api.call("POST", f"/campaigns/{body['campaign_id']}/publish", admin)
    # Then its summary counts exactly the distinct, attributed, in-window events, net of undos
    assert response.status_code == 200, response.body
    published = body_of(response)
    latest = s3_json(stack, f"summaries/{body['label']}/{body['campaign_id']}/latest.json")
    summary = s3_json(stack, latest["keys"]["json"])
    validate_summary(summary)
    assert summary["platforms"]["facebook"]["events"] == {"reaction": 1}
    assert summary["platforms"]["x"]["events"] == {"like": 3}
    assert summary["totals"]["events"] == 4
    assert published["generated_at"] == latest["generated_at"] == summary["generated_at"]
    assert set(published["links"]) == {"json", "csv", "html", "generated_at", "expires_at"}


def test_runs_are_stored_under_their_time_and_superseded_runs_are_tagged(api: Api, stack: Stack) -> None:
    admin = stack.secrets["ADMIN_TOKEN"]
    body = campaign(unique("label"))
    api.call("POST", "/campaigns", admin, body)
    prefix = f"summaries/{body['label']}/{body['campaign_id']}/"
    first = body_of(api.call("POST", f"/campaigns/{body['campaign_id']}/publish", admin))
    first_keys = s3_json(stack, prefix + "latest.json")["keys"]
    assert set(first_keys) == {"json", "csv", "html"}
    assert all(key.startswith(f"{prefix}{first['generated_at']}/summary.") for key in first_keys.values())
    # a second run, in the next second (runs are named after their time, to the second)
    time.sleep(1.05)
    api.call("POST", f"/campaigns/{body['campaign_id']}/publish", admin)
    s3 = boto3.client("s3")
    tags = s3.get_object_tagging(Bucket=stack.bucket, Key=first_keys["json"])["TagSet"]
    assert {"Key": "retention", "Value": "superseded"} in tags
    latest_json = s3_json(stack, prefix + "latest.json")["keys"]["json"]
    assert s3.get_object_tagging(Bucket=stack.bucket, Key=latest_json)["TagSet"] == []


def test_artefacts_have_their_content_types(api: Api, stack: Stack) -> None:
    admin = stack.secrets["ADMIN_TOKEN"]
    body = published_campaign(api, admin)
    keys = s3_json(stack, f"summaries/{body['label']}/{body['campaign_id']}/latest.json")["keys"]
    s3 = boto3.client("s3")
    types = {name: s3.head_object(Bucket=stack.bucket, Key=key)["ContentType"] for name, key in keys.items()}
    assert types == {
        "json": "application/json",
        "csv": "text/csv; charset=utf-8",
        "html": "text/html; charset=utf-8",
    }
    csv_text = s3.get_object(Bucket=stack.bucket, Key=keys["csv"])["Body"].read().decode("utf-8")
    assert csv_text.splitlines()[0] == "campaign_id,section,platform,name,value,first,last,delta,as_of"


def test_links_are_presigned_for_the_requested_time(api: Api, stack: Stack) -> None:
    admin = stack.secrets["ADMIN_TOKEN"]
    body = published_campaign(api, admin)
    response = api.call("GET", f"/campaigns/{body['campaign_id']}/links?expires_in=3600", admin)
    assert response.status_code == 200
    links = body_of(response)
    for name in ("json", "csv", "html"):
        query = parse_qs(urlparse(links[name]).query)
        assert query["X-Amz-Expires"] == ["3600"]
        assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    expires_at = datetime.fromisoformat(links["expires_at"].replace("Z", "+00:00"))
    assert abs((expires_at - datetime.now(UTC)).total_seconds() - 3600) < 60


def test_links_default_to_a_day(api: Api, stack: Stack) -> None:
    admin = stack.secrets["ADMIN_TOKEN"]
    body = published_campaign(api, admin)
    links = body_of(api.call("GET", f"/campaigns/{body['campaign_id']}/links", admin))
    assert parse_qs(urlparse(links["html"]).query)["X-Amz-Expires"] == ["86400"]


@pytest.mark.parametrize("expires_in", ["59", "604801", "abc", "-5", "3600.5"])
def test_link_lifetimes_outside_a_minute_to_a_week_are_refused(
    api: Api, stack: Stack, expires_in: str
) -> None:
    admin = stack.secrets["ADMIN_TOKEN"]
    body = published_campaign(api, admin)
    response = api.call("GET", f"/campaigns/{body['campaign_id']}/links?expires_in={expires_in}", admin)
    assert response.status_code == 400
    assert "expires_in" in body_of(response)["error"]["fields"]


@pytest.mark.parametrize("expires_in", ["60", "604800"])
def test_link_lifetimes_at_the_bounds_are_accepted(api: Api, stack: Stack, expires_in: str) -> None:
    admin = stack.secrets["ADMIN_TOKEN"]
    body = published_campaign(api, admin)
    assert (
        api.call("GET", f"/campaigns/{body['campaign_id']}/links?expires_in={expires_in}", admin).status_code
        == 200
    )


def test_links_before_a_first_publish_are_404(api: Api, stack: Stack) -> None:
    admin = stack.secrets["ADMIN_TOKEN"]
    body = campaign(unique("label"))
    api.call("POST", "/campaigns", admin, body)
    response = api.call("GET", f"/campaigns/{body['campaign_id']}/links", admin)
    assert response.status_code == 404


def test_the_publish_job_republishes_active_campaigns_only_when_something_changed(
    api: Api, stack: Stack
) -> None:
    # Given an active campaign never published, and an archived one
    admin = stack.secrets["ADMIN_TOKEN"]
    active, archived = campaign(unique("label")), campaign(unique("label"))
    for body in (active, archived):
        api.call("POST", "/campaigns", admin, body)
    api.call("DELETE", f"/campaigns/{archived['campaign_id']}", admin)
    run = lambda: body_of(api.call("POST", "/admin/jobs/publish", admin))  # noqa: E731
    # When the job runs: the never-published campaign is published, the archived one is not
    assert run()["published"] == [active["campaign_id"]]
    # Then a run with nothing new publishes nothing
    assert run()["published"] == []
    # And new engagement on tracked content makes the next run republish it
    send(api.client, Senders(stack.secrets).x(payloads.x_likes(ARTIST, TWEET, AT)))
    consume(stack)
    assert run()["published"] == [active["campaign_id"]]


@pytest.mark.parametrize(
    ("caller", "publish", "links", "job"),
    [
        ("admin", 200, 200, 200),
        ("editor", 200, 200, 403),
        ("viewer", 403, 200, 403),
        ("moderator", 403, 200, 403),
        ("editor_other", 404, 404, 403),
        ("viewer_other", 404, 404, 403),
        ("no_token", 401, 401, 401),
        ("wrong_token", 401, 401, 401),
        ("revoked_token", 401, 401, 401),
    ],
)
def test_who_may_publish_get_links_and_run_jobs(
    api: Api, stack: Stack, caller: str, publish: int, links: int, job: int
) -> None:
    admin = stack.secrets["ADMIN_TOKEN"]
    who = callers(api, admin)
    body = campaign(who.label)
    api.call("POST", "/campaigns", admin, body)
    api.call("POST", f"/campaigns/{body['campaign_id']}/publish", admin)
    token = who.tokens[caller]
    assert api.call("POST", f"/campaigns/{body['campaign_id']}/publish", token).status_code == publish
    assert api.call("GET", f"/campaigns/{body['campaign_id']}/links", token).status_code == links
    assert api.call("POST", "/admin/jobs/publish", token).status_code == job


def test_an_unknown_job_is_404(api: Api, stack: Stack) -> None:
    assert api.call("POST", "/admin/jobs/defragment", stack.secrets["ADMIN_TOKEN"]).status_code == 404


def test_links_are_signed_with_the_link_signing_key_when_the_stage_has_one(api: Api, stack: Stack) -> None:
    # Given a stage with long-term credentials for links (role credentials expire within hours)
    boto3.client("ssm").put_parameter(
        Name="/engagement-tracker/local/LINK_SIGNING_KEY",
        Value="AKIALINKSIGNER0001:signer-secret",
        Type="SecureString",
        Overwrite=True,
    )
    admin = stack.secrets["ADMIN_TOKEN"]
    body = published_campaign(api, admin)
    # When links are asked for a week
    links = body_of(api.call("GET", f"/campaigns/{body['campaign_id']}/links?expires_in=604800", admin))
    # Then they are signed by that key, not by the function's credentials
    credential = parse_qs(urlparse(links["html"]).query)["X-Amz-Credential"][0]
    assert credential.startswith("AKIALINKSIGNER0001/")


def test_counters_come_from_the_first_and_last_snapshot_in_the_window(api: Api, stack: Stack) -> None:
    # Given snapshots of the tracked tweet (two in the window, one before) and a refused Spotify count
    from chalicelib.adapters.snapshot_store import DynamoSnapshotStore
    from chalicelib.pulls.snapshots import Snapshot

    store = DynamoSnapshotStore(boto3.client("dynamodb"), stack.table_name, lambda _s: None)
    artist = "0TnOYISbd1XYRBk9myaseg"
    store.save(
        [
            Snapshot("x", "content", TWEET, "likes", 5, NOW - timedelta(days=3)),
            Snapshot("x", "content", TWEET, "likes", 40, NOW - timedelta(hours=20)),
            Snapshot("x", "content", TWEET, "likes", 75, NOW - timedelta(hours=1)),
            Snapshot(
                "spotify",
                "account",
                artist,
                "followers",
                None,
                NOW - timedelta(hours=1),
                unavailable="Spotify gives no follower counts to apps without extended quota (HTTP 403).",
            ),
        ]
    )
    store.record_pull("x", NOW - timedelta(hours=1), None)
    store.record_pull("spotify", NOW - timedelta(hours=1), "HTTP 403 from Spotify")
    admin = stack.secrets["ADMIN_TOKEN"]
    body = campaign(unique("label"), tracked={"x": {"content": [TWEET]}, "spotify": {"accounts": [artist]}})
    assert api.call("POST", "/campaigns", admin, body).status_code == 201
    # When it is published
    api.call("POST", f"/campaigns/{body['campaign_id']}/publish", admin)
    keys = s3_json(stack, f"summaries/{body['label']}/{body['campaign_id']}/latest.json")["keys"]
    summary = s3_json(stack, keys["json"])
    # Then the counters hold first, last and delta in the window, and the refusal says why
    validate_summary(summary)
    likes = summary["platforms"]["x"]["counters"]["likes"]
    assert (likes["first"], likes["last"], likes["delta"]) == (40, 75, 35)
    followers = summary["platforms"]["spotify"]["counters"]["followers"]
    assert followers["last"] is None
    assert "extended quota" in followers["unavailable"]
    assert summary["platforms"]["spotify"]["freshness"]["last_error"] == "HTTP 403 from Spotify"
    assert summary["platforms"]["x"]["freshness"]["last_pull_at"] is not None
    # And the counters-over-time series holds each day's latest value (nothing before the window)
    (likes_series,) = [
        c for c in summary["series"]["counters"] if (c["platform"], c["metric"]) == ("x", "likes")
    ]
    assert likes_series["points"][-1]["value"] == 75
    assert all(point["value"] in {40, 75} for point in likes_series["points"])


def _rollup_hours(stack: Stack, platform: str, content_id: str) -> list[str]:
    items = boto3.client("dynamodb").query(
        TableName=stack.table_name,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"RU#{platform}#{content_id}"}},
    )["Items"]
    return [item["sk"]["S"] for item in items]


def test_publishing_one_campaign_rolls_up_only_its_own_buckets(api: Api, stack: Stack) -> None:
    # Given likes on the tweet one campaign tracks and on a tweet only another campaign tracks
    admin = stack.secrets["ADMIN_TOKEN"]
    mine = campaign(unique("label"), tracked={"x": {"content": [TWEET]}})
    theirs = campaign(unique("label"), tracked={"x": {"content": [OTHER_TWEET]}})
    for body in (mine, theirs):
        api.call("POST", "/campaigns", admin, body)
    senders = Senders(stack.secrets)
    send(api.client, senders.x(payloads.x_likes(ARTIST, TWEET, AT, count=2)))
    send(api.client, senders.x(payloads.x_likes(ARTIST, OTHER_TWEET, AT, count=3)))
    consume(stack)
    # When the first campaign is published on demand
    published = body_of(api.call("POST", f"/campaigns/{mine['campaign_id']}/publish", admin))
    # Then its summary counts its likes, and the other campaign's bucket waits for the scheduled run
    summary = s3_json(
        stack, f"summaries/{mine['label']}/{mine['campaign_id']}/{published['generated_at']}/summary.json"
    )
    assert summary["platforms"]["x"]["events"]["like"] == 2
    assert _rollup_hours(stack, "x", OTHER_TWEET) == []
    # And the scheduled run rolls it up and publishes the other campaign with its likes
    assert theirs["campaign_id"] in body_of(api.call("POST", "/admin/jobs/publish", admin))["published"]
    assert len(_rollup_hours(stack, "x", OTHER_TWEET)) == 1


def _published_summary(api: Api, stack: Stack, body: dict[str, Any]) -> dict[str, Any]:
    admin = stack.secrets["ADMIN_TOKEN"]
    assert api.call("POST", "/campaigns", admin, body).status_code == 201
    published = api.call("POST", f"/campaigns/{body['campaign_id']}/publish", admin)
    assert published.status_code == 200, published.body
    latest = s3_json(stack, f"summaries/{body['label']}/{body['campaign_id']}/latest.json")
    summary: dict[str, Any] = s3_json(stack, latest["keys"]["json"])
    validate_summary(summary)
    return summary


def test_a_post_s_title_from_its_delivery_names_it_in_top_content(api: Api, stack: Stack) -> None:
    # Given a Page post published with its message, and a reaction to it, delivered and stored
    post = f"{PAGE}_{int(unique('post').rsplit('-', 1)[-1], 16)}"
    published = {
        "item": "status",
        "verb": "add",
        "post_id": post,
        "message": "Tour dates: on sale Friday",
        "created_time": int(AT.timestamp()),
    }
    change = payloads.facebook_reaction(post, AT + timedelta(minutes=1))
    assert (
        send(
            api.client, Senders(stack.secrets).meta(payloads.facebook_feed(PAGE, [published, change]))
        ).status_code
        == 200
    )
    consume(stack)
    # When a campaign tracking the post is published
    summary = _published_summary(
        api, stack, campaign(unique("label"), tracked={"facebook": {"content": [post]}})
    )
    # Then its top content names the post by that message, and links to it
    [top] = summary["top_content"]
    assert (top["content_id"], top["title"]) == (post, "Tour dates: on sale Friday")
    assert top["url"] == f"https://www.facebook.com/{post}"


def test_a_summary_is_in_the_campaign_s_language_else_its_artist_s_else_english(
    api: Api, stack: Stack
) -> None:
    # Given a label with a registered artist (French by default), and three campaigns
    admin = stack.secrets["ADMIN_TOKEN"]
    label, artist_id = unique("label"), unique("artist")
    artist = {"artist_id": artist_id, "label": label, "name": "Indochine", "accounts": {}}
    assert api.call("POST", "/artists", admin, artist).status_code == 201
    of_artist = campaign(label, artist=artist_id)
    in_english = campaign(label, artist=artist_id, language="en")
    free_text = campaign(label, artist="Someone Else")
    # When each is published
    languages = [
        _published_summary(api, stack, body)["language"] for body in (of_artist, in_english, free_text)
    ]
    # Then the artist's language, the campaign's own, and English for an artist not on the roster
    assert languages == ["fr", "en", "en"]


def test_a_new_summary_has_every_section_10_field_even_with_nothing_to_say(api: Api, stack: Stack) -> None:
    summary = _published_summary(api, stack, campaign(unique("label")))
    assert summary["comparison"]["totals"] == {"events": 0, "engagement_units": 0}
    assert summary["comparison"]["change"] == {"events": None, "engagement_units": None}
    assert summary["engagement_rate"]["platforms"] == []
    assert {e["platform"] for e in summary["engagement_rate"]["excluded"]} == {"facebook", "x"}
    assert summary["top_content"] == []
    assert isinstance(summary["attention"], list)
