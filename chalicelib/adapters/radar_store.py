"""The talent radar in the single table (contract section 13).

| item | pk | sk | attributes |
|---|---|---|---|
| radar id | `RADARID` | `<radar_id>` | `label` (radar ids are global: readings and DELETE name no label) |
| watched artist | `RADAR#<label>` | `A#<radar_id>` | `artist` (JSON), `score` (JSON), `band`, `gone` (JSON) |
| reading | `RADARREAD#<label>#<radar_id>` | `<day>#<platform>` | `at`, `audience` |
| day marker | `RADARPULL` | `<day>` | `pending` (zlib JSON: platform -> ids unread), `expires_at` |

A label's watchlist, with every artist's latest score, is one Query. An artist's whole history, every
platform and day, is one Query of its own partition, in day order: the radar job reads each artist's
readings exactly once. A reading's key is its identity (radar id, platform, UTC day); it is written with
the condition that no later reading of that day is stored, so sending it again changes nothing and the
latest reading of a day wins whatever the order of arrival. Readings are kept under the label: if the
label stops watching and watches the same radar id again, its history comes back; another label never
sees it.

The day's reading marker says that the pull job read the watched accounts that UTC day, and which it
could not read yet (a spent budget, a timeout): the next runs of the day read those only. The ids are
compressed (a few bytes each), so that a day's pending ids of a large watchlist fit one item; the
marker expires a week later (TTL).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from chalicelib.adapters.dynamo import batch_get, get_item, partition, write
from chalicelib.adapters.event_store import iso
from chalicelib.domain.radar import Reading
from chalicelib.domain.stored import StoredReading
from chalicelib.errors import Conflict
from chalicelib.models.radar import WatchedArtist

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import PutTypeDef, TransactWriteItemTypeDef

RADAR_IDS = "RADARID"
DAY_MARKERS = "RADARPULL"
DAY_MARKER_DAYS = 7
# Conditional puts cannot be batched: a backfill writes them this many at a time.
WRITE_THREADS = 8
NEWER = "attribute_not_exists(pk) OR #at < :at"


def _id_key(radar_id: str) -> dict[str, Any]:
    return {"pk": {"S": RADAR_IDS}, "sk": {"S": radar_id}}


def _artist_key(label: str, radar_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"RADAR#{label}"}, "sk": {"S": f"A#{radar_id}"}}


def _marker_key(day: str) -> dict[str, Any]:
    return {"pk": {"S": DAY_MARKERS}, "sk": {"S": day}}


def readings_pk(label: str, radar_id: str) -> str:
    return f"RADARREAD#{label}#{radar_id}"


def _artist(item: dict[str, Any]) -> WatchedArtist:
    data = json.loads(item["artist"]["S"])
    data["gone"] = json.loads(item["gone"]["S"]) if "gone" in item else {}
    data["score"] = json.loads(item["score"]["S"]) if "score" in item else None
    return WatchedArtist.model_validate(data)


def parse_readings(items: Iterable[dict[str, Any]]) -> list[Reading]:
    """Reading items (sk `<day>#<platform>`) as the domain's readings."""
    parsed: list[Reading] = []
    for item in items:
        day, _, platform = item["sk"]["S"].partition("#")
        parsed.append(Reading(platform, date.fromisoformat(day), int(item["audience"]["N"])))
    return parsed


class DynamoRadar:
    def __init__(self, dynamodb: DynamoDBClient, table_name: str, sleep: Callable[[float], None]) -> None:
        self._dynamodb = dynamodb
        self._table = table_name
        self._sleep = sleep

    # The watchlist ----------------------------------------------------------------------------------

    def watch(self, artist: WatchedArtist) -> None:
        """Add the artist: its radar id claimed and its item written together; Conflict if the id exists."""
        body = artist.model_dump(mode="json", exclude={"gone", "score"})
        items: list[TransactWriteItemTypeDef] = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": {**_id_key(artist.radar_id), "label": {"S": artist.label}},
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            {
                "Put": {
                    "TableName": self._table,
                    "Item": {
                        **_artist_key(artist.label, artist.radar_id),
                        "artist": {"S": json.dumps(body, sort_keys=True)},
                    },
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
        ]
        if not write(
            self._dynamodb.transact_write_items,
            "The watchlist could not be written.",
            refusals={"TransactionCanceledException"},
            TransactItems=items,
        ):
            raise Conflict(f"Radar id {artist.radar_id} exists.")

    def labels_of(self, radar_ids: Iterable[str]) -> dict[str, str]:
        """radar_id -> label of the watched ones among `radar_ids` (BatchGetItem, 100 keys a call)."""
        keys = [_id_key(radar_id) for radar_id in dict.fromkeys(radar_ids)]
        items = batch_get(
            self._dynamodb,
            self._table,
            keys,
            failure="The watchlist could not be read.",
            throttled="The watchlist kept throttling reads.",
            sleep=self._sleep,
            ConsistentRead=True,
        )
        return {item["sk"]["S"]: item["label"]["S"] for item in items}

    def labels(self) -> list[str]:
        """Every label with a watched artist: one Query of the radar ids."""
        return sorted({item["label"]["S"] for item in self._query(RADAR_IDS, "The watchlist")})

    def get(self, radar_id: str) -> WatchedArtist | None:
        label = self.labels_of([radar_id]).get(radar_id)
        if label is None:
            return None
        item = get_item(
            self._dynamodb, self._table, _artist_key(label, radar_id), "The watchlist could not be read."
        )
        return _artist(item) if item else None

    def list_label(self, label: str) -> list[WatchedArtist]:
        """The label's watchlist with each artist's latest score, by radar id: one Query."""
        return [_artist(item) for item in self._query(f"RADAR#{label}", "The watchlist")]

    def unwatch(self, artist: WatchedArtist) -> None:
        """Stop watching: the radar id and the artist go together; the readings stay with the label."""
        write(
            self._dynamodb.transact_write_items,
            "The watchlist could not be written.",
            TransactItems=[
                {"Delete": {"TableName": self._table, "Key": _id_key(artist.radar_id)}},
                {"Delete": {"TableName": self._table, "Key": _artist_key(artist.label, artist.radar_id)}},
            ],
        )

    def mark_gone(self, label: str, radar_id: str, gone: dict[str, str]) -> None:
        """Record the platforms that answered 404 (platform -> day); the artist stays watched."""
        self._update_artist(
            label, radar_id, "SET gone = :gone", {":gone": {"S": json.dumps(gone, sort_keys=True)}}
        )

    # The day's reading ------------------------------------------------------------------------------

    def day_pending(self, day: str) -> dict[str, list[str]] | None:
        """The accounts the day's reading left unread (platform -> ids); None before its first run."""
        item = get_item(
            self._dynamodb, self._table, _marker_key(day), "The radar's day marker could not be read."
        )
        if item is None:
            return None
        pending: dict[str, list[str]] = json.loads(zlib.decompress(item["pending"]["B"]))
        return pending

    def save_day_pending(self, day: str, pending: Mapping[str, Sequence[str]]) -> None:
        """Record what the day's reading left unread (nothing: the day is complete)."""
        body = json.dumps({p: list(ids) for p, ids in pending.items()}, sort_keys=True)
        expires = datetime.combine(date.fromisoformat(day), datetime.min.time(), UTC)
        write(
            self._dynamodb.put_item,
            "The radar's day marker could not be written.",
            TableName=self._table,
            Item={
                **_marker_key(day),
                "pending": {"B": zlib.compress(body.encode("utf-8"))},
                "expires_at": {"N": str(int((expires + timedelta(days=DAY_MARKER_DAYS)).timestamp()))},
            },
        )

    # Readings ---------------------------------------------------------------------------------------

    def put_readings(self, readings: Sequence[StoredReading]) -> int:
        """Store each reading unless a reading of the same day at the same or a later time is stored;
        the number written (the others changed nothing)."""
        latest: dict[tuple[str, str, str, str], StoredReading] = {}
        for reading in readings:  # within one call the latest of a day wins before anything is sent
            key = (reading.label, reading.radar_id, reading.platform, reading.day)
            if key not in latest or latest[key].at < reading.at:
                latest[key] = reading
        todo = list(latest.values())
        if len(todo) <= 1:
            return sum(self._put_reading(r) for r in todo)
        with ThreadPoolExecutor(max_workers=WRITE_THREADS) as pool:
            return sum(pool.map(self._put_reading, todo))

    def _put_reading(self, reading: StoredReading) -> bool:
        put: PutTypeDef = {
            "TableName": self._table,
            "Item": {
                "pk": {"S": readings_pk(reading.label, reading.radar_id)},
                "sk": {"S": f"{reading.day}#{reading.platform}"},
                "at": {"S": iso(reading.at)},
                "audience": {"N": str(reading.audience)},
            },
            "ConditionExpression": NEWER,
            "ExpressionAttributeNames": {"#at": "at"},
            "ExpressionAttributeValues": {":at": {"S": iso(reading.at)}},
        }
        return write(self._dynamodb.put_item, "Readings could not be stored; send them again.", **put)

    def readings(self, label: str, radar_id: str) -> list[Reading]:
        """Every reading of the artist, every platform, in day order: one (paginated) Query."""
        return parse_readings(self._query(readings_pk(label, radar_id), "Readings"))

    # Scores -----------------------------------------------------------------------------------------

    def save_score(
        self, label: str, radar_id: str, score: dict[str, Any], band: str | None, alert: PutTypeDef | None
    ) -> bool:
        """Store the artist's latest score. With `alert` (the artist enters `explosive`), the score and
        the alert's claim are one transaction conditioned on the stored band not being `explosive` yet:
        False when another run got there first (it publishes, this one does not)."""
        values = {":score": {"S": json.dumps(score, sort_keys=True)}, ":band": {"S": band or "none"}}
        if alert is None:
            return self._update_artist(label, radar_id, "SET score = :score, band = :band", values)
        update: dict[str, Any] = {
            "TableName": self._table,
            "Key": _artist_key(label, radar_id),
            "UpdateExpression": "SET score = :score, band = :band",
            "ExpressionAttributeValues": values,
        }
        update["ConditionExpression"] = "attribute_exists(pk) AND (attribute_not_exists(band) OR band <> :x)"
        update["ExpressionAttributeValues"][":x"] = {"S": "explosive"}
        both: Any = [{"Update": update}, {"Put": alert}]
        return write(
            self._dynamodb.transact_write_items,
            "The score could not be stored.",
            refusals={"ConditionalCheckFailedException", "TransactionCanceledException"},
            TransactItems=both,
        )

    def _update_artist(self, label: str, radar_id: str, expression: str, values: dict[str, Any]) -> bool:
        """Update a watched artist's item; False when it is no longer watched (nothing is resurrected)."""
        return write(
            self._dynamodb.update_item,
            "The watchlist could not be written.",
            TableName=self._table,
            Key=_artist_key(label, radar_id),
            UpdateExpression=expression,
            ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeValues=values,
        )

    def _query(self, pk: str, what: str) -> list[dict[str, Any]]:
        return list(partition(self._dynamodb, self._table, pk, f"{what} could not be read."))
