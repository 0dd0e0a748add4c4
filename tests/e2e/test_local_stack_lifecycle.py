"""`make run`'s runner: ready on /health, then stopped by SIGTERM with exit 0 and nothing left."""

import json
import os
from pathlib import Path

import pytest

from infra.local.harness import port_is_closed, start
from infra.local.stack import read_env_file, resolve_secrets

pytestmark = pytest.mark.e2e


def test_the_local_stack_starts_answers_health_and_stops_cleanly(tmp_path: Path) -> None:
    # Given the local stack started on free ports
    stack = start(tmp_path / "run.log")
    # Then its banner tells a newcomer where things are, without platform secrets
    output = stack.output()
    assert "/webhooks/meta" in output
    assert "Admin token" in output
    # When it receives SIGTERM
    exit_code = stack.stop()
    # Then it exits 0, both ports are closed and no process of its group is left
    assert exit_code == 0, stack.output()
    assert port_is_closed(stack.port)
    assert port_is_closed(stack.aws_port)
    with pytest.raises(ProcessLookupError):
        os.killpg(stack.process.pid, 0)
    assert "Traceback" not in stack.output()


def test_platform_secrets_given_in_the_environment_are_never_printed(tmp_path: Path) -> None:
    secret = "meta-app-secret-that-must-not-show"
    stack = start(tmp_path / "run.log", {"META_APP_SECRET": secret})
    try:
        assert secret not in stack.output()
    finally:
        assert stack.stop() == 0


def test_secrets_given_in_the_environment_are_written_for_send_like_generated_ones(tmp_path: Path) -> None:
    # Given a stack started with its secrets in the environment, as `make demo` starts it
    secrets, _ = resolve_secrets({})
    stack = start(tmp_path / "run.log", secrets)
    try:
        # Then .local/secrets.env holds exactly those, so infra.local.send signs with what the stack checks
        assert stack.local_dir is not None
        written = read_env_file(stack.local_dir / "secrets.env")
        assert {name: written.get(name) for name in secrets} == secrets
        description = json.loads((stack.local_dir / "stack.json").read_text())
        assert description["base_url"] == stack.base_url
    finally:
        assert stack.stop() == 0
    # And a stopped stack no longer describes itself as running
    assert not (stack.local_dir / "stack.json").exists()
