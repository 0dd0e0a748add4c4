"""What tells the operators something is wrong, on the packaged template: an alarm per function's
errors and throttles, on the scheduled jobs' failed runs (a dead-letter queue for the schedule
targets and the functions) and on the API's 5xx, all to the encrypted alerts topic; and the API's
access logs, which carry no query string, concrete path or caller address."""

from __future__ import annotations

import json
import re
from fnmatch import fnmatchcase
from typing import Any

import pytest

from tests.infra.aws_calls import FUNCTIONS

JOBS_DEAD_LETTERS = {"Fn::GetAtt": ["JobsDeadLetterQueue", "Arn"]}
# Each schedule of app.py: its function's logical id -> seconds between runs.
SCHEDULES = {
    "Publish": 15 * 60,
    "Pull": 60 * 60,
    "RenewSubscriptions": 12 * 60 * 60,
    "Radar": 24 * 60 * 60,
    "Moderation": 60 * 60,
}


def _alarms(resources: dict[str, Any]) -> list[dict[str, Any]]:
    return [r["Properties"] for r in resources.values() if r["Type"] == "AWS::CloudWatch::Alarm"]


def _schedule_events(resources: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: event["Properties"]
        for name, function in resources.items()
        if function["Type"] == "AWS::Serverless::Function"
        for event in function["Properties"].get("Events", {}).values()
        if event["Type"] == "Schedule"
    }


def _sub(value: Any) -> str:
    assert isinstance(value, dict), value
    assert set(value) == {"Fn::Sub"}, value
    text: str = value["Fn::Sub"]
    return text


@pytest.mark.parametrize("metric", ["Errors", "Throttles"])
@pytest.mark.parametrize("function", FUNCTIONS.values())
def test_every_function_alarms_on_its_errors_and_throttles(
    function: str, metric: str, resources: dict[str, Any]
) -> None:
    # Given the alarms on the function's metric
    watching = [
        alarm
        for alarm in _alarms(resources)
        if alarm["Namespace"] == "AWS/Lambda"
        and alarm["MetricName"] == metric
        and alarm["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": function}}]
    ]
    # Then one fires on the first occurrence in five minutes
    (alarm,) = watching
    assert (alarm["Statistic"], alarm["Period"], alarm["Threshold"]) == ("Sum", 300, 0)
    assert alarm["ComparisonOperator"] == "GreaterThanThreshold"


def test_every_alarm_notifies_the_alerts_topic(resources: dict[str, Any]) -> None:
    alarms = _alarms(resources)
    assert len(alarms) >= 2 * len(FUNCTIONS) + 3
    for alarm in alarms:
        assert alarm["AlarmActions"] == [{"Ref": "AlertsTopic"}], alarm["AlarmName"]
        assert alarm["TreatMissingData"] == "notBreaching", alarm["AlarmName"]


def test_alarm_names_are_unique_and_carry_the_stage(resources: dict[str, Any]) -> None:
    names = [_sub(alarm["AlarmName"]) for alarm in _alarms(resources)]
    assert len(set(names)) == len(names)
    assert all(name.startswith("engagement-tracker-${Stage}-") for name in names)


@pytest.mark.parametrize("function", SCHEDULES)
def test_a_schedule_sends_a_run_it_cannot_deliver_to_the_jobs_dead_letter_queue(
    function: str, resources: dict[str, Any]
) -> None:
    # Given the schedule event Chalice packages for the job (SAM turns it into an Events rule)
    (event,) = [e["Properties"] for e in resources[function]["Properties"]["Events"].values()]
    # Then the rule's target has a dead-letter queue, and gives up on a run once the next is due
    assert event["DeadLetterConfig"] == {"Arn": JOBS_DEAD_LETTERS}
    assert event["RetryPolicy"]["MaximumEventAgeInSeconds"] <= SCHEDULES[function]


@pytest.mark.parametrize("function", SCHEDULES)
def test_a_job_run_that_failed_every_retry_lands_in_the_jobs_dead_letter_queue(
    function: str, resources: dict[str, Any]
) -> None:
    # Lambda retries an asynchronous invocation twice, then sends the event to the function's DLQ
    dead_letters = resources[function]["Properties"]["DeadLetterQueue"]
    assert dead_letters == {"Type": "SQS", "TargetArn": JOBS_DEAD_LETTERS}


def test_every_schedule_is_a_job_with_a_dead_letter_queue(resources: dict[str, Any]) -> None:
    # A schedule added to app.py without its dead-letter queue would fail silently
    assert set(_schedule_events(resources)) == set(SCHEDULES)


@pytest.mark.parametrize("function", SCHEDULES)
def test_only_the_stages_rules_may_send_to_the_jobs_dead_letter_queue(
    function: str, resources: dict[str, Any]
) -> None:
    # Given the queue policy, and the rule the job's schedule becomes (named by the merge template)
    (statement,) = resources["JobsDeadLetterQueuePolicy"]["Properties"]["PolicyDocument"]["Statement"]
    rule_arn = _sub(statement["Condition"]["ArnLike"]["aws:SourceArn"])
    (event,) = [e["Properties"] for e in resources[function]["Properties"]["Events"].values()]
    rule = _sub(event["Name"])
    # Then EventBridge may send that rule's undelivered runs there, and only this stage's rules
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert statement["Action"] == "sqs:SendMessage"
    assert statement["Resource"] == JOBS_DEAD_LETTERS
    assert rule_arn.endswith(":rule/engagement-tracker-${Stage}-*")
    assert fnmatchcase(rule, rule_arn.rsplit("/", 1)[1])


def test_the_jobs_dead_letter_queue_keeps_failed_runs_14_days_and_alarms(resources: dict[str, Any]) -> None:
    queue = resources["JobsDeadLetterQueue"]["Properties"]
    assert queue["MessageRetentionPeriod"] == 14 * 24 * 3600
    assert queue["SqsManagedSseEnabled"] is True
    (alarm,) = [
        a
        for a in _alarms(resources)
        if a["Dimensions"]
        == [{"Name": "QueueName", "Value": {"Fn::GetAtt": ["JobsDeadLetterQueue", "QueueName"]}}]
    ]
    assert alarm["MetricName"] == "ApproximateNumberOfMessagesVisible"
    assert (alarm["Threshold"], alarm["ComparisonOperator"]) == (0, "GreaterThanThreshold")


def test_the_5xx_alarm_watches_the_packaged_api_and_stage(resources: dict[str, Any]) -> None:
    # Given the alarm on API Gateway's 5XXError metric, and the API Chalice packages
    (alarm,) = [a for a in _alarms(resources) if a["Namespace"] == "AWS/ApiGateway"]
    api = resources["RestAPI"]["Properties"]
    dimensions = {d["Name"]: d["Value"] for d in alarm["Dimensions"]}
    # Then its dimensions are that API's name (per stage, so dev's errors do not page for prod)
    assert alarm["MetricName"] == "5XXError"
    assert dimensions["ApiName"] == api["Name"] == api["DefinitionBody"]["info"]["title"]
    assert _sub(dimensions["ApiName"]) == "engagement-tracker-${Stage}"
    assert dimensions["Stage"] == api["StageName"]


def test_the_alerts_topic_is_encrypted_with_a_key_cloudwatch_alarms_may_use(
    resources: dict[str, Any],
) -> None:
    # Given the alerts topic (CloudWatch cannot publish to a topic under the AWS managed aws/sns key)
    topic = resources["AlertsTopic"]["Properties"]
    assert topic["KmsMasterKeyId"] == {"Ref": "AlertsKey"}
    key = resources["AlertsKey"]["Properties"]
    # Then its key rotates and lets the CloudWatch alarm service encrypt what it publishes
    assert key["EnableKeyRotation"] is True
    granted = [
        s for s in key["KeyPolicy"]["Statement"] if s["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    ]
    assert [set(s["Action"]) for s in granted] == [{"kms:Decrypt", "kms:GenerateDataKey*"}]
    assert all("Condition" not in s for s in granted)  # a condition CloudWatch does not send drops alerts


def test_the_api_stage_writes_access_logs_to_a_group_with_a_retention(resources: dict[str, Any]) -> None:
    api = resources["RestAPI"]["Properties"]
    assert api["AccessLogSetting"]["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogs", "Arn"]}
    assert resources["ApiAccessLogs"]["Properties"]["RetentionInDays"] == 90
    assert api["TracingEnabled"] is True


def test_an_access_log_line_is_json_without_query_string_path_or_address(resources: dict[str, Any]) -> None:
    # Given the access log format, with every $context variable filled in as API Gateway does
    log_format = resources["RestAPI"]["Properties"]["AccessLogSetting"]["Format"]
    variables = set(re.findall(r"\$context\.[A-Za-z.]+", log_format))
    line = json.loads(re.sub(r"\$context\.[A-Za-z.]+", "-", log_format))
    # Then it is one JSON object that names the route template, never what the caller sent: a
    # query string may hold a verify token, a path a capability URL, and an address is personal
    assert "$context.resourcePath" in variables
    assert line["requestId"] == "-"
    forbidden = {"$context.path", "$context.identity.sourceIp", "$context.identity.userAgent"}
    assert not variables & forbidden
    assert not any("querystring" in v.lower() or "requestOverride" in v for v in variables)


def test_api_gateway_may_write_logs_before_the_stage_is_created(resources: dict[str, Any]) -> None:
    # Given the account setting API Gateway needs before a stage may log
    account = resources["ApiGatewayAccount"]
    role = resources["ApiGatewayCloudWatchRole"]
    # Then the API is created after it, with a role API Gateway may assume to write logs
    assert resources["RestAPI"]["DependsOn"] == "ApiGatewayAccount"
    assert account["Properties"]["CloudWatchRoleArn"] == {"Fn::GetAtt": ["ApiGatewayCloudWatchRole", "Arn"]}
    (trust,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "apigateway.amazonaws.com"}
    (policy,) = role["Properties"]["ManagedPolicyArns"]
    assert _sub(policy).endswith(":iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs")
    # and both stay when a stack is deleted: the setting is the region's, other stages' APIs use it
    assert account["DeletionPolicy"] == role["DeletionPolicy"] == "Retain"


def _publishers(resources: dict[str, Any]) -> set[str]:
    """The roles whose own policy lets their function publish to the alerts topic."""
    return {
        name
        for name, resource in resources.items()
        if resource["Type"] == "AWS::IAM::Role"
        for policy in resource["Properties"].get("Policies", [])
        for statement in policy["PolicyDocument"]["Statement"]
        if "sns:Publish" in statement["Action"] and str(statement["Resource"]).endswith("-alerts")
    }


def test_every_role_that_publishes_to_the_alerts_topic_may_use_its_key_through_sns(
    resources: dict[str, Any],
) -> None:
    # Given the roles granted sns:Publish on the alerts topic (a KMS-encrypted topic also needs the
    # publisher to generate a data key and decrypt with the topic's key, or SNS refuses the message)
    publishers = _publishers(resources)
    assert {"RadarRole", "ApiHandlerRole"} <= publishers
    # Then exactly those roles, and no other, get the two KMS actions on the alerts key, through SNS
    granted: dict[str, set[str]] = {}
    for resource in resources.values():
        if resource["Type"] != "AWS::IAM::Policy":
            continue
        for statement in resource["Properties"]["PolicyDocument"]["Statement"]:
            if statement["Resource"] != {"Fn::GetAtt": ["AlertsKey", "Arn"]}:
                continue
            assert set(statement["Action"]) == {"kms:GenerateDataKey*", "kms:Decrypt"}, statement
            assert statement["Condition"] == {
                "StringEquals": {"kms:ViaService": {"Fn::Sub": "sns.${AWS::Region}.amazonaws.com"}}
            }
            for role in resource["Properties"]["Roles"]:
                granted.setdefault(role["Ref"], set()).update(statement["Action"])
    assert set(granted) == publishers
