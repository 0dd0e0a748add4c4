"""The summary model (chalicelib.models.summary): it is the one definition of summary.json, so the
committed schema is generated from it and what it serialises is the published JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from chalicelib.domain.times import iso
from chalicelib.models.summary import Summary
from tests.unit.report.factories import REMOVE, make_lead_summary, make_minimal_summary, make_summary
from tools.summary_schema import SCHEMA_PATH, schema_text


def test_the_committed_schema_is_the_one_the_model_generates() -> None:
    # Given the model, When its schema is generated, Then docs/summary.schema.json is exactly that
    # (run `make schema` after changing the model)
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text()


@pytest.mark.parametrize(
    "summary",
    [make_summary(), make_minimal_summary(), make_lead_summary("fr")],
    ids=["full", "minimal", "lead"],
)
def test_a_summary_serialises_to_the_json_it_was_read_from(summary: dict[str, Any]) -> None:
    # Given a published summary's JSON (every tracked platform lists both its accounts and content)
    for ids in summary["campaign"]["tracked"].values():
        ids.setdefault("accounts", [])
        ids.setdefault("content", [])
    # When it is read into the model and written back
    written = Summary.model_validate(summary).model_dump(mode="json")
    # Then nothing changed: keys, values, numbers' types, times' text
    assert written == summary


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 11, 26, 10, tzinfo=UTC),
        datetime(2026, 1, 15, 9, 30, tzinfo=ZoneInfo("Europe/London")),  # a zone's zero offset
        datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=ZoneInfo("Europe/Paris")),  # the repeated hour
        datetime(2026, 3, 29, 3, 0, 0, 450, tzinfo=ZoneInfo("Europe/Paris")),  # microseconds
        datetime(2026, 6, 1, tzinfo=timezone(timedelta(hours=5, minutes=45))),
        datetime(2026, 6, 1, tzinfo=timezone(-timedelta(hours=3, minutes=30))),
    ],
)
def test_the_json_writes_every_time_as_the_domain_writes_it(moment: datetime) -> None:
    # Given a summary time (pydantic's own serializer writes it, for speed)
    summary = Summary.model_validate(make_summary()).model_copy(update={"generated_at": moment})
    # When the summary is written as JSON, in both ways the publish job and the renderers use
    written = json.loads(summary.model_dump_json())["generated_at"]
    dumped = summary.model_dump(mode="json")["generated_at"]
    # Then it is what chalicelib.domain.times.iso writes: its own offset, Z for a zero one
    assert written == dumped == iso(moment)


def test_a_zero_offset_is_written_z_and_any_other_offset_is_kept() -> None:
    summary = make_summary(generated_at="2026-11-26T10:00:00+00:00")
    summary["series"]["points"][0]["start"] = "2026-11-20T00:00:00+01:00"
    written = Summary.model_validate(summary).model_dump(mode="json")
    assert written["generated_at"] == "2026-11-26T10:00:00Z"
    assert written["series"]["points"][0]["start"] == "2026-11-20T00:00:00+01:00"


def test_fields_the_contract_makes_optional_are_absent_rather_than_null() -> None:
    written = Summary.model_validate(make_summary()).model_dump(mode="json")
    assert "unavailable" not in written["platforms"]["facebook"]["counters"]["followers"]
    assert "platform" not in written["attention"][0]
    clash = written["collisions"][1]
    assert clash["type"] == "push_clash"
    assert "campaign_id" not in clash
    assert "title" not in clash


def _refused(summary: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as caught:
        Summary.model_validate(summary)
    return str(caught.value)


def test_an_unavailable_counter_with_a_figure_is_refused() -> None:
    summary = make_summary(platforms={"facebook": {"counters": {"followers": {"unavailable": "refused"}}}})
    assert "first, last, delta and as_of null" in _refused(summary)


def test_a_null_rate_without_its_reason_is_refused() -> None:
    summary = make_minimal_summary(engagement_rate={"reason": None})
    assert "A null rate says why" in _refused(summary)


def test_a_count_is_an_integer_not_a_bool_or_a_float() -> None:
    assert "events" in _refused(make_summary(platforms={"x": {"events": {"like": True}}}))
    assert "events" in _refused(make_summary(platforms={"x": {"events": {"like": 1.5}}}))


def test_a_platform_or_kind_outside_the_contract_is_refused() -> None:
    assert "myspace" in _refused(make_summary(platforms={"myspace": make_summary()["platforms"]["facebook"]}))
    assert "dislike" in _refused(make_summary(platforms={"x": {"events": {"dislike": 1}}}))


def test_an_unknown_field_is_refused() -> None:
    assert "unexpected" in _refused(make_summary(unexpected=1))
    assert "Field required" in _refused(make_summary(attention=REMOVE))
