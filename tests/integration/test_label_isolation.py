"""The leak that was found, closed (contract section 8): an editor of label A who tracks label B's
registered account (refused now) or B's content (allowed) never reads B's figures, in the JSON, the
CSV or the HTML of A's summary, published through the real routes; a campaign of A that tracked the
account before B registered it stops counting it once registered, and counts it again once B's
artist is archived (archiving releases the account)."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3

from chalicelib.report.html_report import render_html
from infra.local import senders as payloads
from infra.local.senders import Senders
from tests.campaigns import campaign_dict, open_window
from tests.conftest import unique
from tests.integration.conftest import Stack
from tests.integration.management_client import Api, Callers, artist_body, body_of, callers, unique_digits
from tests.integration.webhook_client import consume, send

NOW = datetime.now(UTC).replace(microsecond=0)
AT = NOW - timedelta(hours=2)


@dataclass(frozen=True)
class Labels:
    """Label A (`who.label`, whose editor is the reader) and label B (`who.other_label`), with an X
    account and a tweet of each; B's account is registered to an artist of B."""

    who: Callers
    a_account: str
    a_tweet: str
    b_account: str
    b_tweet: str
    b_artist: dict[str, Any]

    def token(self, caller: str) -> str:
        value = self.who.tokens[caller]
        assert value is not None
        return value


def labels(api: Api, stack: Stack, *, register_b: bool = True) -> Labels:
    who = callers(api, stack.secrets["ADMIN_TOKEN"])
    b_account = unique_digits()
    b_artist = artist_body(who.other_label, accounts={"x": [b_account]})
    found = Labels(who, unique_digits(), unique_digits(), b_account, unique_digits(), b_artist)
    if register_b:
        register(api, found)
    return found


def register(api: Api, found: Labels) -> None:
    response = api.call("POST", "/artists", found.token("editor_other"), found.b_artist)
    assert response.status_code == 201, response.body


def engagement(api: Api, stack: Stack, found: Labels) -> None:
    """2 likes of A's tweet on A's account, 5 likes of B's tweet on B's account."""
    senders = Senders(stack.secrets)
    for request in (
        senders.x(payloads.x_likes(found.a_account, found.a_tweet, AT, count=2)),
        senders.x(payloads.x_likes(found.b_account, found.b_tweet, AT, count=5)),
    ):
        assert send(api.client, request).status_code == 200
    consume(stack.queue_url, batch_size=100)


def campaign(label: str, tracked: dict[str, Any]) -> dict[str, Any]:
    return campaign_dict(
        campaign_id=unique("campaign"),
        label=label,
        artist="Indochine",
        tracked=tracked,
        **open_window(NOW, until=timedelta(days=20)),
    )


@dataclass(frozen=True)
class Published:
    summary: dict[str, Any]
    csv_rows: list[dict[str, str]]
    html: str


def publish(api: Api, stack: Stack, token: str, body: dict[str, Any]) -> Published:
    response = api.call("POST", f"/campaigns/{body['campaign_id']}/publish", token)
    assert response.status_code == 200, response.body
    return latest(stack, body)


def latest(stack: Stack, body: dict[str, Any]) -> Published:
    s3 = boto3.client("s3")

    def read(key: str) -> bytes:
        return bytes(s3.get_object(Bucket=stack.bucket, Key=key)["Body"].read())

    pointer = json.loads(read(f"summaries/{body['label']}/{body['campaign_id']}/latest.json"))
    keys = pointer["keys"]
    rows = list(csv.DictReader(io.StringIO(read(keys["csv"]).decode("utf-8"))))
    return Published(json.loads(read(keys["json"])), rows, read(keys["html"]).decode("utf-8"))


def html_section(html: str, section_id: str) -> str:
    found = re.search(rf'<section id="{section_id}".*?</section>', html, re.DOTALL)
    assert found is not None, section_id
    return found.group(0)


def x_events(published: Published) -> dict[str, int]:
    return dict(published.summary["platforms"].get("x", {}).get("events", {}))


def test_label_a_tracking_label_bs_account_or_content_never_reads_bs_figures(api: Api, stack: Stack) -> None:
    # Given B's X account registered to an artist of B, likes on a tweet of A and on a tweet of B,
    # and pulled like counts of both tweets
    found = labels(api, stack)
    engagement(api, stack, found)
    from chalicelib.adapters.snapshot_store import DynamoSnapshotStore
    from chalicelib.pulls.snapshots import Snapshot

    DynamoSnapshotStore(boto3.client("dynamodb"), stack.table_name, lambda _s: None).save(
        [
            Snapshot("x", "content", found.a_tweet, "likes", 10, NOW - timedelta(hours=20)),
            Snapshot("x", "content", found.a_tweet, "likes", 20, NOW - timedelta(hours=1)),
            Snapshot("x", "content", found.b_tweet, "likes", 900, NOW - timedelta(hours=20)),
            Snapshot("x", "content", found.b_tweet, "likes", 950, NOW - timedelta(hours=1)),
        ]
    )
    editor_a = found.token("editor")
    # When A's editor tries to track B's account: refused
    refused = campaign(found.who.label, {"x": {"accounts": [found.b_account]}})
    assert api.call("POST", "/campaigns", editor_a, refused).status_code == 400
    # And tracks A's tweet and B's tweet by id instead (allowed), then publishes
    body = campaign(found.who.label, {"x": {"content": [found.a_tweet, found.b_tweet]}})
    assert api.call("POST", "/campaigns", editor_a, body).status_code == 201
    published = publish(api, stack, editor_a, body)
    # Then the JSON counts A's likes only, lists only A's tweet, and shows only A's tweet's counter
    summary = published.summary
    assert x_events(published) == {"like": 2}
    assert summary["totals"]["events"] == 2
    assert [item["content_id"] for item in summary["top_content"]] == [found.a_tweet]
    likes = summary["platforms"]["x"]["counters"]["likes"]
    assert (likes["first"], likes["last"]) == (10, 20)
    # And the CSV holds the same figures, and no row names B's tweet
    rows = published.csv_rows
    assert [(r["platform"], r["name"], r["value"]) for r in rows if r["section"] == "events"] == [
        ("x", "like", "2")
    ]
    assert [(r["first"], r["last"]) for r in rows if r["section"] == "counters" and r["name"] == "likes"] == [
        ("10", "20")
    ]
    assert [r["value"] for r in rows if r["section"] == "totals" and r["name"] == "events"] == ["2"]
    assert not any(found.b_tweet in ",".join(r.values()) for r in rows)
    # And the HTML is that summary's page: B's tweet is in no figure, only in the list of what is tracked
    html = published.html
    assert html == render_html(summary).decode("utf-8")
    assert found.a_tweet in html_section(html, "top-content")
    for section in ("events", "top-content", "overview"):
        assert found.b_tweet not in html_section(html, section)
    assert ">5<" not in html_section(html, "events")
    assert ">7<" not in html_section(html, "events")


def test_a_campaign_created_before_b_registered_the_account_stops_counting_it(api: Api, stack: Stack) -> None:
    # Given a campaign of A tracking an X account that nobody had registered, and likes on that account
    found = labels(api, stack, register_b=False)
    body = campaign(found.who.label, {"x": {"accounts": [found.a_account, found.b_account]}})
    assert api.call("POST", "/campaigns", found.token("editor"), body).status_code == 201
    engagement(api, stack, found)
    assert x_events(publish(api, stack, found.token("editor"), body)) == {"like": 7}
    # When B registers the account to an artist of its own
    register(api, found)
    # Then A's next summary counts none of its likes
    published = publish(api, stack, found.token("editor"), body)
    assert x_events(published) == {"like": 2}
    assert [item["content_id"] for item in published.summary["top_content"]] == [found.a_tweet]


def test_the_publish_job_republishes_a_campaign_once_the_roster_changes(api: Api, stack: Stack) -> None:
    # Given a campaign of A tracking an account with likes, published by the job, with nothing new since
    found = labels(api, stack, register_b=False)
    body = campaign(found.who.label, {"x": {"accounts": [found.b_account]}})
    assert api.call("POST", "/campaigns", found.token("editor"), body).status_code == 201
    engagement(api, stack, found)
    admin = stack.secrets["ADMIN_TOKEN"]
    job = lambda: body_of(api.call("POST", "/admin/jobs/publish", admin))["published"]  # noqa: E731
    assert body["campaign_id"] in job()
    assert body["campaign_id"] not in job()
    assert x_events(latest(stack, body)) == {"like": 5}
    # When B registers the account
    register(api, found)
    # Then the next run republishes A's campaign, without B's likes
    assert body["campaign_id"] in job()
    assert x_events(latest(stack, body)) == {}


def test_archiving_bs_artist_releases_the_account_and_a_counts_it_again(api: Api, stack: Stack) -> None:
    # Given a campaign of A that tracked B's account before B registered it, so it counts nothing of it
    found = labels(api, stack, register_b=False)
    body = campaign(found.who.label, {"x": {"accounts": [found.b_account]}})
    assert api.call("POST", "/campaigns", found.token("editor"), body).status_code == 201
    engagement(api, stack, found)
    register(api, found)
    assert x_events(publish(api, stack, found.token("editor"), body)) == {}
    # When B archives its artist
    archive = api.call("DELETE", f"/artists/{found.b_artist['artist_id']}", found.token("editor_other"))
    assert archive.status_code == 204
    # Then the account is nobody's, and A's campaign counts its likes again
    assert x_events(publish(api, stack, found.token("editor"), body)) == {"like": 5}


def test_a_publish_run_reads_the_owners_once_whatever_the_number_of_campaigns(api: Api, stack: Stack) -> None:
    # Given a registered account and three active campaigns of A that have never been published
    found = labels(api, stack)
    for _ in range(3):
        body = campaign(found.who.label, {"x": {"accounts": [found.a_account]}})
        assert api.call("POST", "/campaigns", found.token("editor"), body).status_code == 201
    from chalicelib.aws import get_clients

    partitions: list[str] = []

    def record(params: dict[str, Any], **_: Any) -> None:
        partitions.append(params.get("ExpressionAttributeValues", {}).get(":pk", {}).get("S", ""))

    get_clients().dynamodb.meta.events.register("provide-client-params.dynamodb.Query", record)
    # When the publish job runs and publishes them
    published = body_of(api.call("POST", "/admin/jobs/publish", stack.secrets["ADMIN_TOKEN"]))["published"]
    assert len(published) >= 3
    # Then the owner partition was queried once for the whole run (one page: a few owner items)
    assert partitions.count("OWNER") == 1
