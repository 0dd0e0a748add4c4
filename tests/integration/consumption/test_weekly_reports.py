"""The weekly consumption report (contract section 12) through Chalice's test client and moto: the
publish job writes consumption.html and .csv per label from day totals (never rows), rewrites them only
when something they show changed, and `GET /consumption/links` hands them to any role of the label."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from chalicelib import wiring
from chalicelib.domain.consumption.weekly import chart_week_at
from tests.integration.management_client import Api, Callers, body_of
from tests.integration.test_consumption_api import HEADER, imported

TODAY = datetime.now(UTC).date()


def report_rows(isrc: str, per_day: int) -> bytes:
    """`per_day` rows (one per platform) on today and on the same weekday a week ago."""
    days = (TODAY, TODAY - timedelta(days=7))
    rows = [f"{day},{isrc},,p{n},FR,10,5,0,0" for day in days for n in range(per_day)]
    return "\n".join([HEADER, *rows, ""]).encode()


def publish(api: Api, who: Callers) -> dict[str, Any]:
    answer = api.call("POST", "/admin/jobs/publish", who.token("admin"))
    assert answer.status_code == 200, answer.body
    result: dict[str, Any] = body_of(answer)
    return result


def stored(label: str, name: str) -> Any:
    bucket = wiring.get_settings().summary_bucket
    return boto3.client("s3").get_object(Bucket=bucket, Key=f"consumption/{label}/{name}")


def test_the_publish_job_writes_the_labels_weekly_report(
    api: Api, who: Callers, release: dict[str, Any]
) -> None:
    # Given a report of the release's first track for today and a week ago
    isrc = release["tracks"][0]["isrc"]
    assert imported(api, who, report_rows(isrc, 1))["rows_counted"] == 2
    # When the publish job runs
    assert who.label in publish(api, who)["consumption_reports"]
    # Then the label's CSV has the current chart week's streams, and its page is a page
    rows = list(csv.DictReader(io.StringIO(stored(who.label, "consumption.csv")["Body"].read().decode())))
    current = [r for r in rows if r["current_week"] == "true"]
    assert {r["week_start"] for r in current} == {chart_week_at(datetime.now(UTC)).start.isoformat()}
    assert {(r["upc"], r["streams_premium"], r["streams_ad"]) for r in current} == {
        (release["upc"], "10", "5")
    }
    page = stored(who.label, "consumption.html")
    assert page["ContentType"] == "text/html; charset=utf-8"
    assert release["title"] in page["Body"].read().decode()


def test_a_run_with_nothing_new_for_the_label_rewrites_nothing(
    api: Api, who: Callers, release: dict[str, Any]
) -> None:
    # Given the label's report written by a first run
    imported(api, who, report_rows(release["tracks"][0]["isrc"], 1))
    assert who.label in publish(api, who)["consumption_reports"]
    # When the job runs again with nothing imported since, then after a new import
    again = publish(api, who)["consumption_reports"]
    imported(api, who, report_rows(release["tracks"][1]["isrc"], 1))
    after_import = publish(api, who)["consumption_reports"]
    # Then only the run after the import rewrites it
    assert who.label not in again
    assert who.label in after_import


def test_publishing_reads_day_totals_whatever_the_number_of_imported_rows(
    api: Api, who: Callers, release: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.adapters.consumption_store import DynamoConsumption

    read: list[int] = []  # items of each Query of a ledger (never of the import statuses)
    query = DynamoConsumption._query

    def ledger_items(self: DynamoConsumption, pk: str, between: Any) -> Any:
        items = query(self, pk, between)
        if pk.startswith("CONS#"):
            read.append(len(items))
        return items

    monkeypatch.setattr(DynamoConsumption, "_query", ledger_items)
    isrc = release["tracks"][0]["isrc"]
    # Given one row a day on two days, published
    imported(api, who, report_rows(isrc, 1))
    publish(api, who)
    items_before, read[:] = sum(read), []
    # When 100 rows a day are imported for the same days (other platforms), and published
    imported(api, who, report_rows(isrc, 100))
    publish(api, who)
    # Then the report counts every row from the same items: one per id and day
    rows = list(csv.DictReader(io.StringIO(stored(who.label, "consumption.csv")["Body"].read().decode())))
    assert {r["streams_premium"] for r in rows if r["current_week"] == "true"} == {"1000"}
    assert sum(read) == items_before == 2


@pytest.mark.parametrize("caller", ["admin", "editor", "viewer", "moderator"])
def test_any_role_of_the_label_gets_presigned_links(
    api: Api, who: Callers, release: dict[str, Any], caller: str
) -> None:
    publish(api, who)
    answer = api.call("GET", f"/consumption/links?label={who.label}&expires_in=600", who.token(caller))
    assert answer.status_code == 200, answer.body
    links = body_of(answer)
    assert f"consumption/{who.label}/consumption.html" in links["html"]
    assert f"consumption/{who.label}/consumption.csv" in links["csv"]
    assert "X-Amz-Expires=600" in links["html"]
    assert links["week"] == chart_week_at(datetime.now(UTC)).start.isoformat()
    assert set(links) == {"html", "csv", "week", "generated_at", "expires_at"}


@pytest.mark.parametrize("caller", ["editor_other", "viewer_other"])
def test_another_labels_token_finds_no_such_label(
    api: Api, who: Callers, release: dict[str, Any], caller: str
) -> None:
    publish(api, who)
    answer = api.call("GET", f"/consumption/links?label={who.label}", who.token(caller))
    # Contract section 4: a label outside the token's scope answers as if it did not exist
    assert answer.status_code == 404
    assert body_of(answer)["error"]["message"] == "No such label."


def test_before_its_first_report_a_label_has_no_links(api: Api, who: Callers) -> None:
    answer = api.call("GET", f"/consumption/links?label={who.label}", who.token("viewer"))
    assert answer.status_code == 404
    assert "publish job" in body_of(answer)["error"]["message"]


@pytest.mark.parametrize(
    ("query", "status"), [("", 400), ("?label=x&expires_in=59", 400), ("?label=Not%20a%20slug", 404)]
)
def test_a_bad_query_is_refused(api: Api, who: Callers, query: str, status: int) -> None:
    assert api.call("GET", f"/consumption/links{query}", who.token("admin")).status_code == status
