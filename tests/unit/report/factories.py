"""Summary dicts (summary.json v1, contract section 6) for tests of the renderers and the summary builder.

`make_summary(**overrides)` returns a full, schema-valid summary of a campaign tracked on every platform:
events (one net count negative), counters (Spotify's unavailable), daily series, top content, a
collision and a push clash, a comparison with the previous window, in French. Overrides are merged
into it: a dict merges into the dict it replaces (so `make_summary(campaign={"name": "x"})` keeps the
other campaign fields), anything else replaces, and `REMOVE` deletes the key. `totals` (and the rate's
units and value, and the comparison's change) are recomputed from the merged events and weights unless
overridden.
`make_minimal_summary()` is the smallest valid summary: no platforms, no series, no rate.
"""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tests.campaigns import campaign_dict

REMOVE: Any = object()


def collision(campaign_id: str, name: str, *shared: tuple[str, str, str]) -> dict[str, Any]:
    """A collision (contract section 5) with another campaign over the summary's window, on the shared
    (platform, type, id) items."""
    return {
        "campaign_id": campaign_id,
        "name": name,
        "from": "2026-11-20T00:00:00+01:00",
        "to": "2026-12-20T00:00:00+01:00",
        "shared": [{"platform": platform, "type": kind, "id": item} for platform, kind, item in shared],
    }


PARIS = ZoneInfo("Europe/Paris")

WEIGHTS = {
    "version": "2026-10",
    "effective_from": "2026-10-01",
    "source": "label analytics team, docs/weights.md",
    "kinds": {
        "comment": 3,
        "reply": 2,
        "reaction": 1,
        "like": 1,
        "share": 4,
        "repost": 4,
        "quote": 3,
        "mention": 2,
        "follow": 5,
        "unfollow": -5,
        "content_published": 0,
        "content_updated": 0,
        "content_removed": 0,
        "click": 0.5,
        "presave": 6,
        "other": 0,
    },
}


def _daily_points(start: datetime, days: int, per_platform: dict[str, list[int]]) -> list[dict[str, Any]]:
    points = []
    for day in range(days):
        at = (start + timedelta(days=day)).replace(tzinfo=PARIS)
        events = {platform: counts[day] for platform, counts in per_platform.items() if counts[day]}
        points.append({"start": at.isoformat(), "events": events})
    return points


def hourly_points(start: str, hours: int, per_platform: dict[str, int]) -> list[dict[str, Any]]:
    """Hourly points in Europe/Paris from `start` (wall-clock hours, so a DST change shows)."""
    first = datetime.fromisoformat(start).astimezone(ZoneInfo("UTC"))
    return [
        {
            "start": (first + timedelta(hours=hour)).astimezone(PARIS).isoformat(),
            "events": {
                platform: (hour * 7 + index * 3) % count
                for index, (platform, count) in enumerate(per_platform.items())
                if count
            },
        }
        for hour in range(hours)
    ]


# Contract section 12: the artist's releases over the window, an album and a single.
CONSUMPTION: dict[str, Any] = {
    "from": "2026-11-20",
    "to": "2026-11-26",
    "streams_premium": 1_930_000,
    "streams_ad": 845_000,
    "downloads": 2_150,
    "physical_units": 3_400,
    "releases": [
        {
            "upc": "0602455012345",
            "title": "13",
            "type": "album",
            "release_date": "2026-11-20",
            "streams_premium": 1_450_000,
            "streams_ad": 700_000,
            "downloads": 1_200,
            "physical_units": 3_400,
            "equivalents": {
                "billboard-2026-01": 6_130.0,
                "occ-2018-07": 4_012.5,
                "riaa-2016-02": 6_033.333,
                "snep-2024-07": 4_215.238,
            },
            "certification": {
                "scheme": "snep",
                "unit": "album_units",
                "units": 4_215.238,
                "level": None,
                "next_level": "or",
                "next_units": 50_000,
                "progress": 0.0843,
                "source": "https://snepmusique.com/les-certifications/",
            },
        },
        {
            "upc": "0602455054321",
            "title": "Nos célébrations",
            "type": "single",
            "release_date": "2026-10-02",
            "streams_premium": 480_000,
            "streams_ad": 145_000,
            "downloads": 950,
            "physical_units": 0,
            "equivalents": {
                "billboard-2026-01": 538.0,
                "occ-2018-07": 6_011.667,
                "riaa-2016-02": 5_116.667,
                "snep-2024-07": 643_214.286,
            },
            "certification": {
                "scheme": "snep",
                "unit": "stream_equivalents",
                "units": 16_400_000.0,
                "level": "or",
                "next_level": "platine",
                "next_units": 30_000_000,
                "progress": 0.5467,
                "source": "https://snepmusique.com/les-certifications/",
            },
        },
    ],
}


def _base() -> dict[str, Any]:
    events_per_day = {
        "facebook": [12, 30, 18, 9, 14, 22, 5],
        "instagram": [40, 95, 61, 38, 44, 57, 12],
        "x": [8, 21, 13, 4, 6, 10, 2],
        "youtube": [3, 19, 7, 5, 4, 6, 1],
        "tiktok": [55, 120, 80, 41, 39, 66, 20],
        "standard:linkfire": [70, 140, 90, 60, 52, 48, 11],
    }
    return {
        "schema_version": 1,
        "campaign": campaign_dict(
            tracked={
                "facebook": {"accounts": ["104512345678901"], "content": ["104512345678901_998877665544332"]},
                "instagram": {"accounts": ["17841400000000001"], "content": ["17900000000000001"]},
                "youtube": {"accounts": ["UCxxxxxxxxxxxxxxxxxxxxxx"], "content": ["dQw4w9WgXcQ"]},
                "x": {"accounts": ["1234"], "content": ["1790000000000000000"]},
                "tiktok": {"accounts": ["act.example-open-id"], "content": ["7300000000000000001"]},
                "spotify": {"accounts": ["3hHJx0Uot7M9zVGHHjVtye"]},
                "soundcloud": {"accounts": ["soundcloud:users:123"], "content": ["soundcloud:tracks:456"]},
                "deezer": {"accounts": ["27"]},
                "standard:linkfire": {"content": ["indochine-13"]},
            },
            archived=False,
        ),
        "generated_at": "2026-11-26T10:00:00Z",
        "window": {"from": "2026-11-20T00:00:00+01:00", "to": "2026-11-26T10:00:00Z"},
        "timezone": "Europe/Paris",
        "language": "en",
        "platforms": {
            "facebook": {
                "events": {"comment": 41, "reply": 12, "reaction": 48, "share": 9, "content_published": 3},
                "counters": {
                    "followers": {
                        "first": 1_204_311,
                        "last": 1_209_877,
                        "delta": 5_566,
                        "as_of": "2026-11-26T09:00:00Z",
                    }
                },
                "freshness": {
                    "last_event_at": "2026-11-26T09:41:12Z",
                    "last_pull_at": "2026-11-26T09:00:03Z",
                    "last_error": None,
                },
            },
            "instagram": {
                "events": {"comment": 120, "reply": 31, "mention": 196, "like": -1},
                "counters": {
                    "followers_count": {
                        "first": 402_100,
                        "last": 405_950,
                        "delta": 3_850,
                        "as_of": "2026-11-26T09:00:00Z",
                    }
                },
                "freshness": {
                    "last_event_at": "2026-11-26T09:52:40Z",
                    "last_pull_at": "2026-11-26T09:00:05Z",
                    "last_error": None,
                },
            },
            "x": {
                "events": {"reply": 17, "repost": 22, "quote": 5, "like": 18, "follow": 4, "unfollow": 1},
                "counters": {
                    "followers_count": {
                        "first": 98_000,
                        "last": 97_870,
                        "delta": -130,
                        "as_of": "2026-11-26T09:00:00Z",
                    }
                },
                "freshness": {
                    "last_event_at": "2026-11-26T08:12:00Z",
                    "last_pull_at": "2026-11-26T09:00:01Z",
                    "last_error": "429 Too Many Requests: retried at 09:00",
                },
            },
            "youtube": {
                "events": {"content_published": 2, "content_updated": 43},
                "counters": {
                    "viewCount": {
                        "first": 1_500_000,
                        "last": 2_730_412,
                        "delta": 1_230_412,
                        "as_of": "2026-11-26T09:00:00Z",
                    },
                    "likeCount": {
                        "first": 45_000,
                        "last": 71_204,
                        "delta": 26_204,
                        "as_of": "2026-11-26T09:00:00Z",
                    },
                },
                "freshness": {
                    "last_event_at": "2026-11-25T18:00:00Z",
                    "last_pull_at": "2026-11-26T09:00:02Z",
                    "last_error": None,
                },
            },
            "tiktok": {
                "events": {"content_published": 4, "other": 417},
                "counters": {},
                "freshness": {
                    "last_event_at": "2026-11-26T09:58:00Z",
                    "last_pull_at": None,
                    "last_error": None,
                },
            },
            "spotify": {
                "events": {},
                "counters": {
                    "followers": {
                        "first": None,
                        "last": None,
                        "delta": None,
                        "as_of": None,
                        "unavailable": "Spotify refused: the app has no extended quota (403)",
                    },
                    "popularity": {"first": 61, "last": 64.5, "delta": 3.5, "as_of": "2026-11-26T09:00:00Z"},
                },
                "freshness": {
                    "last_event_at": None,
                    "last_pull_at": "2026-11-26T09:00:04Z",
                    "last_error": "403 Forbidden: followers need extended quota",
                },
            },
            "soundcloud": {
                "events": {},
                "counters": {
                    "playback_count": {
                        "first": 10_000,
                        "last": 12_345,
                        "delta": 2_345,
                        "as_of": "2026-11-26T09:00:00Z",
                    }
                },
                "freshness": {
                    "last_event_at": None,
                    "last_pull_at": "2026-11-26T09:00:06Z",
                    "last_error": None,
                },
            },
            "deezer": {
                "events": {},
                "counters": {
                    "nb_fan": {
                        "first": 820_000,
                        "last": 823_400,
                        "delta": 3_400,
                        "as_of": "2026-11-26T09:00:00Z",
                    }
                },
                "freshness": {
                    "last_event_at": None,
                    "last_pull_at": "2026-11-26T09:00:07Z",
                    "last_error": None,
                },
            },
            "standard:linkfire": {
                "events": {"click": 402, "presave": 69},
                "counters": {},
                "freshness": {
                    "last_event_at": "2026-11-26T09:59:30Z",
                    "last_pull_at": None,
                    "last_error": None,
                },
            },
        },
        "comparison": {
            "window": {"from": "2026-11-13T13:00:00+01:00", "to": "2026-11-20T00:00:00+01:00"},
            "platforms": {
                "facebook": {"events": {"comment": 20, "reaction": 30}},
                "instagram": {"events": {"comment": 80}},
                "x": {"events": {}},
                "youtube": {"events": {}},
                "tiktok": {"events": {"other": 100}},
                "spotify": {"events": {}},
                "soundcloud": {"events": {}},
                "deezer": {"events": {}},
                "standard:linkfire": {"events": {"click": 50}},
            },
            "totals": {"events": 280, "engagement_units": 405},
            "change": {"events": None, "engagement_units": None},  # computed by make_summary
        },
        "weights": copy.deepcopy(WEIGHTS),
        "engagement_rate": {
            "value": None,
            "units": 0,
            "followers": 1_209_877 + 97_870 + 823_400,
            "platforms": ["facebook", "x", "deezer"],
            "excluded": [
                {
                    "platform": "instagram",
                    "reason": "No follower count of its tracked accounts has been pulled.",
                },
                {
                    "platform": "youtube",
                    "reason": "No follower count of its tracked accounts has been pulled.",
                },
                {
                    "platform": "tiktok",
                    "reason": "No follower count of its tracked accounts has been pulled.",
                },
                {"platform": "spotify", "reason": "Its follower count is unavailable: Spotify refused (403)"},
                {
                    "platform": "soundcloud",
                    "reason": "No follower count of its tracked accounts has been pulled.",
                },
                {"platform": "standard:linkfire", "reason": "It has no follower count."},
            ],
            "numerator": "engagement_units",
            "denominator": "followers",
            "denominator_value": None,
            "reason": None,
        },
        "series": {
            "granularity": "day",
            "timezone": "Europe/Paris",
            "points": _daily_points(datetime(2026, 11, 20), 7, events_per_day),
            "counters": [
                {
                    "platform": "youtube",
                    "metric": "viewCount",
                    "points": [
                        {"at": f"2026-11-{day:02d}T09:00:00Z", "value": 1_500_000 + (day - 20) ** 2 * 34_000}
                        for day in range(20, 27)
                    ],
                },
                {
                    "platform": "instagram",
                    "metric": "followers_count",
                    "points": [
                        {"at": f"2026-11-{day:02d}T09:00:00Z", "value": 402_100 + (day - 20) * 640}
                        for day in range(20, 27)
                    ],
                },
                {
                    "platform": "x",
                    "metric": "followers_count",
                    "points": [
                        {"at": f"2026-11-{day:02d}T09:00:00Z", "value": 98_000 - (day - 20) * 21}
                        for day in range(20, 27)
                    ],
                },
            ],
        },
        "top_content": [
            {
                "platform": "youtube",
                "content_id": "dQw4w9WgXcQ",
                "events": 45,
                "url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
                "title": "Indochine - 13 (clip officiel)",
            },
            {
                "platform": "instagram",
                "content_id": "17900000000000001",
                "events": 347,
                "url": "https://www.instagram.com/p/C0example/",
                "title": None,
            },
            {
                "platform": "standard:linkfire",
                "content_id": "indochine-13",
                "events": 471,
                "url": None,
                "title": None,
            },
        ],
        "collisions": [
            collision(
                "indochine-catalogue-q4",
                "Indochine catalogue Q4",
                ("facebook", "account", "104512345678901"),
                ("youtube", "account", "UCxxxxxxxxxxxxxxxxxxxxxx"),
            ),
            {
                "type": "push_clash",
                "push_id": "single-2",
                "label": "polydor-fr",
                "at": "2026-11-27T09:00:00Z",
                "platforms": ["youtube"],
                "hours_apart": 5.5,
            },
        ],
        "attention": [
            {
                "severity": "low",
                "code": "collision",
                "message": "Campaign indochine-catalogue-q4 (Indochine catalogue Q4) tracks the same items "
                "from 2026-11-20T00:00:00+01:00 to 2026-12-20T00:00:00+01:00: its figures count the same "
                "events.",
            },
            {
                "severity": "low",
                "code": "push_clash",
                "platform": "youtube",
                "message": "Push single-2 clashes with a push of polydor-fr on youtube, 5.5 h apart "
                "(at 2026-11-27T09:00:00Z).",
            },
        ],
        "consumption": copy.deepcopy(CONSUMPTION),
        "moderation": copy.deepcopy(NO_MODERATION),
    }


# A summary without classified texts (contract section 11).
NO_MODERATION: dict[str, Any] = {
    "platforms": {},
    "overall": {"texts": 0, "abusive": 0, "by_category": {}, "abusive_share": None},
    "waves": [],
}

# Classified texts on two platforms, and a live wave on Instagram.
MODERATION: dict[str, Any] = {
    "platforms": {
        "instagram": {
            "texts": 250,
            "abusive": 31,
            "by_category": {"homophobia": 24, "insult": 9},
            "abusive_share": 0.124,
        },
        "x": {"texts": 20, "abusive": 1, "by_category": {"spam": 1}, "abusive_share": 0.05},
    },
    "overall": {
        "texts": 270,
        "abusive": 32,
        "by_category": {"homophobia": 24, "insult": 9, "spam": 1},
        "abusive_share": 0.1185,
    },
    "waves": [
        {
            "wave_id": "5f0c3a1e9b7d4c2a8e6f1b3d5a7c9e0f",
            "platform": "instagram",
            "subject": "artist:indochine",
            "started_at": "2026-11-25T20:00:00Z",
            "ended_at": None,
            "live": True,
            "abusive": 18,
            "by_category": {"homophobia": 15, "insult": 5},
        }
    ],
}


def _merge(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    for key, value in overrides.items():
        if value is REMOVE:
            base.pop(key, None)
        elif isinstance(value, dict) and isinstance(base.get(key), dict):
            base[key] = _merge(base[key], value)
        else:
            base[key] = copy.deepcopy(value)
    return base


def totals_of(summary: dict[str, Any]) -> dict[str, Any]:
    """`totals` as the contract defines them: the sum of every net count, and their weighted sum."""
    weights = summary.get("weights", {}).get("kinds", {})
    events = 0
    units: float = 0
    for platform in summary.get("platforms", {}).values():
        for kind, count in platform.get("events", {}).items():
            events += count
            units += count * weights.get(kind, 0)
    return {"events": events, "engagement_units": units}


def make_summary(**overrides: Any) -> dict[str, Any]:
    """A full schema-valid summary with `overrides` merged in (see the module's docstring)."""
    summary = _merge(_base(), overrides)
    if "totals" not in overrides:
        summary["totals"] = totals_of(summary)
        comparison = summary.get("comparison")
        if isinstance(comparison, dict) and "change" not in (overrides.get("comparison") or {}):
            comparison["change"] = {
                name: round((summary["totals"][name] - before) / abs(before) * 100, 1) if before else None
                for name, before in comparison["totals"].items()
            }
        rate = summary.get("engagement_rate")
        rate_overrides = overrides.get("engagement_rate")
        if isinstance(rate, dict) and "value" not in (
            rate_overrides if isinstance(rate_overrides, dict) else {}
        ):
            # The rate's platforms: those with a known follower count (facebook, x, deezer).
            included = {"platforms": {p: summary["platforms"][p] for p in rate["platforms"]}}
            units = totals_of({**summary, **included})["engagement_units"]
            followers = rate["followers"]
            rate.update(units=units, value=round(units / followers, 6), denominator_value=followers)
    return summary


# The engagement rate as summaries wrote it before section 10: every platform's units over the
# followers known (1,829 units over 2,537,097 followers in `make_summary`).
FIRST_RATE_SHAPE: dict[str, Any] = {
    "value": 0.000721,
    "units": REMOVE,
    "followers": REMOVE,
    "platforms": REMOVE,
    "excluded": REMOVE,
    "denominator": "followers",
    "denominator_value": 2_537_097,
    "reason": None,
}


def make_minimal_summary(**overrides: Any) -> dict[str, Any]:
    """The smallest valid summary: a campaign just started, nothing tracked seen yet, no rate."""
    summary: dict[str, Any] = {
        "schema_version": 1,
        "campaign": {
            "campaign_id": "quiet-single",
            "name": "Quiet single",
            "label": "columbia-fr",
            "artist": "someone",
            "starts_at": "2026-11-26T09:00:00+01:00",
            "ends_at": "2026-11-27T09:00:00+01:00",
            "timezone": "Europe/Paris",
            "tracked": {},
            "archived": False,
        },
        "generated_at": "2026-11-26T08:30:00Z",
        "window": {"from": "2026-11-26T09:00:00+01:00", "to": "2026-11-26T08:30:00Z"},
        "timezone": "Europe/Paris",
        "language": "en",
        "platforms": {},
        "totals": {"events": 0, "engagement_units": 0},
        "comparison": {
            "window": {"from": "2026-11-26T09:00:00+01:00", "to": "2026-11-26T09:00:00+01:00"},
            "platforms": {},
            "totals": {"events": 0, "engagement_units": 0},
            "change": {"events": None, "engagement_units": None},
        },
        "weights": copy.deepcopy(WEIGHTS),
        "engagement_rate": {
            "value": None,
            "units": 0,
            "followers": 0,
            "platforms": [],
            "excluded": [],
            "numerator": "engagement_units",
            "denominator": None,
            "denominator_value": None,
            "reason": "no follower counts yet",
        },
        "series": {"granularity": "hour", "timezone": "Europe/Paris", "points": [], "counters": []},
        "top_content": [],
        "collisions": [],
        "attention": [],
        "consumption": {
            "from": "2026-11-26",
            "to": "2026-11-26",
            "streams_premium": 0,
            "streams_ad": 0,
            "downloads": 0,
            "physical_units": 0,
            "releases": [],
        },
        "moderation": copy.deepcopy(NO_MODERATION),
    }
    return _merge(summary, overrides)


# -- contract section 10 ------------------------------------------------------------------------------
# What section 10 adds to a summary (`language`, `comparison`, `attention` of every code, the matched
# `engagement_rate`, titles in `top_content`), as the summary model and docs/summary.schema.json have it.

FOLLOWER_PLATFORMS = ("facebook", "instagram", "x", "deezer")

ATTENTION: list[dict[str, Any]] = [
    {
        "severity": "high",
        "code": "abuse_wave",
        "platform": "instagram",
        "message": "42 comments from 9 new accounts in 10 minutes on 17900000000000001 look coordinated.",
    },
    {
        "severity": "medium",
        "code": "source_refused",
        "platform": "spotify",
        "message": "Spotify refused: the app has no extended quota (403).",
    },
    {
        "severity": "medium",
        "code": "no_credentials",
        "platform": "tiktok",
        "message": "no credentials configured (TIKTOK_ACCESS_TOKENS)",
    },
    {
        "severity": "medium",
        "code": "source_stale",
        "platform": "youtube",
        "message": "No event and no good reading from YouTube for 3 hours.",
    },
    {
        "severity": "medium",
        "code": "spike",
        "platform": "tiktok",
        "message": "TikTok had 120 events between 21:00 and 22:00 on 2026-11-21, 4.2x the hourly median.",
    },
    {
        "severity": "low",
        "code": "budget_spent",
        "platform": "x",
        "message": "X's daily request budget was spent at 18:00.",
    },
]


def units_on(summary: dict[str, Any], platforms: tuple[str, ...]) -> float:
    """Engagement units of the summary's events on `platforms` only."""
    weights = summary.get("weights", {}).get("kinds", {})
    return sum(
        count * weights.get(kind, 0)
        for platform, data in summary.get("platforms", {}).items()
        if platform in platforms
        for kind, count in data.get("events", {}).items()
    )


def make_lead_summary(language: str = "en", **overrides: Any) -> dict[str, Any]:
    """`make_summary()` with what contract section 10 adds, then `overrides` merged in."""
    summary = make_summary()
    followers = sum(
        counter["last"]
        for platform in FOLLOWER_PLATFORMS
        for metric, counter in summary["platforms"][platform]["counters"].items()
        if "follower" in metric or metric == "nb_fan"
    )
    units = units_on(summary, FOLLOWER_PLATFORMS)
    section_10: dict[str, Any] = {
        "language": language,
        "comparison": {
            "window": {"from": "2026-11-13T13:00:00+01:00", "to": "2026-11-20T00:00:00+01:00"},
            "platforms": {
                "facebook": {"events": {"comment": 30, "reaction": 40}},
                "instagram": {"events": {"comment": 100, "mention": 150}},
                "x": {"events": {"reply": 20, "like": 25}},
                "tiktok": {"events": {"other": 500}},
                "standard:linkfire": {"events": {"click": 315}},
            },
            "totals": {"events": 1180, "engagement_units": 1500},
            "change": {
                "events": round((summary["totals"]["events"] - 1180) / 1180 * 100, 2),
                "engagement_units": round((summary["totals"]["engagement_units"] - 1500) / 1500 * 100, 2),
            },
        },
        "attention": [*copy.deepcopy(ATTENTION[:5]), *copy.deepcopy(summary["attention"]), ATTENTION[5]],
        "moderation": copy.deepcopy(MODERATION),
        "engagement_rate": {
            "value": round(units / followers, 6),
            "units": units,
            "followers": followers,
            "platforms": list(FOLLOWER_PLATFORMS),
            "excluded": [
                {"platform": "youtube", "reason": "no follower count pulled"},
                {"platform": "tiktok", "reason": "no credentials configured (TIKTOK_ACCESS_TOKENS)"},
                {"platform": "spotify", "reason": "Spotify refused: the app has no extended quota (403)"},
                {"platform": "soundcloud", "reason": "no follower count pulled"},
                {"platform": "standard:linkfire", "reason": "a link service has no followers"},
            ],
            "numerator": "engagement_units",
            "denominator": "followers",
            "denominator_value": followers,
            "reason": None,
        },
        "top_content": [
            {
                "platform": "standard:linkfire",
                "content_id": "indochine-13",
                "events": 471,
                "url": None,
                "title": None,
            },
            {
                "platform": "instagram",
                "content_id": "17900000000000001",
                "events": 347,
                "url": "https://www.instagram.com/p/C0example/",
                "title": "Les dates de la tournée 13 : on vous attend !",
            },
            {
                "platform": "youtube",
                "content_id": "dQw4w9WgXcQ",
                "events": 45,
                "url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
                "title": "Indochine \u2013 13 (clip officiel)",
            },
        ],
    }
    return _merge(_merge(summary, section_10), overrides)
