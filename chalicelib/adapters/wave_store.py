"""Moderation's items in the single table (contract section 11).

- abusive texts of an account's hour on one content (derived from its rollup): pk
  `MODH#<platform>#<account_id>`, sk `<YYYY-MM-DDTHH>#<content_id>`; `texts`, `abusive`, `categories`;
- an account with abusive texts that UTC day: pk `MODACT#<YYYY-MM-DD>`, sk `<platform>#<account_id>`
  (TTL 40 days);
- a wave key's evaluation state: pk `WAVESTATE#<label>`, sk `<platform>#<subject>`; `through` (the last
  hour evaluated) and `live` (the live wave, JSON) while one is;
- a live wave's key, so that the job ends it even once its key goes quiet: pk `WAVELIVE`, sk
  `<label>#<platform>#<subject>`;
- a wave: pk `WAVE#<label>`, sk `<wave_id>`; `subject`, `platform`, `started_at`, `ended_at` once over,
  `abusive`, `by_category`.

Hour items and day items are puts of deterministic keys written by the rollup refresh, so a second
refresh writes the same items. Texts and their verdicts stay in the `TXT#` items (adapters/event_store):
a report reads them there, and they expire with them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.adapters.dynamo import Item, get_item, partition, query, write
from chalicelib.adapters.event_store import iso
from chalicelib.domain.rollups import Rollup, abusive_by_account
from chalicelib.errors import DependencyFailed

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

HOUR_FORMAT = "%Y-%m-%dT%H"
ACTIVE_DAYS_KEPT = 40
READ_FAILED = "Moderation items could not be read."


def abuse_items(rollup: Rollup) -> list[Item]:
    """The account-hour items of a recomputed rollup: one per account with abusive texts, and the
    day's activity item of that account (the wave job's list of what to look at)."""
    items: list[Item] = []
    hour = rollup.hour.strftime(HOUR_FORMAT)
    day = rollup.hour.date()
    expires = int((rollup.hour + timedelta(days=ACTIVE_DAYS_KEPT)).timestamp())
    for account, (texts, abusive, categories) in sorted(abusive_by_account(rollup).items()):
        if not account or not abusive:
            continue
        items.append(
            {
                "pk": {"S": f"MODH#{rollup.platform}#{account}"},
                "sk": {"S": f"{hour}#{rollup.content_id}"},
                "content_id": {"S": rollup.content_id},
                "texts": {"N": str(texts)},
                "abusive": {"N": str(abusive)},
                "categories": {"S": json.dumps(categories, sort_keys=True)},
            }
        )
        items.append(
            {
                "pk": {"S": f"MODACT#{day.isoformat()}"},
                "sk": {"S": f"{rollup.platform}#{account}"},
                "platform": {"S": rollup.platform},
                "account_id": {"S": account},
                "expires_at": {"N": str(expires)},
            }
        )
    return items


@dataclass(frozen=True, slots=True)
class AbusiveHour:
    hour: datetime
    content_id: str
    abusive: int
    categories: dict[str, int]


@dataclass(frozen=True, slots=True)
class WaveRecord:
    label: str
    wave_id: str
    subject: str
    platform: str
    started_at: datetime
    abusive: int
    by_category: dict[str, int]
    ended_at: datetime | None = None

    @property
    def live(self) -> bool:
        return self.ended_at is None


@dataclass(frozen=True, slots=True)
class WaveState:
    through: datetime | None
    live: dict[str, Any] | None  # the LiveWave's fields, JSON-ready


class DynamoWaves:
    def __init__(self, dynamodb: DynamoDBClient, table_name: str) -> None:
        self._dynamodb = dynamodb
        self._table = table_name

    def _query(self, **kwargs: Any) -> Iterator[dict[str, Any]]:
        return query(self._dynamodb, READ_FAILED, TableName=self._table, **kwargs)

    def _partition(self, pk: str) -> Iterator[dict[str, Any]]:
        return partition(self._dynamodb, self._table, pk, READ_FAILED)

    # What the refresh derived -------------------------------------------------------------------------

    def active_accounts(self, day: date) -> list[tuple[str, str]]:
        """(platform, account) with abusive texts that UTC day."""
        return [
            (i["platform"]["S"], i["account_id"]["S"]) for i in self._partition(f"MODACT#{day.isoformat()}")
        ]

    def abusive_hours(
        self, platform: str, account_id: str, first: datetime, last: datetime
    ) -> list[AbusiveHour]:
        """The account's abusive counts per hour and content, first to last hour inclusive."""
        found = []
        for item in self._query(
            KeyConditionExpression="pk = :pk AND sk BETWEEN :first AND :last",
            ExpressionAttributeValues={
                ":pk": {"S": f"MODH#{platform}#{account_id}"},
                ":first": {"S": first.strftime(HOUR_FORMAT)},
                ":last": {"S": last.strftime(HOUR_FORMAT) + "#\uffff"},
            },
            ConsistentRead=True,
        ):
            hour, _, content_id = item["sk"]["S"].partition("#")
            found.append(
                AbusiveHour(
                    datetime.strptime(hour, HOUR_FORMAT).replace(tzinfo=UTC),
                    content_id,
                    int(item["abusive"]["N"]),
                    json.loads(item["categories"]["S"]),
                )
            )
        return found

    def texts(self, platform: str, content_id: str, first: datetime, last: datetime) -> list[dict[str, Any]]:
        """The text items of one content whose first event is between first and last (inclusive)."""
        return list(
            self._query(
                KeyConditionExpression="pk = :pk AND sk BETWEEN :first AND :last",
                ExpressionAttributeValues={
                    ":pk": {"S": f"TXT#{platform}#{content_id}"},
                    ":first": {"S": iso(first)},
                    ":last": {"S": iso(last) + "#\uffff"},
                },
            )
        )

    # Waves ---------------------------------------------------------------------------------------------

    def state(self, label: str, platform: str, subject: str) -> WaveState:
        item = get_item(
            self._dynamodb,
            self._table,
            {"pk": {"S": f"WAVESTATE#{label}"}, "sk": {"S": f"{platform}#{subject}"}},
            "A wave state could not be read.",
        )
        if item is None:
            return WaveState(None, None)
        live = item.get("live", {}).get("S")
        return WaveState(datetime.fromisoformat(item["through"]["S"]), json.loads(live) if live else None)

    def save_state(self, label: str, platform: str, subject: str, state: WaveState) -> None:
        """The key's state after a run: later runs start from `through`. A concurrent run writes the
        same state (the same counts replayed give the same waves), so the last put wins harmlessly."""
        item: Item = {
            "pk": {"S": f"WAVESTATE#{label}"},
            "sk": {"S": f"{platform}#{subject}"},
            "through": {"S": iso(state.through or datetime.now(UTC))},
        }
        if state.live is not None:
            item["live"] = {"S": json.dumps(state.live, sort_keys=True)}
        live_key = {"pk": {"S": "WAVELIVE"}, "sk": {"S": f"{label}#{platform}#{subject}"}}
        try:
            self._dynamodb.put_item(TableName=self._table, Item=item)
            if state.live is not None:
                self._dynamodb.put_item(
                    TableName=self._table,
                    Item={
                        **live_key,
                        "label": {"S": label},
                        "platform": {"S": platform},
                        "subject": {"S": subject},
                    },
                )
            else:
                self._dynamodb.delete_item(TableName=self._table, Key=live_key)
        except (BotoCoreError, ClientError) as error:
            raise DependencyFailed("A wave state could not be written.") from error

    def live_keys(self) -> list[tuple[str, str, str]]:
        """(label, platform, subject) of every live wave."""
        return [(i["label"]["S"], i["platform"]["S"], i["subject"]["S"]) for i in self._partition("WAVELIVE")]

    def put_wave(self, wave: WaveRecord) -> None:
        item: Item = {
            "pk": {"S": f"WAVE#{wave.label}"},
            "sk": {"S": wave.wave_id},
            "subject": {"S": wave.subject},
            "platform": {"S": wave.platform},
            "started_at": {"S": iso(wave.started_at)},
            "abusive": {"N": str(wave.abusive)},
            "by_category": {"S": json.dumps(wave.by_category, sort_keys=True)},
        }
        if wave.ended_at is not None:
            item["ended_at"] = {"S": iso(wave.ended_at)}
        write(self._dynamodb.put_item, "A wave could not be written.", TableName=self._table, Item=item)

    def waves(self, label: str) -> list[WaveRecord]:
        """The label's waves (a few a month): one Query."""
        return [
            WaveRecord(
                label=label,
                wave_id=item["sk"]["S"],
                subject=item["subject"]["S"],
                platform=item["platform"]["S"],
                started_at=datetime.fromisoformat(item["started_at"]["S"]),
                abusive=int(item["abusive"]["N"]),
                by_category=json.loads(item["by_category"]["S"]),
                ended_at=datetime.fromisoformat(item["ended_at"]["S"]) if "ended_at" in item else None,
            )
            for item in self._partition(f"WAVE#{label}")
        ]


def days_between(first: datetime, last: datetime) -> Sequence[date]:
    days = []
    day = first.date()
    while day <= last.date():
        days.append(day)
        day += timedelta(days=1)
    return days
