"""Issue 16: dollars per million ingested events, REST API front door against the Function URL.

The AWS requests come from bench.ingest_requests (a realistic mix of deliveries through the webhook
function into moto, then the consumer: requests per delivery, items written per event); the prices
and the few estimates the requests do not give (billed durations, reads per event) from one file,
bench/prices.json, with its date and source. Printed at 1 event per delivery (TikTok, Standard
Webhooks, most X and YouTube pushes) and at the mix's own events per delivery (about 5.7).
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

from bench.common import report

PRICES = Path(__file__).with_name("prices.json")
TARGET = 2.0  # $ per million events at one event per delivery, through the Function URL


def per_million_events(
    prices: dict[str, float],
    assumptions: dict[str, Any],
    counted: dict[str, float],
    events_per_delivery: float,
) -> dict[str, float]:
    """$ per million events by line item, for each front door; `counted`: bench.ingest_requests' figures."""
    deliveries = 1e6 / events_per_delivery
    sends_per_delivery = counted.get("webhook:sqs:SendMessage", 0) / counted["deliveries"]
    claim_checks_per_delivery = counted.get("webhook:s3:PutObject", 0) / counted["deliveries"]
    writes_per_event = counted["items_written"] / counted["events"]
    batches = deliveries / assumptions["consumer_batch_size"]
    sqs_requests = deliveries * (sends_per_delivery + 2 / assumptions["sqs_messages_per_receive_and_delete"])
    gb_second = prices["lambda_per_gb_second"]
    lines = {
        "lambda (webhook)": deliveries / 1e6 * prices["lambda_per_million_requests"]
        + deliveries
        * assumptions["webhook_billed_ms"]
        / 1000
        * assumptions["webhook_memory_mb"]
        / 1024
        * gb_second,
        "lambda (consumer)": batches / 1e6 * prices["lambda_per_million_requests"]
        + batches
        * assumptions["consumer_billed_ms_per_batch"]
        / 1000
        * assumptions["consumer_memory_mb"]
        / 1024
        * gb_second,
        "sqs": sqs_requests / 1e6 * prices["sqs_standard_per_million_requests"],
        "s3 (claim checks)": deliveries * claim_checks_per_delivery / 1000 * prices["s3_put_per_thousand"],
        "dynamodb": writes_per_event * prices["dynamodb_on_demand_per_million_write_units"]
        + assumptions["dynamodb_read_units_per_event"] * prices["dynamodb_on_demand_per_million_read_units"],
    }
    shared = sum(lines.values())
    return {
        **lines,
        "rest front door": deliveries / 1e6 * prices["api_gateway_rest_per_million_requests"],
        "function url front door": deliveries / 1e6 * prices["function_url_per_million_requests"],
        "total via rest": shared + deliveries / 1e6 * prices["api_gateway_rest_per_million_requests"],
        "total via function url": shared + deliveries / 1e6 * prices["function_url_per_million_requests"],
    }


def run(counted: dict[str, float] | None = None) -> dict[str, float]:
    table = json.loads(PRICES.read_text())
    if counted is None:
        from bench import ingest_requests

        with contextlib.redirect_stdout(io.StringIO()):
            counted = ingest_requests.run()
    mix = counted["events"] / counted["deliveries"]
    figures: dict[str, float] = {"events_per_delivery_in_the_mix": mix}
    rows: list[tuple[str, str]] = [
        (
            "counted (bench.ingest_requests)",
            f"{counted['deliveries']:.0f} deliveries, {counted['events']:.0f} events",
        ),
        ("prices", f"bench/prices.json, as of {table['as_of']}"),
    ]
    for region, prices in table["regions"].items():
        for events_per_delivery in (1.0, round(mix, 1)):
            costs = per_million_events(prices, table["assumptions"], counted, events_per_delivery)
            key = f"{region}_{events_per_delivery:g}"
            figures[f"rest_{key}"] = costs["total via rest"]
            figures[f"function_url_{key}"] = costs["total via function url"]
            detail = ", ".join(
                f"{name} {value:.3f}"
                for name, value in costs.items()
                if not name.startswith(("total", "function url"))
            )
            rest, url = costs["total via rest"], costs["total via function url"]
            rows.append(
                (
                    f"{region}, {events_per_delivery:g} event(s)/delivery",
                    f"REST ${rest:.2f} | Function URL ${url:.2f}  ({detail})",
                )
            )
    figures["target_met"] = float(figures["function_url_us-east-1_1"] <= TARGET)
    report(
        f"$ per million events, REST front door vs Function URL (target <= ${TARGET:g} at 1 event/delivery)",
        rows,
    )
    return figures


if __name__ == "__main__":
    print(json.dumps(run()))
