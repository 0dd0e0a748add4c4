"""The sparse `by_comment` index: a hideable comment carries its key on the event's own put; nothing else
does (contract section 11, no request of its own per ingested event)."""

from __future__ import annotations

from datetime import UTC, datetime

from chalicelib.adapters.event_store import event_item
from chalicelib.domain.events import EngagementEvent

AT = datetime(2026, 11, 18, 11, 0, tzinfo=UTC)


def event(kind: str, comment_id: str | None) -> EngagementEvent:
    return EngagementEvent(
        event_id="e1",
        platform="instagram",
        kind=kind,
        content_id="17900000000000001",
        account_id="17841400000000001",
        occurred_at=AT,
        received_at=AT,
        comment_id=comment_id,
    )


def test_a_comment_with_an_id_is_indexed_by_platform_and_comment_id() -> None:
    # given a comment whose platform id is known
    # when its item is built
    item = event_item(event("comment", "18000000000000001"))
    # then it carries the index key, in the same item
    assert item["cmt"] == {"S": "instagram#18000000000000001"}


def test_a_reply_is_indexed_too() -> None:
    assert event_item(event("reply", "18000000000000002"))["cmt"] == {"S": "instagram#18000000000000002"}


def test_other_kinds_are_not_indexed_even_with_an_id() -> None:
    # given a mention that names a comment id
    # when its item is built
    item = event_item(event("mention", "18000000000000003"))
    # then the sparse index leaves it out
    assert "cmt" not in item


def test_a_comment_without_an_id_is_not_indexed() -> None:
    assert "cmt" not in event_item(event("comment", None))
