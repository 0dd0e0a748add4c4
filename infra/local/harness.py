"""Start and stop the real local stack on free loopback ports (e2e tests, benchmarks)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

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


def start(log_path: Path, extra_env: dict[str, str] | None = None) -> LocalStack:
    port, aws_port = free_port(), free_port()
    env = {**os.environ, "PORT": str(port), "LOCAL_AWS_PORT": str(aws_port), **(extra_env or {})}
    env.pop("AWS_ENDPOINT_URL", None)
    log = log_path.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "infra.local"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    stack = LocalStack(process=process, port=port, aws_port=aws_port, log_path=log_path, env=env)
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
