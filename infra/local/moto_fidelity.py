"""moto, closer to DynamoDB where it matters for the local stack's speed.

moto answers every Query by sorting the whole table and filtering it, so a query's cost grows with
everything stored: after a busy day of local traffic, publishing a campaign (a few queries per
tracked item) took minutes. DynamoDB reads only the queried partition. A query on the table or on
a local secondary index (which shares the table's partition key) gets the same answer when moto
looks at that partition only, which is what this does; other queries are left alone.
"""

from __future__ import annotations

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
