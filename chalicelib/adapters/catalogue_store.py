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

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.errors import Conflict, DependencyFailed
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
        try:
            item = self._dynamodb.get_item(TableName=self._table, Key=_key(upc), ConsistentRead=True).get(
                "Item"
            )
        except (BotoCoreError, ClientError) as error:
            raise DependencyFailed("The catalogue could not be read.") from error
        return Release.model_validate_json(item["release"]["S"]) if item else None

    def list_all(self) -> list[Release]:
        releases: list[Release] = []
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": RELEASES}},
            "ConsistentRead": True,
        }
        try:
            while True:
                page = self._dynamodb.query(**request)
                releases += [Release.model_validate_json(i["release"]["S"]) for i in page.get("Items", [])]
                if "LastEvaluatedKey" not in page:
                    return releases
                request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        except (BotoCoreError, ClientError) as error:
            raise DependencyFailed("The catalogue could not be read.") from error

    def put(self, release: Release, *, new: bool) -> None:
        item = {
            **_key(release.upc),
            "label": {"S": release.label},
            "artist_id": {"S": release.artist_id},
            "release": {"S": release.model_dump_json()},
        }
        condition = "attribute_not_exists(pk)" if new else "attribute_exists(pk)"
        try:
            self._dynamodb.put_item(TableName=self._table, Item=item, ConditionExpression=condition)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                raise Conflict(f"Release {release.upc} {'exists' if new else 'was removed'}.") from error
            raise DependencyFailed("The release could not be written; retry.") from error
        except BotoCoreError as error:
            raise DependencyFailed("The release could not be written; retry.") from error

    def delete(self, upc: str) -> None:
        try:
            self._dynamodb.delete_item(TableName=self._table, Key=_key(upc))
        except (BotoCoreError, ClientError) as error:
            raise DependencyFailed("The release could not be removed; retry.") from error
