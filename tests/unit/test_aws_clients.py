"""The client factory: lazy, cached, and pointed at the local endpoint when one is set."""

from chalicelib.aws import AwsClients


def test_clients_are_created_once_and_reused() -> None:
    clients = AwsClients(region="eu-west-3")
    assert clients.dynamodb is clients.dynamodb
    assert clients.sqs is not clients.dynamodb


def test_clients_honour_the_local_endpoint() -> None:
    clients = AwsClients(region="us-east-1", endpoint_url="http://127.0.0.1:4566")
    assert clients.s3.meta.endpoint_url == "http://127.0.0.1:4566"
    assert clients.dynamodb.meta.endpoint_url == "http://127.0.0.1:4566"


def test_clients_use_the_region_given() -> None:
    clients = AwsClients(region="eu-west-3")
    assert clients.ssm.meta.region_name == "eu-west-3"
