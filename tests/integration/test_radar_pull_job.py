"""The pull job's daily reading of watched accounts (contract section 13) against moto and loopback
fakes of the platform APIs: the day's reading of each watched platform, a 404 / absent account marking
the platform gone, a spent budget leaving accounts for a later run of the day, once a day, the pull
job's own budget shared, and nothing stored as a campaign figure."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from chalice.test import Client

import app as app_module
from chalicelib import wiring
from chalicelib.pulls.budget import UnitBudget
from infra.local.lambda_runtime import LambdaContext, scheduled_event
from tests.conftest import unique
from tests.fakes.platform_server import PlatformServer, Recorded, Reply
from tests.integration.conftest import Stack
from tests.integration.management_client import Api, body_of
from tests.integration.webhook_client import table_items

# A fixed time of the UTC day (a real clock could cross midnight between two runs of a test).
NOW = datetime.now(UTC).replace(hour=10, minute=0, second=0, microsecond=0)
CHANNEL, OTHER_CHANNEL = "UC" + "r" * 22, "UC" + "s" * 22
USER, DEEZER_ARTIST = "777", "27"
SUBSCRIBERS = {CHANNEL: 5000, OTHER_CHANNEL: 12}


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    moving = Clock()
    monkeypatch.setattr(wiring, "utc_now", moving)
    return moving


@pytest.fixture
def fakes(monkeypatch: pytest.MonkeyPatch) -> Iterator[PlatformServer]:
    """YouTube, X and Deezer answering every id they know, with their public audience."""
    server = PlatformServer().start()
    monkeypatch.setenv("YOUTUBE_API_BASE", f"{server.base_url}/youtube/v3")
    monkeypatch.setenv("X_API_BASE", f"{server.base_url}/2")
    monkeypatch.setenv("DEEZER_API_BASE", server.base_url)

    def channels(request: Recorded) -> Reply:
        asked = [i for i in request.param("id").split(",") if i in SUBSCRIBERS]
        statistics = lambda i: {"subscriberCount": str(SUBSCRIBERS[i]), "viewCount": "9"}  # noqa: E731
        return Reply(200, {}, {"items": [{"id": i, "statistics": statistics(i)} for i in asked]})

    server.handle("/youtube/v3/channels", channels)
    server.handle(
        "/2/users",
        lambda request: Reply(200, {}, {"data": [{"id": USER, "public_metrics": {"followers_count": 321}}]}),
    )
    server.handle(f"/artist/{DEEZER_ARTIST}", lambda request: Reply(200, {}, {"id": 27, "nb_fan": 4_200_000}))
    yield server
    server.stop()


@pytest.fixture
def api(stack: Stack, fakes: PlatformServer, clock: Clock) -> Iterator[Api]:
    ssm = boto3.client("ssm")
    for name, value in {"YOUTUBE_API_KEY": "yt-key", "X_BEARER_TOKEN": "x-token"}.items():
        ssm.put_parameter(
            Name=f"/engagement-tracker/local/{name}", Value=value, Type="SecureString", Overwrite=True
        )
    with Client(app_module.app, stage_name="local") as client:
        yield Api(client)


def watch(api: Api, stack: Stack, **accounts: list[str]) -> dict[str, Any]:
    body = {"radar_id": unique("radar"), "label": unique("label"), "name": "Zaho", "accounts": accounts}
    response = api.call("POST", "/radar/artists", stack.secrets["ADMIN_TOKEN"], body)
    assert response.status_code == 201, response.body
    return body


def pull_job(clock: Clock) -> dict[str, Any]:
    """One scheduled run of the pull function, as Lambda invokes it."""
    report: dict[str, Any] = app_module.pull_job(
        scheduled_event("pull", clock.now), LambdaContext("pull", 300)
    )
    return report


def readings(stack: Stack, watched: dict[str, Any]) -> dict[str, tuple[int, str]]:
    """platform -> (audience, at) of the artist's readings of today."""
    pk = f"RADARREAD#{watched['label']}#{watched['radar_id']}"
    return {
        item["sk"]["S"].split("#")[1]: (int(item["audience"]["N"]), item["at"]["S"])
        for item in table_items(stack.table_name)
        if item["pk"]["S"] == pk and item["sk"]["S"].startswith(NOW.date().isoformat())
    }


def youtube_progress(stack: Stack, progress: dict[str, Any] | None = None) -> dict[str, Any]:
    """The pull job's YouTube progress (budget and ids to resume): written when given, then read."""
    dynamodb, key = boto3.client("dynamodb"), {"pk": {"S": "PULL#youtube"}, "sk": {"S": "PROGRESS"}}
    if progress is not None:
        dynamodb.put_item(TableName=stack.table_name, Item={**key, "progress": {"S": json.dumps(progress)}})
    item = dynamodb.get_item(TableName=stack.table_name, Key=key)["Item"]
    stored: dict[str, Any] = json.loads(item["progress"]["S"])
    return stored


def units_used(used: int) -> dict[str, Any]:
    return {"day": UnitBudget.youtube().day_of(NOW).isoformat(), "used": used}


def test_a_watched_artist_gets_its_days_reading_from_the_pull_job(
    api: Api, stack: Stack, fakes: PlatformServer, clock: Clock
) -> None:
    # Given an artist watched on YouTube, X and Deezer
    watched = watch(api, stack, youtube=[CHANNEL], x=[USER], deezer=[DEEZER_ARTIST])
    # When the pull job runs
    report = pull_job(clock)
    # Then each platform's public audience is the day's reading, one request per platform
    assert {p: audience for p, (audience, _) in readings(stack, watched).items()} == {
        "youtube": 5000,
        "x": 321,
        "deezer": 4_200_000,
    }, report
    assert [r.param("id") for r in fakes.requests_to("/youtube/v3/channels")] == [CHANNEL]
    assert [r.param("ids") for r in fakes.requests_to("/2/users")] == [USER]
    assert len(fakes.requests_to(f"/artist/{DEEZER_ARTIST}")) == 1


def test_an_absent_channel_marks_the_platform_gone_and_keeps_the_artist(
    api: Api, stack: Stack, fakes: PlatformServer, clock: Clock
) -> None:
    # Given an artist watched on a YouTube channel YouTube no longer returns, and on Deezer
    watched = watch(api, stack, youtube=["UC" + "z" * 22], deezer=[DEEZER_ARTIST])
    # When the pull job runs
    pull_job(clock)
    # Then the artist is still watched, YouTube marked gone that day, and Deezer read
    listed = body_of(
        api.call("GET", f"/radar/artists?label={watched['label']}", stack.secrets["ADMIN_TOKEN"])
    )
    (artist,) = listed["artists"]
    assert artist["radar_id"] == watched["radar_id"]
    assert artist["gone"] == {"youtube": NOW.date().isoformat()}
    assert set(readings(stack, watched)) == {"deezer"}


def test_a_spent_budget_leaves_accounts_unread_and_a_later_run_that_day_reads_them(
    api: Api, stack: Stack, fakes: PlatformServer, clock: Clock
) -> None:
    # Given YouTube's units spent down to the reserve by today's campaign pulls
    watched = watch(api, stack, youtube=[CHANNEL], deezer=[DEEZER_ARTIST])
    youtube_progress(stack, {"budget": units_used(9500)})
    first = pull_job(clock)
    assert first["radar"]["left_for_next_run"] == {"youtube": 1}
    assert fakes.requests_to("/youtube/v3/channels") == []
    assert set(readings(stack, watched)) == {"deezer"}
    # When units are available again (YouTube's day turned) and the next hourly run comes
    youtube_progress(stack, {"budget": units_used(0)})
    clock.now = NOW + timedelta(hours=1)
    pull_job(clock)
    # Then the channel is read, and only it: Deezer's artist was read already
    assert readings(stack, watched)["youtube"][0] == 5000
    assert len(fakes.requests_to("/youtube/v3/channels")) == 1
    assert len(fakes.requests_to(f"/artist/{DEEZER_ARTIST}")) == 1


def test_a_second_run_the_same_day_reads_nothing_again(
    api: Api, stack: Stack, fakes: PlatformServer, clock: Clock
) -> None:
    # Given a day whose first run read the watched accounts
    watched = watch(api, stack, youtube=[CHANNEL], x=[USER], deezer=[DEEZER_ARTIST])
    pull_job(clock)
    before, asked = readings(stack, watched), len(fakes.requests)
    # When the pull job runs again later that day
    clock.now = NOW + timedelta(hours=1)
    report = pull_job(clock)
    # Then no platform is asked and the day's readings are the first run's
    assert len(fakes.requests) == asked
    assert readings(stack, watched) == before
    assert report["radar"]["skipped"]


def test_the_reading_spends_the_pull_jobs_units_and_keeps_its_ids_to_resume(
    api: Api, stack: Stack, fakes: PlatformServer, clock: Clock
) -> None:
    # Given the pull job's YouTube progress: units used today and a campaign video left to resume
    watch(api, stack, youtube=[CHANNEL, OTHER_CHANNEL])
    remaining = {"content": ["dQw4w9WgXcQ"], "accounts": []}
    youtube_progress(stack, {"budget": units_used(40), "remaining": remaining})
    # When the pull job runs (no campaign is active)
    pull_job(clock)
    # Then the radar's one channels page is spent from the same budget, the ids to resume untouched
    assert youtube_progress(stack) == {"budget": units_used(41), "remaining": remaining}


def test_nothing_the_radar_reads_lands_in_the_campaign_snapshots(
    api: Api, stack: Stack, fakes: PlatformServer, clock: Clock
) -> None:
    # Given an active campaign tracking one channel, and a watched artist on another
    admin = stack.secrets["ADMIN_TOKEN"]
    api.running_campaign(admin, {"youtube": {"accounts": [OTHER_CHANNEL]}})
    watched = watch(api, stack, youtube=[CHANNEL], deezer=[DEEZER_ARTIST])
    # When the pull job runs
    pull_job(clock)
    # Then the snapshots are the campaign's channel's only; the watched accounts' are radar readings
    snapshots = {
        item["pk"]["S"].rsplit("#", 1)[1]
        for item in table_items(stack.table_name)
        if item["pk"]["S"].startswith(("SNAP#", "SNAPDAY#"))
    }
    assert snapshots == {OTHER_CHANNEL}
    assert set(readings(stack, watched)) == {"youtube", "deezer"}
