"""Issue 2: the import cost of app.py against the floor every function pays anyway.

Each sample is a fresh interpreter: `import app` with the prod environment, versus `import boto3`
and creating the four clients the functions use. Both are timed inside the process (interpreter
start-up excluded), alternating, so machine noise hits both alike.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from bench.common import PROD_ENV, ROOT, median, report

APP = "import time; t = time.perf_counter(); import app; print(time.perf_counter() - t)"
FLOOR = (
    "import time; t = time.perf_counter(); import boto3; s = boto3.session.Session();"
    " [s.client(n) for n in ('dynamodb', 's3', 'sqs', 'ssm')]; print(time.perf_counter() - t)"
)


def _sample(code: str) -> float:
    env = {**os.environ, **PROD_ENV}
    env.pop("AWS_ENDPOINT_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return float(result.stdout.strip().splitlines()[-1])


def run(processes: int = 15) -> dict[str, float]:
    app_samples, floor_samples = [], []
    for _ in range(processes):
        app_samples.append(_sample(APP))
        floor_samples.append(_sample(FLOOR))
    figures = {
        "processes": processes,
        "import_app_ms": median(app_samples) * 1000,
        "floor_ms": median(floor_samples) * 1000,
    }
    figures["ratio"] = figures["import_app_ms"] / figures["floor_ms"]
    report(
        "Cold start (median over fresh processes; target ratio <= 1.3)",
        [
            ("processes each", str(processes)),
            ("import app (prod env)", f"{figures['import_app_ms']:.1f} ms"),
            ("floor: import boto3 + 4 clients", f"{figures['floor_ms']:.1f} ms"),
            ("ratio", f"{figures['ratio']:.2f}"),
        ],
    )
    return figures


if __name__ == "__main__":
    print(json.dumps(run()))
