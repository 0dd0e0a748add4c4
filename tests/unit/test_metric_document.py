"""An invocation's metrics: one Embedded Metric Format line at its end, in the shape CloudWatch reads.

https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator

import pytest

from chalicelib import observability
from chalicelib.observability import METRICS_NAMESPACE, SERVICE_NAME, MetricDocument


@pytest.fixture
def metrics_on(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("POWERTOOLS_METRICS_DISABLED", raising=False)
    monkeypatch.delenv("POWERTOOLS_DEV", raising=False)
    observability._metrics_on.cache_clear()
    yield
    observability._metrics_on.cache_clear()


def _documents(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_an_outcome_is_one_document_naming_its_metric_dimensions_and_metadata(
    metrics_on: None, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given an invocation whose outcome is a rejection, annotated with its delivery
    document = MetricDocument()
    delivery_id = uuid.uuid4().hex
    document.dimensions.update(platform="meta", reason="invalid_signature")
    document.add("delivery_rejected", 1)
    document.metadata.update(delivery_id=delivery_id, bytes=268)
    # When it ends
    before = time.time() * 1000
    document.flush()
    # Then one line says which metric, under which dimensions, with the metadata beside them
    (line,) = _documents(capsys)
    aws = line.pop("_aws")
    assert isinstance(aws, dict)
    assert before - 1000 <= aws["Timestamp"] <= time.time() * 1000
    assert aws["CloudWatchMetrics"] == [
        {
            "Namespace": METRICS_NAMESPACE,
            "Dimensions": [["platform", "reason", "service"]],
            "Metrics": [{"Name": "delivery_rejected", "Unit": "Count"}],
        }
    ]
    assert line == {
        "platform": "meta",
        "reason": "invalid_signature",
        "service": SERVICE_NAME,
        "delivery_id": delivery_id,
        "bytes": 268,
        "delivery_rejected": [1.0],
    }


def test_a_name_counted_several_times_is_one_value_their_sum(
    metrics_on: None, capsys: pytest.CaptureFixture[str]
) -> None:
    document = MetricDocument()
    document.add("events_stored", 3)
    document.add("events_ignored", 1)
    document.add("events_stored", 2)
    document.flush()
    (line,) = _documents(capsys)
    assert (line["events_stored"], line["events_ignored"]) == ([5.0], [1.0])


def test_the_next_invocation_carries_nothing_of_the_previous_one(
    metrics_on: None, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given an invocation with a platform dimension and a delivery id, written
    document = MetricDocument()
    document.dimensions.update(platform="x")
    document.add("delivery_accepted", 1)
    document.metadata.update(delivery_id=uuid.uuid4().hex)
    document.flush()
    capsys.readouterr()
    # When the next invocation counts something else
    document.add("summaries_published", 1)
    document.flush()
    # Then its document has only its own metric and the service
    (line,) = _documents(capsys)
    line.pop("_aws")
    assert line == {"service": SERVICE_NAME, "summaries_published": [1.0]}


def test_an_invocation_that_counted_nothing_writes_nothing(
    metrics_on: None, capsys: pytest.CaptureFixture[str]
) -> None:
    document = MetricDocument()
    document.metadata.update(delivery_id=uuid.uuid4().hex)
    document.flush()
    assert capsys.readouterr().out == ""


def test_metrics_disabled_by_powertools_variable_write_nothing(
    metrics_on: None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    document = MetricDocument()
    document.add("delivery_accepted", 1)
    document.flush()
    assert capsys.readouterr().out == ""
