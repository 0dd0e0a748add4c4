"""Issues 2 and 16: the import cost of app.py against the floor every function pays anyway.

The webhook function's handler is `app.webhooks` (Chalice names every function's handler in app.py),
so its cold start is `import app` too. A row also times the webhook path's own modules alone
(chalicelib.function_url, the wiring and the receiver, without Chalice or app.py), to show what a
handler outside app.py would save.

Each sample is a fresh interpreter: `import app` with the prod environment, versus `import boto3`
and creating the four clients the functions use. Both are timed inside the process (interpreter
start-up excluded), alternating, so machine noise hits both alike. `import app` is measured twice:
as in Lambda (LAMBDA_TASK_ROOT set, so Powertools traces and patches botocore, the X-Ray SDK sampling
locally) and outside it (no tracer at all: chalicelib/observability.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from bench.common import PROD_ENV, ROOT, median, report

APP = "import time; t = time.perf_counter(); import app; print(time.perf_counter() - t)"
WEBHOOK_PATH = (
    "import time; t = time.perf_counter(); import chalicelib.function_url, chalicelib.wiring;"
    " print(time.perf_counter() - t)"
)
FLOOR = (
    "import time; t = time.perf_counter(); import boto3; s = boto3.session.Session();"
    " [s.client(n) for n in ('dynamodb', 's3', 'sqs', 'ssm')]; print(time.perf_counter() - t)"
)


# Every Lambda function runs with LAMBDA_TASK_ROOT set: Powertools then traces (prod stages have X-Ray
# on) and the X-Ray SDK samples locally. Outside Lambda (a local stack, the tests) tracing is off.
IN_LAMBDA = {"LAMBDA_TASK_ROOT": str(ROOT)}


def _sample(code: str, extra: dict[str, str] | None = None) -> float:
    env = {**os.environ, **PROD_ENV, **(extra or {})}
    env.pop("AWS_ENDPOINT_URL", None)
    if extra is None:
        env.pop("LAMBDA_TASK_ROOT", None)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return float(result.stdout.strip().splitlines()[-1])


def run(processes: int = 15) -> dict[str, float]:
    app_samples, outside_samples, floor_samples, path_samples = [], [], [], []
    for _ in range(processes):
        app_samples.append(_sample(APP, IN_LAMBDA))
        path_samples.append(_sample(WEBHOOK_PATH, IN_LAMBDA))
        floor_samples.append(_sample(FLOOR))
        outside_samples.append(_sample(APP))
    figures = {
        "processes": processes,
        "import_app_ms": median(app_samples) * 1000,
        "import_app_outside_lambda_ms": median(outside_samples) * 1000,
        "floor_ms": median(floor_samples) * 1000,
        "webhook_path_alone_ms": median(path_samples) * 1000,
    }
    path_ratio = figures["webhook_path_alone_ms"] / figures["floor_ms"]
    figures["ratio"] = figures["import_app_ms"] / figures["floor_ms"]
    figures["ratio_outside_lambda"] = figures["import_app_outside_lambda_ms"] / figures["floor_ms"]
    report(
        "Cold start (median over fresh processes; target ratio <= 1.1)",
        [
            ("processes each", str(processes)),
            ("import app (prod env, in Lambda: tracing on)", f"{figures['import_app_ms']:.1f} ms"),
            (
                "import app (prod env, outside Lambda: tracing off)",
                f"{figures['import_app_outside_lambda_ms']:.1f} ms",
            ),
            ("floor: import boto3 + 4 clients", f"{figures['floor_ms']:.1f} ms"),
            ("the webhook function's import: import app, as above", f"{figures['ratio']:.2f} x floor"),
            (
                "webhook path alone (function_url + wiring, in Lambda)",
                f"{figures['webhook_path_alone_ms']:.1f} ms ({path_ratio:.2f} x floor)",
            ),
            ("ratio (in Lambda)", f"{figures['ratio']:.2f}"),
            ("ratio (outside Lambda)", f"{figures['ratio_outside_lambda']:.2f}"),
        ],
    )
    return figures


if __name__ == "__main__":
    print(json.dumps(run()))
