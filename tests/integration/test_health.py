"""GET /health through Chalice's test client, against the moto stack."""

import json
import os
import subprocess
import sys

from chalice.test import Client

from app import app
from tests.integration.conftest import Stack


def test_health_answers_ok_with_the_stage(stack: Stack) -> None:
    with Client(app, stage_name="local") as client:
        response = client.http.get("/health")
    assert response.status_code == 200
    assert json.loads(response.body) == {"status": "ok", "stage": "local"}


def test_an_unsupported_method_answers_the_contract_error_shape(stack: Stack) -> None:
    with Client(app, stage_name="local") as client:
        response = client.http.delete("/health")
    assert response.status_code == 405
    assert json.loads(response.body)["error"]["code"] == "method_not_allowed"


def test_a_missing_setting_answers_a_json_500_without_details(stack: Stack, monkeypatch) -> None:
    # Given a deployment that lost its table name
    monkeypatch.delenv("TABLE_NAME")
    with Client(app, stage_name="local") as client:
        response = client.http.get("/health")
    # Then the caller sees a configuration error, never a stack trace
    assert response.status_code == 500
    assert json.loads(response.body)["error"]["code"] == "configuration_error"


def test_an_unexpected_error_answers_json_without_a_stack_trace_even_locally(
    stack: Stack, monkeypatch
) -> None:
    # Given a view that fails in a way nobody planned for, on the local stage
    def broken() -> None:
        raise RuntimeError("/secret/path/to/code.py line 42")

    monkeypatch.setattr("chalicelib.services.health.status", broken)
    with Client(app, stage_name="local") as client:
        response = client.http.get("/health")
    # Then the answer is the contract's JSON error, with nothing of the failure in it
    assert response.status_code == 500
    assert response.headers["Content-Type"] == "application/json"
    assert json.loads(response.body) == {
        "error": {"code": "internal_error", "message": "An internal error occurred."}
    }


def test_the_local_stage_does_not_run_in_chalices_debug_mode() -> None:
    # Given the app imported as the local stack imports it
    env = {**os.environ, "STAGE": "local"}
    probe = "import app; print(app.app.debug)"
    command = [sys.executable, "-c", probe]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    # Then an unexpected error would not be answered with a stack trace
    assert result.stdout.strip() == "False"
