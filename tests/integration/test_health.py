"""GET /health through Chalice's test client, against the moto stack."""

import json

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
