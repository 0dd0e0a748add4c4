"""The audit record of a moderation action as the store and the API hold it (JSON)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from uuid import uuid4

from chalicelib.domain.moderation_actions import ModerationAction

REQUESTED = datetime(2026, 11, 26, 12, tzinfo=UTC)


def _action(**changes: object) -> ModerationAction:
    fields: dict[str, object] = {
        "action_id": f"act-{uuid4().hex[:8]}",
        "label": "label-a",
        "platform": "x",
        "comment_id": f"c-{uuid4().hex[:8]}",
        "account_id": "acc-1",
        "content_id": "post-1",
        "action": "hide",
        "trigger": "manual",
        "by": "ops (tok-1)",
        "requested_at": REQUESTED,
    } | changes
    return ModerationAction(**fields)  # type: ignore[arg-type]


def test_an_answered_action_is_public_with_its_times_in_iso_8601_and_its_mappings_as_dicts() -> None:
    # given an action the platform answered, taken automatically on a verdict
    answered = datetime(2026, 11, 26, 12, 0, 2, tzinfo=UTC)
    action = _action(
        outcome="done",
        answer={"hidden": True},
        answered_at=answered,
        verdict={"categories": ["insult"], "severity": 2},
    )

    # when it is made public
    public = action.public()

    # then every field is there, as JSON can hold it
    assert public == {
        "action_id": action.action_id,
        "label": "label-a",
        "platform": "x",
        "comment_id": action.comment_id,
        "account_id": "acc-1",
        "content_id": "post-1",
        "action": "hide",
        "trigger": "manual",
        "by": "ops (tok-1)",
        "requested_at": "2026-11-26T12:00:00+00:00",
        "outcome": "done",
        "answer": {"hidden": True},
        "answered_at": "2026-11-26T12:00:02+00:00",
        "verdict": {"categories": ["insult"], "severity": 2},
    }
    assert type(public["answer"]) is dict
    json.dumps(public)


def test_a_pending_action_is_public_with_no_answer_time_and_no_verdict() -> None:
    # given an action just requested by hand
    action = _action()

    # when it is made public
    public = action.public()

    # then what has not happened yet is null, and the answer an empty object
    assert (public["outcome"], public["answer"], public["answered_at"], public["verdict"]) == (
        "pending",
        {},
        None,
        None,
    )
