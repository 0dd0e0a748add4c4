"""Start and stop the real local stack on free loopback ports (e2e tests, benchmarks)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT_SECONDS = 90
STOP_TIMEOUT_SECONDS = 20


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def port_is_closed(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) != 0


@dataclass
class LocalStack:
    process: subprocess.Popen[bytes]
    port: int
    aws_port: int
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)
    local_dir: Path | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def aws_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.aws_port}"

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> int:
        """SIGTERM to the process group, as Ctrl-C or a supervisor would; returns the exit code."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
        return self.process.wait(timeout=STOP_TIMEOUT_SECONDS)

    def kill(self) -> None:
        """SIGKILL to the whole process group: no clean-up of any kind, as a crash or `kill -9`."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        while time.monotonic() < deadline and not all(map(port_is_closed, (self.port, self.aws_port))):
            time.sleep(0.1)


def start(
    log_path: Path,
    extra_env: dict[str, str] | None = None,
    port: int | None = None,
    aws_port: int | None = None,
    local_dir: Path | None = None,
) -> LocalStack:
    """Start the local stack and wait for /health. Its state, secrets and descriptor go to
    `local_dir` (default: a `local` folder beside the log), so that tests never touch the
    developer's `.local/`; starting again with the same `local_dir` restores that state."""
    port, aws_port = port or free_port(), aws_port or free_port()
    local_dir = local_dir or log_path.parent / "local"
    env = {
        **os.environ,
        "PORT": str(port),
        "LOCAL_AWS_PORT": str(aws_port),
        "LOCAL_DIR": str(local_dir),
        **(extra_env or {}),
    }
    env.pop("AWS_ENDPOINT_URL", None)
    log = log_path.open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "infra.local"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    stack = LocalStack(
        process=process, port=port, aws_port=aws_port, log_path=log_path, env=env, local_dir=local_dir
    )
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the local stack exited early:\n{stack.output()}")
        try:
            with urllib.request.urlopen(f"{stack.base_url}/health", timeout=2) as response:  # noqa: S310 (loopback)
                if response.status == 200 and json.load(response)["status"] == "ok":
                    return stack
        except OSError:
            time.sleep(0.3)
    stack.stop()
    raise RuntimeError(f"the local stack never answered /health:\n{stack.output()}")


# Talking to a running stack ----------------------------------------------------------------------


def http(
    method: str,
    url: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout_seconds: float = 30,
) -> tuple[int, Any]:
    """One request; returns the status and the JSON answer (or the raw text)."""
    request = urllib.request.Request(url, data=body, headers=headers or {}, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout_seconds) as response:  # noqa: S310 (loopback)
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    try:
        return status, json.loads(raw) if raw else None
    except ValueError:
        return status, raw.decode(errors="replace")


def send_signed(stack: LocalStack, request: Any) -> int:
    """POST a SignedRequest (infra.local.senders) to the stack; returns the status."""
    return http(request.method, stack.base_url + request.path, request.body, request.headers)[0]


def api(
    stack: LocalStack, method: str, path: str, token: str, body: Any = None, timeout_seconds: float = 30
) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    raw = None if body is None else json.dumps(body).encode()
    return http(method, stack.base_url + path, raw, headers, timeout_seconds)


def aws_client(stack: LocalStack, service: str) -> Any:
    import boto3

    return boto3.client(
        service,
        endpoint_url=stack.aws_endpoint,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",  # noqa: S106 (moto takes any)
    )


def wait_until_ingested(stack: LocalStack, timeout_seconds: float = 120) -> None:
    """Until the ingest queue holds no message, visible or in flight."""
    sqs = aws_client(stack, "sqs")
    queue_url = sqs.get_queue_url(QueueName="engagement-tracker-local-ingest")["QueueUrl"]
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        attributes = sqs.get_queue_attributes(
            QueueUrl=queue_url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        if (
            int(attributes["ApproximateNumberOfMessages"])
            + int(attributes["ApproximateNumberOfMessagesNotVisible"])
            == 0
        ):
            return
        time.sleep(0.3)
    raise TimeoutError("the ingest queue did not drain")
