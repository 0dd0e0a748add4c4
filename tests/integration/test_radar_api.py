"""Contract section 13 through Chalice's test client against moto: the watchlist routes for every kind
of caller, accounts of the wrong shape, the roster's `already_signed`, one watchlist per label, the
readings backfill (idempotent, the latest reading of a day wins), the radar job's stored scores, its
report links, and the `talent_breakout` alert: once, whatever the retries, two runs at once, or a crash
after publishing."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.client import BaseClient
from chalice.test import Client

from app import app
from chalicelib import wiring
from chalicelib.adapters.radar_store import DynamoRadar
from chalicelib.errors import DependencyFailed
from tests.conftest import unique
from tests.integration.conftest import Stack
from tests.integration.management_client import Api, Callers, artist_body, body_of, callers, unique_digits

NOW = datetime.now(UTC).replace(microsecond=0)
YOUTUBE = "UC" + "a" * 22


@pytest.fixture
def api(stack: Stack) -> Iterator[Api]:
    with Client(app, stage_name="local") as client:
        yield Api(client)


@pytest.fixture
def who(api: Api, stack: Stack) -> Callers:
    return callers(api, stack.secrets["ADMIN_TOKEN"])


def token(who: Callers, caller: str) -> str:
    value = who.tokens[caller]
    assert value is not None
    return value


def watch_body(label: str, radar_id: str | None = None, **accounts: list[str]) -> dict[str, Any]:
    return {
        "radar_id": radar_id or unique("radar"),
        "label": label,
        "name": "Zaho de Sagazan",
        "accounts": accounts or {"deezer": [unique_digits()]},
    }


def watch(api: Api, tok: str, body: dict[str, Any]) -> dict[str, Any]:
    response = api.call("POST", "/radar/artists", tok, body)
    assert response.status_code == 201, response.body
    return body


def daily(
    radar_id: str, platform: str, start: int, growth_per_day: float, days: int = 60
) -> list[dict[str, Any]]:
    """A reading a day for `days` days, ending today, growing by `growth_per_day` (a fraction)."""
    return [
        {
            "radar_id": radar_id,
            "platform": platform,
            "at": (NOW - timedelta(days=days - 1 - n)).isoformat(),
            "audience": round(start * (1 + growth_per_day) ** n),
        }
        for n in range(days)
    ]


class Topic:
    """Subscribes an SQS queue to the alerts topic to read what SNS published."""

    def __init__(self) -> None:
        sns, sqs = boto3.client("sns", region_name="us-east-1"), boto3.client("sqs", region_name="us-east-1")
        topic = next(t["TopicArn"] for t in sns.list_topics()["Topics"] if t["TopicArn"].endswith("-alerts"))
        self.url = sqs.create_queue(QueueName=unique("alerts"))["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=self.url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
        self.sqs = sqs

    def messages(self) -> list[dict[str, Any]]:
        found = []
        while True:
            batch = self.sqs.receive_message(QueueUrl=self.url, MaxNumberOfMessages=10).get("Messages", [])
            if not batch:
                return found
            found += [json.loads(m["Body"]) for m in batch]
            for m in batch:
                self.sqs.delete_message(QueueUrl=self.url, ReceiptHandle=m["ReceiptHandle"])


def breakout_label(api: Api, who: Callers) -> tuple[str, str]:
    """Six artists of the label: five growing about 1 % a day, one multiplying its audience."""
    admin = token(who, "admin")
    readings: list[dict[str, Any]] = []
    for n, rate in enumerate([0.010, 0.011, 0.012, 0.009, 0.0105]):
        radar_id = watch(api, admin, watch_body(who.label))["radar_id"]
        readings += daily(radar_id, "deezer", 1_000 * (n + 1), rate)
    star = watch(api, admin, watch_body(who.label))["radar_id"]
    readings += daily(star, "deezer", 500, 0.08)
    response = api.call("POST", "/radar/readings", admin, {"readings": readings})
    assert response.status_code == 200, response.body
    return admin, star


# The watchlist ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("caller", "status"),
    [
        ("admin", 201),
        ("editor", 201),
        ("editor_other", 403),
        ("viewer", 403),
        ("moderator", 403),
        ("no_token", 401),
        ("wrong_token", 401),
    ],
)
def test_who_may_watch_an_artist(api: Api, who: Callers, caller: str, status: int) -> None:
    response = api.call("POST", "/radar/artists", who.tokens[caller], watch_body(who.label))
    assert response.status_code == status, response.body


@pytest.mark.parametrize(("caller", "status"), [("editor", 200), ("viewer", 403), ("editor_other", 404)])
def test_who_may_read_a_watchlist(api: Api, who: Callers, caller: str, status: int) -> None:
    watch(api, token(who, "admin"), watch_body(who.label))
    assert api.call("GET", f"/radar/artists?label={who.label}", who.tokens[caller]).status_code == status


def test_a_watched_artist_is_listed_for_its_label_only(api: Api, who: Callers) -> None:
    body = watch(api, token(who, "editor"), watch_body(who.label, youtube=[YOUTUBE]))
    mine = body_of(api.call("GET", f"/radar/artists?label={who.label}", token(who, "editor")))["artists"]
    theirs = body_of(api.call("GET", f"/radar/artists?label={who.other_label}", token(who, "editor_other")))
    assert [a["radar_id"] for a in mine] == [body["radar_id"]]
    assert mine[0]["accounts"] == {"youtube": [YOUTUBE]}
    assert mine[0]["score"] is None
    assert theirs["artists"] == []


@pytest.mark.parametrize(
    ("accounts", "path"),
    [
        ({"youtube": ["not-a-channel"]}, "accounts.youtube.0"),
        ({"deezer": ["12a"]}, "accounts.deezer.0"),
        ({"x": ["@handle"]}, "accounts.x.0"),
        ({"spotify": ["short"]}, "accounts.spotify.0"),
        ({"soundcloud": ["soundcloud:tracks:1"]}, "accounts.soundcloud.0"),
        ({"tiktok": ["abc"]}, "accounts.tiktok"),
    ],
)
def test_an_account_of_the_wrong_shape_is_a_400_that_stores_nothing(
    api: Api, who: Callers, accounts: dict[str, list[str]], path: str
) -> None:
    response = api.call("POST", "/radar/artists", token(who, "editor"), watch_body(who.label, **accounts))
    assert response.status_code == 400
    assert path in body_of(response)["error"]["fields"]
    assert (
        body_of(api.call("GET", f"/radar/artists?label={who.label}", token(who, "editor")))["artists"] == []
    )


def test_an_account_on_the_roster_is_a_409_already_signed(api: Api, who: Callers) -> None:
    # given an artist of another label holding an X account
    signed = unique_digits()
    response = api.call(
        "POST", "/artists", token(who, "admin"), artist_body(who.other_label, accounts={"x": [signed]})
    )
    assert response.status_code == 201, response.body
    # when a label puts that account on its radar
    response = api.call("POST", "/radar/artists", token(who, "editor"), watch_body(who.label, x=[signed]))
    # then it is signed: 409, naming the account's path
    assert response.status_code == 409
    error = body_of(response)["error"]
    assert error["code"] == "already_signed"
    assert "accounts.x.0" in error["fields"]


def test_two_labels_may_watch_the_same_accounts(api: Api, who: Callers) -> None:
    deezer = unique_digits()
    watch(api, token(who, "editor"), watch_body(who.label, deezer=[deezer]))
    watch(api, token(who, "editor_other"), watch_body(who.other_label, deezer=[deezer]))


def test_a_radar_id_is_taken_once(api: Api, who: Callers) -> None:
    body = watch(api, token(who, "editor"), watch_body(who.label))
    again = api.call("POST", "/radar/artists", token(who, "editor_other"), {**body, "label": who.other_label})
    assert again.status_code == 409


def test_unwatching_removes_the_artist_and_is_a_404_outside_the_label(api: Api, who: Callers) -> None:
    body = watch(api, token(who, "editor"), watch_body(who.label))
    path = f"/radar/artists/{body['radar_id']}"
    assert api.call("DELETE", path, token(who, "editor_other")).status_code == 404
    assert api.call("DELETE", path, token(who, "viewer")).status_code == 403
    assert api.call("DELETE", path, token(who, "editor")).status_code == 204
    assert api.call("DELETE", path, token(who, "editor")).status_code == 404


# Readings --------------------------------------------------------------------------------------


def _stored_readings(stack: Stack, label: str, radar_id: str) -> list[dict[str, Any]]:
    dynamodb = boto3.client("dynamodb", region_name="us-east-1")
    return dynamodb.query(
        TableName=stack.table_name,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"RADARREAD#{label}#{radar_id}"}},
    )["Items"]


def test_sending_readings_again_changes_nothing(api: Api, who: Callers, stack: Stack) -> None:
    radar_id = watch(api, token(who, "editor"), watch_body(who.label))["radar_id"]
    readings = daily(radar_id, "deezer", 100, 0.01, days=5)
    first = body_of(api.call("POST", "/radar/readings", token(who, "editor"), {"readings": readings}))
    again = body_of(api.call("POST", "/radar/readings", token(who, "editor"), {"readings": readings}))
    assert first == {"received": 5, "stored": 5, "unchanged": 0}
    assert again == {"received": 5, "stored": 0, "unchanged": 5}
    assert len(_stored_readings(stack, who.label, radar_id)) == 5


def test_the_latest_reading_of_a_day_wins_whatever_the_order(api: Api, who: Callers, stack: Stack) -> None:
    radar_id = watch(api, token(who, "editor"), watch_body(who.label))["radar_id"]
    yesterday = NOW - timedelta(days=1)
    morning, evening = yesterday.replace(hour=8, minute=0), yesterday.replace(hour=20, minute=0)
    late = {"radar_id": radar_id, "platform": "deezer", "at": evening.isoformat(), "audience": 200}
    early = {**late, "at": morning.isoformat(), "audience": 100}
    api.call("POST", "/radar/readings", token(who, "editor"), {"readings": [late]})
    api.call("POST", "/radar/readings", token(who, "editor"), {"readings": [early]})
    (item,) = _stored_readings(stack, who.label, radar_id)
    assert item["audience"]["N"] == "200"


def test_readings_of_another_labels_artist_are_a_400_that_stores_nothing(
    api: Api, who: Callers, stack: Stack
) -> None:
    theirs = watch(api, token(who, "editor_other"), watch_body(who.other_label))["radar_id"]
    mine = watch(api, token(who, "editor"), watch_body(who.label))["radar_id"]
    body = {"readings": daily(mine, "deezer", 10, 0, days=2) + daily(theirs, "deezer", 10, 0, days=1)}
    response = api.call("POST", "/radar/readings", token(who, "editor"), body)
    assert response.status_code == 400
    assert "readings.2.radar_id" in body_of(response)["error"]["fields"]
    assert _stored_readings(stack, who.label, mine) == []


def test_more_than_10000_readings_is_a_400(api: Api, who: Callers) -> None:
    reading = {"radar_id": "x", "platform": "deezer", "at": NOW.isoformat(), "audience": 1}
    response = api.call("POST", "/radar/readings", token(who, "admin"), {"readings": [reading] * 10_001})
    assert response.status_code in {400, 413}


# The job, its scores, links and alerts -------------------------------------------------------------


def test_the_radar_job_stores_each_artists_score(api: Api, who: Callers) -> None:
    admin, star = breakout_label(api, who)
    report = body_of(api.call("POST", "/admin/jobs/radar", admin))
    assert report["scored"] >= 6
    artists = body_of(api.call("GET", f"/radar/artists?label={who.label}", admin))["artists"]
    score = next(a["score"] for a in artists if a["radar_id"] == star)
    assert score["band"] == "explosive"
    assert score["z"] >= 3
    assert set(score) == {"day", "audience", "size", "growth", "z", "band"}


def test_radar_links_are_presigned_after_the_job(api: Api, who: Callers) -> None:
    admin, _ = breakout_label(api, who)
    assert api.call("GET", f"/radar/links?label={who.label}", admin).status_code == 404
    api.call("POST", "/admin/jobs/radar", admin)
    links = body_of(api.call("GET", f"/radar/links?label={who.label}&expires_in=600", admin))
    assert "radar.html" in links["html"]
    assert "radar.csv" in links["csv"]
    s3 = boto3.client("s3", region_name="us-east-1")
    page = s3.get_object(Bucket=api_bucket(), Key=f"radar/{who.label}/radar.html")["Body"].read().decode()
    assert "<svg" in page
    assert "explosive" in page


def api_bucket() -> str:
    return wiring.get_settings().summary_bucket


def test_a_breakout_raises_one_alert_never_repeated_while_explosive(api: Api, who: Callers) -> None:
    topic = Topic()
    admin, star = breakout_label(api, who)
    api.call("POST", "/admin/jobs/radar", admin)
    api.call("POST", "/admin/jobs/radar", admin)  # a retry, or the next day's run while still explosive
    messages = topic.messages()
    assert [(m["type"], m["label"], m["radar_id"]) for m in messages] == [
        ("talent_breakout", who.label, star)
    ]
    listed = body_of(api.call("GET", f"/alerts?label={who.label}", token(who, "viewer")))["alerts"]
    assert [(a["type"], a["payload"]["radar_id"]) for a in listed] == [("talent_breakout", star)]
    assert listed[0]["published_at"] is not None


def test_two_runs_at_once_publish_one_alert(api: Api, who: Callers, monkeypatch: pytest.MonkeyPatch) -> None:
    topic = Topic()
    _admin, _ = breakout_label(api, who)
    # Given two runs that both read the watchlist (no band stored yet) before either writes; each AWS
    # call alone, as DynamoDB serialises a transaction (moto's in-process calls are not thread-safe)
    both_read = threading.Barrier(2, timeout=20)
    one_call_at_a_time = threading.Lock()
    make_call, list_label = BaseClient._make_api_call, DynamoRadar.list_label

    def call_alone(self: Any, *args: Any, **kwargs: Any) -> Any:
        with one_call_at_a_time:
            return make_call(self, *args, **kwargs)

    def list_then_wait(self: DynamoRadar, label: str) -> Any:
        listed = list_label(self, label)
        if label == who.label:
            both_read.wait()
        return listed

    monkeypatch.setattr(BaseClient, "_make_api_call", call_alone)
    monkeypatch.setattr(DynamoRadar, "list_label", list_then_wait)
    service = wiring.radar_service()
    errors: list[BaseException] = []

    def run() -> None:
        try:
            service.run()
        except BaseException as error:
            errors.append(error)

    # When both run at once
    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Then one message
    monkeypatch.undo()
    assert errors == []
    assert len(topic.messages()) == 1


def test_a_crash_after_publishing_does_not_publish_again(
    api: Api, who: Callers, monkeypatch: pytest.MonkeyPatch
) -> None:
    topic = Topic()
    _admin, _ = breakout_label(api, who)
    service = wiring.radar_service()

    # given a run that dies right after SNS took the message (before recording it)
    def crash(alert: Any, at: Any) -> None:
        raise RuntimeError("the container died")

    monkeypatch.setattr(service._alerts, "published", crash)
    with pytest.raises(RuntimeError):
        service.run()
    monkeypatch.undo()
    # when the job is retried
    service.run()
    # then one message in all
    assert len(topic.messages()) == 1


def test_a_failed_publish_is_retried_by_the_next_run_once(
    api: Api, who: Callers, monkeypatch: pytest.MonkeyPatch
) -> None:
    topic = Topic()
    _admin, star = breakout_label(api, who)
    service = wiring.radar_service()

    def refused() -> Any:
        def publish(message: dict[str, Any]) -> None:
            raise DependencyFailed("SNS refused")

        return publish

    monkeypatch.setattr(service._publisher, "_publish_alert", refused)
    service.run()
    assert topic.messages() == []
    monkeypatch.undo()
    service.run()
    service.run()
    assert [m["radar_id"] for m in topic.messages()] == [star]


def test_alerts_since_and_roles(api: Api, who: Callers) -> None:
    admin, _ = breakout_label(api, who)
    api.call("POST", "/admin/jobs/radar", admin)
    later = (datetime.now(UTC) + timedelta(minutes=1)).isoformat().replace("+00:00", "Z")
    assert body_of(api.call("GET", f"/alerts?label={who.label}&since={later}", admin))["alerts"] == []
    assert api.call("GET", f"/alerts?label={who.label}", token(who, "moderator")).status_code == 200
    assert api.call("GET", f"/alerts?label={who.label}", token(who, "viewer_other")).status_code == 404
    assert api.call("GET", f"/alerts?label={who.label}&since=yesterday", admin).status_code == 400
