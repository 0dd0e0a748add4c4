"""Powertools Logger and Tracer, and the invocation's CloudWatch metrics (EMF): created once per
process, registered once as middleware.

Log lines carry structured keys (platform, delivery_id, outcome...), never payloads, comment text or
secrets. Each business outcome is one metric.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics.functions import is_metrics_disabled
from aws_lambda_powertools.shared import constants
from aws_lambda_powertools.shared.functions import resolve_truthy_env_var_choice

if TYPE_CHECKING:
    from chalice.app import Chalice

SERVICE_NAME = "engagement-tracker"
METRICS_NAMESPACE = "EngagementTracker"

logger = Logger(service=SERVICE_NAME)

# The Chalice event and continuation of the invocation in flight, for the once-decorated tracer.
_in_flight: ContextVar[tuple[Callable[[Any], Any], Any]] = ContextVar("in_flight")


def tracing_on(env: Mapping[str, str] = os.environ) -> bool:
    """Whether Powertools' Tracer would trace here (its own rule): in Lambda, outside SAM's and
    Chalice's local emulators, unless POWERTOOLS_TRACE_DISABLED says otherwise."""
    if resolve_truthy_env_var_choice(env=env.get(constants.TRACER_DISABLED_ENV, "false")):
        return False
    in_lambda = bool(env.get(constants.LAMBDA_TASK_ROOT_ENV))
    return in_lambda and not env.get(constants.SAM_LOCAL_ENV) and not env.get(constants.CHALICE_LOCAL_ENV)


def _continue(_lambda_event: dict[str, Any], _context: Any) -> Any:
    get_response, event = _in_flight.get()
    return get_response(event)


def _traced_handler() -> Callable[[Any, Any], Any] | None:
    """The Tracer's handler segment around `_continue`, or None where it would not trace.

    Creating a Tracer imports the X-Ray SDK, whose recorder, outside Lambda, builds a botocore client
    for centralised sampling that nothing here ever uses (in Lambda it samples locally): about a
    third of `import app` on a local stack or in tests, where tracing is off. So a Tracer exists
    only where it traces. Responses are never trace metadata: some carry a freshly issued token or
    a campaign's figures.
    """
    if not tracing_on():
        return None
    from aws_lambda_powertools import Tracer

    handler: Callable[[Any, Any], Any] = Tracer(service=SERVICE_NAME).capture_lambda_handler(
        _continue, capture_response=False
    )
    return handler


class MetricDocument:
    """One invocation's metrics, written at its end as one Embedded Metric Format line, as Powertools'
    Metrics writes it (its namespace, a `service` dimension, `[value]` lists), for a fraction of the
    cost: Powertools validates every name and unit, reads the environment and builds its document
    on each call, about three times the floor of a small webhook delivery (docs/decisions.md).

    All metrics are counts (unit `Count`) and a name's counts are summed into one value, so a document
    never reaches EMF's 100 values per metric; our metric names are fixed and far fewer than its 100.
    """

    __slots__ = ("counts", "dimensions", "metadata")

    def __init__(self) -> None:
        self.counts: dict[str, float] = {}
        self.dimensions: dict[str, str] = {}
        self.metadata: dict[str, str | int] = {}

    def add(self, name: str, value: int) -> None:
        self.counts[name] = self.counts.get(name, 0.0) + value

    def flush(self) -> None:
        """Write the document if it counted anything (and metrics are on), then start a new one."""
        if self.counts and _metrics_on():
            print(self._emf_line())
        self.counts.clear()
        self.dimensions.clear()
        self.metadata.clear()

    def _emf_line(self) -> str:
        dimensions = {**self.dimensions, "service": SERVICE_NAME}
        definitions = _metric_definitions(tuple(dimensions), tuple(self.counts))
        values = {**dimensions, **self.metadata, **{name: [value] for name, value in self.counts.items()}}
        aws = f'{{"Timestamp":{time.time_ns() // 1_000_000},"CloudWatchMetrics":{definitions}}}'
        return f'{{"_aws":{aws},{_EMF.encode(values)[1:]}'


_EMF = json.JSONEncoder(separators=(",", ":"))


@lru_cache(maxsize=256)
def _metric_definitions(dimensions: tuple[str, ...], names: tuple[str, ...]) -> str:
    """The `CloudWatchMetrics` part of a document, serialised once per container for each set of
    names: an invocation's outcome and dimension names are few and fixed."""
    counted = [{"Name": name, "Unit": "Count"} for name in names]
    return _EMF.encode(
        [{"Namespace": METRICS_NAMESPACE, "Dimensions": [list(dimensions)], "Metrics": counted}]
    )


@cache
def _metrics_on() -> bool:
    """Powertools' rule (POWERTOOLS_METRICS_DISABLED, POWERTOOLS_DEV), read once: a container's
    environment does not change."""
    return not is_metrics_disabled()


metrics = MetricDocument()


def count(name: str, value: int = 1) -> None:
    """Add to this invocation's metric document; the middleware writes it once, as one EMF line."""
    if value > 0:
        metrics.add(name, value)


def outcome(name: str, **dimensions: str) -> None:
    """The one outcome of an invocation that handles a single request (a webhook delivery or a
    handshake). Its dimensions (platform, reason: low-cardinality values we chose, never input)
    label this invocation's metric document, which costs far less than a separate one."""
    metrics.dimensions.update(dimensions)
    metrics.add(name, 1)


def annotate(**values: str | int) -> None:
    """High-cardinality context (a delivery id, a size) for this invocation's metric document.

    The EMF line is a structured log line too: searchable in Logs Insights, never a dimension.
    A webhook delivery's one line therefore says what happened and to which delivery, instead of
    a second log line that would cost more than the rest of the delivery (see docs/decisions.md).
    """
    metrics.metadata.update(values)


# A disabled tracer would still open dummy subsegments; it is left out instead (about 15 us per call).
_traced = _traced_handler()

# The function's name, memory and ARN: the same for every invocation of a container.
_container_keys: dict[str, object] = {}


def _log_context(context: Any) -> None:
    """What Logger.inject_lambda_context adds to every line, for a fraction of its cost: the
    container's keys on its first invocation, then each invocation's request id and cold start."""
    cold_start = not _container_keys
    if cold_start:
        _container_keys["function_name"] = getattr(context, "function_name", None)
        _container_keys["function_memory_size"] = getattr(context, "memory_limit_in_mb", None)
        _container_keys["function_arn"] = getattr(context, "invoked_function_arn", None)
        logger.append_keys(**_container_keys)
    logger.append_keys(cold_start=cold_start, function_request_id=getattr(context, "aws_request_id", None))


def _middleware(event: Any, get_response: Callable[[Any], Any]) -> Any:
    """Run one invocation with the Powertools utilities: log keys, the tracer's handler segment,
    and one EMF document flushed at the end, whatever happened.

    The Powertools decorators would do the same at roughly three times the cost per invocation
    (most of a small webhook delivery's time), so the middleware calls the utilities directly.
    """
    context = getattr(event, "lambda_context", None) or getattr(event, "context", None)
    _log_context(context)
    try:
        if _traced is None:
            return get_response(event)
        original = event.to_original_event() if hasattr(event, "to_original_event") else event.to_dict()
        token = _in_flight.set((get_response, event))
        try:
            return _traced(original, context)
        finally:
            _in_flight.reset(token)
    finally:
        metrics.flush()


def register(app: Chalice) -> None:
    """Wire the three utilities around every function of the app, once."""
    app.register_middleware(_middleware, "all")
