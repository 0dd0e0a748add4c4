"""moto, closer to DynamoDB where it matters for the local stack's speed.

moto answers every Query by sorting the whole table and filtering it, so a query's cost grows with
everything stored: after a busy day of local traffic, publishing a campaign (a few queries per
tracked item) took minutes. DynamoDB reads only the queried partition. A query on the table or on
a local secondary index (which shares the table's partition key) gets the same answer when moto
looks at that partition only, which is what this does; other queries are left alone.
"""

from __future__ import annotations

import json
import threading
from typing import Any

_scope = threading.local()


def scope_queries_to_their_partition() -> None:
    """Patch moto's Table (once per process) so that table and LSI queries read one partition."""
    from moto.dynamodb.models.table import Table

    if getattr(Table, "scoped_to_partition", False):
        return

    whole_table = Table.all_items
    unscoped_query = Table.query

    def all_items(self: Any) -> Any:
        scope = getattr(_scope, "partition", None)
        if scope is None or scope[0] is not self:
            return whole_table(self)
        partition = self.items.get(scope[1]) or {}
        items = list(partition.values()) if self.range_key_attr else [partition]
        return sorted(items, key=lambda item: item.range_key) if self.range_key_attr else items

    def query(self: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        index_name = args[6] if len(args) > 6 else kwargs.get("index_name")
        local = index_name is None or index_name in {index.name for index in self.indexes}
        if hash_key is None or not local:
            return unscoped_query(self, hash_key, *args, **kwargs)
        _scope.partition = (self, hash_key)
        try:
            return unscoped_query(self, hash_key, *args, **kwargs)
        finally:
            _scope.partition = None

    Table.all_items = all_items  # type: ignore[method-assign]
    Table.query = query  # type: ignore[method-assign]
    Table.scoped_to_partition = True  # type: ignore[attr-defined]


def receive_in_time_linear_in_the_queue() -> None:
    """Patch moto's SQS (once per process) so that a receive costs the queue's length, not its square.

    moto checks each message's retention by computing every attribute of its queue, three counts
    over all its messages among them: a receive with a backlog of n messages took n² steps, and the
    local stack slowed to a crawl exactly when deliveries came faster than the consumer took them.
    SQS itself only compares the message's age with the queue's retention period, which is what this
    does."""
    from moto.core.utils import unix_time
    from moto.sqs.models import SQSBackend

    if getattr(SQSBackend, "retention_checked_directly", False):
        return

    def is_message_valid_based_on_retention_period(self: Any, queue_name: str, message: Any) -> bool:
        retention_period = int(self.get_queue(queue_name).message_retention_period)
        return bool(retention_period + message.sent_timestamp / 1000 > unix_time())

    SQSBackend.is_message_valid_based_on_retention_period = is_message_valid_based_on_retention_period  # type: ignore[method-assign]
    SQSBackend.retention_checked_directly = True  # type: ignore[attr-defined]


def queue_attributes_computed_when_read() -> None:
    """Patch moto's SQS queues (once per process) so that their attributes are computed when read.

    moto builds every attribute of a queue, three counts over all its messages among them, whenever
    it reads any one: each SendMessage (which only asks whether content-based deduplication is on)
    cost a pass over the backlog. The same values, computed per key on access, cost that pass only to
    whoever asks for the counts (GetQueueAttributes)."""
    from collections.abc import Iterator, Mapping

    from moto.core.utils import camelcase_to_underscores
    from moto.sqs.models import Queue

    if getattr(Queue, "attributes_when_read", False):
        return

    class LazyAttributes(Mapping[str, Any]):
        def __init__(self, queue: Any) -> None:
            self._queue = queue
            names = list(queue.BASE_ATTRIBUTES)
            if queue.fifo_queue:
                names += queue.FIFO_ATTRIBUTES
            if queue.kms_master_key_id:
                names += queue.KMS_ATTRIBUTES
            if queue.policy:
                names.append("Policy")
            if queue.redrive_policy:
                names.append("RedrivePolicy")
            self._names = list(dict.fromkeys(names))

        def __getitem__(self, name: str) -> Any:
            if name not in self._names:
                raise KeyError(name)
            if name == "RedrivePolicy" and self._queue.redrive_policy:
                return json.dumps(self._queue.redrive_policy)
            value = getattr(self._queue, camelcase_to_underscores(name))
            return str(value).lower() if isinstance(value, bool) else value

        def __iter__(self) -> Iterator[str]:
            return iter(self._names)

        def __len__(self) -> int:
            return len(self._names)

    Queue.attributes = property(LazyAttributes)  # type: ignore[assignment,method-assign]
    Queue.attributes_when_read = True  # type: ignore[attr-defined]
