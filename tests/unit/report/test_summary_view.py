"""view.py: a summary mapping read once, defensively, into typed fields."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.report.view import read_summary, safe_url
from tests.unit.report.factories import (
    FIRST_RATE_SHAPE,
    REMOVE,
    make_lead_summary,
    make_minimal_summary,
    make_summary,
)


@pytest.mark.parametrize(
    ("value", "expected"), [("fr", "fr"), ("en", "en"), (REMOVE, "en"), ("de", "en"), (3, "en")]
)
def test_the_language_is_french_or_english(value: Any, expected: str) -> None:
    assert read_summary(make_lead_summary(language=value)).language == expected


def test_a_summary_without_comparison_has_none() -> None:
    assert read_summary(make_summary(comparison=REMOVE)).comparison is None


def test_the_comparison_is_read_with_its_platforms_totals() -> None:
    comparison = read_summary(make_lead_summary()).comparison
    assert comparison is not None
    assert comparison.events == 1180
    assert comparison.change_events == pytest.approx(23.98)
    assert comparison.platform_events["tiktok"] == 500
    assert comparison.start is not None


def test_the_matched_rate_is_read_with_its_platforms_and_exclusions() -> None:
    rate = read_summary(make_lead_summary()).rate
    assert rate.units == 1214
    assert rate.followers == 2_537_097
    assert rate.platforms == ("facebook", "instagram", "x", "deezer")
    assert [item.platform for item in rate.excluded][:2] == ["youtube", "tiktok"]


def test_the_first_rate_shape_counts_every_platforms_units() -> None:
    rate = read_summary(make_summary(engagement_rate=FIRST_RATE_SHAPE)).rate
    assert rate.units == 1829
    assert rate.followers == 2_537_097
    assert rate.platforms == ()


@pytest.mark.parametrize(
    "excluded",
    [
        {"tiktok": "no credentials"},
        [{"platform": "tiktok", "reason": "no credentials"}],
    ],
)
def test_exclusions_read_as_a_list_or_a_mapping(excluded: Any) -> None:
    rate = read_summary(make_lead_summary(engagement_rate={"excluded": excluded})).rate
    assert [(item.platform, item.reason) for item in rate.excluded] == [("tiktok", "no credentials")]


def test_fields_of_the_wrong_type_read_as_absent() -> None:
    # Given a summary whose fields hold the wrong types
    summary = make_minimal_summary(
        campaign="not a mapping",
        platforms=[1, 2],
        totals={"events": "many", "engagement_units": True},
        series={"points": [{"start": "yesterday", "events": {}}], "counters": "none"},
        top_content=[{"platform": 3, "events": "lots", "url": "javascript:x"}],
        attention={"severity": "high"},
    )
    # When it is read
    view = read_summary(summary)
    # Then each reads as absent
    assert view.campaign.name == ""
    assert view.platforms == ()
    assert view.total_events is None
    assert view.total_units is None
    assert view.series.points == ()
    assert view.series.counters == ()
    assert view.top_content[0].events is None
    assert view.top_content[0].url is None
    assert view.attention == ()


def test_an_unknown_zone_keeps_the_name_but_no_zone() -> None:
    view = read_summary(make_summary(timezone="Mars/Olympus_Mons"))
    assert view.zone is None
    assert view.zone_name == "Mars/Olympus_Mons"


def test_safe_url_keeps_http_urls_with_a_host_only() -> None:
    assert safe_url("https://www.youtube.com/watch?v=a&t=1") == "https://www.youtube.com/watch?v=a&t=1"
    assert safe_url("https:///no-host") is None
    assert safe_url("javascript:alert(1)") is None
