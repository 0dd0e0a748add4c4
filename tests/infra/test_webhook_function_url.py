"""Issue 16: the webhook routes on a function of their own behind a Lambda Function URL, capped by
reserved concurrency, and gone from the REST API (checked on the packaged prod template)."""

from __future__ import annotations

from typing import Any

import pytest

WEBHOOKS = "Webhooks"


def _of_type(resources: dict[str, Any], kind: str) -> dict[str, Any]:
    return {name: r for name, r in resources.items() if r.get("Type") == kind}


def test_the_webhook_function_has_a_public_function_url(resources: dict[str, Any]) -> None:
    # Given the packaged template's function URLs
    (url,) = _of_type(resources, "AWS::Lambda::Url").values()
    # Then the one URL targets the webhook function, without IAM auth (platforms sign their bodies)
    assert url["Properties"]["TargetFunctionArn"] == {"Fn::GetAtt": [WEBHOOKS, "Arn"]}
    assert url["Properties"]["AuthType"] == "NONE"
    assert url["Properties"].get("InvokeMode", "BUFFERED") == "BUFFERED"


def test_anyone_may_invoke_the_webhook_function_through_its_url_only(resources: dict[str, Any]) -> None:
    # Given the Lambda permissions of the package
    permissions = [
        p["Properties"]
        for p in _of_type(resources, "AWS::Lambda::Permission").values()
        if p["Properties"]["FunctionName"] == {"Ref": WEBHOOKS}
    ]
    # Then the public may call the URL (auth type NONE), and invoke the function only through it
    assert {
        "Action": "lambda:InvokeFunctionUrl",
        "FunctionName": {"Ref": WEBHOOKS},
        "Principal": "*",
        "FunctionUrlAuthType": "NONE",
    } in permissions
    direct = [p for p in permissions if p["Action"] == "lambda:InvokeFunction"]
    assert direct
    assert all(p.get("InvokedViaFunctionUrl") is True for p in direct)


def test_the_webhook_function_is_capped_by_a_reserved_concurrency_parameter(template: dict[str, Any]) -> None:
    # Given the webhook function and the template's parameters
    function = template["Resources"][WEBHOOKS]["Properties"]
    parameter = template["Parameters"]["WebhookReservedConcurrency"]
    # Then its reserved concurrency is the parameter (0 meaning no cap), by default a cap
    assert function["ReservedConcurrentExecutions"] == {
        "Fn::If": ["WebhooksCapped", {"Ref": "WebhookReservedConcurrency"}, {"Ref": "AWS::NoValue"}]
    }
    assert parameter["Type"] == "Number"
    assert 10 <= parameter["Default"] <= 200
    assert template["Conditions"]["WebhooksCapped"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "WebhookReservedConcurrency"}, 0]}]
    }


def test_a_throttled_delivery_alarms_on_the_alerts_topic(resources: dict[str, Any]) -> None:
    # Given the alarms on the webhook function
    alarms = [
        a["Properties"]
        for a in _of_type(resources, "AWS::CloudWatch::Alarm").values()
        if {"Name": "FunctionName", "Value": {"Ref": WEBHOOKS}} in a["Properties"].get("Dimensions", [])
    ]
    # Then one counts throttles, over zero, and notifies the alerts topic
    (throttles,) = [a for a in alarms if a["MetricName"] == "Throttles"]
    assert throttles["Threshold"] == 0
    assert throttles["ComparisonOperator"] == "GreaterThanThreshold"
    assert throttles["AlarmActions"] == [{"Ref": "AlertsTopic"}]


def test_the_template_outputs_the_webhook_base_url(template: dict[str, Any]) -> None:
    output = template["Outputs"]["WebhookBaseUrl"]
    # The Function URL ends with "/": the routes are under its /webhooks
    assert output["Value"] == {"Fn::Sub": "${WebhooksUrl.FunctionUrl}webhooks"}


def test_the_websub_callback_is_the_function_url(resources: dict[str, Any]) -> None:
    # Given the renew job, which gives the hub our callback
    variables = resources["RenewSubscriptions"]["Properties"]["Environment"]["Variables"]
    # Then the callback base is the webhook function's URL, not the REST API's
    assert variables["WEBHOOK_BASE_URL"] == {"Fn::Sub": "${WebhooksUrl.FunctionUrl}webhooks"}


@pytest.mark.parametrize("prefix", ["/webhooks"])
def test_the_rest_api_serves_no_webhook_route(template: dict[str, Any], prefix: str) -> None:
    # Given the REST API's routes (its OpenAPI definition)
    paths = template["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]["paths"]
    # Then none is a webhook route: every delivery skips API Gateway
    assert paths, "the management API is still on the REST API"
    assert [path for path in paths if path.startswith(prefix)] == []
