"""One IAM policy per function and stage (`.chalice/policies/<stage>/<function>.json`): each role
of the package is its function's own, and the grants nobody should have are absent.
tests/infra/test_granted_operations.py checks that each grant is exactly what the code calls."""

from __future__ import annotations

import json
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import pytest

from tests.infra.aws_calls import FUNCTIONS, Call, role_grants

ROOT = Path(__file__).resolve().parents[2]
STAGES = ("local", "dev", "prod")
DATA_SERVICES = ("dynamodb:", "s3:", "sqs:", "ssm:", "sns:", "kms:")
INGEST_QUEUE = "arn:aws:sqs:us-east-1:123456789012:engagement-tracker-prod-ingest"


def _stage_config(stage: str) -> dict[str, Any]:
    config: dict[str, Any] = json.loads((ROOT / ".chalice" / "config.json").read_text())
    return config["stages"][stage]


def _policy_file(stage: str, function: str) -> Path:
    return ROOT / ".chalice" / _stage_config(stage)["lambda_functions"][function]["iam_policy_file"]


def test_every_packaged_function_has_a_role_of_its_own(resources: dict[str, Any]) -> None:
    # Given the packaged functions
    functions = {n: r for n, r in resources.items() if r["Type"] == "AWS::Serverless::Function"}
    # Then they are the five this file knows, each with a role no other function shares
    assert set(functions) == set(FUNCTIONS.values())
    roles = [f["Properties"]["Role"]["Fn::GetAtt"][0] for f in functions.values()]
    assert len(set(roles)) == len(roles)


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_names_a_policy_file_per_function(stage: str) -> None:
    config = _stage_config(stage)
    # No policy is generated from app.py, and no stage-wide file would catch a function left out
    assert config["autogen_policy"] is False
    assert "iam_policy_file" not in config
    for function in FUNCTIONS:
        assert _policy_file(stage, function) == ROOT / ".chalice" / "policies" / stage / f"{function}.json"
        assert _policy_file(stage, function).is_file()


@pytest.mark.parametrize("function", FUNCTIONS)
def test_the_stages_policies_of_a_function_differ_only_by_the_stage_name(function: str) -> None:
    # Given the function's policy in each stage, with the stage's name taken out
    texts = {
        _policy_file(stage, function)
        .read_text()
        .replace(f"engagement-tracker-{stage}", "engagement-tracker-STAGE")
        .replace(f"engagement-tracker/{stage}", "engagement-tracker/STAGE")
        for stage in STAGES
    }
    # Then they are one text: dev and local grant what prod grants (which the scenario checks)
    assert len(texts) == 1


@pytest.mark.parametrize(("stage", "function"), [(s, f) for s in STAGES for f in FUNCTIONS])
def test_a_stage_policy_names_only_that_stages_resources(stage: str, function: str) -> None:
    policy = json.loads(_policy_file(stage, function).read_text())
    data_resources = [
        resource
        for statement in policy["Statement"]
        if any(action.startswith(DATA_SERVICES) for action in statement["Action"])
        for resource in (
            statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        )
    ]
    assert data_resources
    for resource in data_resources:
        assert f"engagement-tracker-{stage}" in resource or f"engagement-tracker/{stage}" in resource, (
            resource
        )


@pytest.mark.parametrize("action", ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"])
def test_the_webhook_function_sends_to_the_ingest_queue_and_never_takes_messages_off_it(
    action: str, resources: dict[str, Any]
) -> None:
    # Given the role of the function behind the webhook Function URL
    grants = role_grants(resources, "Webhooks")
    # Then it may send deliveries to the queue, never consume or hide them
    assert any(grant.allows(Call("sqs:SendMessage", INGEST_QUEUE)) for grant in grants)
    assert not any(grant.allows(Call(action, INGEST_QUEUE)) for grant in grants)


@pytest.mark.parametrize("action", ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"])
def test_the_api_handler_no_longer_touches_the_ingest_queue(action: str, resources: dict[str, Any]) -> None:
    # Given the role of the function behind API Gateway, which takes no webhook delivery any more
    grants = role_grants(resources, "APIHandler")
    # Then it can neither send to the ingest queue nor take from it
    assert not any(grant.allows(Call(action, INGEST_QUEUE)) for grant in grants)


@pytest.mark.parametrize(
    "action", ["s3:DeleteObject", "s3:DeleteObjectVersion", "dynamodb:ConditionCheckItem", "dynamodb:Scan"]
)
def test_no_role_grants_an_action_the_code_never_calls(action: str, resources: dict[str, Any]) -> None:
    # Given every role of the package (a wildcard such as s3:* or s3:Delete* would grant it too)
    granted = [
        (name, pattern)
        for name, resource in resources.items()
        if resource["Type"] == "AWS::IAM::Role"
        for policy in resource["Properties"].get("Policies", [])
        for statement in policy["PolicyDocument"]["Statement"]
        for pattern in (
            statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        )
        if fnmatchcase(action.lower(), pattern.lower())
    ]
    # Then none grants it: objects expire by lifecycle, and nothing reads the table whole
    assert granted == []
