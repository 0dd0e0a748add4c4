"""Issue 5 (7): requests made per 1,000 tracked items per platform, against the floor of
ceil(items / batch size) plus token requests (target: ratio 1.0 on a clean run).

Each client reads 1,000 items from a loopback fake that answers every id it is asked for; the
requests the fake received are counted. No real platform is reached.

Issue 15: the same for the talent radar's daily reading. 1,000 watched artists, each with one account
on every watched platform, are read by the radar's service through `PulledAudiences` over the
registry's pullers (the pull job's clients, built as `wiring.pull_job` builds them); the floor is the
same batched one (YouTube 50 channels a request, X 100 users, Spotify 50 artists, Deezer and
SoundCloud one each, plus a token for the client-credentials platforms). Deezer's pacing (50
requests per 5 s) runs on a simulated clock, as in the campaign case.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import Any

from bench.common import PROD_ENV, report

ITEMS = 1000


def run() -> dict[str, float]:
    from chalicelib.platforms.deezer.api import Deezer
    from chalicelib.platforms.meta.graph import MetaGraph
    from chalicelib.platforms.soundcloud.api import SoundCloud
    from chalicelib.platforms.spotify.api import Spotify
    from chalicelib.platforms.tiktok.api import TikTokDisplay
    from chalicelib.platforms.x.api import XMetrics
    from chalicelib.platforms.youtube.api import YouTubeStats
    from chalicelib.pulls.budget import UnitBudget
    from chalicelib.pulls.http import PlatformHttp
    from chalicelib.pulls.tokens import MemoryTokenCache
    from tests.fakes.platform_server import PlatformServer, Recorded, Reply

    server = PlatformServer().start()
    base = server.base_url
    now = datetime.now(UTC)
    http = PlatformHttp(timeout_seconds=5, max_attempts=2)

    def ids_param(request: Recorded, name: str) -> list[str]:
        return request.param(name).split(",")

    server.handle(
        "/youtube/v3/videos",
        lambda r: Reply(
            200,
            {},
            {
                "items": [
                    {"id": i, "statistics": {"viewCount": "1", "likeCount": "1", "commentCount": "1"}}
                    for i in ids_param(r, "id")
                ]
            },
        ),
    )
    metrics = {
        "like_count": 1,
        "retweet_count": 1,
        "reply_count": 1,
        "quote_count": 1,
        "impression_count": 1,
        "bookmark_count": 1,
    }
    server.handle(
        "/2/tweets",
        lambda r: Reply(
            200, {}, {"data": [{"id": i, "public_metrics": metrics} for i in ids_param(r, "ids")]}
        ),
    )
    post = {
        "shares": {"count": 1},
        "reactions": {"summary": {"total_count": 1}},
        "comments": {"summary": {"total_count": 1}},
    }
    server.handle("/v22.0/", lambda r: Reply(200, {}, {i: {**post, "id": i} for i in ids_param(r, "ids")}))
    video = {"like_count": 1, "comment_count": 1, "share_count": 1, "view_count": 1}
    server.handle(
        "/v2/video/query/",
        lambda r: Reply(
            200,
            {},
            {
                "data": {
                    "videos": [{"id": i, **video} for i in r.json()["filters"]["video_ids"]],
                    "cursor": 0,
                    "has_more": False,
                },
                "error": {"code": "ok"},
            },
        ),
    )
    token = Reply(200, {}, {"access_token": "t", "expires_in": 3600, "token_type": "bearer"})
    server.handle("/oauth/token", lambda r: token)
    server.handle("/api/token", lambda r: token)
    server.handle(
        "/v1/artists",
        lambda r: Reply(
            200,
            {},
            {"artists": [{"id": i, "followers": {"total": 1}, "popularity": 1} for i in ids_param(r, "ids")]},
        ),
    )
    tracks = [f"soundcloud:tracks:{n}" for n in range(ITEMS)]
    for urn in tracks:
        server.handle(
            "/tracks/" + urn.replace(":", "%3A"),
            lambda r: Reply(
                200, {}, {"playback_count": 1, "favoritings_count": 1, "reposts_count": 1, "comment_count": 1}
            ),
        )
    deezer_ids = [str(n + 1) for n in range(ITEMS)]
    for artist in deezer_ids:
        server.handle(f"/artist/{artist}", lambda r: Reply(200, {}, {"id": 1, "nb_fan": 1}))

    clock = [0.0]
    cases: list[tuple[str, int, int, Any]] = [
        (
            "youtube videos",
            50,
            0,
            lambda: YouTubeStats(http, f"{base}/youtube/v3", "k", UnitBudget.youtube()).videos(
                [f"v{n:010d}" for n in range(ITEMS)], now
            ),
        ),
        (
            "x posts",
            100,
            0,
            lambda: XMetrics(http, f"{base}/2", "t", UnitBudget.x_reads(10 * ITEMS)).tweets(
                [str(10**17 + n) for n in range(ITEMS)], now
            ),
        ),
        (
            "facebook posts",
            50,
            0,
            lambda: MetaGraph(http, f"{base}/v22.0", "t").facebook_posts(
                [f"1234567890_{n}" for n in range(ITEMS)], now
            ),
        ),
        (
            "tiktok videos",
            20,
            0,
            lambda: TikTokDisplay(http, f"{base}/v2", {"open-1": "t"}).videos(
                "open-1", [str(7 * 10**18 + n) for n in range(ITEMS)], now
            ),
        ),
        (
            "soundcloud tracks",
            1,
            1,
            lambda: SoundCloud(http, base, base, "id", "secret", MemoryTokenCache()).tracks(tracks, now),
        ),
        (
            "spotify artists",
            50,
            1,
            lambda: Spotify(http, f"{base}/v1", base, "id", "secret", MemoryTokenCache()).artists(
                [f"{n:022d}" for n in range(ITEMS)], now
            ),
        ),
        (
            "deezer artists",
            1,
            0,
            lambda: Deezer(
                http, base, clock=lambda: clock[0], sleep=lambda s: clock.__setitem__(0, clock[0] + s)
            ).artists(deezer_ids, now),
        ),
    ]
    rows, figures = [], {}
    try:
        for name, batch, tokens, read in cases:
            before = len(server.requests)
            result = read()
            made = len(server.requests) - before
            floor = math.ceil(ITEMS / batch) + tokens
            figures[name] = made / floor
            rows.append(
                (
                    name,
                    f"{made} requests, floor {floor} (ceil({ITEMS}/{batch}) + {tokens} token), "
                    f"ratio {made / floor:.2f}, {len({s.item_id for s in result.snapshots})} items read",
                )
            )
    finally:
        server.stop()
    report(f"Pull requests per {ITEMS} tracked items (loopback fakes; target ratio 1.0)", rows)
    figures.update(radar())
    return figures


# (account id of artist n, batch size, token requests, the paths its reads go to) per watched platform
RADAR_CASES: dict[str, tuple[Any, int, int, tuple[str, ...]]] = {
    "youtube": (lambda n: f"UC{n:022d}", 50, 0, ("/youtube/v3/channels",)),
    "x": (lambda n: str(10**17 + n), 100, 0, ("/2/users",)),
    "spotify": (lambda n: f"{n:022d}", 50, 1, ("/v1/artists", "/api/token")),
    "soundcloud": (lambda n: f"soundcloud:users:{n}", 1, 1, ("/users/", "/oauth/token")),
    "deezer": (lambda n: str(n + 1), 1, 0, ("/artist/",)),
}


def radar() -> dict[str, float]:
    """Requests per 1,000 watched accounts of each watched platform, through the radar's daily run."""
    from collections.abc import Mapping, Sequence
    from functools import partial

    from chalicelib.adapters.radar_store import StoredReading
    from chalicelib.models.radar import WatchedArtist
    from chalicelib.platforms.capabilities import Pull, PullContext
    from chalicelib.platforms.deezer import api as deezer_api
    from chalicelib.platforms.deezer import pull as deezer_pull
    from chalicelib.platforms.registry import pulls, watched
    from chalicelib.pulls.http import PlatformHttp
    from chalicelib.pulls.tokens import MemoryTokenCache
    from chalicelib.services.radar_pull import PulledAudiences, RadarPullService
    from chalicelib.settings import load_settings
    from tests.fakes.platform_server import PlatformServer, Recorded, Reply

    metrics = dict(watched())
    assert set(metrics) == set(RADAR_CASES), "a watched platform has no case here"
    server = PlatformServer().start()
    base = server.base_url
    now = datetime.now(UTC)

    def ids(request: Recorded, name: str) -> list[str]:
        return request.param(name).split(",")

    channel = {"subscriberCount": "1", "viewCount": "1"}
    server.handle(
        "/youtube/v3/channels",
        lambda r: Reply(200, {}, {"items": [{"id": i, "statistics": channel} for i in ids(r, "id")]}),
    )
    server.handle(
        "/2/users",
        lambda r: Reply(
            200, {}, {"data": [{"id": i, "public_metrics": {"followers_count": 1}} for i in ids(r, "ids")]}
        ),
    )
    server.handle(
        "/v1/artists",
        lambda r: Reply(
            200,
            {},
            {"artists": [{"id": i, "followers": {"total": 1}, "popularity": 1} for i in ids(r, "ids")]},
        ),
    )
    token = Reply(200, {}, {"access_token": "t", "expires_in": 3600, "token_type": "bearer"})
    server.handle("/oauth/token", lambda r: token)
    server.handle("/api/token", lambda r: token)
    for n in range(ITEMS):
        urn = RADAR_CASES["soundcloud"][0](n)
        server.handle("/users/" + urn.replace(":", "%3A"), lambda r: Reply(200, {}, {"followers_count": 1}))
        artist = RADAR_CASES["deezer"][0](n)
        server.handle(f"/artist/{artist}", lambda r: Reply(200, {}, {"id": 1, "nb_fan": 1}))

    env = {
        **PROD_ENV,
        "YOUTUBE_API_BASE": f"{base}/youtube/v3",
        "X_API_BASE": f"{base}/2",
        "X_READS_PER_DAY": str(10 * ITEMS),
        "SPOTIFY_API_BASE": f"{base}/v1",
        "SPOTIFY_AUTH_BASE": base,
        "SOUNDCLOUD_API_BASE": base,
        "SOUNDCLOUD_AUTH_BASE": base,
        "DEEZER_API_BASE": base,
    }
    context = PullContext(
        settings=load_settings(env),
        http=PlatformHttp(timeout_seconds=5, max_attempts=2),
        credentials=lambda *names: ["bench"] * len(names),
        token_cache=MemoryTokenCache,
    )

    class Progress:
        def __init__(self) -> None:
            self.kept: dict[str, dict[str, Any]] = {}

        def load_progress(self, platform: str) -> dict[str, Any]:
            return dict(self.kept.get(platform, {}))

        def save_progress(self, platform: str, progress: dict[str, Any]) -> None:
            self.kept[platform] = progress

    class Watchlist:
        def __init__(self) -> None:
            self.artists = [
                WatchedArtist(
                    radar_id=f"artist-{n}",
                    label="bench",
                    name="n",
                    accounts={p: [case[0](n)] for p, case in RADAR_CASES.items()},
                    created_at=now,
                )
                for n in range(ITEMS)
            ]
            self.readings: list[StoredReading] = []

        def labels(self) -> list[str]:
            return ["bench"]

        def list_label(self, label: str) -> list[WatchedArtist]:
            return self.artists

        def put_readings(self, readings: Sequence[StoredReading]) -> int:
            self.readings += readings
            return len(readings)

        def mark_gone(self, label: str, radar_id: str, gone: dict[str, str]) -> None:
            raise AssertionError("the fake answers every account")

        def day_pending(self, day: str) -> dict[str, list[str]] | None:
            return None

        def save_day_pending(self, day: str, pending: Mapping[str, Sequence[str]]) -> None:
            assert not pending, pending

    clock = [0.0]
    simulated = partial(
        deezer_api.Deezer, clock=lambda: clock[0], sleep=lambda s: clock.__setitem__(0, clock[0] + s)
    )
    store = Watchlist()

    def built(pull: Pull) -> Any:  # as wiring builds a platform's puller for a run
        return pull.load()(context)

    reader = PulledAudiences(
        pullers={
            name: partial(lambda p: p.load()(context), pull) for name, pull in pulls() if name in metrics
        },
        metrics=metrics,
        progress=Progress(),
        clock=lambda: now,
    )
    original = deezer_pull.Deezer
    deezer_pull.Deezer = simulated  # type: ignore[misc]
    try:
        before = len(server.requests)
        outcome = RadarPullService(
            store=store, reader=reader, clock=lambda: now, seconds_left=lambda: 900.0
        ).run()
        made = server.requests[before:]
    finally:
        deezer_pull.Deezer = original  # type: ignore[misc]
        server.stop()
    rows, figures = [], {}
    for platform, (_, batch, tokens, paths) in RADAR_CASES.items():
        count = sum(1 for r in made if r.path.startswith(paths))
        floor = math.ceil(ITEMS / batch) + tokens
        read = sum(1 for r in store.readings if r.platform == platform)
        figures[f"radar {platform}"] = count / floor
        rows.append(
            (
                f"radar {platform}",
                f"{count} requests, floor {floor} (ceil({ITEMS}/{batch}) + {tokens} token), "
                f"ratio {count / floor:.2f}, {read} artists read",
            )
        )
    assert outcome["unread"] == {}, outcome
    report(f"Radar reading requests per {ITEMS} watched accounts (loopback fakes; target ratio 1.0)", rows)
    return figures


if __name__ == "__main__":
    print(json.dumps(run()))
