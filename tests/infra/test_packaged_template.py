"""The deployable template `make package STAGE=prod` produces: the invariants reviewers and
operators rely on, checked on the real output of chalice package merged with infra/."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from infra.local import gateway

GUARDED_SERVICES = ("dynamodb:", "s3:", "sqs:", "ssm:")


def _of_type(resources: dict[str, Any], kind: str) -> dict[str, Any]:
    return {name: r for name, r in resources.items() if r.get("Type") == kind}


def _sqs_event_sources(resources: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    sources = []
    for name, function in _of_type(resources, "AWS::Serverless::Function").items():
        for event in function["Properties"].get("Events", {}).values():
            if event["Type"] == "SQS":
                sources.append((name, event["Properties"]))
    return sources


def test_every_sqs_event_source_reports_batch_item_failures(resources: dict[str, Any]) -> None:
    sources = _sqs_event_sources(resources)
    assert sources, "the ingest consumer must be packaged with its SQS trigger"
    for name, properties in sources:
        assert properties.get("FunctionResponseTypes") == ["ReportBatchItemFailures"], name


def test_the_ingest_consumer_reads_the_template_queue_by_reference(resources: dict[str, Any]) -> None:
    (_, properties), *_ = _sqs_event_sources(resources)
    assert properties["Queue"] == {"Fn::GetAtt": ["IngestQueue", "Arn"]}


def test_no_data_action_is_granted_on_every_resource(resources: dict[str, Any]) -> None:
    roles = _of_type(resources, "AWS::IAM::Role")
    assert roles
    for name, role in roles.items():
        for policy in role["Properties"].get("Policies", []):
            for statement in policy["PolicyDocument"]["Statement"]:
                actions = (
                    statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                )
                targets = (
                    statement["Resource"]
                    if isinstance(statement["Resource"], list)
                    else [statement["Resource"]]
                )
                if any(a.startswith(GUARDED_SERVICES) for a in actions):
                    assert "*" not in targets, f"{name}: {actions} on *"
                    assert all("engagement-tracker" in str(t) for t in targets), f"{name}: {targets}"


def test_the_table_is_on_demand_encrypted_with_pitr_and_ttl(resources: dict[str, Any]) -> None:
    table = resources["EventsTable"]["Properties"]
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert table["SSESpecification"] == {"SSEEnabled": True}
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}


def test_the_summary_bucket_blocks_public_access_and_encrypts(resources: dict[str, Any]) -> None:
    bucket = resources["SummaryBucket"]["Properties"]
    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    (rule,) = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] in {"AES256", "aws:kms"}


def test_the_summary_bucket_refuses_plain_http(resources: dict[str, Any]) -> None:
    (policy,) = _of_type(resources, "AWS::S3::BucketPolicy").values()
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    assert any(
        s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        for s in statements
    )


def test_old_summary_runs_and_claim_checks_expire(resources: dict[str, Any]) -> None:
    rules = {r["Id"]: r for r in resources["SummaryBucket"]["Properties"]["LifecycleConfiguration"]["Rules"]}
    assert rules["expire-superseded-summary-runs"]["TagFilters"] == [
        {"Key": "retention", "Value": "superseded"}
    ]
    assert rules["expire-claim-checked-deliveries"]["Prefix"] == "deliveries/"


def test_the_ingest_queue_redrives_after_five_receives(resources: dict[str, Any]) -> None:
    queue = resources["IngestQueue"]["Properties"]
    assert queue["RedrivePolicy"]["maxReceiveCount"] == 5
    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": ["IngestDeadLetterQueue", "Arn"]}


def test_visibility_timeout_is_at_least_six_times_the_consumer_timeout(resources: dict[str, Any]) -> None:
    consumer_timeout = resources["IngestConsumer"]["Properties"]["Timeout"]
    assert resources["IngestQueue"]["Properties"]["VisibilityTimeout"] >= 6 * consumer_timeout


def test_an_alarm_watches_the_dead_letter_depth(resources: dict[str, Any]) -> None:
    properties = resources["DeadLetterQueueAlarm"]["Properties"]
    assert properties["MetricName"] == "ApproximateNumberOfMessagesVisible"
    assert properties["Dimensions"][0]["Value"] == {"Fn::GetAtt": ["IngestDeadLetterQueue", "QueueName"]}
    assert properties["AlarmActions"]


def test_every_function_gets_its_resources_by_reference(template: dict[str, Any]) -> None:
    variables = template["Globals"]["Function"]["Environment"]["Variables"]
    assert variables["TABLE_NAME"] == {"Ref": "EventsTable"}
    assert variables["SUMMARY_BUCKET"] == {"Ref": "SummaryBucket"}
    assert variables["INGEST_QUEUE_URL"] == {"Ref": "IngestQueue"}


def test_functions_run_the_prod_stage_with_tracing(resources: dict[str, Any]) -> None:
    for name, function in _of_type(resources, "AWS::Serverless::Function").items():
        assert function["Properties"]["Environment"]["Variables"]["STAGE"] == "prod", name
        assert function["Properties"]["Tracing"] == "Active", name


def test_the_job_functions_outlast_a_slow_platform_call(resources: dict[str, Any]) -> None:
    # A hub or platform call may take PULL_TIMEOUT_SECONDS (10 by default) per attempt: a job that
    # makes several must not be cut off by the function's own timeout after the first slow answer.
    functions = _of_type(resources, "AWS::Serverless::Function")
    timeouts = {name: f["Properties"]["Timeout"] for name, f in functions.items()}
    for job in ("RenewSubscriptions", "Pull", "Publish", "Radar"):
        assert timeouts[job] >= 60, (job, timeouts)


def test_the_lambda_package_holds_only_app_chalicelib_and_dependencies(packaged: Path) -> None:
    names = zipfile.ZipFile(packaged / "deployment.zip").namelist()
    top_level = {name.split("/", 1)[0] for name in names}
    assert "app.py" in top_level
    assert "chalicelib" in top_level
    assert not top_level & {"infra", "tests", "bench", "docs", ".chalice"}


def test_the_lambda_package_ships_the_summary_templates_and_locales(packaged: Path) -> None:
    # Given the packaged functions
    names = set(zipfile.ZipFile(packaged / "deployment.zip").namelist())
    # Then summary.html's templates and stylesheet travel with chalicelib, and Babel its French and English
    templates = Path(__file__).resolve().parents[2] / "chalicelib" / "report" / "templates"
    for template in templates.iterdir():
        assert f"chalicelib/report/templates/{template.name}" in names
    assert {"babel/locale-data/fr.dat", "babel/locale-data/en.dat", "jinja2/__init__.py"} <= names


def _gateway_responses(resources: dict[str, Any]) -> dict[str, dict[str, Any]]:
    responses = _of_type(resources, "AWS::ApiGateway::GatewayResponse").values()
    return {r["Properties"]["ResponseType"]: r["Properties"] for r in responses}


@pytest.mark.parametrize(
    ("response_type", "answer"),
    [
        ("MISSING_AUTHENTICATION_TOKEN", gateway.NO_ROUTE),
        ("REQUEST_TOO_LARGE", gateway.REQUEST_TOO_LARGE),
        ("DEFAULT_5XX", gateway.INTERNAL_ERROR),
    ],
)
def test_api_gateways_own_answers_are_the_local_servers(
    resources: dict[str, Any], response_type: str, answer: gateway.GatewayAnswer
) -> None:
    # Given the deployed API's gateway response of this type
    response = _gateway_responses(resources)[response_type]
    # Then it answers what the local server answers: a path no route matches is a 404, not
    # API Gateway's 403 "Missing Authentication Token", in the contract's error shape
    assert response["RestApiId"] == {"Ref": "RestAPI"}
    assert "RestAPI" in resources
    assert json.loads(response["ResponseTemplates"]["application/json"]) == json.loads(answer.body())
    if response_type != "DEFAULT_5XX":
        assert response["StatusCode"] == str(answer.status)


def test_every_other_gateway_refusal_has_the_contract_error_shape(resources: dict[str, Any]) -> None:
    # Given API Gateway's default 4xx answer, with its error message filled in as API Gateway does
    template = _gateway_responses(resources)["DEFAULT_4XX"]["ResponseTemplates"]["application/json"]
    body = template.replace("$context.error.messageString", json.dumps('Invalid "request" body'))
    # Then it is {"error": {"code", "message"}}
    assert json.loads(body) == {"error": {"code": "request_refused", "message": 'Invalid "request" body'}}


# cfn-lint's exit status is a bit mask of what it found: 2 errors, 4 warnings, 8 informational.
CFN_LINT_ERRORS, CFN_LINT_FINDINGS = 2, 2 | 4 | 8


def test_cfn_lint_reports_no_errors(packaged: Path) -> None:
    # cfn-lint has no `python -m cfnlint` entry point: run its console script beside this Python,
    # and fail on any other status (a tool that did not run must not read as "no errors").
    cfn_lint = Path(sys.executable).parent / "cfn-lint"
    result = subprocess.run(
        [str(cfn_lint), "--format", "parseable", str(packaged / "sam.json")],
        capture_output=True,
        text=True,
        check=False,  # cfn-lint exits non-zero for warnings too; errors are judged below
    )
    assert result.returncode & ~CFN_LINT_FINDINGS == 0, result.stderr
    errors = [line for line in result.stdout.splitlines() if ":E" in line]
    assert errors == [], result.stdout
    assert not result.returncode & CFN_LINT_ERRORS, result.stdout


# Imports of consumption reports (contract section 12) ------------------------------------------------


def test_the_import_worker_reads_the_imports_queue_by_reference_one_message_at_a_time(
    resources: dict[str, Any],
) -> None:
    # Given the import worker's SQS trigger
    (source,) = resources["ImportWorker"]["Properties"]["Events"].values()
    # Then it is the template's imports queue, one import per invocation
    assert source["Properties"]["Queue"] == {"Fn::GetAtt": ["ImportsQueue", "Arn"]}
    assert source["Properties"]["BatchSize"] == 1


def test_one_import_runs_at_a_time(resources: dict[str, Any]) -> None:
    # Imports read and rewrite day ledgers: two at once could each miss the other's rows
    assert resources["ImportWorker"]["Properties"]["ReservedConcurrentExecutions"] == 1


def test_the_imports_queue_outlasts_the_worker_and_redrives_to_its_alarmed_dead_letters(
    resources: dict[str, Any],
) -> None:
    queue = resources["ImportsQueue"]["Properties"]
    assert queue["VisibilityTimeout"] >= 6 * resources["ImportWorker"]["Properties"]["Timeout"]
    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": ["ImportsDeadLetterQueue", "Arn"]}
    alarm = resources["ImportsDeadLetterAlarm"]["Properties"]
    assert alarm["Dimensions"][0]["Value"] == {"Fn::GetAtt": ["ImportsDeadLetterQueue", "QueueName"]}


def test_files_dropped_under_imports_notify_the_imports_queue(resources: dict[str, Any]) -> None:
    # Given the summary bucket's notifications
    bucket = resources["SummaryBucket"]
    (notification,) = bucket["Properties"]["NotificationConfiguration"]["QueueConfigurations"]
    # Then every object created under imports/ (and nothing else) is a message on the imports queue
    assert notification["Event"] == "s3:ObjectCreated:*"
    assert notification["Queue"] == {"Fn::GetAtt": ["ImportsQueue", "Arn"]}
    assert notification["Filter"] == {"S3Key": {"Rules": [{"Name": "prefix", "Value": "imports/"}]}}
    # and the bucket is created after the queue policy that lets S3 send (S3 checks it then)
    assert bucket["DependsOn"] == "ImportsQueuePolicy"


def test_only_the_stages_bucket_may_send_to_the_imports_queue(resources: dict[str, Any]) -> None:
    policy = resources["ImportsQueuePolicy"]["Properties"]
    assert policy["Queues"] == [{"Ref": "ImportsQueue"}]
    (statement,) = policy["PolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "s3.amazonaws.com"}
    assert statement["Action"] == "sqs:SendMessage"
    source = statement["Condition"]["ArnLike"]["aws:SourceArn"]["Fn::Sub"]
    assert source == "arn:${AWS::Partition}:s3:::engagement-tracker-${Stage}-${AWS::AccountId}-${AWS::Region}"
    assert statement["Condition"]["StringEquals"] == {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}


@pytest.mark.parametrize(
    ("function", "named"), [("APIHandler", True), ("ImportWorker", True), ("Pull", False)]
)
def test_the_imports_queue_is_named_to_the_functions_that_send_to_it(
    function: str, named: bool, resources: dict[str, Any]
) -> None:
    variables = resources[function]["Properties"]["Environment"]["Variables"]
    assert (variables.get("IMPORTS_QUEUE_URL") == {"Ref": "ImportsQueue"}) is named
