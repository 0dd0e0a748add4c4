"""summary.csv (contract section 6): header, one row per figure, spreadsheet-safe text, UTF-8 for Excel."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from chalicelib.report.csv_report import HEADER, neutralise, render_csv
from tests.summary_schema import validate_summary
from tests.unit.report.factories import make_minimal_summary, make_summary


def _render(summary: dict[str, Any]) -> list[dict[str, str]]:
    validate_summary(summary)
    data = render_csv(summary)
    text = data.decode("utf-8")
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
    first_line = render_csv(make_summary()).decode("utf-8").split("\r\n", 1)[0]
    assert first_line == "section,platform,name,value,first,last,delta,as_of"


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
    assert all(r["as_of"] == summary["window"]["to"] and not r["first"] for r in events)
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
    followers = _find(rows, "counters", "x", "followers_count")
    assert followers["delta"] == "-130"
    assert _find(rows, "weights", "", "unfollow")["value"] == "-5"
    raw = render_csv(make_summary()).decode("utf-8")
    assert "'-" not in raw


def test_counters_fill_first_last_delta_and_as_of_or_say_why_they_are_unavailable() -> None:
    rows = _render(make_summary())
    views = _find(rows, "counters", "youtube", "viewCount")
    assert views == {
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
    followers = _find(rows, "counters", "spotify", "followers")
    assert followers["value"] == "unavailable: Spotify refused: the app has no extended quota (403)"
    assert followers["first"] == followers["last"] == followers["delta"] == followers["as_of"] == ""


def test_totals_rates_weights_and_freshness() -> None:
    summary = make_summary()
    rows = _render(summary)
    assert _find(rows, "totals", "", "events")["value"] == str(summary["totals"]["events"])
    assert _find(rows, "totals", "", "engagement_units")["value"] == "1829"
    rate = _find(rows, "rates", "", "engagement_rate")
    assert float(rate["value"]) == summary["engagement_rate"]["value"]
    assert _find(rows, "rates", "", "denominator:followers")["value"] == "2537097"
    assert _find(rows, "weights", "", "version")["value"] == "2026-10"
    assert _find(rows, "weights", "", "click")["value"] == "0.5"
    assert _find(rows, "freshness", "x", "last_error")["value"] == "429 Too Many Requests: retried at 09:00"
    assert _find(rows, "freshness", "tiktok", "last_pull_at")["value"] == ""
    assert _find(rows, "freshness", "facebook", "last_event_at")["value"] == "2026-11-26T09:41:12Z"
    sections = [r["section"] for r in rows]
    order = ["events", "counters", "totals", "rates", "weights", "freshness", "collisions", "attention"]
    assert sections == sorted(sections, key=order.index)


def test_a_collision_is_one_row_per_shared_item() -> None:
    # Given a summary whose campaign collides with another on two accounts
    rows = _render(make_summary())
    # When the CSV is read, Then each shared item is a row naming the other campaign
    collided = [r for r in rows if r["section"] == "collisions" and r["name"].startswith("collision:")]
    assert [(r["platform"], r["name"], r["value"]) for r in collided] == [
        ("facebook", "collision:indochine-catalogue-q4", "account 104512345678901"),
        ("youtube", "collision:indochine-catalogue-q4", "account UCxxxxxxxxxxxxxxxxxxxxxx"),
    ]
    assert collided[0]["as_of"] == "2026-11-20T00:00:00+01:00"


def test_a_push_clash_is_a_collisions_row_per_shared_platform() -> None:
    # Given a summary with a clash of push single-2 with another label's push on YouTube
    rows = _render(make_summary())
    # Then it is a row under collisions, at the other push's time, with the hours apart
    clash = _find(rows, "collisions", "youtube", "push_clash:single-2")
    assert clash["value"] == "polydor-fr (5.5 h apart)"
    assert clash["as_of"] == "2026-11-27T09:00:00Z"


def test_attention_rows_carry_code_severity_and_message() -> None:
    # Given a summary with two attention items
    rows = _render(make_summary())
    # Then each is a row, in the summary's order
    attention = [r for r in rows if r["section"] == "attention"]
    assert [(r["platform"], r["name"]) for r in attention] == [("", "collision"), ("youtube", "push_clash")]
    assert attention[1]["value"].startswith("low: Push single-2 clashes with a push of polydor-fr")


def test_a_null_rate_gives_its_reason() -> None:
    rows = _render(make_minimal_summary())
    assert _find(rows, "rates", "", "engagement_rate")["value"] == "unavailable: no follower counts yet"
    assert not [r for r in rows if r["section"] in {"events", "counters", "freshness"}]
    assert _find(rows, "totals", "", "events")["value"] == "0"


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
                "freshness": {"last_error": hostile},
            }
        },
        weights={"version": hostile, "source": hostile},
    )
    rows = _render(summary)
    cells = [r["name"] for r in rows if r["platform"] == "deezer"] + [
        r["value"] for r in rows if r["section"] in {"freshness", "weights"}
    ]
    assert ("'" + hostile) in cells
    assert hostile not in cells
    for row in rows:
        for cell in row.values():
            assert not cell.startswith(("=", "+", "@", "\t", "\r", "\uff1d")), row


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
    data = render_csv(summary)
    assert data.startswith(b"section,")
    assert "écoutes_été".encode() in data
    rows = _render(summary)
    assert _find(rows, "counters", "deezer", "écoutes_été")["delta"] == "2"
    assert _find(rows, "freshness", "deezer", "last_error")["value"] == 'Björk — 東京 🎸, "quoted", comma'
