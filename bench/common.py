"""Shared helpers: the production stage's environment, medians, and a figure printer."""

from __future__ import annotations

import statistics
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# What a prod function sees (names are illustrative; nothing is called at import).
PROD_ENV = {
    "STAGE": "prod",
    "AWS_REGION": "eu-west-3",
    "AWS_DEFAULT_REGION": "eu-west-3",
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "TABLE_NAME": "engagement-tracker-prod",
    "SUMMARY_BUCKET": "engagement-tracker-prod-123456789012-eu-west-3",
    "INGEST_QUEUE_URL": "https://sqs.eu-west-3.amazonaws.com/123456789012/engagement-tracker-prod-ingest",
    "POWERTOOLS_SERVICE_NAME": "engagement-tracker",
    "POWERTOOLS_METRICS_NAMESPACE": "EngagementTracker",
}


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def timed(function: Callable[[], object], repeat: int) -> list[float]:
    import time

    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return samples


def report(title: str, rows: list[tuple[str, str]]) -> None:
    print(f"\n== {title}")
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"  {name.ljust(width)}  {value}")
    sys.stdout.flush()
