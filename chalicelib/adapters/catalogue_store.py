"""The catalogue in the single table (contract section 12).

| item | pk | sk | attributes |
|---|---|---|---|
| release | `RELEASE` | `<upc>` | `label`, `artist_id`, `release` (the model as JSON) |

Releases are few next to events (a label's catalogue is thousands at most): one partition, read with
one paginated Query when an import needs its label's ids or a publish its artist's releases. A UPC is
unique in the deployment: registering one is conditioned on it being new.
"""

from __future__ import annotations

from chalicelib.adapters.dynamo import Item, PartitionStore, write
from chalicelib.errors import Conflict
from chalicelib.models.release import Release


class DynamoCatalogue(PartitionStore[Release]):
    PARTITION = "RELEASE"
    UNREADABLE = "The catalogue could not be read."

    def _record(self, item: Item) -> Release:
        return Release.model_validate_json(item["release"]["S"])

    def put(self, release: Release, *, new: bool) -> None:
        item = {
            **self._key(release.upc),
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
            Key=self._key(upc),
        )
