"""Independent reads made a few at a time.

Building a summary is many independent DynamoDB round trips (each tracked item's rollups, the events
of the quarters the window's edges cut, each counter's first, last and daily readings). One by one, a
channel with a hundred videos takes seconds; through a small pool of threads (botocore's clients are
thread-safe and keep 10 connections) it takes a fraction of that. The answers come back in the order
they were asked for, so what is folded from them is the same whatever the concurrency.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

# Reads a publish makes at once (below botocore's pool of 10 connections per client).
READ_CONCURRENCY = 8

_Job = TypeVar("_Job")
_Read = TypeVar("_Read")


class Reader:
    def __init__(self, concurrency: int = READ_CONCURRENCY) -> None:
        self._concurrency = concurrency

    def all(self, read: Callable[[_Job], _Read], jobs: Sequence[_Job]) -> list[_Read]:
        """`read` of every job, in the jobs' order."""
        if self._concurrency <= 1 or len(jobs) <= 1:
            return [read(job) for job in jobs]
        with ThreadPoolExecutor(max_workers=min(self._concurrency, len(jobs))) as pool:
            return list(pool.map(read, jobs))
