"""The catalogue in the single table (contract section 12).

| item | pk | sk | attributes |
|---|---|---|---|
| release | `RELEASE` | `<upc>` | `label`, `artist_id`, `release` (the model as JSON) |

Releases are few next to events (a label's catalogue is thousands at most): one partition, read with
one paginated Query when an import needs its label's ids or a publish its artist's releases. A UPC is
unique in the deployment: registering one is conditioned on it being new.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.adapters.dynamo import get_item, partition, write
from chalicelib.errors import Conflict
from chalicelib.models.release import Release

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

RELEASES = "RELEASE"


def _key(upc: str) -> dict[str, Any]:
    return {"pk": {"S": RELEASES}, "sk": {"S": upc}}


class DynamoCatalogue:
    def __init__(self, dynamodb: DynamoDBClient, table_name: str) -> None:
        self._dynamodb = dynamodb
        self._table = table_name

    def get(self, upc: str) -> Release | None:
        item = get_item(self._dynamodb, self._table, _key(upc), "The catalogue could not be read.")
        return Release.model_validate_json(item["release"]["S"]) if item else None

    def list_all(self) -> list[Release]:
        items = partition(self._dynamodb, self._table, RELEASES, "The catalogue could not be read.")
        return [Release.model_validate_json(item["release"]["S"]) for item in items]

    def put(self, release: Release, *, new: bool) -> None:
        item = {
            **_key(release.upc),
            "label": {"S": release.label},
            "artist_id": {"S": release.artist_id},
            "release": {"S": release.model_dump_json()},
        }
        condition = "attribute_not_exists(pk)" if new else "attribute_exists(pk)"
        if not write(
            self._dynamodb.put_item,
            "The release could not be written; retry.",
            TableName=self._table,
            Item=item,
            ConditionExpression=condition,
        ):
            raise Conflict(f"Release {release.upc} {'exists' if new else 'was removed'}.")

    def delete(self, upc: str) -> None:
        write(
            self._dynamodb.delete_item,
            "The release could not be removed; retry.",
            TableName=self._table,
            Key=_key(upc),
        )
