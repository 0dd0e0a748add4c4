"""summary.csv v2 (contract sections 6 and 10): the campaign id on every row, numbers or nothing in the
figure columns, one time format, every section of the summary, spreadsheet-safe text, UTF-8."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest

from chalicelib.models.summary import Summary
from chalicelib.report.csv_report import HEADER, neutralise, render_csv
from tests.summary_schema import validate_summary
from tests.unit.report.factories import make_minimal_summary, make_summary

NUMBER = re.compile(r"-?\d+(\.\d+)?(e-?\d+)?")
UTC_SECOND = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


def _csv(summary: dict[str, Any]) -> bytes:
    validate_summary(summary)
    return render_csv(Summary.model_validate(summary))


def _render(summary: dict[str, Any]) -> list[dict[str, str]]:
    text = _csv(summary).decode("utf-8")
    assert text.startswith(",".join(HEADER) + "\r\n")  # the contract's header, no byte-order mark
    assert text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == list(HEADER)
    assert all(len(row) == len(HEADER) for row in rows)
    return [dict(zip(HEADER, row, strict=True)) for row in rows[1:]]


def _find(rows: list[dict[str, str]], section: str, platform: str, name: str) -> dict[str, str]:
    matches = [r for r in rows if (r["section"], r["platform"], r["name"]) == (section, platform, name)]
    assert len(matches) == 1, (section, platform, name, matches)
    return matches[0]


def test_the_header_row_is_exactly_the_contracts() -> None:
    first_line = _csv(make_summary()).decode("utf-8").split("\r\n", 1)[0]
    assert first_line == "campaign_id,section,platform,name,value,first,last,delta,as_of"


def test_every_row_carries_the_campaign_id() -> None:
    rows = _render(make_summary())
    assert {row["campaign_id"] for row in rows} == {"indochine-13-tour"}


def test_figure_columns_hold_numbers_or_nothing_and_times_are_utc_to_the_second() -> None:
    # Given a summary whose times carry offsets and fractions of a second
    summary = make_summary(generated_at="2026-11-26T10:00:00.123456+00:00")
    summary["platforms"]["x"]["freshness"]["last_pull_at"] = "2026-11-26T10:00:01.999+01:00"
    # When it is written as CSV
    rows = _render(summary)
    # Then value, first, last and delta are numbers or empty, and every time is YYYY-MM-DDTHH:MM:SSZ
    for row in rows:
        for column in ("value", "first", "last", "delta"):
            assert row[column] == "" or NUMBER.fullmatch(row[column]), (column, row)
        assert row["as_of"] == "" or UTC_SECOND.fullmatch(row["as_of"]), row
    assert _find(rows, "freshness", "x", "last_pull_at")["as_of"] == "2026-11-26T09:00:01Z"
    assert _find(rows, "events", "x", "like")["as_of"] == "2026-11-26T10:00:00Z"


def test_one_row_per_event_kind_with_the_net_count() -> None:
    summary = make_summary()
    rows = _render(summary)
    events = [r for r in rows if r["section"] == "events"]
    expected = {
        (platform, kind, str(count))
        for platform, data in summary["platforms"].items()
        for kind, count in data["events"].items()
    }
    assert {(r["platform"], r["name"], r["value"]) for r in events} == expected
    assert len(events) == len(expected)
    # Platforms in their usual order, kinds in the vocabulary's order.
    assert [r["name"] for r in events if r["platform"] == "facebook"] == [
        "comment",
        "reply",
        "reaction",
        "share",
        "content_published",
    ]


def test_negative_numbers_stay_numbers() -> None:
    rows = _render(make_summary())
    assert _find(rows, "events", "instagram", "like")["value"] == "-1"
    assert _find(rows, "counters", "x", "followers_count")["delta"] == "-130"
    assert _find(rows, "weights", "", "unfollow")["value"] == "-5"
    assert "'-" not in _csv(make_summary()).decode("utf-8")


def test_counters_fill_first_last_delta_and_as_of_or_say_why_in_the_name() -> None:
    rows = _render(make_summary())
    assert _find(rows, "counters", "youtube", "viewCount") == {
        "campaign_id": "indochine-13-tour",
        "section": "counters",
        "platform": "youtube",
        "name": "viewCount",
        "value": "",
        "first": "1500000",
        "last": "2730412",
        "delta": "1230412",
        "as_of": "2026-11-26T09:00:00Z",
    }
    assert _find(rows, "counters", "spotify", "popularity")["last"] == "64.5"
    refused = _find(
        rows,
        "counters",
        "spotify",
        "followers (unavailable: Spotify refused: the app has no extended quota (403))",
    )
    assert refused["value"] == refused["first"] == refused["last"] == refused["as_of"] == ""


def test_totals_weights_and_freshness() -> None:
    summary = make_summary()
    rows = _render(summary)
    assert _find(rows, "totals", "", "events")["value"] == str(summary["totals"]["events"])
    assert _find(rows, "totals", "", "engagement_units")["value"] == "1829"
    assert _find(rows, "weights", "", "version: 2026-10")["value"] == ""
    assert _find(rows, "weights", "", "effective_from")["as_of"] == "2026-10-01T00:00:00Z"
    assert _find(rows, "weights", "", "click")["value"] == "0.5"
    assert _find(rows, "freshness", "x", "last_error: 429 Too Many Requests: retried at 09:00")
    assert _find(rows, "freshness", "tiktok", "last_pull_at")["as_of"] == ""
    assert _find(rows, "freshness", "facebook", "last_error")["value"] == ""


def test_the_rate_names_its_parts_and_the_platforms_it_counts_or_leaves_out() -> None:
    summary = make_summary()
    rows = _render(summary)
    rate = summary["engagement_rate"]
    assert float(_find(rows, "rates", "", "engagement_rate")["value"]) == rate["value"]
    assert _find(rows, "rates", "", "units")["value"] == str(rate["units"])
    assert _find(rows, "rates", "", "followers")["value"] == str(rate["followers"])
    assert [r["platform"] for r in rows if r["name"] == "included"] == ["facebook", "x", "deezer"]
    assert _find(
        rows, "rates", "spotify", "excluded: Its follower count is unavailable: Spotify refused (403)"
    )


def test_a_null_rate_gives_its_reason_in_the_name() -> None:
    rows = _render(make_minimal_summary())
    rate = _find(rows, "rates", "", "engagement_rate (unavailable: no follower counts yet)")
    assert rate["value"] == ""
    assert not [r for r in rows if r["section"] in {"events", "counters", "freshness", "series"}]
    assert _find(rows, "totals", "", "events")["value"] == "0"


def test_the_comparison_gives_the_previous_window_its_counts_and_the_change() -> None:
    rows = _render(make_summary())
    assert _find(rows, "comparison", "", "previous_window_from")["as_of"] == "2026-11-13T12:00:00Z"
    assert _find(rows, "comparison", "", "previous_window_to")["as_of"] == "2026-11-19T23:00:00Z"
    assert _find(rows, "comparison", "facebook", "reaction")["value"] == "30"
    assert _find(rows, "comparison", "", "events")["value"] == "280"
    assert _find(rows, "comparison", "", "change:events")["value"] == "422.5"


def test_a_change_against_nothing_is_empty_with_the_reason_in_the_name() -> None:
    rows = _render(make_minimal_summary())
    assert _find(rows, "comparison", "", "change:events (no previous figure)")["value"] == ""


def test_series_rows_give_each_platform_s_net_events_per_bucket_and_each_counter_s_points() -> None:
    summary = make_summary()
    rows = _render(summary)
    daily = [r for r in rows if r["section"] == "series" and r["name"] == "events per day"]
    first_day = summary["series"]["points"][0]
    assert {(r["platform"], r["value"]) for r in daily if r["as_of"] == "2026-11-19T23:00:00Z"} == {
        (platform, str(count)) for platform, count in first_day["events"].items()
    }
    views = [r for r in rows if r["section"] == "series" and r["name"] == "viewCount"]
    assert len(views) == 7
    assert views[0]["value"] == "1500000"
    assert views[0]["as_of"] == "2026-11-20T09:00:00Z"


@pytest.mark.parametrize("metric", ['views, "live"', "multi\nline", "=1+1", "plain"])
def test_series_lines_quote_their_text_as_the_csv_module_does(metric: str) -> None:
    # Given a counter series whose metric name needs quoting (the series are written as lines, fast)
    summary = make_summary(campaign={"campaign_id": 'id,"quoted"'})
    summary["series"]["counters"][0]["metric"] = metric
    # When the CSV is read back
    rows = _render(summary)
    # Then each of its readings is a row of its own with the name, value and time intact
    readings = [r for r in rows if r["section"] == "series" and r["name"] in {metric, "'" + metric}]
    assert len(readings) == len(summary["series"]["counters"][0]["points"])
    assert {r["campaign_id"] for r in readings} == {'id,"quoted"'}
    assert all(NUMBER.fullmatch(r["value"]) and UTC_SECOND.fullmatch(r["as_of"]) for r in readings)


def test_top_content_rows_name_the_content_its_title_and_link() -> None:
    rows = _render(make_summary())
    top = [r for r in rows if r["section"] == "top_content"]
    assert [(r["platform"], r["name"], r["value"]) for r in top] == [
        (
            "youtube",
            "dQw4w9WgXcQ: Indochine - 13 (clip officiel) https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "45",
        ),
        ("instagram", "17900000000000001 https://www.instagram.com/p/C0example/", "347"),
        ("standard:linkfire", "indochine-13", "471"),
    ]


def test_a_collision_is_one_row_per_shared_item() -> None:
    rows = _render(make_summary())
    collided = [r for r in rows if r["section"] == "collisions" and r["name"].startswith("collision:")]
    assert [(r["platform"], r["name"], r["value"]) for r in collided] == [
        ("facebook", "collision:indochine-catalogue-q4 account 104512345678901", ""),
        ("youtube", "collision:indochine-catalogue-q4 account UCxxxxxxxxxxxxxxxxxxxxxx", ""),
    ]
    assert collided[0]["as_of"] == "2026-11-19T23:00:00Z"


def test_a_push_clash_is_a_collisions_row_per_shared_platform_with_the_hours_apart() -> None:
    rows = _render(make_summary())
    clash = _find(rows, "collisions", "youtube", "push_clash:single-2 with polydor-fr")
    assert clash["value"] == "5.5"
    assert clash["as_of"] == "2026-11-27T09:00:00Z"


def test_attention_rows_carry_code_severity_and_message_in_the_name() -> None:
    rows = _render(make_summary())
    attention = [r for r in rows if r["section"] == "attention"]
    assert [(r["platform"], r["name"].split(":")[0]) for r in attention] == [
        ("", "collision (low)"),
        ("youtube", "push_clash (low)"),
    ]
    assert attention[1]["name"].startswith(
        "push_clash (low): Push single-2 clashes with a push of polydor-fr"
    )
    assert all(r["value"] == "" for r in attention)


def test_sections_come_in_a_fixed_order() -> None:
    sections = [r["section"] for r in _render(make_summary())]
    order = [
        "events",
        "counters",
        "totals",
        "comparison",
        "rates",
        "weights",
        "freshness",
        "series",
        "top_content",
        "collisions",
        "attention",
        "consumption",
    ]
    assert sections == sorted(sections, key=order.index)
    assert set(sections) == set(order)


@pytest.mark.parametrize(
    "hostile",
    [
        '=HYPERLINK("https://evil.test","click")',
        "+1+1",
        "-2+3",
        "@SUM(A1:A9)",
        "\t=1+1",
        "\r=1+1",
        "=cmd|' /C calc'!A0",
        "\uff1d1+1",
    ],
)
def test_formulas_from_platform_or_user_text_are_neutralised(hostile: str) -> None:
    summary = make_summary(
        platforms={
            "deezer": {
                "counters": {hostile: {"first": 1, "last": 2, "delta": 1, "as_of": "2026-11-26T09:00:00Z"}},
            }
        },
        top_content=[{"platform": "x", "content_id": hostile, "events": 3, "url": None, "title": None}],
    )
    rows = _render(summary)
    names = [r["name"] for r in rows if r["section"] in {"counters", "top_content"}]
    assert ("'" + hostile) in names
    assert hostile not in names
    for row in rows:
        for cell in row.values():
            assert not cell.startswith(("=", "+", "@", "\t", "\r", "\uff1d")), row


def test_a_campaign_id_is_neutralised_too() -> None:
    summary = make_summary(campaign={"campaign_id": "=1+1"})
    assert {row["campaign_id"] for row in _render(summary)} == {"'=1+1"}


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("-5", "-5"),
        ("-0.25", "-0.25"),
        ("-1e3", "-1e3"),
        ("-5 fans", "'-5 fans"),
        ("- a list item", "'- a list item"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_neutralise_keeps_plain_numbers_and_harmless_text(text: str, shown: str) -> None:
    assert neutralise(text) == shown


def test_utf8_names_survive_as_plain_utf8() -> None:
    summary = make_summary(
        platforms={
            "deezer": {
                "counters": {
                    "écoutes_été": {"first": 1, "last": 3, "delta": 2, "as_of": "2026-11-26T09:00:00Z"}
                },
                "freshness": {"last_error": 'Björk — 東京 🎸, "quoted", comma'},
            }
        }
    )
    data = _csv(summary)
    assert data.startswith(b"campaign_id,")
    assert "écoutes_été".encode() in data
    rows = _render(summary)
    assert _find(rows, "counters", "deezer", "écoutes_été")["delta"] == "2"
    assert _find(rows, "freshness", "deezer", 'last_error: Björk — 東京 🎸, "quoted", comma')


def test_consumption_rows_give_each_releases_figures_equivalents_and_certification() -> None:
    # Given a summary with the artist's album and single
    rows = {r["name"]: r["value"] for r in _render(make_summary()) if r["section"] == "consumption"}
    # Then the window's days, the sums, and each release's figures, equivalents and level are rows
    assert "from 2026-11-20" in rows
    assert rows["streams_premium"] == "1930000"
    assert rows["0602455012345: physical_units"] == "3400"
    assert rows["0602455012345: equivalents billboard-2026-01"] == "6130"
    assert rows["0602455012345: certification snep none (album_units)"] == "4215.238"
    assert rows["0602455054321: certification snep or (stream_equivalents)"] == "16400000"
    assert rows["0602455054321: progress to platine"] == "0.5467"
