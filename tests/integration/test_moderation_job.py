"""The `moderation` job (contract section 11, issue 13 point 4): abuse waves per artist (or account) and
platform from the rollups' hourly abusive counts; exactly one `abuse_wave` alert per wave, whatever the
retries, two runs at once, or a crash after publishing; listed by `GET /alerts`."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.client import BaseClient
from chalice.test import Client

from app import app
from chalicelib import wiring
from chalicelib.adapters.rollup_store import DynamoRollupStore
from chalicelib.adapters.wave_store import DynamoWaves
from chalicelib.aws import get_clients
from chalicelib.domain.rollups import StoredEventView, compute_rollup, hour_start
from chalicelib.errors import DependencyFailed
from tests.conftest import unique
from tests.integration.conftest import Stack
from tests.integration.management_client import Api, Callers, artist_body, body_of, callers, unique_digits
from tests.integration.test_radar_api import Topic

NOW = datetime.now(UTC)
LAST = hour_start(NOW - timedelta(minutes=20)) - timedelta(hours=1)  # the last hour the job evaluates


@pytest.fixture
def api(stack: Stack) -> Iterator[Api]:
    with Client(app, stage_name="local") as client:
        yield Api(client)


@pytest.fixture
def who(api: Api, stack: Stack) -> Callers:
    return callers(api, stack.secrets["ADMIN_TOKEN"])


def register_artist(api: Api, who: Callers, account: str) -> str:
    body = artist_body(who.label, accounts={"instagram": [account]})
    response = api.call("POST", "/artists", str(who.tokens["admin"]), body)
    assert response.status_code == 201, response.body
    return str(body["artist_id"])


def abusive_comments(account: str, per_hour: dict[datetime, int]) -> None:
    """Roll up, through the real store, hours of abusive comments on a post of the account."""
    settings = wiring.get_settings()
    store = DynamoRollupStore(get_clients().dynamodb, settings.table_name, lambda _: None)
    post = unique("post")
    rollups = []
    for hour, n in per_hour.items():
        events = [
            StoredEventView(
                f"{post}-{hour:%H}-{i}",
                "instagram",
                "comment",
                False,
                post,
                account,
                hour + timedelta(minutes=i),
                abusive=True,
                categories=("homophobia",),
            )
            for i in range(n)
        ]
        rollups.append(compute_rollup("instagram", post, hour, events))
    store.save(rollups)


@pytest.fixture
def wave(api: Api, who: Callers) -> tuple[str, str]:
    """An artist whose Instagram account got 4 + 4 abusive comments in the last two hours."""
    account = unique_digits()
    artist = register_artist(api, who, account)
    abusive_comments(account, {LAST - timedelta(hours=1): 4, LAST: 4})
    return artist, account


def test_a_wave_raises_one_alert_with_the_contracts_message(
    api: Api, who: Callers, wave: tuple[str, str]
) -> None:
    topic = Topic()
    artist, _ = wave
    # When the job runs twice (a retry, or the next hour's run)
    for _ in range(2):
        assert api.call("POST", "/admin/jobs/moderation", who.tokens["admin"]).status_code == 200
    # Then SNS got one message of the contract's shape
    (message,) = [m for m in topic.messages() if m["label"] == who.label]
    assert set(message) == {
        "type",
        "label",
        "artist_id",
        "platform",
        "started_at",
        "abusive",
        "by_category",
        "report",
    }
    assert (message["type"], message["artist_id"], message["platform"]) == ("abuse_wave", artist, "instagram")
    assert message["abusive"] == 8
    assert message["by_category"] == {"homophobia": 8}
    assert message["started_at"] == LAST.isoformat().replace("+00:00", "Z")
    assert "/moderation/links?label=" in message["report"]
    # And GET /alerts lists it for any role of the label
    listed = body_of(api.call("GET", f"/alerts?label={who.label}", who.tokens["viewer"]))["alerts"]
    assert [(a["type"], a["payload"]["artist_id"]) for a in listed] == [("abuse_wave", artist)]


def test_two_runs_at_once_publish_one_alert(
    api: Api, who: Callers, wave: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    topic = Topic()
    # Given two runs that both read the key's state (no wave yet) before either writes anything
    both_read = threading.Barrier(2, timeout=20)
    one_call_at_a_time = threading.Lock()
    make_call, read_state = BaseClient._make_api_call, DynamoWaves.state

    def call_alone(self: Any, *args: Any, **kwargs: Any) -> Any:
        with one_call_at_a_time:
            return make_call(self, *args, **kwargs)

    def state_then_wait(self: DynamoWaves, label: str, platform: str, subject: str) -> Any:
        state = read_state(self, label, platform, subject)
        if label == who.label:
            both_read.wait()
        return state

    monkeypatch.setattr(BaseClient, "_make_api_call", call_alone)
    monkeypatch.setattr(DynamoWaves, "state", state_then_wait)
    service = wiring.wave_service()
    errors: list[BaseException] = []

    def run() -> None:
        try:
            service.run()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    monkeypatch.undo()
    # Then one message
    assert errors == []
    assert len([m for m in topic.messages() if m["label"] == who.label]) == 1


def test_a_crash_after_publishing_does_not_publish_again(
    api: Api, who: Callers, wave: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    topic = Topic()
    service = wiring.wave_service()

    # Given a run that dies right after SNS took the message, before recording it or the key's state
    def crash(alert: Any, at: Any) -> None:
        raise RuntimeError("the container died")

    monkeypatch.setattr(service._alerts, "published", crash)
    with pytest.raises(RuntimeError):
        service.run()
    monkeypatch.undo()
    # When the job is retried
    service.run()
    # Then one message in all
    assert len([m for m in topic.messages() if m["label"] == who.label]) == 1


def test_a_failed_publish_is_retried_by_the_next_run_once(
    api: Api, who: Callers, wave: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    topic = Topic()
    service = wiring.wave_service()

    def refused() -> Any:
        def publish(message: dict[str, Any]) -> None:
            raise DependencyFailed("SNS refused")

        return publish

    monkeypatch.setattr(service._publisher, "_publish_alert", refused)
    service.run()
    assert [m for m in topic.messages() if m["label"] == who.label] == []
    monkeypatch.undo()
    service.run()
    service.run()
    assert len([m for m in topic.messages() if m["label"] == who.label]) == 1


def test_a_quiet_account_raises_no_wave(api: Api, who: Callers) -> None:
    topic = Topic()
    account = unique_digits()
    register_artist(api, who, account)
    abusive_comments(account, {LAST: 4})  # fewer than 5 in 4 hours
    wiring.wave_service().run()
    assert [m for m in topic.messages() if m["label"] == who.label] == []


def test_the_summary_shows_the_live_wave_in_attention(api: Api, who: Callers, wave: tuple[str, str]) -> None:
    artist, account = wave
    wiring.wave_service().run()
    body = {
        "campaign_id": unique("camp"),
        "name": "Tour",
        "label": who.label,
        "artist": artist,
        "starts_at": (NOW - timedelta(days=2)).isoformat(),
        "ends_at": (NOW + timedelta(days=2)).isoformat(),
        "timezone": "Europe/Paris",
        "tracked": {"instagram": {"accounts": [account]}},
    }
    assert api.call("POST", "/campaigns", who.tokens["admin"], body).status_code == 201
    summary = (
        wiring.publishing_service()
        .build(wiring.campaign_store().get(body["campaign_id"]), [], datetime.now(UTC))
        .model_dump(mode="json")
    )
    assert [w["live"] for w in summary["moderation"]["waves"]] == [True]
    assert summary["attention"][0]["code"] == "abuse_wave"
    assert summary["moderation"]["overall"]["abusive"] == 8
