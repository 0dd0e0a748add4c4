"""The snapshot store on moto: every pull is its own reading, a rewrite converges, and the write time
the publish job compares survives a pull that stored nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import boto3
import pytest

from chalicelib.adapters.snapshot_store import DynamoSnapshotStore
from chalicelib.pulls.snapshots import Snapshot
from tests.conftest import unique
from tests.integration.conftest import Stack
from tests.integration.webhook_client import table_items

TWEET = "1790000000000000001"
START = datetime(2026, 11, 26, 9, tzinfo=UTC)
END = START + timedelta(hours=1)


@pytest.fixture
def store(stack: Stack) -> DynamoSnapshotStore:
    return DynamoSnapshotStore(boto3.client("dynamodb"), stack.table_name, lambda _s: None)


def likes(value: float, at: datetime) -> Snapshot:
    return Snapshot("x", "content", TWEET, "likes", value, at)


def test_two_pulls_in_one_minute_are_the_first_and_the_last_reading(store: DynamoSnapshotStore) -> None:
    # Given two pulls 40 seconds apart in the same minute
    first_at = datetime(2026, 11, 26, 9, 29, 0, 880_000, tzinfo=UTC)
    last_at = datetime(2026, 11, 26, 9, 29, 40, 120_000, tzinfo=UTC)
    store.save([likes(40, first_at)])
    store.save([likes(55, last_at)])
    # When the window's first and last readings are read
    edges = store.first_and_last("x", "content", TWEET, "likes", start=START, end=END)
    # Then they are both pulls, each with its own time
    assert edges is not None
    first, last = edges
    assert (first.value, first.at) == (40, first_at)
    assert (last.value, last.at) == (55, last_at)


def test_a_reading_just_before_the_window_s_end_is_in_it(store: DynamoSnapshotStore) -> None:
    at = END - timedelta(microseconds=1)
    store.save([likes(40, at)])
    edges = store.first_and_last("x", "content", TWEET, "likes", start=START, end=END)
    assert edges is not None
    assert edges[1].at == at
    assert store.first_and_last("x", "content", TWEET, "likes", start=START, end=at) is None


def test_writing_the_same_reading_again_rewrites_the_same_item(
    store: DynamoSnapshotStore, stack: Stack
) -> None:
    # Given a reading written twice (a retried write), its time given in another offset the second time
    at = datetime(2026, 11, 26, 9, 29, 0, 880_000, tzinfo=UTC)
    store.save([likes(40, at)])
    store.save([likes(40, at.astimezone(timezone(timedelta(hours=1))))])
    # Then one snapshot item is stored
    snapshots = [i for i in table_items(stack.table_name) if i["pk"]["S"] == f"SNAP#x#content#{TWEET}"]
    assert len(snapshots) == 1


def test_a_pull_that_wrote_nothing_keeps_the_last_write_time(store: DynamoSnapshotStore) -> None:
    # Given a pull that stored snapshots, then one that failed
    written_at = datetime(2026, 11, 26, 9, 29, 3, 250_000, tzinfo=UTC)
    store.record_pull("x", written_at - timedelta(seconds=3), None, written_at=written_at)
    store.record_pull("x", written_at + timedelta(hours=1), "X answered 503 three times")
    # Then the write time of the latest snapshots is still the first pull's
    assert store.snapshots_written_at("x") == written_at
    assert store.snapshots_written_at("youtube") is None


def test_a_failure_is_recorded_with_its_time_and_a_clean_pull_clears_it(store: DynamoSnapshotStore) -> None:
    # Given a pull that reached X and failed, then a clean one
    failure = "X answered HTTP 503 (Service Unavailable) to GET /2/tweets after 4 attempts."
    store.record_pull("x", START, failure)
    failed = store.pull_state("x")
    store.record_pull("x", END, None)
    # Then the failure was kept with its pull's time, and the clean pull cleared it
    assert (failed.reached_at, failed.error, failed.error_at) == (START, failure, START)
    assert (store.pull_state("x").reached_at, store.pull_state("x").error) == (END, None)


def test_a_pull_that_did_not_reach_the_platform_keeps_the_latest_that_did(store: DynamoSnapshotStore) -> None:
    # Given a pull that reached X, then one that timed out
    store.record_pull("x", START, None)
    store.record_pull("x", END, "X timed out: no answer within 10 s to GET /2/tweets.", reached=False)
    # Then the latest pull that reached X is still the first, and the timeout is the error
    state = store.pull_state("x")
    assert (state.reached_at, state.error_at) == (START, END)


def test_a_platform_never_reached_has_no_pull_time(store: DynamoSnapshotStore) -> None:
    store.record_pull("x", START, "no credentials configured (X_BEARER_TOKEN)", reached=False)
    assert store.pull_state("x").reached_at is None


def test_a_state_from_before_reached_at_reads_its_pull_time_unless_it_had_no_credentials(
    store: DynamoSnapshotStore, stack: Stack
) -> None:
    # Given states written by the previous version: a clean pull of X, and YouTube without credentials
    dynamodb = boto3.client("dynamodb")
    for platform, extra in (
        ("x", {}),
        ("youtube", {"last_error": {"S": "No credentials are configured for this platform."}}),
    ):
        item = {
            "pk": {"S": f"PULL#{platform}"},
            "sk": {"S": "STATE"},
            "last_pull_at": {"S": START.isoformat()},
        }
        dynamodb.put_item(TableName=stack.table_name, Item={**item, **extra})
    # Then X's pull time is its latest reach, and YouTube was never reached
    assert store.pull_state("x").reached_at == START
    assert store.pull_state("youtube").reached_at is None
    assert store.pull_state("youtube").error_at == START


def test_a_failure_keeps_its_kind_and_a_failure_of_no_kind_or_a_clean_pull_clears_it(
    store: DynamoSnapshotStore,
) -> None:
    # Given a refused pull recorded with its kind
    platform = f"standard:{unique('kind')}"
    refused = "Spotify refused the request: it answered HTTP 403 (Forbidden) to GET /v1/artists."
    store.record_pull(platform, START, refused, kind="refused")
    # Then the state gives the kind beside the sentence
    assert (store.pull_state(platform).error, store.pull_state(platform).error_kind) == (refused, "refused")
    # When a later failure comes without a kind, or a clean pull, the old kind is not left behind
    store.record_pull(platform, END, "Spotify failed: something.")
    assert store.pull_state(platform).error_kind is None
    store.record_pull(platform, END, refused, kind="refused")
    store.record_pull(platform, END + timedelta(hours=1), None)
    assert (store.pull_state(platform).error, store.pull_state(platform).error_kind) == (None, None)
