"""Contract section 12 on the running local stack: a report posted to /imports and a file dropped on
S3 are run by the import worker from the imports queue (the stack routes the bucket's notifications
as the template does), and GET /imports says so."""

from __future__ import annotations

import time
from typing import Any

import pytest

from chalicelib.domain.consumption.ids import upc_check_digit
from infra.local.harness import LocalStack, api, aws_client, http

pytestmark = pytest.mark.e2e

LABEL = "e2e-imports"
UPC = "30000000001" + str(upc_check_digit("30000000001"))
ISRC = "FRZ032600101"
REPORT = (
    "date,isrc,upc,platform,country,streams_premium,streams_ad,downloads,physical_units\n"
    f"2026-01-09,{ISRC},,spotify,FR,1200,300,0,0\n"
    f"2026-01-10,{ISRC},{UPC},deezer,FR,800,0,0,0\n"
    f"2026-01-10,,{UPC},fnac,FR,0,0,0,12\n"
    f"2026-01-11,FRZ039999999,,spotify,FR,5,0,0,0\n"
).encode()


@pytest.fixture(scope="module")
def admin(local_stack: LocalStack) -> str:
    token = local_stack.env["ADMIN_TOKEN"]
    artist = {"artist_id": "e2e-imports-artist", "label": LABEL, "name": "A", "accounts": {"x": ["424242"]}}
    assert api(local_stack, "POST", "/artists", token, artist)[0] == 201
    release = {
        "upc": UPC,
        "label": LABEL,
        "artist_id": "e2e-imports-artist",
        "title": "Album",
        "type": "album",
        "release_date": "2026-01-09",
        "tracks": [{"isrc": ISRC, "title": "One", "position": 1}],
    }
    status, body = api(local_stack, "POST", "/releases", token, release)
    assert status == 201, body
    return token


def _until(check: Any, timeout_seconds: float = 60) -> Any:
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.3)
    raise TimeoutError("the import did not finish")


def test_a_posted_report_is_run_by_the_worker_until_done(local_stack: LocalStack, admin: str) -> None:
    # Given a small generic report posted over HTTP
    headers = {"Authorization": f"Bearer {admin}", "Content-Type": "text/csv"}
    url = f"{local_stack.base_url}/imports?label={LABEL}&format=generic"
    status, accepted = http("POST", url, REPORT, headers)
    assert status == 202, accepted
    # When the worker has taken it off the imports queue
    path = f"/imports/{accepted['import_id']}"

    def finished() -> Any:
        status = api(local_stack, "GET", path, admin)[1]
        return status if status["status"] in ("done", "failed") else None

    done = _until(finished)
    # Then its rows are counted and the unknown ISRC is named with its line
    assert done["status"] == "done", done
    assert (done["rows_total"], done["rows_counted"], done["rows_rejected"]) == (4, 3, 1)
    assert done["errors"][0]["row"] == 5
    assert "FRZ039999999" in done["errors"][0]["message"]


def test_a_file_dropped_on_s3_becomes_an_import_of_its_label(local_stack: LocalStack, admin: str) -> None:
    # Given a report dropped under imports/<label>/<format>/ in the summary bucket
    key = f"imports/{LABEL}/generic/january.csv"
    aws_client(local_stack, "s3").put_object(Bucket=_bucket(local_stack), Key=key, Body=REPORT)

    # When the bucket's notification has reached the worker
    def dropped() -> Any:
        imports = api(local_stack, "GET", f"/imports?label={LABEL}", admin)[1]["imports"]
        return next((i for i in imports if i.get("key") == key and i["status"] == "done"), None)

    # Then the label lists it, done, with its key
    found = _until(dropped)
    assert found["source"] == "s3"
    assert found["rows_counted"] + found["rows_duplicate"] == 3


def _bucket(stack: LocalStack) -> str:
    buckets = aws_client(stack, "s3").list_buckets()["Buckets"]
    (name,) = [b["Name"] for b in buckets if b["Name"].startswith("engagement-tracker-local-")]
    return str(name)
