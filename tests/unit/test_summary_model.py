"""The summary model (chalicelib.models.summary): it is the one definition of summary.json, so the
committed schema is generated from it and what it serialises is the published JSON."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from chalicelib.models.summary import Summary
from tests.unit.report.factories import REMOVE, make_minimal_summary, make_summary
from tools.summary_schema import SCHEMA_PATH, schema_text


def test_the_committed_schema_is_the_one_the_model_generates() -> None:
    # Given the model, When its schema is generated, Then docs/summary.schema.json is exactly that
    # (run `make schema` after changing the model)
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text()


@pytest.mark.parametrize("summary", [make_summary(), make_minimal_summary()], ids=["full", "minimal"])
def test_a_summary_serialises_to_the_json_it_was_read_from(summary: dict[str, Any]) -> None:
    # Given a published summary's JSON (every tracked platform lists both its accounts and content)
    for ids in summary["campaign"]["tracked"].values():
        ids.setdefault("accounts", [])
        ids.setdefault("content", [])
    # When it is read into the model and written back
    written = Summary.model_validate(summary).model_dump(mode="json")
    # Then nothing changed: keys, values, numbers' types, times' text
    assert written == summary


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
