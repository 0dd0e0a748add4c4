"""Issue 5 (7): requests made per 1,000 tracked items per platform, against the floor of
ceil(items / batch size) plus token requests (target: ratio 1.0 on a clean run).

Each client reads 1,000 items from a loopback fake that answers every id it is asked for; the
requests the fake received are counted. No real platform is reached.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import Any

from bench.common import report

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
    return figures


if __name__ == "__main__":
    print(json.dumps(run()))
