"""Consumption in the single table (contract section 12): imports' statuses and the day ledgers.

| item | pk | sk | attributes |
|---|---|---|---|
| import | `IMPORTS#<label>` | `<import_id>` | `status` (the status as JSON, with the parse position) |
| day ledger | `CONS#track#<isrc>` / `CONS#release#<upc>` | `<YYYY-MM-DD>` | `p a d u rows figures` |

`p`, `a`, `d`, `u`: the day's totals (premium, ad-supported, downloads, physical units); `rows`: each
row's entry, a line each, and `figures` (binary) their four figures in the same order (`ledger_item`);
items written before `figures` existed hold `rows` as JSON, entry -> figures, and still read.

A ledger holds every row of its id and day, keyed by the row's identity (platform, country, stream
type, day or month grain): a re-import writes the same entries, a corrected report overwrites them, and
the totals are recomputed from the entries, so applying a chunk twice changes nothing. Publishing reads
the totals only (a projection), one Query per track and release over the window: items read grow with
days and tracks, never with the number of imported rows.
"""

from __future__ import annotations

import json
import struct
import time
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from itertools import chain
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.domain.consumption.rules import Totals
from chalicelib.errors import DependencyFailed

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

BATCH_GET = 100
BATCH_WRITE = 25
LedgerKey = tuple[str, str, str]  # (kind, id, day)
Entries = dict[str, Sequence[int]]  # entry -> premium, ad, downloads, physical


def ledger_pk(kind: str, item: str) -> str:
    return f"CONS#{kind}#{item}"


def ledger_item(key: LedgerKey, entries: Entries) -> dict[str, Any]:
    """The item of a day ledger: its entries and the totals recomputed from them. The entries' names
    are lines of `rows`, their figures unsigned 32-bit little-endian integers in `figures`, four an
    entry: building that costs a third of the JSON of the same entries, for items of about its size.
    A figure of 2**32 or more (no row reports that many streams, but a file could say so) keeps the
    whole ledger in the JSON form."""
    kind, item, day = key
    numbers = list(chain.from_iterable(entries.values()))
    p, a, d, u = (sum(numbers[column::4]) for column in range(4))
    rows: dict[str, Any]
    try:
        packed = struct.pack(f"<{len(numbers)}I", *numbers)
    except struct.error:
        rows = {"rows": {"S": json.dumps(entries, separators=(",", ":"))}}
    else:
        rows = {"rows": {"S": "\n".join(entries)}, "figures": {"B": packed}}
    return {
        "pk": {"S": ledger_pk(kind, item)},
        "sk": {"S": day},
        "p": {"N": str(p)},
        "a": {"N": str(a)},
        "d": {"N": str(d)},
        "u": {"N": str(u)},
        **rows,
    }


def ledger_entries(item: Mapping[str, Any]) -> Entries:
    """The entries of a stored ledger item, in either form `ledger_item` writes (or wrote before
    `figures` existed: `rows` as JSON)."""
    if "figures" not in item:
        return {entry: tuple(figures) for entry, figures in json.loads(item["rows"]["S"]).items()}
    names = item["rows"]["S"].split("\n") if item["rows"]["S"] else []
    return dict(zip(names, struct.iter_unpack("<4I", item["figures"]["B"]), strict=True))


class DynamoConsumption:
    def __init__(self, dynamodb: DynamoDBClient, table_name: str) -> None:
        self._dynamodb = dynamodb
        self._table = table_name

    # Imports ------------------------------------------------------------------------------------------

    def create_import(self, label: str, import_id: str, status: Mapping[str, Any]) -> bool:
        """False when the import exists already (a redelivered S3 notification)."""
        try:
            self._dynamodb.put_item(
                TableName=self._table,
                Item={
                    "pk": {"S": f"IMPORTS#{label}"},
                    "sk": {"S": import_id},
                    "status": {"S": json.dumps(status)},
                },
                ConditionExpression="attribute_not_exists(pk)",
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise DependencyFailed("The import could not be recorded; retry.") from error
        except BotoCoreError as error:
            raise DependencyFailed("The import could not be recorded; retry.") from error
        return True

    def save_import(self, label: str, import_id: str, status: Mapping[str, Any]) -> None:
        try:
            self._dynamodb.put_item(
                TableName=self._table,
                Item={
                    "pk": {"S": f"IMPORTS#{label}"},
                    "sk": {"S": import_id},
                    "status": {"S": json.dumps(status)},
                },
            )
        except (BotoCoreError, ClientError) as error:
            raise DependencyFailed("The import's status could not be saved; retry.") from error

    def get_import(self, label: str, import_id: str) -> dict[str, Any] | None:
        try:
            item = self._dynamodb.get_item(
                TableName=self._table,
                Key={"pk": {"S": f"IMPORTS#{label}"}, "sk": {"S": import_id}},
                ConsistentRead=True,
            ).get("Item")
        except (BotoCoreError, ClientError) as error:
            raise DependencyFailed("The import could not be read.") from error
        return json.loads(item["status"]["S"]) if item else None

    def imports_of(self, label: str) -> list[dict[str, Any]]:
        return [json.loads(item["status"]["S"]) for item in self._query(f"IMPORTS#{label}", None)]

    # Ledgers ------------------------------------------------------------------------------------------

    def ledgers(self, keys: Iterable[LedgerKey]) -> dict[LedgerKey, Entries]:
        """The entries of the day ledgers asked for (absent ones are left out): one BatchGetItem per
        100 keys."""
        wanted = list(dict.fromkeys(keys))
        found: dict[LedgerKey, Entries] = {}
        for start in range(0, len(wanted), BATCH_GET):
            request: dict[str, Any] = {
                self._table: {
                    "Keys": [
                        {"pk": {"S": ledger_pk(kind, item)}, "sk": {"S": day}}
                        for kind, item, day in wanted[start : start + BATCH_GET]
                    ],
                    "ConsistentRead": True,
                    "ProjectionExpression": "pk, sk, #rows, #figures",
                    "ExpressionAttributeNames": {"#rows": "rows", "#figures": "figures"},
                }
            }
            for attempt in range(6):
                try:
                    answer = self._dynamodb.batch_get_item(RequestItems=request)
                except (BotoCoreError, ClientError) as error:
                    raise DependencyFailed("Consumption ledgers could not be read.") from error
                for item in answer.get("Responses", {}).get(self._table, []):
                    _, kind, ident = item["pk"]["S"].split("#", 2)
                    found[(kind, ident, item["sk"]["S"])] = ledger_entries(item)
                request = dict(answer.get("UnprocessedKeys") or {})
                if not request:
                    break
                time.sleep(0.05 * 2**attempt)
            else:
                raise DependencyFailed("Consumption ledgers could not be read (throttled).")
        return found

    def write_ledgers(self, ledgers: Mapping[LedgerKey, Entries]) -> None:
        """Each ledger with its entries and the totals recomputed from them: 25 per BatchWriteItem."""
        puts = [{"PutRequest": {"Item": ledger_item(key, entries)}} for key, entries in ledgers.items()]
        for start in range(0, len(puts), BATCH_WRITE):
            pending: dict[str, Any] = {self._table: puts[start : start + BATCH_WRITE]}
            for attempt in range(6):
                try:
                    answer = self._dynamodb.batch_write_item(RequestItems=pending)
                except (BotoCoreError, ClientError) as error:
                    raise DependencyFailed("Consumption ledgers could not be written; retry.") from error
                pending = dict(answer.get("UnprocessedItems") or {})
                if not pending:
                    break
                time.sleep(0.05 * 2**attempt)
            else:
                raise DependencyFailed("Consumption ledgers could not be written (throttled); retry.")

    def day_totals(self, kind: str, item: str, first: date, last: date) -> list[tuple[date, Totals]]:
        """The day totals of one track or release in [first, last]: the totals only, never the rows."""
        return [
            (
                date.fromisoformat(row["sk"]["S"]),
                Totals(int(row["p"]["N"]), int(row["a"]["N"]), int(row["d"]["N"]), int(row["u"]["N"])),
            )
            for row in self._query(ledger_pk(kind, item), (first.isoformat(), last.isoformat()))
        ]

    def _query(self, pk: str, between: tuple[str, str] | None) -> list[dict[str, Any]]:
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": pk}},
            "ScanIndexForward": False,
        }
        if between is not None:
            request["KeyConditionExpression"] += " AND sk BETWEEN :first AND :last"
            request["ExpressionAttributeValues"].update(
                {":first": {"S": between[0]}, ":last": {"S": between[1]}}
            )
            request["ProjectionExpression"] = "sk, p, a, d, u"
        items: list[dict[str, Any]] = []
        try:
            while True:
                page = self._dynamodb.query(**request)
                items += page.get("Items", [])
                if "LastEvaluatedKey" not in page:
                    return items
                request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        except (BotoCoreError, ClientError) as error:
            raise DependencyFailed("Consumption could not be read.") from error
