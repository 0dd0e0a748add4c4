"""Contract section 11's moderation reports through the webhook, the consumer and the publish job against
moto: `moderation.html` and `moderation.csv` per label and UTC day, with pseudonymous authors and their
repeat counts, and `GET /moderation/links` for admin, editor and moderator only."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

import boto3
import pytest

from chalicelib.adapters.moderation_reports import DynamoModerationReports
from chalicelib.domain.events import keyed_pseudonymiser
from chalicelib.domain.moderation.report import pseudonym
from infra.local import senders as payloads
from infra.local.senders import Senders
from tests.campaigns import open_window
from tests.integration.conftest import Stack
from tests.integration.management_client import (
    Api,
    Callers,
    artist_body,
    body_of,
    campaign_body,
    unique_digits,
)
from tests.integration.webhook_client import consume, send

NOW = datetime.now(UTC).replace(microsecond=0)
AT = NOW - timedelta(minutes=5)  # today (UTC), a few minutes ago
DAY = AT.date().isoformat()
ABUSE = "sale p.d"


def comment(post: str, author: str, text: str) -> dict[str, Any]:
    change = payloads.facebook_comment(post, AT, text=text)
    change["from"] = {"id": author, "name": "Someone"}
    return change


def page_with_comments(api: Api, who: Callers, stack: Stack, label: str, texts: list[tuple[str, str]]) -> str:
    """A Facebook Page of one of the label's artists, with (author, text) comments stored and
    published; returns the post."""
    page = unique_digits()
    post = f"{page}_{unique_digits()}"
    response = api.call(
        "POST", "/artists", who.tokens["admin"], artist_body(label, accounts={"facebook": [page]})
    )
    assert response.status_code == 201, response.body
    changes = [comment(post, author, text) for author, text in texts]
    assert (
        send(api.client, Senders(stack.secrets).meta(payloads.facebook_feed(page, changes))).status_code
        == 200
    )
    consume(stack.queue_url, batch_size=100)
    return post


def publish(api: Api, who: Callers) -> dict[str, Any]:
    response = api.call("POST", "/admin/jobs/publish", who.tokens["admin"])
    assert response.status_code == 200, response.body
    result: dict[str, Any] = body_of(response)
    return result


def s3_text(stack: Stack, key: str) -> str:
    body: bytes = boto3.client("s3").get_object(Bucket=stack.bucket, Key=key)["Body"].read()
    return body.decode("utf-8")


def report_csv(stack: Stack, label: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(s3_text(stack, f"moderation/{label}/{DAY}/moderation.csv"))))


def links(api: Api, token: str | None, query: str) -> Any:
    return api.call("GET", f"/moderation/links?{query}", token)


@pytest.fixture
def reported(api: Api, who: Callers, stack: Stack) -> str:
    """The label's day with three abusive comments (two by one author) and a clean one, published."""
    repeat, once = unique_digits(), unique_digits()
    texts = [
        (repeat, ABUSE),
        (repeat, '=HYPERLINK("http://evil") sale p.d'),
        (once, ABUSE),
        (once, "Trop bien !"),
    ]
    post = page_with_comments(api, who, stack, who.label, texts)
    published = publish(api, who)
    assert f"{who.label}/{DAY}" in published["moderation_reports"], published
    return post


def test_publish_writes_the_days_abusive_texts_in_csv_and_html(
    stack: Stack, who: Callers, reported: str
) -> None:
    # Given three abusive comments and a clean one on the label's Page, published (the fixture)
    # Then the CSV has one row per abusive text, in the README's columns
    rows = report_csv(stack, who.label)
    assert len(rows) == 3
    assert {row["platform"] for row in rows} == {"facebook"}
    assert {row["content_id"] for row in rows} == {reported}
    assert all(row["comment_id"] and row["severity"] in {"2", "3"} for row in rows)
    assert all(row["at"].endswith("Z") and len(row["at"]) == len("YYYY-MM-DDTHH:MM:SSZ") for row in rows)
    assert all(row["link"].startswith("https://www.facebook.com/") for row in rows)
    # And the page names the label and day and quotes the texts
    page = s3_text(stack, f"moderation/{who.label}/{DAY}/moderation.html")
    assert who.label in page
    assert DAY in page
    assert ABUSE in page
    assert "Trop bien" not in page


def test_an_authors_repeat_count_counts_their_abusive_texts_and_hides_their_id(
    stack: Stack, who: Callers, reported: str
) -> None:
    rows = report_csv(stack, who.label)
    # Then the author of two abusive texts shows 2 on both, the other 1, under pseudonyms alone
    counts = sorted((row["author"], row["repeat_count"]) for row in rows)
    authors = sorted({author for author, _ in counts})
    assert len(authors) == 2
    assert sorted(count for _, count in counts) == ["1", "2", "2"]
    assert all(author.startswith("a-") for author in authors)


def test_a_formula_in_a_text_is_quoted_away_in_the_csv(stack: Stack, who: Callers, reported: str) -> None:
    contents = [row["content"] for row in report_csv(stack, who.label)]
    assert '\'=HYPERLINK("http://evil") sale p.d' in contents


def test_repeat_counts_span_the_labels_artists_and_days(api: Api, who: Callers, stack: Stack) -> None:
    # Given one author abusive 3 times yesterday (the tally yesterday's report stored)
    author = unique_digits()
    actor = keyed_pseudonymiser(stack.secrets["PSEUDONYMISATION_KEY"].encode())(author)
    tallies = DynamoModerationReports(boto3.client("dynamodb"), stack.table_name)
    yesterday = AT.date() - timedelta(days=1)
    tallies.put_tally(who.label, yesterday, {pseudonym("facebook", actor): 3}, NOW + timedelta(days=30))
    # When the same author is abusive today on the Pages of two of the label's artists
    page_with_comments(api, who, stack, who.label, [(author, ABUSE)])
    page_with_comments(api, who, stack, who.label, [(author, ABUSE)])
    publish(api, who)
    # Then both of today's rows count yesterday's three texts and today's two
    assert [row["repeat_count"] for row in report_csv(stack, who.label)] == ["5", "5"]


@pytest.mark.parametrize("caller", ["admin", "editor", "moderator"])
def test_a_moderation_role_gets_expiring_links_to_the_days_report(
    api: Api, who: Callers, reported: str, caller: str
) -> None:
    response = links(api, who.tokens[caller], f"label={who.label}&day={DAY}&expires_in=600")
    assert response.status_code == 200, response.body
    answer = body_of(response)
    assert (answer["label"], answer["day"]) == (who.label, DAY)
    for name in ("html", "csv"):
        url = urlparse(answer[name])
        assert url.path.endswith(f"/moderation/{who.label}/{DAY}/moderation.{name}")
        assert parse_qs(url.query)["X-Amz-Expires"] == ["600"]
    assert answer["generated_at"]
    assert answer["expires_at"].endswith("Z")


def test_the_day_defaults_to_today_utc(api: Api, who: Callers, reported: str) -> None:
    answer = body_of(links(api, who.tokens["moderator"], f"label={who.label}"))
    assert answer["day"] == datetime.now(UTC).date().isoformat() == DAY


def test_a_viewer_never_gets_a_link_to_texts(api: Api, who: Callers, reported: str) -> None:
    response = links(api, who.tokens["viewer"], f"label={who.label}&day={DAY}")
    assert response.status_code == 403, response.body


def test_another_labels_token_is_refused_as_if_nothing_existed(api: Api, who: Callers, reported: str) -> None:
    response = links(api, who.tokens["editor_other"], f"label={who.label}&day={DAY}")
    assert response.status_code == 404, response.body


def test_a_day_without_a_report_is_a_404(api: Api, who: Callers, reported: str) -> None:
    response = links(api, who.tokens["moderator"], f"label={who.label}&day=2020-01-01")
    assert response.status_code == 404, response.body
    assert "2020-01-01" in body_of(response)["error"]["message"]


@pytest.mark.parametrize("query", ["day=2026-13-01", "day=20260101", "expires_in=59"])
def test_a_bad_day_or_expiry_is_a_400(api: Api, who: Callers, query: str) -> None:
    response = links(api, who.tokens["admin"], f"label={who.label}&{query}")
    assert response.status_code == 400, response.body


def test_a_label_without_abuse_gets_no_report(api: Api, who: Callers, stack: Stack) -> None:
    page_with_comments(api, who, stack, who.label, [(unique_digits(), "Trop bien !")])
    assert publish(api, who)["moderation_reports"] == []


def test_a_campaign_published_on_demand_writes_the_report_of_the_day_it_recounted(
    api: Api, who: Callers, stack: Stack
) -> None:
    # Given an abusive comment on the label's Page, and a running campaign tracking that Page
    post = page_with_comments(api, who, stack, who.label, [(unique_digits(), ABUSE)])
    tracked = {"facebook": {"accounts": [post.split("_")[0]], "content": []}}
    body = campaign_body(who.label, tracked=tracked, **open_window(NOW))
    assert api.call("POST", "/campaigns", who.tokens["admin"], body).status_code == 201
    # When the label's editor publishes the campaign on demand, before any scheduled run
    response = api.call("POST", f"/campaigns/{body['campaign_id']}/publish", who.tokens["editor"])
    assert response.status_code == 200, response.body
    # Then the day's report is there (the scheduled run will find those rollups already recounted)
    assert links(api, who.tokens["moderator"], f"label={who.label}&day={DAY}").status_code == 200
    assert publish(api, who)["moderation_reports"] == []
