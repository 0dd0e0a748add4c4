"""TikTok Display API v2 counters: videos (20 ids a request) and accounts, each with its account's token.

- `POST {base}/video/query/?fields=id,like_count,comment_count,share_count,view_count` with body
  `{"filters": {"video_ids": [<= 20 ids]}}` -> `views`, `likes`, `comments`, `shares`. A video TikTok
  does not return (deleted, private, or not the account's) is missing.
- `GET {base}/user/info/?fields=follower_count,likes_count,video_count` -> `followers`.

Every request carries `Authorization: Bearer <token>` of the account (`open_id`) the item belongs to:
the tokens come from `TIKTOK_ACCESS_TOKENS` (`parse_tokens`). TikTok wraps every answer as
`{"data": {...}, "error": {"code": "ok" | ..., "message": ...}}`; a code other than "ok" is a failure
even with HTTP 200. A 401 (or the code `access_token_invalid`) calls `refresh(open_id)` once, which
answers a new token (or raises a `PullError`), and the request is retried once with it. A 429
`rate_limit_exceeded` is retried by `PlatformHttp`, honouring `Retry-After`.

An account without a token, or whose token is refused even after a refresh, gets its counters as
unavailable with the reason; the other accounts are still read, and the result's `error` is that
refusal (`NoCredentials` for a missing token), so that the platform's `last_error` says it. An error
TikTok put in its envelope carries its code and message (`own_error`). Tokens never appear in messages.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, NoReturn

from chalicelib.pulls import errors, reading
from chalicelib.pulls.http import PlatformHttp, endpoint_of
from chalicelib.pulls.snapshots import PullResult, Snapshot

PLATFORM = "tiktok"
BATCH_SIZE = 20
VIDEO_FIELDS = "id,like_count,comment_count,share_count,view_count"
USER_FIELDS = "follower_count,likes_count,video_count"
VIDEO_METRICS = (
    ("views", "view_count"),
    ("likes", "like_count"),
    ("comments", "comment_count"),
    ("shares", "share_count"),
)
RATE_LIMIT_PAUSE_SECONDS = 60.0
"""When TikTok says `rate_limit_exceeded` inside a 200 (no `Retry-After`): its windows are a minute."""

NO_CREDENTIAL = "no TikTok access token for this account (TIKTOK_ACCESS_TOKENS)"
CREDENTIAL_REFUSED = "TikTok refused this account's access token (authorization expired or revoked)"
NOT_AUTHORIZED = "the account did not grant the tracker this data (TikTok scope missing)"
TOKENS_VARIABLE = "TIKTOK_ACCESS_TOKENS"

_VIDEO_ID = re.compile(r"[0-9]{1,32}")
_CODE = re.compile(r"[A-Za-z0-9_.\-]{1,64}")

Refresh = Callable[[str], str]
"""`refresh(open_id)`: a new access token for the account, or raises a `PullError`."""


def parse_tokens(raw: str) -> dict[str, str]:
    """`open_id=token` pairs separated by commas (spaces around them ignored) -> {open_id: token}.

    A malformed entry is named by its position only: the message never holds a token.
    """
    tokens: dict[str, str] = {}
    for position, entry in enumerate(raw.split(","), start=1):
        if not entry.strip():
            continue
        open_id, separator, token = (part.strip() for part in entry.partition("="))
        if not separator or not open_id or not token or any(c.isspace() for c in token + open_id):
            raise ValueError(f"TIKTOK_ACCESS_TOKENS entry {position} is not open_id=token")
        if open_id in tokens:
            raise ValueError(f"TIKTOK_ACCESS_TOKENS entry {position} repeats an open_id")
        tokens[open_id] = token
    return tokens


class TikTokDisplay:
    """Counters of TikTok videos and accounts through one `PlatformHttp`, with per-account tokens."""

    def __init__(
        self,
        http: PlatformHttp,
        base_url: str,
        tokens: Mapping[str, str],
        refresh: Refresh | None = None,
    ) -> None:
        self._http = http
        self._base = base_url.rstrip("/")
        self._tokens = dict(tokens)
        self._refresh = refresh

    def videos(self, open_id: str, ids: Iterable[str], now: datetime) -> PullResult:
        """views, likes, comments and shares of each video of the account `open_id`."""
        valid, missing = reading.well_formed(ids, _VIDEO_ID)
        snapshots: list[Snapshot] = []
        if open_id not in self._tokens:
            for video_id in valid:
                video = reading.Item(PLATFORM, "content", video_id, now)
                snapshots.extend(video.unavailable(metric, NO_CREDENTIAL) for metric, _ in VIDEO_METRICS)
            return PullResult(tuple(snapshots), (), tuple(missing), errors.NoCredentials(TOKENS_VARIABLE))
        url = f"{self._base}/video/query/"
        batches = reading.chunks(valid, BATCH_SIZE)
        for index, batch in enumerate(batches):
            try:
                data = self._authorized(open_id, now, self._video_query(url, batch), endpoint_of("POST", url))
                videos = reading.list_field(data, "videos", f"{PLATFORM} video/query")
            except errors.PullError as error:
                later = [item_id for rest in batches[index:] for item_id in rest]
                return PullResult(tuple(snapshots), tuple(later), tuple(missing), error)
            seen: set[str] = set()
            for video_id, fields in reading.batch_items(videos, batch, seen, _as_id):
                video = reading.Item(PLATFORM, "content", video_id, now)
                snapshots.extend(video.count(metric, fields, name) for metric, name in VIDEO_METRICS)
            missing.extend(item_id for item_id in batch if item_id not in seen)
        return PullResult(tuple(snapshots), (), tuple(missing), None)

    def _video_query(self, url: str, batch: list[str]) -> Callable[[str], Any]:
        def request(token: str) -> Any:
            return self._http.post_json(
                url, {"filters": {"video_ids": batch}}, {"fields": VIDEO_FIELDS}, _bearer(token)
            )

        return request

    def users(self, open_ids: Iterable[str], now: datetime) -> PullResult:
        """followers of each account, each read with its own token."""
        wanted = reading.unique(open_ids)
        snapshots: list[Snapshot] = []
        refusal: errors.PullError | None = None
        url = f"{self._base}/user/info/"
        for position, open_id in enumerate(wanted):
            account = reading.Item(PLATFORM, "account", open_id, now)
            if open_id not in self._tokens:
                snapshots.append(account.unavailable("followers", NO_CREDENTIAL))
                refusal = refusal or errors.NoCredentials(TOKENS_VARIABLE)
                continue
            try:
                data = self._authorized(
                    open_id,
                    now,
                    lambda token: self._http.get_json(url, {"fields": USER_FIELDS}, _bearer(token)),
                    endpoint_of("GET", url),
                )
            except errors.Unauthorized as error:
                snapshots.append(account.unavailable("followers", CREDENTIAL_REFUSED))
                refusal = refusal or error
                continue
            except errors.Forbidden as error:
                snapshots.append(account.unavailable("followers", NOT_AUTHORIZED))
                refusal = refusal or error
                continue
            except errors.PullError as error:
                return PullResult(tuple(snapshots), tuple(wanted[position:]), (), error)
            user = reading.mapping(data.get("user"))
            snapshots.append(account.count("followers", user, "follower_count"))
        return PullResult(tuple(snapshots), (), (), refusal)

    def _authorized(
        self, open_id: str, now: datetime, request: Callable[[str], Any], endpoint: str
    ) -> dict[str, object]:
        """The `data` of `request(token)`; after a refused token, one refresh and one retry."""
        try:
            return _unwrap(_refused_as_unauthorized(request, self._tokens[open_id]), now, endpoint)
        except errors.Unauthorized:
            if self._refresh is None:
                raise
        token = self._refresh(open_id)
        self._tokens[open_id] = token
        return _unwrap(_refused_as_unauthorized(request, token), now, endpoint)


def _refused_as_unauthorized(request: Callable[[str], Any], token: str) -> Any:
    """`request(token)`, where a non-401 answer carrying `access_token_invalid` is a 401 too."""
    try:
        return request(token)
    except errors.Rejected as error:
        if error.reason == "access_token_invalid":
            raise errors.Unauthorized(
                error.message,
                status=error.status,
                reason=error.reason,
                endpoint=error.endpoint,
                attempts=error.attempts,
            ) from None
        raise


def _unwrap(body: Any, now: datetime, endpoint: str) -> dict[str, object]:
    """TikTok's envelope: `data` when `error.code` is "ok", else the failure the code names."""
    envelope = reading.object_body(body, PLATFORM)
    error = envelope.get("error")
    code = reading.mapping(error).get("code", "ok") if error is not None else "ok"
    if code != "ok":
        _raise_code(reading.mapping(error), now, endpoint)
    data = envelope.get("data")
    if not isinstance(data, dict):
        raise errors.MalformedResponse(
            f"{PLATFORM} answered without a `data` object", status=200, endpoint=endpoint
        )
    return data


def _raise_code(error: dict[str, object], now: datetime, endpoint: str) -> NoReturn:
    code = error.get("code")
    reason = code if isinstance(code, str) and _CODE.fullmatch(code) else None
    message = f"{PLATFORM} answered error {reason or 'with an unreadable code'}"
    words = errors.plain(error.get("message"))
    own = f"{reason or 'with an unreadable code'}" + (f" ({words})" if words else "")
    if reason == "access_token_invalid":
        raise errors.Unauthorized(message, status=200, reason=reason, endpoint=endpoint, own_error=own)
    if reason in ("scope_not_authorized", "scope_permission_missed"):
        raise errors.Forbidden(message, status=200, reason=reason, endpoint=endpoint, own_error=own)
    if reason == "rate_limit_exceeded":
        retry_at = now.timestamp() + RATE_LIMIT_PAUSE_SECONDS
        raise errors.RateLimited(
            message, retry_at=retry_at, status=200, reason=reason, endpoint=endpoint, own_error=own
        )
    if reason == "internal_error":
        raise errors.Unavailable(message, status=200, reason=reason, endpoint=endpoint, own_error=own)
    raise errors.Rejected(message, status=200, reason=reason, endpoint=endpoint, own_error=own)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _as_id(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value if isinstance(value, str) else ""
