"""Powertools Logger, Metrics and Tracer: created once per process, registered once as middleware.

Log lines carry structured keys (platform, delivery_id, outcome...), never payloads, comment text or
secrets. Each business outcome is one metric.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit

if TYPE_CHECKING:
    from chalice.app import Chalice

SERVICE_NAME = "engagement-tracker"
METRICS_NAMESPACE = "EngagementTracker"

logger = Logger(service=SERVICE_NAME)
metrics = Metrics(namespace=METRICS_NAMESPACE, service=SERVICE_NAME)
tracer = Tracer(service=SERVICE_NAME)

# Invocations that record no business metric (health checks, handshakes) are normal, not a warning.
warnings.filterwarnings("ignore", message="No application metrics to publish")


def count(name: str, value: int = 1) -> None:
    """Add to this invocation's metric set; the middleware flushes it once, as one EMF line."""
    if value > 0:
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)


def outcome(name: str, **dimensions: str) -> None:
    """The one outcome of an invocation that handles a single request (a webhook delivery or a
    handshake). Its dimensions (platform, reason: low-cardinality values we chose, never input)
    label this invocation's metric set, which costs far less than a separate metric document."""
    for key, value in dimensions.items():
        metrics.add_dimension(name=key, value=value)
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=1)


# The Chalice event and continuation of the invocation in flight, for the once-decorated handler.
_in_flight: ContextVar[tuple[Callable[[Any], Any], Any]] = ContextVar("in_flight")


@tracer.capture_lambda_handler
@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True)
def _observed(_lambda_event: dict[str, Any], _context: Any) -> Any:
    get_response, event = _in_flight.get()
    return get_response(event)


def _middleware(event: Any, get_response: Callable[[Any], Any]) -> Any:
    """Run one invocation inside the Powertools decorators.

    Chalice's ConvertToMiddleware would re-apply the three decorators on every invocation (about
    half of a webhook's in-process cost); here they are applied once, at import.
    """
    from chalice.app import Request

    if isinstance(event, Request):
        lambda_event, context = event.to_original_event(), event.lambda_context
    else:
        lambda_event, context = event.to_dict(), event.context
    token = _in_flight.set((get_response, event))
    try:
        return _observed(lambda_event, context)
    finally:
        _in_flight.reset(token)


def register(app: Chalice) -> None:
    """Wire the three utilities around every function of the app, once."""
    app.register_middleware(_middleware, "all")
