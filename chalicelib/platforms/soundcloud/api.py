"""SoundCloud API counters: tracks and users by URN, with a cached client-credentials token.

- `GET {api}/tracks/{urn}` -> `plays` (playback_count), `likes` (favoritings_count, else likes_count),
  `reposts` (reposts_count), `comments` (comment_count).
- `GET {api}/users/{urn}` -> `followers` (followers_count).

URNs look like `soundcloud:tracks:456` and `soundcloud:users:123`; they are URL-encoded in the path
(`soundcloud%3Atracks%3A456`). One request per item: these are single-object endpoints, so no list and
no `next_href` pagination is involved. A URN of the wrong shape is never sent and counts as missing,
like one SoundCloud answers 404 for (deleted or private). Any other failure stops the pull and returns
the URNs left.

Requests carry `Authorization: OAuth <token>`; the token comes from `POST {auth}/oauth/token` (client
credentials in HTTP Basic auth) through `ClientCredentials`, cached in `token_cache` until shortly
before it expires (SoundCloud allows about 50 tokens per 12 h per app). A 401 refreshes the token
once and retries once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any
from urllib.parse import quote

from chalicelib.pulls.errors import PullError, Rejected
from chalicelib.pulls.reading import Item, object_body, unique
from chalicelib.pulls.snapshots import PullResult, Snapshot
from chalicelib.pulls.tokens import ClientCredentialsApi

PLATFORM = "soundcloud"

_TRACK_URN = re.compile(r"soundcloud:tracks:[0-9]{1,20}")
_USER_URN = re.compile(r"soundcloud:users:[0-9]{1,20}")

ReadItem = Callable[[str, dict[str, object], datetime], list[Snapshot]]


class SoundCloud(ClientCredentialsApi):
    """Counters of SoundCloud tracks and users through one `PlatformHttp`."""

    platform = PLATFORM
    grant_path = "/oauth/token"
    secrets = ("SOUNDCLOUD_CLIENT_ID", "SOUNDCLOUD_CLIENT_SECRET")

    def tracks(self, urns: Iterable[str], now: datetime) -> PullResult:
        """plays, likes, reposts and comments of each track."""
        return self._pull("tracks", _TRACK_URN, urns, now, _track_snapshots)

    def users(self, urns: Iterable[str], now: datetime) -> PullResult:
        """followers of each user."""
        return self._pull("users", _USER_URN, urns, now, _user_snapshots)

    def _pull(
        self, resource: str, shape: re.Pattern[str], urns: Iterable[str], now: datetime, read: ReadItem
    ) -> PullResult:
        wanted = unique(urns)
        valid = [urn for urn in wanted if shape.fullmatch(urn)]
        missing = [urn for urn in wanted if not shape.fullmatch(urn)]
        snapshots: list[Snapshot] = []
        for position, urn in enumerate(valid):
            url = f"{self._api}/{resource}/{quote(urn, safe='')}"
            try:
                body = object_body(self._credentials.call(self._getter(url)), f"{PLATFORM} {resource}")
            except Rejected as error:
                if error.status == 404:
                    missing.append(urn)
                    continue
                return PullResult(tuple(snapshots), tuple(valid[position:]), tuple(missing), error)
            except PullError as error:
                return PullResult(tuple(snapshots), tuple(valid[position:]), tuple(missing), error)
            snapshots.extend(read(urn, body, now))
        return PullResult(tuple(snapshots), (), tuple(missing), None)

    def _getter(self, url: str) -> Callable[[str], Any]:
        def get(token: str) -> Any:
            return self._http.get_json(url, headers={"Authorization": f"OAuth {token}"})

        return get


def _track_snapshots(urn: str, fields: dict[str, object], at: datetime) -> list[Snapshot]:
    track = Item(PLATFORM, "content", urn, at)
    likes = "favoritings_count" if fields.get("favoritings_count") is not None else "likes_count"
    return [
        track.count("plays", fields, "playback_count"),
        track.count("likes", fields, likes),
        track.count("reposts", fields, "reposts_count"),
        track.count("comments", fields, "comment_count"),
    ]


def _user_snapshots(urn: str, fields: dict[str, object], at: datetime) -> list[Snapshot]:
    return [Item(PLATFORM, "account", urn, at).count("followers", fields, "followers_count")]
