"""Contract section 12 through Chalice's test client: releases of registered artists, reports posted to
/imports and run by the import worker from the queue, re-imports that count once, corrected reports
that replace, bad files and rows, and label scoping."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import boto3
import pytest

from chalicelib import wiring
from chalicelib.domain.consumption.rules import Totals
from tests.conftest import unique
from tests.integration.conftest import Stack
from tests.integration.management_client import Api, Callers, artist_body, body_of, campaign_body

HEADER = "date,isrc,upc,platform,country,streams_premium,streams_ad,downloads,physical_units"
_serial = iter(range(10**6))


def new_upc() -> str:
    from chalicelib.domain.consumption.ids import upc_check_digit

    body = f"{next(_serial) + 100_000_000_000 + hash(unique('u')) % 10**9:012d}"[:11]
    return body + str(upc_check_digit(body))


def new_isrc() -> str:
    return f"FRZ03{int(unique('i').split('-')[1]) % 100:02d}{hash(unique('i')) % 10**5:05d}"


@pytest.fixture(autouse=True)
def imports_queue(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> str:
    """A queue of the imports' own, named before the app first reads its settings."""
    queue = str(boto3.client("sqs").create_queue(QueueName=unique("imports"))["QueueUrl"])
    monkeypatch.setenv("IMPORTS_QUEUE_URL", queue)
    return queue


def release_body(label: str, artist_id: str, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "upc": new_upc(),
        "label": label,
        "artist_id": artist_id,
        "title": "13",
        "type": "album",
        "release_date": "2026-01-09",
        "tracks": [{"isrc": new_isrc(), "title": f"Track {i}", "position": i} for i in (1, 2)],
    }
    body.update(changes)
    return body


@pytest.fixture
def release(api: Api, who: Callers) -> dict[str, Any]:
    artist = artist_body(who.label)
    assert api.call("POST", "/artists", who.token("admin"), artist).status_code == 201
    body = release_body(who.label, artist["artist_id"])
    response = api.call("POST", "/releases", who.token("editor"), body)
    assert response.status_code == 201, response.body
    return body


def post_report(api: Api, bearer: str, label: str, data: bytes, fmt: str = "generic") -> Any:
    headers = {"Content-Type": "text/csv", "Authorization": f"Bearer {bearer}"}
    return api.client.http.request("POST", f"/imports?label={label}&format={fmt}", headers=headers, body=data)


def run_worker() -> None:
    """The import worker: every queued message, as the SQS trigger would hand them over."""
    sqs = boto3.client("sqs")
    url = wiring.get_settings().imports_queue_url
    assert url
    while True:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not messages:
            return
        for message in messages:
            wiring.import_service().handle(message["Body"], lambda: 900.0)
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def imported(api: Api, who: Callers, data: bytes) -> dict[str, Any]:
    response = post_report(api, who.token("editor"), who.label, data)
    assert response.status_code == 202, response.body
    run_worker()
    status = api.call("GET", f"/imports/{body_of(response)['import_id']}", who.token("viewer"))
    assert status.status_code == 200
    result: dict[str, Any] = body_of(status)
    return result


def track_totals(isrc: str, day: str) -> Totals:
    from chalicelib.adapters.consumption_store import DynamoConsumption
    from chalicelib.aws import get_clients

    store = DynamoConsumption(get_clients().dynamodb, wiring.get_settings().table_name)
    found = store.day_totals("track", isrc, date.fromisoformat(day), date.fromisoformat(day))
    return found[0][1] if found else Totals()


# Catalogue --------------------------------------------------------------------------------------------


def test_an_editor_registers_a_release_of_its_labels_artist_and_a_viewer_lists_it(
    api: Api, who: Callers, release: dict[str, Any]
) -> None:
    # Given a release registered by the label's editor (fixture)
    # When the label's viewer lists the label's releases
    listed = body_of(api.call("GET", f"/releases?label={who.label}", who.token("viewer")))
    # Then it is there, with its tracks
    (found,) = listed["releases"]
    assert found["upc"] == release["upc"]
    assert [t["isrc"] for t in found["tracks"]] == [t["isrc"] for t in release["tracks"]]


def test_a_release_of_an_artist_outside_the_label_is_a_400(api: Api, who: Callers) -> None:
    body = release_body(who.label, unique("nobody"))
    response = api.call("POST", "/releases", who.token("admin"), body)
    assert response.status_code == 400
    assert "artist_id" in body_of(response)["error"]["fields"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"upc": "036000291453"}, "upc"),
        ({"tracks": [{"isrc": "FR-Z03-26", "title": "x", "position": 1}]}, "tracks.0.isrc"),
        ({"type": "mixtape"}, "type"),
    ],
)
def test_a_release_with_a_bad_id_is_a_400_naming_the_field(
    api: Api, who: Callers, release: dict[str, Any], change: dict[str, Any], field: str
) -> None:
    body = {**release_body(who.label, release["artist_id"]), **change}
    response = api.call("POST", "/releases", who.token("admin"), body)
    assert response.status_code == 400
    assert field in body_of(response)["error"]["fields"]


@pytest.mark.parametrize(
    ("caller", "status"), [("viewer", 403), ("editor_other", 404), ("no_token", 401), ("editor", 204)]
)
def test_who_may_remove_a_release(
    api: Api, who: Callers, release: dict[str, Any], caller: str, status: int
) -> None:
    response = api.call("DELETE", f"/releases/{release['upc']}", who.tokens[caller])
    assert response.status_code == status


def test_an_existing_upc_is_a_409(api: Api, who: Callers, release: dict[str, Any]) -> None:
    response = api.call("POST", "/releases", who.token("admin"), release)
    assert response.status_code == 409


# Imports ----------------------------------------------------------------------------------------------


def test_a_posted_report_is_counted_by_the_worker_and_its_bad_rows_named(
    api: Api, who: Callers, release: dict[str, Any]
) -> None:
    isrc = release["tracks"][0]["isrc"]
    data = (
        f"{HEADER}\n2026-03-06,{isrc},,spotify,FR,1000,70,2,0\n"
        f"2026-03-06,FRZ039999999,,spotify,FR,1,0,0,0\n2026-03-06,{isrc},,deezer,FR,-1,0,0,0\n"
    ).encode()
    status = imported(api, who, data)
    assert status["status"] == "done"
    assert (status["rows_total"], status["rows_counted"], status["rows_rejected"]) == (3, 1, 2)
    assert [e["row"] for e in status["errors"]] == [3, 4]
    assert "FRZ039999999" in status["errors"][0]["message"]
    assert track_totals(isrc, "2026-03-06") == Totals(premium=1000, ad=70, downloads=2)


def test_importing_the_same_report_again_counts_nothing_twice(
    api: Api, who: Callers, release: dict[str, Any]
) -> None:
    isrc = release["tracks"][0]["isrc"]
    rows = f"2026-03-06,{isrc},,spotify,FR,1000,0,0,0\n2026-03-06,{isrc},,spotify,BE,10,0,0,0\n"
    data = f"{HEADER}\n{rows}".encode()
    imported(api, who, data)
    again = imported(api, who, data)
    assert (again["rows_counted"], again["rows_duplicate"]) == (0, 2)
    assert track_totals(isrc, "2026-03-06").premium == 1010


def test_a_corrected_report_replaces_the_rows_it_repeats(
    api: Api, who: Callers, release: dict[str, Any]
) -> None:
    isrc = release["tracks"][0]["isrc"]
    imported(api, who, f"{HEADER}\n2026-03-06,{isrc},,spotify,FR,1000,0,0,0\n".encode())
    imported(
        api,
        who,
        f"{HEADER}\n2026-03-06,{isrc},,spotify,FR,900,0,0,0\n2026-03-06,{isrc},,deezer,FR,5,0,0,0\n".encode(),
    )
    assert track_totals(isrc, "2026-03-06").premium == 905


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "empty"),
        (HEADER.encode("utf-16"), "UTF-16"),
        ("date;titre\n2026-03-06;é\n".encode("latin-1"), "not UTF-8"),
        (b"day,isrc\n2026-03-06,x\n", "does not match"),
    ],
    ids=["empty", "utf-16", "latin-1", "header"],
)
def test_a_file_that_cannot_be_read_fails_with_its_reason_and_counts_nothing(
    api: Api, who: Callers, release: dict[str, Any], data: bytes, expected: str
) -> None:
    status = imported(api, who, data)
    assert status["status"] == "failed"
    assert status["rows_counted"] == 0
    assert expected in status["errors"][0]["message"]


def test_a_report_over_10_mb_is_a_413_pointing_to_the_s3_drop(api: Api, who: Callers) -> None:
    response = post_report(api, who.token("editor"), who.label, b"x" * (10 * 1024 * 1024 + 1))
    assert response.status_code == 413
    assert f"imports/{who.label}/generic/" in body_of(response)["error"]["message"]


def test_a_report_that_is_not_csv_or_tsv_is_a_415(api: Api, who: Callers) -> None:
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {who.token('editor')}"}
    response = api.client.http.request(
        "POST", f"/imports?label={who.label}&format=generic", headers=headers, body=b"{}"
    )
    assert response.status_code == 415


def test_a_viewer_may_not_import_and_another_labels_editor_may_not_read_an_import(
    api: Api, who: Callers, release: dict[str, Any]
) -> None:
    assert post_report(api, who.token("viewer"), who.label, f"{HEADER}\n".encode()).status_code == 403
    done = post_report(api, who.token("editor"), who.label, f"{HEADER}\n".encode())
    import_id = body_of(done)["import_id"]
    assert api.call("GET", f"/imports/{import_id}", who.token("editor_other")).status_code == 404


def test_an_s3_drop_is_imported_and_listed_with_its_key(
    api: Api, who: Callers, release: dict[str, Any], stack: Stack
) -> None:
    # Given a report dropped at imports/<label>/generic/<name>, and S3's notification of it
    isrc = release["tracks"][1]["isrc"]
    key = f"imports/{who.label}/generic/march.csv"
    s3 = boto3.client("s3")
    s3.put_object(
        Bucket=stack.bucket, Key=key, Body=f"{HEADER}\n2026-03,{isrc},,spotify,FR,42,0,0,0\n".encode()
    )
    etag = s3.head_object(Bucket=stack.bucket, Key=key)["ETag"]
    notification = {
        "Records": [{"s3": {"bucket": {"name": stack.bucket}, "object": {"key": key, "eTag": etag}}}]
    }
    # When the worker receives it twice (SQS delivers at least once)
    for _ in range(2):
        wiring.import_service().handle(json.dumps(notification), lambda: 900.0)
    # Then the import is listed once, done, with its key; and the month row counts on the 1st
    listed = body_of(api.call("GET", f"/imports?label={who.label}", who.token("viewer")))["imports"]
    drops = [i for i in listed if i["source"] == "s3"]
    assert len(drops) == 1
    assert (drops[0]["key"], drops[0]["status"], drops[0]["rows_counted"]) == (key, "done", 1)
    assert track_totals(isrc, "2026-03-01").premium == 42


def test_an_import_out_of_time_continues_from_its_offset_in_the_next_invocation(
    api: Api, who: Callers, release: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given chunks of 2 rows and an invocation that is always out of time after a chunk
    from chalicelib.services import consumption

    monkeypatch.setattr(consumption, "CHUNK_ROWS", 2)
    isrc = release["tracks"][0]["isrc"]
    lines = "".join(f"2026-03-{day:02d},{isrc},,spotify,FR,{day},0,0,0\n" for day in range(1, 6))
    response = post_report(api, who.token("editor"), who.label, f"{HEADER}\n{lines}".encode())
    import_id = body_of(response)["import_id"]
    sqs = boto3.client("sqs")
    url = wiring.get_settings().imports_queue_url
    assert url
    invocations = 0
    while messages := sqs.receive_message(QueueUrl=url).get("Messages", []):
        invocations += 1
        wiring.import_service().handle(messages[0]["Body"], lambda: 1.0)
        sqs.delete_message(QueueUrl=url, ReceiptHandle=messages[0]["ReceiptHandle"])
    # Then three invocations read 2, 2 and 1 rows, each from where the previous stopped
    status = body_of(api.call("GET", f"/imports/{import_id}", who.token("admin")))
    assert invocations == 3
    assert (status["status"], status["rows_total"], status["rows_counted"]) == ("done", 5, 5)
    assert [track_totals(isrc, f"2026-03-0{d}").premium for d in range(1, 6)] == [1, 2, 3, 4, 5]


# Summaries (contract section 12) ------------------------------------------------------------------------


def _published_consumption(api: Api, who: Callers, campaign_id: str) -> dict[str, Any]:
    answer = api.call("POST", f"/campaigns/{campaign_id}/publish", who.token("admin"))
    assert answer.status_code == 200, answer.body
    s3 = boto3.client("s3")
    bucket = wiring.get_settings().summary_bucket
    prefix = f"summaries/{who.label}/{campaign_id}/"
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=prefix)["Contents"]]
    newest = max(k for k in keys if k.endswith("summary.json"))
    consumption: dict[str, Any] = json.loads(s3.get_object(Bucket=bucket, Key=newest)["Body"].read())[
        "consumption"
    ]
    return consumption


def test_a_published_summary_reads_day_totals_whatever_the_number_of_rows(
    api: Api, who: Callers, release: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.adapters.consumption_store import DynamoConsumption

    # Given a campaign of the release's artist over January, and a report of one row a day for 3 days
    isrc = release["tracks"][0]["isrc"]
    campaign = campaign_body(
        who.label,
        artist=release["artist_id"],
        starts_at="2026-01-09T00:00:00+01:00",
        ends_at="2026-01-20T00:00:00+01:00",
    )
    assert api.call("POST", "/campaigns", who.token("admin"), campaign).status_code == 201
    one_a_day = [f"2026-01-1{d},{isrc},,spotify,FR,10,5,0,0" for d in (0, 1, 2)]
    imported(api, who, "\n".join([HEADER, *one_a_day, ""]).encode())
    read: list[int] = []
    original = DynamoConsumption.day_totals

    def counted(self: DynamoConsumption, *args: Any) -> Any:
        found = original(self, *args)
        read.append(len(found))
        return found

    monkeypatch.setattr(DynamoConsumption, "day_totals", counted)
    before = _published_consumption(api, who, campaign["campaign_id"])
    items_before, read[:] = sum(read), []
    # When 100 times as many rows are imported for the same days (other platforms)
    many = [f"2026-01-1{d},{isrc},,p{n},FR,10,5,0,0" for d in (0, 1, 2) for n in range(100)]
    imported(api, who, "\n".join([HEADER, *many, ""]).encode())
    after = _published_consumption(api, who, campaign["campaign_id"])
    # Then the summary counts every row, from the same number of items read: one per id and day
    assert before["releases"][0]["streams_premium"] == 30
    assert after["releases"][0]["streams_premium"] == 30 + 3000
    assert after["streams_ad"] == 15 + 1500
    assert sum(read) == items_before == 3
    assert set(after["releases"][0]["equivalents"]) >= {"snep-2024-07", "billboard-2020-01"}
    assert after["releases"][0]["certification"]["unit"] == "album_units"
