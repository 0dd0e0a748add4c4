"""What the functions really ask of AWS, as IAM sees it: every botocore call (and every presigned
URL) made while a function's code runs, recorded as (IAM action, resource ARN); and a small IAM
evaluator for the Allow statements of a role's inline policies (no Deny, no conditions: the roles
the package creates have neither, and a statement with a condition is refused rather than guessed).
"""

from __future__ import annotations

import sys
import threading
from collections import defaultdict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from botocore import signers
from botocore.client import BaseClient
from botocore.exceptions import ClientError

# The package's functions: Chalice's name (as in .chalice/config.json) -> logical id in sam.json.
FUNCTIONS = {
    "api_handler": "APIHandler",
    "webhooks": "Webhooks",
    "ingest_consumer": "IngestConsumer",
    "publish": "Publish",
    "pull": "Pull",
    "renew-subscriptions": "RenewSubscriptions",
    "radar": "Radar",
    "import_worker": "ImportWorker",
    "moderation": "Moderation",
}
ACCOUNT = "123456789012"  # moto's account; the policies name no account (`*`)
ROOT = Path(__file__).resolve().parents[2]
CODE = str(ROOT / "chalicelib")
# Operations IAM authorises under another action's name (a HEAD of an object is a GetObject).
IAM_ACTIONS = {"s3:HeadObject": "s3:GetObject"}


@dataclass(frozen=True, order=True)
class Call:
    action: str  # e.g. "dynamodb:Query"
    resource: str  # the ARN IAM authorises it against

    def __str__(self) -> str:
        return f"{self.action} on {self.resource}"


# A transaction is authorised item by item, as the single-item action each of its items is (AWS's
# "Using IAM with DynamoDB transactions"): there is no IAM action named after TransactWriteItems.
_TRANSACT_WRITE_ACTIONS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
}


def _calls(service: str, operation: str, params: Mapping[str, Any], region: str) -> set[Call]:
    """The (IAM action, ARN) pairs one call is authorised as."""
    if service == "dynamodb" and operation == "TransactWriteItems":
        found = set()
        for item in params["TransactItems"]:
            ((kind, write),) = item.items()
            action = _TRANSACT_WRITE_ACTIONS[kind]
            found |= {Call(f"dynamodb:{action}", arn) for arn in _arns(service, action, write, region)}
        return found
    action = IAM_ACTIONS.get(f"{service}:{operation}", f"{service}:{operation}")
    return {Call(action, arn) for arn in _arns(service, operation, params, region)}


def _arns(service: str, operation: str, params: Mapping[str, Any], region: str) -> list[str]:
    """The resource ARNs IAM checks for one call of the four services the functions use."""
    if service == "dynamodb":
        tables = list(params["RequestItems"]) if "RequestItems" in params else [params["TableName"]]
        index = f"/index/{params['IndexName']}" if "IndexName" in params else ""
        return [f"arn:aws:dynamodb:{region}:{ACCOUNT}:table/{table}{index}" for table in tables]
    if service == "s3":
        key = f"/{params['Key']}" if "Key" in params else ""
        return [f"arn:aws:s3:::{params['Bucket']}{key}"]
    if service == "sqs":
        _, account, name = urlparse(params["QueueUrl"]).path.split("/")
        return [f"arn:aws:sqs:{region}:{account}:{name}"]
    if service == "sns" and "TopicArn" in params:
        return [str(params["TopicArn"])]
    if service == "ssm" and "Path" in params:
        return [f"arn:aws:ssm:{region}:{ACCOUNT}:parameter{params['Path'].rstrip('/')}"]
    raise AssertionError(
        f"{service}:{operation} is not known to tests/infra/aws_calls.py: teach it the resource "
        "this call is authorised against, and grant it to the functions that make it"
    )


class CallRecorder:
    """Records, per function, the calls made while `running(function)` is open (in any thread:
    a publish reads through a pool of threads), and the line of chalicelib/ that made each."""

    def __init__(self) -> None:
        self.calls: dict[str, set[Call]] = defaultdict(set)
        self.sites: set[tuple[str, int]] = set()  # (path under the repository, line)
        self._function: str | None = None
        self._lock = threading.Lock()

    @contextmanager
    def running(self, function: str) -> Iterator[None]:
        self._function = function
        try:
            yield
        finally:
            self._function = None

    def _record(self, service: str, operation: str, params: Mapping[str, Any], region: str) -> None:
        function = self._function
        if function is None:
            return  # the test's own set-up and checks
        found = _calls(service, operation, params, region)
        site = _calling_line()
        with self._lock:
            self.calls[function] |= found
            if site is not None:
                self.sites.add(site)

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        make_api_call = BaseClient._make_api_call
        presign = signers.generate_presigned_url

        def recording_call(client: Any, operation: str, params: dict[str, Any]) -> Any:
            service, region = client.meta.service_model.endpoint_prefix, client.meta.region_name
            self._record(service, operation, params, region)
            try:
                return make_api_call(client, operation, params)
            except ClientError as error:
                if service == "s3" and error.response.get("Error", {}).get("Code") in {"NoSuchKey", "404"}:
                    # S3 answers a missing key with 404 NoSuchKey only to a caller that may list
                    # the bucket; to others it is 403 AccessDenied, which the code reads as an
                    # outage (a first publish would then fail for ever).
                    self._record(service, "ListBucket", {"Bucket": params["Bucket"]}, region)
                raise

        def recording_presign(client: Any, ClientMethod: str, Params: Any = None, **kwargs: Any) -> Any:
            # A presigned URL is a request made later by whoever holds it, with the signer's rights.
            operation = client.meta.method_to_api_mapping[ClientMethod]
            service, region = client.meta.service_model.endpoint_prefix, client.meta.region_name
            self._record(service, operation, Params or {}, region)
            return presign(client, ClientMethod, Params=Params, **kwargs)

        monkeypatch.setattr(BaseClient, "_make_api_call", recording_call)
        monkeypatch.setattr(signers, "generate_presigned_url", recording_presign)


def _calling_line() -> tuple[str, int] | None:
    """The innermost line of chalicelib/ on the stack: the adapter's call."""
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code.co_filename.startswith(CODE):
            return str(Path(frame.f_code.co_filename).relative_to(ROOT)), frame.f_lineno
        frame = frame.f_back
    return None


# A tiny IAM evaluator -------------------------------------------------------------------------------


def _listed(value: str | list[str]) -> list[str]:
    return value if isinstance(value, list) else [value]


@dataclass(frozen=True)
class Grant:
    sid: str
    actions: tuple[str, ...]
    resources: tuple[str, ...]

    def allows(self, call: Call) -> bool:
        return any(fnmatchcase(call.action.lower(), a.lower()) for a in self.actions) and any(
            fnmatchcase(call.resource, r) for r in self.resources
        )


def role_grants(resources: Mapping[str, Any], function: str) -> list[Grant]:
    """The Allow statements of the inline policies of the packaged function's role."""
    role = resources[function]["Properties"]["Role"]["Fn::GetAtt"][0]
    grants = []
    for policy in resources[role]["Properties"].get("Policies", []):
        for statement in policy["PolicyDocument"]["Statement"]:
            assert statement["Effect"] == "Allow", statement
            assert "Condition" not in statement, f"this evaluator does not judge conditions: {statement}"
            grants.append(
                Grant(
                    statement.get("Sid", ""),
                    tuple(_listed(statement["Action"])),
                    tuple(_listed(statement["Resource"])),
                )
            )
    return grants


def for_stage(call: Call, stage: str) -> Call:
    """The same call in another stage: the local stack's names, with the stage's in their place."""
    resource = call.resource.replace("engagement-tracker-local", f"engagement-tracker-{stage}")
    return Call(call.action, resource.replace("engagement-tracker/local", f"engagement-tracker/{stage}"))
