"""The local stack deploys infra/template.json into moto without what only Chalice's package has:
its functions and API, and so whatever refers to them (tests/integration deploys the rest)."""

import json
from pathlib import Path

from infra.local.stack import resources_template


def _template(tmp_path: Path, resources: dict[str, object], outputs: dict[str, object]) -> Path:
    path = tmp_path / "template.json"
    document = {"Parameters": {"Stage": {"Type": "String"}}, "Resources": resources, "Outputs": outputs}
    path.write_text(json.dumps(document))
    return path


def test_a_resource_that_names_a_missing_one_is_left_out_and_so_are_its_dependants(tmp_path: Path) -> None:
    # Given a queue, a policy on it, an alarm on a function only the package has, and one on that alarm
    path = _template(
        tmp_path,
        {
            "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Fn::Sub": "q-${Stage}"}}},
            "QueuePolicy": {"Type": "AWS::SQS::QueuePolicy", "Properties": {"Queues": [{"Ref": "Queue"}]}},
            "FunctionAlarm": {
                "Type": "AWS::CloudWatch::Alarm",
                "Properties": {"AlarmName": {"Fn::Sub": "${APIHandler}-${AWS::Region}"}},
            },
            "Composite": {"Type": "AWS::CloudWatch::Alarm", "DependsOn": ["FunctionAlarm"], "Properties": {}},
            "APIHandler": {"Properties": {"Timeout": 3}},  # a patch of Chalice's function: no Type
        },
        {"Queue": {"Value": {"Fn::GetAtt": ["Queue", "Arn"]}}, "Alarm": {"Value": {"Ref": "FunctionAlarm"}}},
    )
    # When the local stack takes the template
    template = resources_template(path)
    # Then what it can create stays, and everything that names something absent goes
    assert set(template["Resources"]) == {"Queue", "QueuePolicy"}
    assert set(template["Outputs"]) == {"Queue"}


def test_the_alarms_on_chalices_functions_are_left_out_and_the_stacks_own_kept() -> None:
    resources = resources_template()["Resources"]
    assert not {name for name in resources if name.startswith(("APIHandler", "IngestConsumer", "Publish"))}
    assert {"AlertsTopic", "AlertsKey", "JobsDeadLetterQueue", "JobsDeadLetterAlarm"} <= set(resources)
    assert not [r for r in resources.values() if r["Type"].startswith("AWS::ApiGateway::")]


def test_the_alerts_topic_and_its_key_stay_when_the_grant_to_chalices_roles_is_left_out() -> None:
    # Given the merge template, whose grant on the alerts key names roles only Chalice's package has
    merged = json.loads((Path(__file__).resolve().parents[2] / "infra" / "template.json").read_text())
    assert merged["Resources"]["AlertsPublishersKeyAccess"]["Type"] == "AWS::IAM::Policy"
    resources = resources_template()["Resources"]
    # Then the local stack leaves the grant out and keeps the key and the topic
    assert "AlertsPublishersKeyAccess" not in resources
    assert {"AlertsKey", "AlertsTopic"} <= set(resources)
