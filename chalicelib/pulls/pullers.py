"""Each platform's pull as the job calls it: its client(s), its budget, and the ids to resume with.

A puller reads the campaign items of one platform, updates `progress` (kept between runs: the
daily budget's state and the ids it did not reach) and returns one PullResult.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from chalicelib.platforms.deezer_api import Deezer
from chalicelib.platforms.meta_api import MetaGraph
from chalicelib.platforms.soundcloud_api import SoundCloud
from chalicelib.platforms.spotify_api import Spotify
from chalicelib.platforms.tiktok_api import TOKENS_VARIABLE, TikTokDisplay
from chalicelib.platforms.x_api import XMetrics
from chalicelib.platforms.youtube_api import YouTubeStats
from chalicelib.pulls.budget import UnitBudget
from chalicelib.pulls.errors import NoCredentials
from chalicelib.pulls.http import PlatformHttp
from chalicelib.pulls.snapshots import PullResult
from chalicelib.pulls.tokens import TokenCache

Read = Callable[[Iterable[str], datetime], PullResult]
PullFunction = Callable[[Any, datetime, dict[str, Any]], PullResult]


def merge(*results: PullResult) -> PullResult:
    """One result of several reads; its error is the first that stopped a read (ids left), else the
    first met on the way (a refusal)."""
    stopped = [r.error for r in results if r.error is not None and r.remaining_ids]
    errors = stopped or [r.error for r in results if r.error is not None]
    return PullResult(
        snapshots=tuple(s for r in results for s in r.snapshots),
        remaining_ids=tuple(i for r in results for i in r.remaining_ids),
        missing_ids=tuple(i for r in results for i in r.missing_ids),
        error=errors[0] if errors else None,
    )


def content_and_accounts(
    items: Any, now: datetime, progress: dict[str, Any], content: Read, accounts: Read
) -> PullResult:
    """Read the content, then the accounts; record what is left of each for the next run."""
    read_content = content(items.content, now) if items.content else PullResult()
    read_accounts = accounts(items.accounts, now) if items.accounts else PullResult()
    progress["remaining"] = {
        "content": list(read_content.remaining_ids),
        "accounts": list(read_accounts.remaining_ids),
    }
    return merge(read_content, read_accounts)


def youtube(http: PlatformHttp, base_url: str, api_key: str) -> PullFunction:
    def pull(items: Any, now: datetime, progress: dict[str, Any]) -> PullResult:
        budget = UnitBudget.youtube(state=progress.get("budget"))
        client = YouTubeStats(http, base_url, api_key, budget)
        result = content_and_accounts(items, now, progress, client.videos, client.channels)
        progress["budget"] = budget.to_state()
        return result

    return pull


def x(http: PlatformHttp, base_url: str, bearer_token: str, reads_per_day: int) -> PullFunction:
    def pull(items: Any, now: datetime, progress: dict[str, Any]) -> PullResult:
        budget = UnitBudget.x_reads(reads_per_day, state=progress.get("budget"))
        client = XMetrics(http, base_url, bearer_token, budget)
        result = content_and_accounts(items, now, progress, client.tweets, client.users)
        progress["budget"] = budget.to_state()
        return result

    return pull


def facebook(http: PlatformHttp, base_url: str, access_token: str) -> PullFunction:
    def pull(items: Any, now: datetime, progress: dict[str, Any]) -> PullResult:
        graph = MetaGraph(http, base_url, access_token)
        return content_and_accounts(items, now, progress, graph.facebook_posts, graph.facebook_pages)

    return pull


def instagram(http: PlatformHttp, base_url: str, access_token: str) -> PullFunction:
    def pull(items: Any, now: datetime, progress: dict[str, Any]) -> PullResult:
        graph = MetaGraph(http, base_url, access_token)
        return content_and_accounts(items, now, progress, graph.instagram_media, graph.instagram_accounts)

    return pull


def tiktok(http: PlatformHttp, base_url: str, tokens: Mapping[str, str]) -> PullFunction:
    """A video is read with the token of an account its campaign tracks (the Display API only
    answers for an account's own videos)."""

    def pull(items: Any, now: datetime, progress: dict[str, Any]) -> PullResult:
        client = TikTokDisplay(http, base_url, tokens)
        by_account: dict[str, list[str]] = {}
        unowned: list[str] = []
        for video in items.content:
            owner = next((a for a in items.owners.get(video, ()) if a in tokens), None)
            if owner is None:
                unowned.append(video)
            else:
                by_account.setdefault(owner, []).append(video)
        results = [client.videos(open_id, videos, now) for open_id, videos in sorted(by_account.items())]
        results.append(client.users(items.accounts, now) if items.accounts else PullResult())
        progress["remaining"] = {
            "content": [i for r in results[:-1] for i in r.remaining_ids],
            "accounts": list(results[-1].remaining_ids),
        }
        no_token = NoCredentials(TOKENS_VARIABLE) if unowned else None
        return merge(*results, PullResult(missing_ids=tuple(unowned), error=no_token))

    return pull


def soundcloud(
    http: PlatformHttp,
    api_base: str,
    auth_base: str,
    client_id: str,
    client_secret: str,
    *,
    cache: TokenCache,
) -> PullFunction:
    def pull(items: Any, now: datetime, progress: dict[str, Any]) -> PullResult:
        client = SoundCloud(http, api_base, auth_base, client_id, client_secret, cache)
        return content_and_accounts(items, now, progress, client.tracks, client.users)

    return pull


def spotify(
    http: PlatformHttp,
    api_base: str,
    auth_base: str,
    client_id: str,
    client_secret: str,
    *,
    cache: TokenCache,
) -> PullFunction:
    def pull(items: Any, now: datetime, progress: dict[str, Any]) -> PullResult:
        client = Spotify(http, api_base, auth_base, client_id, client_secret, cache)
        return content_and_accounts(items, now, progress, _nothing, client.artists)

    return pull


def deezer(http: PlatformHttp, base_url: str) -> PullFunction:
    def pull(items: Any, now: datetime, progress: dict[str, Any]) -> PullResult:
        client = Deezer(http, base_url)
        return content_and_accounts(items, now, progress, _nothing, client.artists)

    return pull


def _nothing(ids: Iterable[str], now: datetime) -> PullResult:
    """Platforms without content counters (Spotify and Deezer track artists)."""
    return PullResult(missing_ids=tuple(ids))
