"""What every DynamoDB adapter shares: paging, batch reads and writes, marshalling.

- Throttling and transient errors of a request are retried by botocore itself (the clients of
  `chalicelib.aws` use its standard retry mode); nothing here retries a failed request.
- Paging goes through boto3's paginators, which follow `LastEvaluatedKey`.
- What botocore does not retry is a batch's *partial* success: `UnprocessedKeys` of a BatchGetItem and
  `UnprocessedItems` of a BatchWriteItem come back in a 200. So one small converge loop stays, here:
  what is left is asked again with jittered exponential back-off, up to `MAX_ATTEMPTS` times.
- Items are built with boto3's `TypeSerializer`.
- Single-item reads and writes go through `get_item` and `write`, which turn a failed request into
  `DependencyFailed` and a write refused for its condition into False.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.errors import DependencyFailed

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

BATCH_GET_LIMIT = 100
BATCH_WRITE_LIMIT = 25
MAX_ATTEMPTS = 8
CONDITION_FAILED = frozenset({"ConditionalCheckFailedException"})

Item = dict[str, Any]
Key = tuple[str, str]
T = TypeVar("T")


@cache
def _serialize() -> Callable[[Any], Any]:
    # Imported when an item is first built: the webhook path (which reads subscriptions through
    # this module's `partition`) builds none.
    from boto3.dynamodb.types import TypeSerializer

    return TypeSerializer().serialize


def to_item(values: Mapping[str, Any]) -> Item:
    """A DynamoDB item from plain values (str, bool, int, dict, list); None values are left out."""
    serialize = _serialize()
    return {name: serialize(value) for name, value in values.items() if value is not None}


def key_of(item: Mapping[str, Any]) -> Key:
    return (item["pk"]["S"], item["sk"]["S"])


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def get_item(dynamodb: DynamoDBClient, table: str, key: Item, failure: str, **request: Any) -> Item | None:
    """The item of `key` (strongly consistent unless told otherwise), None when there is none;
    `DependencyFailed(failure)` when the read fails."""
    try:
        item: Item | None = dynamodb.get_item(
            TableName=table, Key=key, **{"ConsistentRead": True, **request}
        ).get("Item")
    except (BotoCoreError, ClientError) as error:
        raise DependencyFailed(failure) from error
    return item


def write(
    call: Callable[..., object], failure: str, *, refusals: Collection[str] = CONDITION_FAILED, **request: Any
) -> bool:
    """One write request (`call`: the client's put_item, update_item, delete_item or
    transact_write_items): False when DynamoDB refused it for its condition (an error code among
    `refusals`), `DependencyFailed(failure)` when it failed otherwise."""
    try:
        call(**request)
    except ClientError as error:
        if error_code(error) in refusals:
            return False
        raise DependencyFailed(failure) from error
    except BotoCoreError as error:
        raise DependencyFailed(failure) from error
    return True


def backoff_seconds(attempt: int) -> float:
    jitter: float = random.uniform(0.5, 1.0)  # noqa: S311 (jitter, not crypto)
    return min(2.0, 0.05 * 2.0**attempt) * jitter


def query(dynamodb: DynamoDBClient, failure: str, **request: Any) -> Iterator[Item]:
    """Every item a Query matches, page after page; `DependencyFailed(failure)` when a page fails."""
    try:
        for page in dynamodb.get_paginator("query").paginate(**request):
            yield from page.get("Items", [])
    except (BotoCoreError, ClientError) as error:
        raise DependencyFailed(failure) from error


def batch_get(
    dynamodb: DynamoDBClient,
    table: str,
    keys: Sequence[Item],
    *,
    failure: str,
    throttled: str,
    sleep: Callable[[float], None] = time.sleep,
    max_attempts: int = MAX_ATTEMPTS,
    **options: Any,
) -> Iterator[Item]:
    """The items of these keys (those that exist), 100 keys a request, `options` (ConsistentRead,
    ProjectionExpression) on each. Unprocessed keys are asked again until none is left; still some
    after `max_attempts` is `DependencyFailed(throttled)`, a failed request `DependencyFailed(failure)`."""
    for start in range(0, len(keys), BATCH_GET_LIMIT):
        request: Any = {table: {"Keys": list(keys[start : start + BATCH_GET_LIMIT]), **options}}
        for attempt in range(max_attempts):
            try:
                response = dynamodb.batch_get_item(RequestItems=request)
            except (BotoCoreError, ClientError) as error:
                raise DependencyFailed(failure) from error
            yield from response.get("Responses", {}).get(table, [])
            request = response.get("UnprocessedKeys") or {}
            if not request:
                break
            sleep(backoff_seconds(attempt))
        else:
            raise DependencyFailed(throttled)


def batch_write(
    dynamodb: DynamoDBClient,
    table: str,
    requests: Sequence[Item],
    *,
    failure: str,
    sleep: Callable[[float], None] = time.sleep,
    max_attempts: int = MAX_ATTEMPTS,
) -> list[Item]:
    """BatchWriteItem, 25 requests (`PutRequest` / `DeleteRequest`) a call, unprocessed ones sent again
    until none is left; returns those still unprocessed after `max_attempts`."""
    left: list[Item] = []
    for start in range(0, len(requests), BATCH_WRITE_LIMIT):
        pending = list(requests[start : start + BATCH_WRITE_LIMIT])
        for attempt in range(max_attempts):
            try:
                response = dynamodb.batch_write_item(RequestItems={table: pending})  # type: ignore[dict-item]
            except (BotoCoreError, ClientError) as error:
                raise DependencyFailed(failure) from error
            pending = list(response.get("UnprocessedItems", {}).get(table, []))  # type: ignore[arg-type]
            if not pending:
                break
            sleep(backoff_seconds(attempt))
        left.extend(pending)
    return left


def batch_put(
    dynamodb: DynamoDBClient,
    table: str,
    items: Sequence[Item],
    sleep: Callable[[float], None] = time.sleep,
    max_attempts: int = MAX_ATTEMPTS,
) -> list[Item]:
    """Put items 25 per request; returns those still unprocessed after the last attempt.

    DynamoDB refuses a whole BatchWriteItem whose keys repeat, which would fail a batch on every
    retry: the last item given for a key is the one written.
    """
    unique = list({key_of(item): item for item in items}.values())
    requests = [{"PutRequest": {"Item": item}} for item in unique]
    left = batch_write(
        dynamodb,
        table,
        requests,
        failure="The table could not be written.",
        sleep=sleep,
        max_attempts=max_attempts,
    )
    return [request["PutRequest"]["Item"] for request in left]


def partition(dynamodb: DynamoDBClient, table: str, pk: str, failure: str, **request: Any) -> Iterator[Item]:
    """Every item of one partition (strongly consistent unless told otherwise), page after page."""
    return query(
        dynamodb,
        failure,
        TableName=table,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": pk}},
        **{"ConsistentRead": True, **request},
    )


class DynamoTable:
    """What an adapter over the single table holds: its client, the table's name and the pause of its
    batches' back-off."""

    def __init__(
        self, dynamodb: DynamoDBClient, table_name: str, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self._dynamodb = dynamodb
        self._table = table_name
        self._sleep = sleep


class PartitionStore(DynamoTable, Generic[T]):
    """An adapter whose records all sit in the partition `PARTITION`, each under its id as sort key:
    few enough that listing them is one paginated Query. Reads are consistent."""

    PARTITION: ClassVar[str]
    UNREADABLE: ClassVar[str]  # the message of a read that failed

    def _record(self, item: Item) -> T:
        raise NotImplementedError

    def _key(self, record_id: str) -> Item:
        return {"pk": {"S": self.PARTITION}, "sk": {"S": record_id}}

    def get(self, record_id: str) -> T | None:
        item = get_item(self._dynamodb, self._table, self._key(record_id), self.UNREADABLE)
        return self._record(item) if item else None

    def list_all(self) -> list[T]:
        """Every record of the partition, by id."""
        items = partition(self._dynamodb, self._table, self.PARTITION, self.UNREADABLE)
        return [self._record(item) for item in items]
