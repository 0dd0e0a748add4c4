"""The pull job against loopback fakes of the platform APIs: snapshots stored, freshness recorded,
one platform's failure leaving the others alone, and the counters in the next summary."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from tests.conftest import unique
from tests.fakes.platform_server import PlatformServer, Reply
from tests.integration.conftest import Stack, put_secrets
from tests.integration.management_client import Api, body_of
from tests.integration.webhook_client import table_items
from tests.summary_schema import validate_summary

NOW = datetime.now(UTC)
VIDEO, CHANNEL = "dQw4w9WgXcQ", "UCaaaaaaaaaaaaaaaaaaaaaa"
TWEET, USER = "1790000000000000001", "1234"


# The platforms' fakes listen before the app first reads its settings.
pytestmark = pytest.mark.usefixtures("fakes")


def youtube_answers(server: PlatformServer) -> None:
    server.reply(
        "/youtube/v3/videos",
        Reply(
            200,
            {},
            {
                "items": [
                    {"id": VIDEO, "statistics": {"viewCount": "1200", "likeCount": "80", "commentCount": "7"}}
                ]
            },
        ),
    )
    server.reply(
        "/youtube/v3/channels",
        Reply(
            200,
            {},
            {
                "items": [
                    {
                        "id": CHANNEL,
                        "statistics": {
                            "subscriberCount": "5000",
                            "viewCount": "990000",
                            "hiddenSubscriberCount": False,
                        },
                    }
                ]
            },
        ),
    )


def x_answers(server: PlatformServer, likes: int = 40) -> None:
    metrics = {
        "like_count": likes,
        "retweet_count": 3,
        "reply_count": 5,
        "quote_count": 1,
        "impression_count": 900,
        "bookmark_count": 2,
    }
    server.reply("/2/tweets", Reply(200, {}, {"data": [{"id": TWEET, "public_metrics": metrics}]}))
    server.reply(
        "/2/users", Reply(200, {}, {"data": [{"id": USER, "public_metrics": {"followers_count": 321}}]})
    )


def active_campaign(api: Api, admin: str) -> dict[str, Any]:
    tracked = {
        "youtube": {"accounts": [CHANNEL], "content": [VIDEO]},
        "x": {"accounts": [USER], "content": [TWEET]},
    }
    return api.running_campaign(admin, tracked)


def snapshots(stack: Stack) -> dict[tuple[str, str], float]:
    found = {}
    for item in table_items(stack.table_name):
        if item["pk"]["S"].startswith("SNAP#") and "value" in item:
            found[(item["pk"]["S"], item["sk"]["S"].split("#")[0])] = float(item["value"]["N"])
    return found


def pull_state(stack: Stack, platform: str) -> dict[str, Any]:
    return next(
        i
        for i in table_items(stack.table_name)
        if i["pk"]["S"] == f"PULL#{platform}" and i["sk"]["S"] == "STATE"
    )


def latest_summary(stack: Stack, campaign: dict[str, Any]) -> Any:
    s3 = boto3.client("s3")
    prefix = f"summaries/{campaign['label']}/{campaign['campaign_id']}/"
    latest = json.loads(s3.get_object(Bucket=stack.bucket, Key=f"{prefix}latest.json")["Body"].read())
    return json.loads(s3.get_object(Bucket=stack.bucket, Key=latest["keys"]["json"])["Body"].read())


def test_the_pull_job_stores_snapshots_of_everything_active_campaigns_track(
    api: Api, stack: Stack, fakes: PlatformServer
) -> None:
    # Given an active campaign, credentials and platforms answering
    admin = stack.secrets["ADMIN_TOKEN"]
    put_secrets(YOUTUBE_API_KEY="yt-key", X_BEARER_TOKEN="x-token")
    youtube_answers(fakes)
    x_answers(fakes)
    active_campaign(api, admin)
    # When the pull job runs
    response = api.call("POST", "/admin/jobs/pull", admin)
    # Then every counter of the contract's table is stored, one request per batch
    assert response.status_code == 200, response.body
    stored = snapshots(stack)
    assert stored, response.body
    assert stored[(f"SNAP#youtube#content#{VIDEO}", "views")] == 1200
    assert stored[(f"SNAP#youtube#account#{CHANNEL}", "followers")] == 5000
    assert stored[(f"SNAP#x#content#{TWEET}", "reposts")] == 3
    assert stored[(f"SNAP#x#account#{USER}", "followers")] == 321
    assert len(fakes.requests_to("/youtube/v3/videos")) == 1
    assert len(fakes.requests_to("/2/tweets")) == 1
    assert "last_error" not in pull_state(stack, "youtube")


def test_one_platform_failing_does_not_stop_the_others(api: Api, stack: Stack, fakes: PlatformServer) -> None:
    # Given X refusing the bearer token while YouTube answers
    admin = stack.secrets["ADMIN_TOKEN"]
    put_secrets(YOUTUBE_API_KEY="yt-key", X_BEARER_TOKEN="expired")
    youtube_answers(fakes)
    fakes.reply("/2/tweets", Reply(401, {}, {"title": "Unauthorized"}))
    fakes.reply("/2/users", Reply(401, {}, {"title": "Unauthorized"}))
    active_campaign(api, admin)
    # When the pull job runs
    report = body_of(api.call("POST", "/admin/jobs/pull", admin))
    # Then YouTube's counters are stored and X's failure is recorded as its freshness
    assert report["platforms"]["youtube"]["snapshots"] == 5
    assert report["platforms"]["x"]["error"]
    assert pull_state(stack, "x")["last_error"]["S"]
    assert (f"SNAP#youtube#content#{VIDEO}", "views") in snapshots(stack)


def test_a_platform_without_credentials_says_so_in_its_freshness(
    api: Api, stack: Stack, fakes: PlatformServer
) -> None:
    # Given YouTube's key but no X bearer token
    admin = stack.secrets["ADMIN_TOKEN"]
    put_secrets(YOUTUBE_API_KEY="yt-key")
    youtube_answers(fakes)
    body = active_campaign(api, admin)
    # When the pull job runs and the campaign is published
    api.call("POST", "/admin/jobs/pull", admin)
    api.call("POST", f"/campaigns/{body['campaign_id']}/publish", admin)
    # Then X's freshness names the missing variable, and no pull reached X; YouTube's counters show
    summary = latest_summary(stack, body)
    validate_summary(summary)
    assert (
        summary["platforms"]["x"]["freshness"]["last_error"] == "no credentials configured (X_BEARER_TOKEN)"
    )
    assert summary["platforms"]["x"]["freshness"]["last_pull_at"] is None
    assert fakes.requests_to("/2/tweets") == []
    assert summary["platforms"]["youtube"]["counters"]["views"]["last"] == 1200


def test_only_admins_run_the_pull_job(api: Api, stack: Stack) -> None:
    admin = stack.secrets["ADMIN_TOKEN"]
    _, editor = api.create_token(admin, "editor", [unique("label")])
    assert api.call("POST", "/admin/jobs/pull", editor).status_code == 403


def test_spotify_without_extended_quota_is_unavailable_and_deezer_needs_no_credentials(
    api: Api, stack: Stack, fakes: PlatformServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given Spotify client credentials for an app without extended quota, and Deezer's public API
    monkeypatch.setenv("SPOTIFY_API_BASE", f"{fakes.base_url}/v1")
    monkeypatch.setenv("SPOTIFY_AUTH_BASE", fakes.base_url)
    monkeypatch.setenv("DEEZER_API_BASE", fakes.base_url)
    put_secrets(SPOTIFY_CLIENT_ID="spotify-app", SPOTIFY_CLIENT_SECRET="spotify-secret")
    artist, deezer_artist = "0TnOYISbd1XYRBk9myaseg", "27"
    fakes.reply(
        "/api/token", Reply(200, {}, {"access_token": "t", "token_type": "Bearer", "expires_in": 3600})
    )
    fakes.reply("/v1/artists", Reply(403, {}, {"error": {"status": 403, "message": "Forbidden"}}))
    fakes.reply(
        f"/artist/{deezer_artist}", Reply(200, {}, {"id": 27, "name": "Daft Punk", "nb_fan": 4200000})
    )
    admin = stack.secrets["ADMIN_TOKEN"]
    api.running_campaign(admin, {"spotify": {"accounts": [artist]}, "deezer": {"accounts": [deezer_artist]}})
    # When the pull job runs
    assert api.call("POST", "/admin/jobs/pull", admin).status_code == 200
    # Then Deezer's fans are stored and Spotify's followers are unavailable with the reason
    items = {
        (i["pk"]["S"], i["sk"]["S"].split("#")[0]): i
        for i in table_items(stack.table_name)
        if i["pk"]["S"].startswith("SNAP#")
    }
    assert float(items[(f"SNAP#deezer#account#{deezer_artist}", "fans")]["value"]["N"]) == 4200000
    assert "extended quota" in items[(f"SNAP#spotify#account#{artist}", "followers")]["unavailable"]["S"]


def test_a_websub_push_for_a_new_upload_gets_its_counters_pulled(
    api: Api, stack: Stack, fakes: PlatformServer
) -> None:
    from infra.local import senders as payloads
    from infra.local.senders import Senders
    from tests.integration.test_ingest_consumer import consume
    from tests.integration.webhook_client import send, subscribe_live

    # Given a campaign tracking a channel, subscribed, and the hub announcing a new upload on it
    admin = stack.secrets["ADMIN_TOKEN"]
    put_secrets(YOUTUBE_API_KEY="yt-key")
    active_campaign(api, admin)
    subscribe_live(api.client, stack.table_name, CHANNEL)
    new_video = "NEWupload01"
    body = payloads.youtube_entry(CHANNEL, new_video, NOW, NOW)
    assert send(api.client, Senders(stack.secrets).youtube(body, CHANNEL)).status_code == 200
    consume(stack)
    fakes.handle(
        "/youtube/v3/videos",
        lambda request: Reply(
            200,
            {},
            {
                "items": [
                    {"id": i, "statistics": {"viewCount": "10", "likeCount": "2", "commentCount": "0"}}
                    for i in request.param("id").split(",")
                ]
            },
        ),
    )
    fakes.reply("/youtube/v3/channels", Reply(200, {}, {"items": []}))
    # When the pull job runs
    api.call("POST", "/admin/jobs/pull", admin)
    # Then the new video's counters were read and stored
    asked = [r.param("id") for r in fakes.requests_to("/youtube/v3/videos")]
    assert any(new_video in ids.split(",") for ids in asked)
    assert (f"SNAP#youtube#content#{new_video}", "views") in snapshots(stack)


def x_likes_going_from_40_to_55(api: Api, stack: Stack, fakes: PlatformServer) -> tuple[str, dict[str, Any]]:
    """An active campaign tracking X, whose fake answers 40 likes to the first pull, 55 to the next."""
    admin = stack.secrets["ADMIN_TOKEN"]
    put_secrets(X_BEARER_TOKEN="x-token")
    x_answers(fakes, likes=40)
    x_answers(fakes, likes=55)
    return admin, active_campaign(api, admin)


def test_each_pull_is_its_own_reading_in_the_next_summary(
    api: Api, stack: Stack, fakes: PlatformServer
) -> None:
    # Given two pulls a moment apart (the same minute, most likely), X's likes going from 40 to 55
    admin, body = x_likes_going_from_40_to_55(api, stack, fakes)
    pull = lambda: body_of(api.call("POST", "/admin/jobs/pull", admin))  # noqa: E731
    pull()
    second = datetime.fromisoformat(pull()["pulled_at"])
    # When the campaign is published
    api.call("POST", f"/campaigns/{body['campaign_id']}/publish", admin)
    # Then its likes go from the first pull's reading to the second's, as of the second pull's time
    likes = latest_summary(stack, body)["platforms"]["x"]["counters"]["likes"]
    assert (likes["first"], likes["last"], likes["delta"]) == (40, 55, 15)
    assert datetime.fromisoformat(likes["as_of"]) == second


def test_new_snapshots_make_the_publish_job_republish_with_the_new_counters(
    api: Api, stack: Stack, fakes: PlatformServer
) -> None:
    # Given an active campaign pulled and published, and a publish run with nothing new since
    admin, body = x_likes_going_from_40_to_55(api, stack, fakes)
    publish = lambda: body_of(api.call("POST", "/admin/jobs/publish", admin))["published"]  # noqa: E731
    api.call("POST", "/admin/jobs/pull", admin)
    assert publish() == [body["campaign_id"]]
    # (a run stamped in the second of the pull cannot tell whether it read first: once the clock
    # has moved past that second, at most one more run republishes, then runs settle)
    time.sleep(1.05 - datetime.now(UTC).microsecond / 1_000_000)
    publish()
    assert publish() == []
    # When X's counters are pulled again (no new event) and the publish job runs
    api.call("POST", "/admin/jobs/pull", admin)
    published = publish()
    # Then the campaign is republished, and its latest summary holds the new figures
    assert published == [body["campaign_id"]]
    likes = latest_summary(stack, body)["platforms"]["x"]["counters"]["likes"]
    assert (likes["first"], likes["last"]) == (40, 55)


DEEZER_ARTIST, OTHER_DEEZER_ARTIST = "27", "28"
SPOTIFY_ARTIST = "0TnOYISbd1XYRBk9myaseg"


@pytest.fixture
def streaming(fakes: PlatformServer, monkeypatch: pytest.MonkeyPatch) -> PlatformServer:
    """Deezer's and Spotify's APIs on the fake server."""
    monkeypatch.setenv("SPOTIFY_API_BASE", f"{fakes.base_url}/v1")
    monkeypatch.setenv("SPOTIFY_AUTH_BASE", fakes.base_url)
    monkeypatch.setenv("DEEZER_API_BASE", fakes.base_url)
    return fakes


def pull_and_publish(api: Api, admin: str, *campaigns: dict[str, Any]) -> None:
    assert api.call("POST", "/admin/jobs/pull", admin).status_code == 200
    for body in campaigns:
        assert api.call("POST", f"/campaigns/{body['campaign_id']}/publish", admin).status_code == 200


def deezer_fans(fans: int = 4_200_000) -> Reply:
    return Reply(200, {}, {"id": 27, "name": "Daft Punk", "nb_fan": fans})


DEEZER_ERROR = Reply(
    200, {}, {"error": {"type": "ParameterException", "message": "Wrong parameter", "code": 500}}
)


def test_deezers_error_inside_an_http_200_is_the_last_error(
    api: Api, stack: Stack, streaming: PlatformServer
) -> None:
    # Given Deezer answering an error object with HTTP 200 for the tracked artist
    streaming.reply(f"/artist/{DEEZER_ARTIST}", DEEZER_ERROR)
    admin = stack.secrets["ADMIN_TOKEN"]
    body = api.running_campaign(admin, {"deezer": {"accounts": [DEEZER_ARTIST]}})
    # When the pull job runs and the campaign is published
    pull_and_publish(api, admin, body)
    # Then Deezer's freshness names its own error, and the pull did reach Deezer
    freshness = latest_summary(stack, body)["platforms"]["deezer"]["freshness"]
    assert freshness["last_error"] == (
        "Deezer answered HTTP 200 with its own error 500 (ParameterException: Wrong parameter)"
        f" to GET /artist/{DEEZER_ARTIST}."
    )
    assert freshness["last_pull_at"] is not None


def test_a_later_good_reading_clears_the_last_error(
    api: Api, stack: Stack, streaming: PlatformServer
) -> None:
    # Given a pull that met Deezer's error on this campaign's artist
    streaming.reply(f"/artist/{DEEZER_ARTIST}", DEEZER_ERROR, deezer_fans())
    streaming.handle(f"/artist/{OTHER_DEEZER_ARTIST}", lambda request: DEEZER_ERROR)
    admin = stack.secrets["ADMIN_TOKEN"]
    body = api.running_campaign(admin, {"deezer": {"accounts": [DEEZER_ARTIST]}})
    other = api.running_campaign(admin, {"deezer": {"accounts": [OTHER_DEEZER_ARTIST]}})
    pull_and_publish(api, admin, body)
    assert latest_summary(stack, body)["platforms"]["deezer"]["freshness"]["last_error"]
    # When the next pull reads that artist well (and fails again, on the other campaign's artist)
    time.sleep(1.05 - datetime.now(UTC).microsecond / 1_000_000)  # a run of its own (new generated_at)
    pull_and_publish(api, admin, body, other)
    # Then this campaign's error is gone and its fans show; the other campaign keeps its error
    deezer = latest_summary(stack, body)["platforms"]["deezer"]
    assert deezer["freshness"]["last_error"] is None
    assert deezer["counters"]["fans"]["last"] == 4_200_000
    assert latest_summary(stack, other)["platforms"]["deezer"]["freshness"]["last_error"]


def test_spotifys_403_is_a_refusal_beside_all_null_unavailable_counters(
    api: Api, stack: Stack, streaming: PlatformServer
) -> None:
    # Given a Spotify app without extended quota (403), as in the demo
    put_secrets(SPOTIFY_CLIENT_ID="spotify-app", SPOTIFY_CLIENT_SECRET="spotify-secret")
    streaming.reply("/api/token", Reply(200, {}, {"access_token": "t", "expires_in": 3600}))
    streaming.handle("/v1/artists", lambda request: Reply(403, {}, {"error": {"status": 403}}))
    admin = stack.secrets["ADMIN_TOKEN"]
    body = api.running_campaign(admin, {"spotify": {"accounts": [SPOTIFY_ARTIST]}})
    # When the pull job runs and the campaign is published
    pull_and_publish(api, admin, body)
    # Then the refusal is Spotify's last error, and its counters are null, as_of included
    summary = latest_summary(stack, body)
    validate_summary(summary)
    spotify = summary["platforms"]["spotify"]
    assert spotify["freshness"]["last_error"] == (
        "Spotify refused the request: it answered HTTP 403 (Forbidden) to GET /v1/artists."
        " Apps without extended quota get no follower counts or popularity from Spotify."
    )
    followers = spotify["counters"]["followers"]
    assert (followers["first"], followers["last"], followers["delta"], followers["as_of"]) == (
        None,
        None,
        None,
        None,
    )
    assert "extended quota" in followers["unavailable"]


def test_client_credentials_half_configured_name_the_missing_variable(
    api: Api, stack: Stack, streaming: PlatformServer
) -> None:
    # Given a Spotify client id without its secret
    put_secrets(SPOTIFY_CLIENT_ID="spotify-app")
    admin = stack.secrets["ADMIN_TOKEN"]
    body = api.running_campaign(admin, {"spotify": {"accounts": [SPOTIFY_ARTIST]}})
    # When the pull job runs and the campaign is published
    pull_and_publish(api, admin, body)
    # Then Spotify was not asked, and its freshness names the secret that is missing
    freshness = latest_summary(stack, body)["platforms"]["spotify"]["freshness"]
    assert freshness == {
        "last_event_at": None,
        "last_pull_at": None,
        "last_error": "no credentials configured (SPOTIFY_CLIENT_SECRET)",
    }
    assert streaming.requests_to("/api/token") == []


def test_a_failure_on_other_campaigns_ids_is_not_this_campaigns_news(
    api: Api, stack: Stack, streaming: PlatformServer
) -> None:
    # Given two campaigns on Deezer: the first artist is read, then Deezer fails on the second's
    streaming.reply(f"/artist/{DEEZER_ARTIST}", deezer_fans())
    streaming.reply(f"/artist/{OTHER_DEEZER_ARTIST}", DEEZER_ERROR)
    admin = stack.secrets["ADMIN_TOKEN"]
    read = api.running_campaign(admin, {"deezer": {"accounts": [DEEZER_ARTIST]}})
    failed = api.running_campaign(admin, {"deezer": {"accounts": [OTHER_DEEZER_ARTIST]}})
    # When the pull job runs and both are published
    pull_and_publish(api, admin, read, failed)
    # Then only the campaign whose artist was not read shows the failure
    assert latest_summary(stack, read)["platforms"]["deezer"]["freshness"]["last_error"] is None
    assert "own error 500" in latest_summary(stack, failed)["platforms"]["deezer"]["freshness"]["last_error"]
