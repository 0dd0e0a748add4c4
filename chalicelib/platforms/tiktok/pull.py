"""TikTok's pull as the job calls it: a video is read with the token of an account its campaign
tracks (the Display API only answers for an account's own videos)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.platforms.capabilities import PullContext, PullFunction
from chalicelib.platforms.tiktok.api import TOKENS_VARIABLE, TikTokDisplay, parse_tokens
from chalicelib.pulls.errors import Misconfigured, NoCredentials
from chalicelib.pulls.pullers import merge
from chalicelib.pulls.snapshots import PullResult


def puller(context: PullContext) -> PullFunction:
    (raw,) = context.credentials(TOKENS_VARIABLE)
    try:
        tokens = parse_tokens(raw)
    except ValueError as error:  # names the entry's position, never a token
        raise Misconfigured(str(error)) from None
    http, base_url = context.http, context.settings.endpoints.tiktok_api_base

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
