"""Powertools Logger, Metrics and Tracer: created once per process, registered once as middleware.

Log lines carry structured keys (platform, delivery_id, outcome...), never payloads, comment text or
secrets. Each business outcome is one metric.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit, single_metric

if TYPE_CHECKING:
    from chalice.app import Chalice

SERVICE_NAME = "engagement-tracker"
METRICS_NAMESPACE = "EngagementTracker"

logger = Logger(service=SERVICE_NAME)
metrics = Metrics(namespace=METRICS_NAMESPACE, service=SERVICE_NAME)
tracer = Tracer(service=SERVICE_NAME)

# Invocations that record no business metric (health checks, handshakes) are normal, not a warning.
warnings.filterwarnings("ignore", message="No application metrics to publish")


def count(name: str, value: int = 1, **dimensions: str) -> None:
    """Record one business outcome; dimensions are low-cardinality (platform, reason), never ids."""
    if value <= 0:
        return
    if dimensions:
        # Dimensions on the single-metric path keep one outcome's labels from leaking into others.
        with single_metric(
            name=name, unit=MetricUnit.Count, value=value, namespace=METRICS_NAMESPACE
        ) as metric:
            for key, dim in dimensions.items():
                metric.add_dimension(name=key, value=dim)
        return
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)


def register(app: Chalice) -> None:
    """Wire the three utilities around every function of the app, once."""
    from chalice.app import ConvertToMiddleware

    app.register_middleware(ConvertToMiddleware(tracer.capture_lambda_handler), "all")
    app.register_middleware(ConvertToMiddleware(metrics.log_metrics), "all")
    app.register_middleware(ConvertToMiddleware(logger.inject_lambda_context(clear_state=True)), "all")
