"""docs/summary.schema.json: summary.json v1 (contract section 6), checked on the renderers' fixtures."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from tests.summary_schema import load_schema, validate_summary
from tests.unit.report.factories import REMOVE, hourly_points, make_minimal_summary, make_summary


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = load_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)
    assert schema["additionalProperties"] is False


@pytest.mark.parametrize(
    "summary",
    [
        make_summary(),
        make_minimal_summary(),
        make_summary(campaign={"archived": True}, collisions=[], top_content=[]),
        make_summary(
            series={"granularity": "hour", "points": hourly_points("2026-10-24T20:00:00+02:00", 12, {"x": 5})}
        ),
        make_summary(
            platforms={
                "standard:linkfire.eu_2": {
                    "events": {},
                    "counters": {},
                    "freshness": {"last_event_at": None, "last_pull_at": None, "last_error": None},
                }
            }
        ),
        make_summary(generated_at="2026-11-26T10:00:00.123456+00:00"),
    ],
    ids=["full", "minimal", "archived", "hourly", "standard-source", "fractional-seconds"],
)
def test_valid_summaries_validate(summary: dict[str, Any]) -> None:
    validate_summary(summary)


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(summary: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = summary
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if value is REMOVE:
            del node[last]
        elif isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return mutate


BROKEN = [
    ("schema_version", 2, "$.schema_version"),
    ("schema_version", REMOVE, "$"),
    ("unexpected", 1, "$"),
    ("generated_at", "2026-11-26T10:00:00", "$.generated_at"),
    ("generated_at", "2026-13-26T10:00:00Z", "$.generated_at"),
    ("generated_at", "26/11/2026 10:00", "$.generated_at"),
    ("window.to", None, "$.window.to"),
    ("campaign.archived", "no", "$.campaign.archived"),
    ("campaign.owner", "someone", "$.campaign"),
    ("campaign.tracked.myspace", {"accounts": ["1"]}, "$.campaign.tracked"),
    ("campaign.tracked.x.playlists", ["1"], "$.campaign.tracked.x"),
    ("platforms.myspace", {"events": {}, "counters": {}, "freshness": {}}, "$.platforms"),
    ("platforms.standard:", {"events": {}, "counters": {}, "freshness": {}}, "$.platforms"),
    ("platforms.facebook.events.dislike", 1, "$.platforms.facebook.events"),
    ("platforms.facebook.events.comment", 1.5, "$.platforms.facebook.events.comment"),
    ("platforms.facebook.events.comment", True, "$.platforms.facebook.events.comment"),
    (
        "platforms.facebook.counters.followers.as_of",
        "yesterday",
        "$.platforms.facebook.counters.followers.as_of",
    ),
    ("platforms.facebook.counters.followers.delta", REMOVE, "$.platforms.facebook.counters.followers"),
    (
        "platforms.facebook.counters.followers.unavailable",
        "refused",
        "$.platforms.facebook.counters.followers",
    ),
    (
        "platforms.spotify.counters.followers.as_of",
        "2026-11-26T09:00:04Z",
        "$.platforms.spotify.counters.followers.as_of",
    ),
    ("platforms.facebook.freshness.last_error", 500, "$.platforms.facebook.freshness.last_error"),
    ("totals.events", "1463", "$.totals.events"),
    ("weights.effective_from", "2026-10-01T00:00:00Z", "$.weights.effective_from"),
    ("weights.kinds.dislike", 1, "$.weights.kinds"),
    ("engagement_rate.numerator", "events", "$.engagement_rate.numerator"),
    ("engagement_rate.denominator", None, "$.engagement_rate.denominator"),
    ("series.granularity", "week", "$.series.granularity"),
    ("series.points.0.start", "2026-11-20", "$.series.points[0].start"),
    ("series.counters.0.points.0.value", None, "$.series.counters[0].points[0].value"),
    ("top_content.0.events", "45", "$.top_content[0].events"),
    ("collisions.0.shared.0.type", "playlist", "$.collisions[0].shared[0].type"),
]


@pytest.mark.parametrize(("path", "value", "where"), BROKEN, ids=[f"{p}={v!r}" for p, v, _ in BROKEN])
def test_broken_summaries_fail_with_the_path_of_the_error(path: str, value: Any, where: str) -> None:
    summary = make_summary()
    _set(path, value)(summary)
    with pytest.raises(ValueError, match="^" + re.escape(where)):
        validate_summary(summary)


def test_a_null_rate_needs_its_reason() -> None:
    summary = make_minimal_summary(engagement_rate={"reason": None})
    with pytest.raises(ValueError, match=r"^\$\.engagement_rate\.reason"):
        validate_summary(summary)


def test_the_factory_keeps_totals_consistent_and_does_not_share_state() -> None:
    first = make_summary(platforms={"facebook": {"events": {"comment": 1000}}})
    second = make_summary()
    assert first["totals"]["events"] == second["totals"]["events"] + 1000 - 41
    assert first["totals"]["engagement_units"] == second["totals"]["engagement_units"] + (1000 - 41) * 3
    first["campaign"]["tracked"]["x"]["accounts"].append("mutated")
    assert "mutated" not in make_summary()["campaign"]["tracked"]["x"]["accounts"]
    assert "collisions" not in make_summary(collisions=REMOVE)
    assert copy.deepcopy(second) == make_summary()
