"""What a summary's attention list raises (contract section 10), code by code, at the thresholds' edges."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from chalicelib.domain.attention import (
    SEVERITY,
    Hour,
    Item,
    PlatformHealth,
    collision_items,
    most_severe_first,
    pull_items,
    spike_items,
    stale_items,
)
from chalicelib.domain.freshness import Freshness
from chalicelib.domain.rollups import Tally
from chalicelib.models.summary import Attention
from tests.unit.domain.summaries import built

PARIS = ZoneInfo("Europe/Paris")
START = datetime(2026, 11, 20, 8, tzinfo=UTC)
END = datetime(2026, 11, 20, 20, tzinfo=UTC)
REFUSED = "Spotify refused the request: it answered HTTP 403 (Forbidden) to GET /v1/artists."


# Pull failures: the kind the pull job recorded, shown only when the campaign's freshness shows it -----------


@pytest.mark.parametrize(
    ("kind", "code", "severity"),
    [
        ("refused", "source_refused", "medium"),
        ("no_credentials", "no_credentials", "medium"),
        ("misconfigured", "no_credentials", "medium"),
        ("budget_spent", "budget_spent", "low"),
    ],
)
def test_a_pull_failure_a_lead_must_act_on_is_raised_for_its_platform(
    kind: str, code: str, severity: str
) -> None:
    # Given the campaign's freshness shows a failure of that kind on Spotify
    health = {"spotify": PlatformHealth(error="the sentence", error_kind=kind)}
    # When the attention items are raised
    [item] = pull_items(health)
    # Then it is the code, with its severity, for that platform, and the sentence is in the message
    assert (item.code, item.severity, item.platform) == (code, severity, "spotify")
    assert "the sentence." in item.message


@pytest.mark.parametrize("kind", ["timeout", "unreachable", "rate_limited", "unreadable", "failed", None])
def test_other_failures_raise_no_pull_code(kind: str | None) -> None:
    # (a failure of no recorded kind is one written before kinds were: nothing is read into its sentence)
    assert pull_items({"x": PlatformHealth(error="X timed out.", error_kind=kind)}) == []


def test_a_failure_the_campaign_s_freshness_does_not_show_raises_nothing() -> None:
    # Given a refusal the campaign's items were read well since (its freshness shows no error)
    assert pull_items({"spotify": PlatformHealth(error=None, error_kind=None)}) == []


def test_the_no_credentials_message_says_the_platform_is_not_pulled() -> None:
    health = {
        "youtube": PlatformHealth(
            error="no credentials configured (YOUTUBE_API_KEY)", error_kind="no_credentials"
        )
    }
    [item] = pull_items(health)
    assert item.message.startswith("YouTube is not pulled: no credentials configured (YOUTUBE_API_KEY).")


def test_a_refusal_message_quotes_the_pull_s_sentence() -> None:
    [item] = pull_items({"spotify": PlatformHealth(error=REFUSED, error_kind="refused")})
    assert item.message.startswith(REFUSED)


# source_stale: neither an event nor a good reading for more than two pull intervals -------------------------


def _stale(health: PlatformHealth, start: datetime = START, end: datetime = END) -> list[Item]:
    return stale_items({"x": health}, start, end, PARIS)


def test_a_platform_silent_for_exactly_two_pull_intervals_is_not_stale() -> None:
    assert _stale(PlatformHealth(last_event_at=END - timedelta(hours=2))) == []


def test_a_platform_silent_for_just_over_two_pull_intervals_is_stale() -> None:
    [item] = _stale(PlatformHealth(last_event_at=END - timedelta(hours=2, seconds=1)))
    assert (item.code, item.severity, item.platform) == ("source_stale", "medium", "x")
    assert "since 2026-11-20 18:59 (UTC+01:00)" in item.message


def test_a_good_reading_keeps_a_platform_without_events_fresh() -> None:
    health = PlatformHealth(last_event_at=END - timedelta(hours=9), last_good_at=END - timedelta(minutes=50))
    assert _stale(health) == []


def test_an_event_keeps_a_platform_without_good_readings_fresh() -> None:
    assert _stale(PlatformHealth(last_event_at=END - timedelta(minutes=5))) == []


def test_a_campaign_started_two_hours_ago_is_not_stale_yet() -> None:
    assert _stale(PlatformHealth(), start=END - timedelta(hours=2)) == []


def test_a_campaign_started_longer_ago_with_nothing_at_all_is_stale_since_its_start() -> None:
    [item] = _stale(PlatformHealth(), start=END - timedelta(hours=3))
    assert "since the campaign started" in item.message


@pytest.mark.parametrize("kind", ["no_credentials", "misconfigured", "refused"])
def test_a_platform_whose_pull_cannot_read_it_is_not_also_stale(kind: str) -> None:
    assert _stale(PlatformHealth(error="why", error_kind=kind)) == []


def test_a_spent_budget_that_lasts_makes_the_platform_stale_too() -> None:
    [item] = _stale(PlatformHealth(error="X's daily budget is spent.", error_kind="budget_spent"))
    assert item.code == "source_stale"


# spike: an hour above 3x the campaign's hourly median and at least 20 events --------------------------------


def _hours(*totals: int, platform: str = "x") -> list[Hour]:
    return [Hour(START + timedelta(hours=n), {platform: total}) for n, total in enumerate(totals)]


def test_twenty_events_over_a_zero_median_are_a_spike() -> None:
    [item] = spike_items(_hours(0, 0, 20, 0, 0), PARIS)
    assert (item.code, item.severity, item.platform) == ("spike", "medium", "x")
    assert item.message.startswith("20 events in one hour, from 2026-11-20 11:00 (UTC+01:00) to 12:00")


def test_nineteen_events_are_never_a_spike() -> None:
    assert spike_items(_hours(0, 0, 19, 0, 0), PARIS) == []


def test_exactly_three_times_the_median_is_not_a_spike() -> None:
    assert spike_items(_hours(10, 10, 30, 10, 10), PARIS) == []


def test_just_above_three_times_the_median_is_a_spike() -> None:
    [item] = spike_items(_hours(10, 10, 31, 10, 10), PARIS)
    assert "above 3x the campaign's hourly median (10)" in item.message


def test_consecutive_spike_hours_are_one_item_and_the_newest_comes_first() -> None:
    items = spike_items(_hours(25, 30, 0, 0, 0, 0, 0, 40), PARIS)
    assert [item.message.split(",")[0] for item in items] == [
        "40 events in one hour",
        "55 events in 2 hours",
    ]


def test_a_spike_names_the_platform_that_holds_most_of_it_or_none() -> None:
    held = [Hour(START, {"x": 0, "tiktok": 0}), Hour(START + timedelta(hours=1), {"x": 5, "tiktok": 30})]
    shared = [Hour(START, {"x": 0, "tiktok": 0}), Hour(START + timedelta(hours=1), {"x": 15, "tiktok": 15})]
    assert spike_items([*held, *_quiet(5)], PARIS)[0].platform == "tiktok"
    assert spike_items([*shared, *_quiet(5)], PARIS)[0].platform is None


def _quiet(count: int) -> list[Hour]:
    return [Hour(START + timedelta(hours=10 + n), {"x": 0}) for n in range(count)]


def test_no_hours_no_spike() -> None:
    assert spike_items([], PARIS) == []


# Collisions and push clashes (section 9, kept) --------------------------------------------------------------

COLLISION = {
    "campaign_id": "other",
    "name": "Other",
    "from": "2026-11-20T00:00:00+01:00",
    "to": "2026-11-21T00:00:00+01:00",
    "shared": [{"platform": "x", "type": "account", "id": "1"}],
}


def test_collisions_and_push_clashes_are_low_in_the_order_listed() -> None:
    collision = COLLISION
    clash = {
        "type": "push_clash",
        "push_id": "clip",
        "label": "sony-fr",
        "at": "2026-11-20T10:00:00Z",
        "platforms": ["youtube", "x"],
        "hours_apart": 3.0,
    }
    items = collision_items([clash, collision])
    assert [(i.code, i.severity, i.platform) for i in items] == [
        ("push_clash", "low", None),
        ("collision", "low", "x"),
    ]


# abuse_wave and the order -----------------------------------------------------------------------------------


def test_abuse_wave_has_its_place_high_and_first_though_nothing_raises_it_yet() -> None:
    # Given one item of each severity, the high one last
    items = [
        Item("budget_spent", "b", "x"),
        Item("spike", "s"),
        Item("abuse_wave", "a wave", "instagram"),
    ]
    # Then the list comes most severe first
    assert [item.code for item in most_severe_first(items)] == ["abuse_wave", "spike", "budget_spent"]
    assert SEVERITY["abuse_wave"] == "high"
    # and the summary model takes it
    assert Attention.model_validate(items[2].as_json()).severity == "high"


def test_the_model_refuses_a_code_outside_the_contract() -> None:
    with pytest.raises(ValueError, match="code"):
        Attention.model_validate({"severity": "low", "code": "mystery", "message": "?"})


# Through the summary ----------------------------------------------------------------------------------------


def _summary(tally: Tally, **extra: Any) -> list[dict[str, Any]]:
    start = datetime(2026, 11, 20, tzinfo=PARIS)
    end = start + timedelta(days=30)
    result = built(tally, start, end, start + timedelta(hours=10), platforms=("x", "spotify"), **extra)
    return [item.model_dump(mode="json") for item in result.attention]


def test_the_summary_lists_pull_failures_stale_sources_and_spikes_most_severe_first() -> None:
    # Given a spike of likes on X at 06:00 (local), a refused Spotify, and X's budget spent
    tally = Tally()
    six = datetime(2026, 11, 20, 6, tzinfo=PARIS).astimezone(UTC)
    tally.add("x", "post", "like", six, 25)
    tally.saw("x", six + timedelta(minutes=30))
    freshness = {
        "spotify": Freshness(None, REFUSED, "refused"),
        "x": Freshness(None, "X's daily budget is spent: the cap is reached.", "budget_spent"),
    }
    # When the summary is built at 10:00
    items = _summary(tally, freshness=freshness)
    # Then: Spotify's refusal, X stale (nothing since 06:30), the spike, then X's spent budget
    assert [(i["severity"], i["code"], i.get("platform")) for i in items] == [
        ("medium", "source_refused", "spotify"),
        ("medium", "source_stale", "x"),
        ("medium", "spike", "x"),
        ("low", "budget_spent", "x"),
    ]


def test_spike_hours_are_the_campaign_s_local_hours_across_the_autumn_dst_change() -> None:
    # Given a window over the night of 25 October 2026 in Paris, 25 events in the repeated 02:00 hour
    start = datetime(2026, 10, 25, 0, tzinfo=PARIS)
    repeated_two = datetime(2026, 10, 25, 1, 10, tzinfo=UTC)  # 02:10+01:00
    tally = Tally()
    tally.add("x", "post", "like", repeated_two, 25)
    result = built(tally, start, start + timedelta(days=2), start + timedelta(hours=6), platforms=("x",))
    [spike] = [item for item in result.attention if item.code == "spike"]
    # Then the spike is that hour, with its own offset, not the first 02:00
    assert "from 2026-10-25 02:00 (UTC+01:00) to 03:00" in spike.message


# Messages in the summary's language -------------------------------------------------------------------------

_CLASH = {
    "type": "push_clash",
    "push_id": "clip",
    "label": "sony-fr",
    "at": "2026-11-20T10:00:00Z",
    "platforms": ["youtube"],
    "hours_apart": 5.5,
}


def test_a_french_summary_words_every_code_in_french() -> None:
    # Given one item of every code that is raised today, for a French summary
    health = {
        "youtube": PlatformHealth(
            error="no credentials configured (YOUTUBE_API_KEY)", error_kind="no_credentials"
        ),
        "spotify": PlatformHealth(error=REFUSED, error_kind="refused"),
        "x": PlatformHealth(error="X read budget spent for today", error_kind="budget_spent"),
    }
    items = [
        *pull_items(health, "fr"),
        *stale_items({"deezer": PlatformHealth()}, START, END, PARIS, "fr"),
        *spike_items(_hours(10, 10, 31, 10, 10), PARIS, "fr"),
        *collision_items([_CLASH, COLLISION], "fr"),
    ]
    messages = {item.code: item.message for item in items}
    # Then each message is French around the data it quotes, with a no-break space before its colon
    assert set(messages) == {
        "no_credentials",
        "source_refused",
        "budget_spent",
        "source_stale",
        "spike",
        "push_clash",
        "collision",
    }
    assert messages["no_credentials"].startswith("YouTube n'est pas interrogé\u00a0: no credentials")
    assert messages["source_refused"] == (
        f"{REFUSED} Les compteurs de Spotify peuvent manquer ou dater tant que ce n'est pas réglé."
    )
    assert messages["budget_spent"].startswith("Quota de lecture du jour épuisé sur X\u00a0:")
    assert messages["source_stale"].startswith("Rien de nouveau de Deezer depuis 12 heures\u00a0:")
    assert "depuis le début de la campagne" in messages["source_stale"]
    assert messages["spike"].startswith("31 événements en une heure, du 20/11/2026 11:00 (UTC+01:00) à 12:00")
    assert "plus de 3 fois la médiane horaire de la campagne (10)" in messages["spike"]
    assert "5,5 h d'écart" in messages["push_clash"]
    assert messages["collision"].startswith("La campagne other (Other) suit le même élément")
    assert not any(
        english in " ".join(messages.values())
        for english in (" is not pulled", " events in ", "Nothing new", "clashes", "tracks the same")
    )


def test_an_english_summary_keeps_dots_in_its_numbers() -> None:
    [clash] = collision_items([_CLASH])
    assert "5.5 h apart" in clash.message


def test_the_built_summary_words_its_attention_in_its_language() -> None:
    # Given a French campaign whose push clashes with another label's, when its summary is built
    items = _summary(Tally(), language="fr", collisions=[_CLASH])
    # Then the attention message is French
    [item] = [item for item in items if item["code"] == "push_clash"]
    assert item["message"].startswith("Le push clip est trop proche d'un push de sony-fr")
