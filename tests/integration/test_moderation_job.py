"""The `moderation` job (contract section 11, issue 13 point 4): abuse waves per artist (or account) and
platform from the rollups' hourly abusive counts; exactly one `abuse_wave` alert per wave, whatever the
retries, two runs at once, or a crash after publishing; listed by `GET /alerts`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib import wiring
from chalicelib.adapters.rollup_store import DynamoRollupStore
from chalicelib.adapters.wave_store import DynamoWaves
from chalicelib.aws import get_clients
from chalicelib.domain.rollups import StoredEventView, compute_rollup, hour_start
from tests.conftest import unique
from tests.integration.alert_runs import (
    FailedRun,
    crash_right_after_publishing,
    run_twice_at_once,
    run_with_sns_refusing,
)
from tests.integration.management_client import Api, Callers, artist_body, body_of, unique_digits
from tests.integration.test_radar_api import Topic

NOW = datetime.now(UTC)
LAST = hour_start(NOW - timedelta(minutes=20)) - timedelta(hours=1)  # the last hour the job evaluates


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
    # When both run at once
    errors = run_twice_at_once(monkeypatch, DynamoWaves, "state", who.label, wiring.wave_service)
    # Then one message
    assert errors == []
    assert len([m for m in topic.messages() if m["label"] == who.label]) == 1


@pytest.mark.parametrize(
    ("failure", "sent_by_the_failed_run"),
    [(crash_right_after_publishing, 1), (run_with_sns_refusing, 0)],
    ids=["a-crash-after-publishing", "a-refused-publish"],
)
def test_a_run_that_failed_to_publish_or_record_leaves_one_message_once_retried(
    api: Api,
    who: Callers,
    wave: tuple[str, str],
    monkeypatch: pytest.MonkeyPatch,
    failure: FailedRun,
    sent_by_the_failed_run: int,
) -> None:
    topic = Topic()
    service = wiring.wave_service()
    # Given a run that died right after SNS took the message, before recording it or the key's state,
    # or whose publish SNS refused
    failure(monkeypatch, service)
    sent = [m for m in topic.messages() if m["label"] == who.label]  # read once: reading takes them away
    assert len(sent) == sent_by_the_failed_run
    # When the job is retried, twice
    service.run()
    service.run()
    # Then one message in all
    assert len(sent + [m for m in topic.messages() if m["label"] == who.label]) == 1


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
