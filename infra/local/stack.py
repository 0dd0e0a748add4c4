"""The embedded AWS of the local stack: moto's server, the infra/ template deployed as a stack,
and the stage's secrets in its Parameter Store."""

from __future__ import annotations

import base64
import json
import re
import secrets
import time
from pathlib import Path
from typing import Any

from chalicelib.adapters.secret_names import (
    ALL_SECRET_NAMES,
    MODERATION_CREDENTIAL_NAMES,
    PSEUDONYMISATION_KEY,
    PULL_CREDENTIAL_NAMES,
)

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "infra" / "template.json"
LOCAL_REGION = "us-east-1"
STACK_NAME = "engagement-tracker-local"


def resources_template(path: Path = TEMPLATE) -> dict[str, Any]:
    """The merge template minus what only makes sense inside Chalice's package: SAM Globals, the
    partial entries that patch Chalice's own functions and API (they have no Type), API Gateway's
    resources (locally, infra.local.gateway gives the gateway responses' answers), and whatever
    names a resource that is not there, such as the alarms on Chalice's functions."""
    template: dict[str, Any] = json.loads(path.read_text())
    template.pop("Globals", None)
    resources = {
        name: resource
        for name, resource in template["Resources"].items()
        if "Type" in resource and not resource["Type"].startswith("AWS::ApiGateway::")
    }
    known = set(template.get("Parameters", {}))
    while dangling := {name for name, r in resources.items() if _references(r) - known - set(resources)}:
        resources = {name: r for name, r in resources.items() if name not in dangling}
    template["Resources"] = resources
    template["Outputs"] = {
        name: output
        for name, output in template.get("Outputs", {}).items()
        if not _references(output) - known - set(resources)
    }
    return template


def _references(node: Any) -> set[str]:
    """The logical names a piece of template refers to (Ref, Fn::GetAtt, Fn::Sub, DependsOn),
    pseudo parameters (AWS::...) aside."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str):
                found.add(value)
            elif key == "Fn::GetAtt":
                found.add(value[0] if isinstance(value, list) else str(value).split(".")[0])
            elif key == "Fn::Sub":
                text = value[0] if isinstance(value, list) else value
                found |= {name.split(".")[0] for name in re.findall(r"\$\{([^}!]+)\}", text)}
            elif key == "DependsOn":
                found |= {value} if isinstance(value, str) else set(value)
            found |= _references(value)
    elif isinstance(node, list):
        for item in node:
            found |= _references(item)
    return {name for name in found if not name.startswith("AWS::")}


def template_body() -> str:
    return json.dumps(resources_template(), sort_keys=True)


def deploy(cloudformation: Any, stage: str = "local", timeout_seconds: float = 60) -> dict[str, str]:
    """Create the stack and return its outputs (TableName, SummaryBucketName, IngestQueueUrl, ...)."""
    cloudformation.create_stack(
        StackName=STACK_NAME,
        TemplateBody=template_body(),
        Parameters=[{"ParameterKey": "Stage", "ParameterValue": stage}],
    )
    return _settled(cloudformation, "CREATE_COMPLETE", timeout_seconds)


def existing(cloudformation: Any, timeout_seconds: float = 60) -> dict[str, str]:
    """The outputs of the stack a restored local AWS already holds, brought up to date first when
    infra/template.json changed since it was created (moto applies what it supports of an update)."""
    deployed = cloudformation.get_template(StackName=STACK_NAME)["TemplateBody"]
    current = template_body()
    if (json.loads(deployed) if isinstance(deployed, str) else deployed) != json.loads(current):
        cloudformation.update_stack(
            StackName=STACK_NAME,
            TemplateBody=current,
            Parameters=[{"ParameterKey": "Stage", "UsePreviousValue": True}],
        )
        return _settled(cloudformation, "UPDATE_COMPLETE", timeout_seconds)
    return _outputs(cloudformation.describe_stacks(StackName=STACK_NAME)["Stacks"][0])


def route_drops(s3: Any, sqs: Any, outputs: dict[str, str], path: Path = TEMPLATE) -> None:
    """Apply the summary bucket's event notifications of the template (files dropped under
    `imports/` go to the imports queue): moto's CloudFormation creates the bucket without them. A
    queue is named by its stack output `<logical id>Url`. moto then notifies as S3 does, and also
    sends S3's `s3:TestEvent`, which the import worker ignores."""
    bucket = json.loads(path.read_text())["Resources"]["SummaryBucket"]["Properties"]
    queues = []
    for configuration in bucket.get("NotificationConfiguration", {}).get("QueueConfigurations", []):
        url = outputs[f"{configuration['Queue']['Fn::GetAtt'][0]}Url"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        rules = configuration.get("Filter", {}).get("S3Key", {}).get("Rules", [])
        queues.append(
            {
                "QueueArn": arn,
                "Events": [configuration["Event"]],
                "Filter": {"Key": {"FilterRules": [{"Name": r["Name"], "Value": r["Value"]} for r in rules]}},
            }
        )
    s3.put_bucket_notification_configuration(
        Bucket=outputs["SummaryBucketName"], NotificationConfiguration={"QueueConfigurations": queues}
    )


def _outputs(stack: dict[str, Any]) -> dict[str, str]:
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def _settled(cloudformation: Any, done: str, timeout_seconds: float) -> dict[str, str]:
    deadline = time.monotonic() + timeout_seconds
    while True:
        stack = cloudformation.describe_stacks(StackName=STACK_NAME)["Stacks"][0]
        status = stack["StackStatus"]
        if status == done:
            return _outputs(stack)
        if not status.endswith("IN_PROGRESS") or time.monotonic() > deadline:
            raise RuntimeError(f"stack {STACK_NAME} ended in {status}")
        time.sleep(0.2)


def _generated(name: str) -> str:
    if name == "STANDARD_WEBHOOK_SECRETS":
        key = base64.b64encode(secrets.token_bytes(24)).decode()
        return f"demo=whsec_{key}"
    if name == PSEUDONYMISATION_KEY:
        return secrets.token_hex(32)
    return secrets.token_urlsafe(24)


def resolve_secrets(
    env: dict[str, str], saved: dict[str, str] | None = None
) -> tuple[dict[str, str], list[str]]:
    """Each secret from its environment variable when set, else the value saved with the local
    state (so a restart keeps its admin token and signing secrets), else generated; returns the
    values and the names that were generated now."""
    values: dict[str, str] = {}
    generated: list[str] = []
    for name in ALL_SECRET_NAMES:
        value = env.get(name, "").strip() or (saved or {}).get(name, "").strip()
        if not value:
            value = _generated(name)
            generated.append(name)
        values[name] = value
    return values, generated


def read_env_file(path: Path) -> dict[str, str]:
    """`NAME=value` lines (comments and blank lines skipped); empty when the file does not exist."""
    values: dict[str, str] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            name, separator, value = line.partition("=")
            if separator and not line.lstrip().startswith("#"):
                values[name.strip()] = value
    return values


def write_env_file(path: Path, values: dict[str, str], header: str) -> None:
    """Write `NAME=value` lines readable by the owner only (mode 600), replacing the file at once."""
    import os

    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(f"# {header}\n")
        out.writelines(f"{name}={value}\n" for name, value in values.items())
    os.replace(partial, path)


def pull_credentials(env: dict[str, str]) -> dict[str, str]:
    """The pull and moderation credentials given in the environment (never generated: they are the
    platforms')."""
    names = (*PULL_CREDENTIAL_NAMES, *MODERATION_CREDENTIAL_NAMES)
    return {name: env[name].strip() for name in names if env.get(name, "").strip()}


def store_secrets(ssm: Any, stage: str, values: dict[str, str]) -> None:
    for name, value in values.items():
        ssm.put_parameter(
            Name=f"/engagement-tracker/{stage}/{name}", Value=value, Type="SecureString", Overwrite=True
        )


def in_process(region: str = LOCAL_REGION) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Inside an active `moto.mock_aws()`: the stack deployed, its secrets stored, and the functions'
    environment that names it (what tests and benchmarks set before importing `app`). Returns the
    stack's outputs, the secrets and that environment."""
    import boto3

    outputs = deploy(boto3.client("cloudformation", region_name=region), stage="local")
    route_drops(boto3.client("s3", region_name=region), boto3.client("sqs", region_name=region), outputs)
    secrets, _ = resolve_secrets({})
    store_secrets(boto3.client("ssm", region_name=region), "local", secrets)
    environment = {
        "STAGE": "local",
        "TABLE_NAME": outputs["TableName"],
        "SUMMARY_BUCKET": outputs["SummaryBucketName"],
        "INGEST_QUEUE_URL": outputs["IngestQueueUrl"],
        "ALERTS_TOPIC_ARN": outputs["AlertsTopicArn"],
        "IMPORTS_QUEUE_URL": outputs["ImportsQueueUrl"],
        "PUBLIC_BASE_URL": "http://127.0.0.1:8000",
        "POWERTOOLS_TRACE_DISABLED": "true",
    }
    return outputs, secrets, environment
