"""WebSub subscription records: a topic longer than any sort key is one we never requested."""

from __future__ import annotations

from typing import Any

from chalicelib.adapters.subscriptions import MAX_TOPIC_BYTES, DynamoSubscriptions


class FakeDynamoDB:
    """Answers get_item with no item, and refuses an oversized sort key the way DynamoDB does."""

    def __init__(self) -> None:
        self.looked_up: list[str] = []

    def get_item(self, **request: Any) -> dict[str, Any]:
        topic = request["Key"]["sk"]["S"]
        if len(topic.encode()) > MAX_TOPIC_BYTES:
            raise AssertionError("DynamoDB answers ValidationException for a sort key over 1024 bytes")
        self.looked_up.append(topic)
        return {}


def test_a_topic_longer_than_a_sort_key_was_never_requested_and_is_not_looked_up() -> None:
    # given a hub verifying an intent for a topic over the sort key limit (a stranger's 100 kB query)
    dynamodb = FakeDynamoDB()
    subscriptions = DynamoSubscriptions(dynamodb, "table")  # type: ignore[arg-type]
    # when we check whether we asked for it
    mode = subscriptions.requested_mode("https://example.com/?t=" + "a" * MAX_TOPIC_BYTES)
    # then the answer is "never" (a 404), without a lookup that would fail as a 503
    assert mode is None
    assert dynamodb.looked_up == []


def test_a_topic_of_exactly_the_sort_key_limit_is_looked_up() -> None:
    # given a topic of exactly 1024 bytes
    dynamodb = FakeDynamoDB()
    topic = "t" * MAX_TOPIC_BYTES
    # when / then it is looked up as usual
    assert DynamoSubscriptions(dynamodb, "table").requested_mode(topic) is None  # type: ignore[arg-type]
    assert dynamodb.looked_up == [topic]
