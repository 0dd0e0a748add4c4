"""Bearer tokens of the management API. Item: pk `TOKEN#<token_id>`, sk `TOKEN`, with the SHA-256 of
the secret (never the token), name, role and labels. Reads are consistent and never cached, so a
deleted (revoked) token stops working at once."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from chalicelib.adapters.dynamo import DynamoTable, get_item, write
from chalicelib.domain.access import ROLES, Role, StoredToken
from chalicelib.errors import Conflict

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef

SORT_KEY = "TOKEN"


def _key(token_id: str) -> dict[str, AttributeValueTypeDef]:
    return {"pk": {"S": f"TOKEN#{token_id}"}, "sk": {"S": SORT_KEY}}


class DynamoTokens(DynamoTable):
    def get(self, token_id: str) -> StoredToken | None:
        item = get_item(self._dynamodb, self._table, _key(token_id), "Tokens could not be read.")
        if not item or item.get("role", {}).get("S") not in ROLES:
            return None
        return StoredToken(
            token_id=token_id,
            name=item["name"]["S"],
            role=cast(Role, item["role"]["S"]),
            labels=frozenset(value["S"] for value in item.get("labels", {}).get("L", [])),
            secret_sha256=item["secret_sha256"]["S"],
            created_at=item["created_at"]["S"],
            created_by=item["created_by"]["S"],
        )

    def put(self, token: StoredToken) -> None:
        """Store a new token; an existing token_id is a Conflict (never overwritten)."""
        item: dict[str, AttributeValueTypeDef] = {
            **_key(token.token_id),
            "name": {"S": token.name},
            "role": {"S": token.role},
            "labels": {"L": [{"S": label} for label in sorted(token.labels)]},
            "secret_sha256": {"S": token.secret_sha256},
            "created_at": {"S": token.created_at},
            "created_by": {"S": token.created_by},
        }
        if not write(
            self._dynamodb.put_item,
            "Tokens could not be written.",
            TableName=self._table,
            Item=item,
            ConditionExpression="attribute_not_exists(pk)",
        ):
            raise Conflict("The token id is taken.")

    def delete(self, token_id: str) -> bool:
        """Delete the token; False when there was none."""
        return write(
            self._dynamodb.delete_item,
            "Tokens could not be written.",
            TableName=self._table,
            Key=_key(token_id),
            ConditionExpression="attribute_exists(pk)",
        )
