"""Moderation reports (contract section 11): what they read and where they go.

- S3: `moderation/<label>/<YYYY-MM-DD>/moderation.html` and `moderation.csv`, rewritten when the day's
  abusive texts change, expired by the bucket's lifecycle rule with the texts; presigned links signed
  like summary links.
- DynamoDB: the abusive texts of one content and UTC day, read from its `TXT#` items (one Query on the
  content's partition, see adapters/event_store); and each report's tally of abusive texts per
  pseudonym, pk `MODTALLY#<label>`, sk `<YYYY-MM-DD>`, `authors` (JSON), TTL as the texts', from which
  later days' repeat counts are summed (one Query per report).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from chalicelib.adapters.dynamo import Item, batch_put, query
from chalicelib.adapters.event_store import iso
from chalicelib.adapters.s3 import S3Objects, failing_as
from chalicelib.domain.moderation.report import AbusiveText
from chalicelib.errors import DependencyFailed

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

REPORT_NAMES = ("moderation.csv", "moderation.html")  # the CSV first: a page always has its CSV
CONTENT_TYPES = {"moderation.html": "text/html; charset=utf-8", "moderation.csv": "text/csv; charset=utf-8"}
# A `TXT#` item's sort key is the time of one of its delivery's events; the delivery's other texts may
# be a little older or newer, so a day is read with this margin and filtered on each text's own time.
DELIVERY_SPREAD = timedelta(days=1)


def report_key(label: str, day: date, name: str) -> str:
    return f"moderation/{label}/{day.isoformat()}/{name}"


class S3ModerationReports(S3Objects):
    def put(self, label: str, day: date, bodies: Mapping[str, bytes], generated_at: datetime) -> None:
        with failing_as("The moderation report could not be written; retry."):
            for name in REPORT_NAMES:
                self._s3.put_object(
                    Bucket=self._bucket,
                    Key=report_key(label, day, name),
                    Body=bodies[name],
                    ContentType=CONTENT_TYPES[name],
                    ContentDisposition="inline" if name.endswith("html") else "attachment",
                    CacheControl="no-cache",
                    Metadata={"generated-at": iso(generated_at)},
                )

    def generated_at(self, label: str, day: date) -> str | None:
        """When the day's report was last written, or None when it has none."""
        key = report_key(label, day, "moderation.html")
        head = self._head(key, "The moderation report could not be read.")
        if head is None:
            return None
        return str(head.get("Metadata", {}).get("generated-at", ""))

    def presign(self, label: str, day: date, name: str, expires_in_seconds: int) -> str:
        return self._link(report_key(label, day, name), expires_in_seconds)


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(), tzinfo=UTC)
    return start, start + timedelta(days=1)


def abusive_texts_of(item: Item, platform: str, content_id: str, day: date) -> list[AbusiveText]:
    """The abusive texts of one `TXT#` item whose own time falls on `day` (UTC)."""
    start, end = _day_bounds(day)
    texts = item.get("texts", {}).get("M", {})
    found = []
    for event_id, stored in item.get("verdicts", {}).get("M", {}).items():
        verdict = stored["M"]
        at = datetime.fromisoformat(verdict["at"]["S"])
        if not verdict["abusive"]["BOOL"] or not start <= at < end:
            continue
        found.append(
            AbusiveText(
                platform=platform,
                account_id=verdict["account_id"]["S"],
                content_id=content_id,
                event_id=event_id,
                comment_id=verdict.get("comment_id", {}).get("S"),
                at=at,
                categories=tuple(c["S"] for c in verdict["categories"]["L"]),
                severity=int(verdict["severity"]["N"]),
                text=texts.get(event_id, {}).get("S", ""),
                actor=verdict.get("actor", {}).get("S"),
            )
        )
    return found


class DynamoModerationReports:
    def __init__(self, dynamodb: DynamoDBClient, table_name: str) -> None:
        self._dynamodb = dynamodb
        self._table = table_name

    def abusive_texts(self, platform: str, content_id: str, day: date) -> list[AbusiveText]:
        start, end = _day_bounds(day)
        pk, first, last = (
            f"TXT#{platform}#{content_id}",
            iso(start - DELIVERY_SPREAD),
            iso(end + DELIVERY_SPREAD),
        )
        items = self._between(pk, first, last, "The texts of a content could not be read.")
        return [text for item in items for text in abusive_texts_of(item, platform, content_id, day)]

    def tallies(self, label: str, first: date, last: date) -> dict[date, dict[str, int]]:
        """The stored per-pseudonym tallies of the label's days first to last (inclusive)."""
        pk, failure = f"MODTALLY#{label}", "The moderation tallies could not be read."
        items = self._between(pk, first.isoformat(), last.isoformat(), failure)
        return {date.fromisoformat(i["sk"]["S"]): json.loads(i["authors"]["S"]) for i in items}

    def _between(self, pk: str, first: str, last: str, failure: str) -> Iterator[Item]:
        """The partition's items whose sort key is from first to last (inclusive)."""
        return query(
            self._dynamodb,
            failure,
            TableName=self._table,
            KeyConditionExpression="pk = :pk AND sk BETWEEN :first AND :last",
            ExpressionAttributeValues={":pk": {"S": pk}, ":first": {"S": first}, ":last": {"S": last}},
        )

    def put_tally(self, label: str, day: date, authors: Mapping[str, int], expires_at: datetime) -> None:
        item: dict[str, Any] = {
            "pk": {"S": f"MODTALLY#{label}"},
            "sk": {"S": day.isoformat()},
            "authors": {"S": json.dumps(dict(authors), sort_keys=True, separators=(",", ":"))},
            "expires_at": {"N": str(int(expires_at.timestamp()))},
        }
        # BatchWriteItem, which the publish role already has, rather than a PutItem grant of its own.
        if batch_put(self._dynamodb, self._table, [item]):
            raise DependencyFailed("A moderation tally could not be written; retry.")
