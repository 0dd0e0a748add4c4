"""Spotify Web API counters: artists' `followers` and `popularity`, 50 ids a request.

`GET {api}/artists?ids=<<= 50 ids>` with a client-credentials bearer token from `POST {auth}/api/token`
(`ClientCredentials`: cached, one refresh and one retry on a 401). `followers.total` -> `followers`,
`popularity` -> `popularity`. An id Spotify answers `null` for is missing; an id that is not a
22-character base-62 Spotify id is never sent (Spotify would refuse the whole request) and is missing too.

Since 2026-03-09 only extended-quota apps get these counters: a development-mode app gets a 403 or
artists without the fields. That is a documented state, not a crash: on a 403 every requested artist
gets both metrics as unavailable with the reason (and no further request is made), and a field left
out is unavailable with the same reason. Either way the result's `error` is the refusal (a
`Forbidden`, with nothing left to read), so that the platform's `last_error` says it. Other failures
stop the pull and return the ids left.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from chalicelib.pulls.errors import Forbidden, PullError
from chalicelib.pulls.http import endpoint_of
from chalicelib.pulls.reading import Item, batch_items, chunks, list_field, mapping, object_body, well_formed
from chalicelib.pulls.snapshots import PullResult, Snapshot
from chalicelib.pulls.tokens import ClientCredentialsApi

PLATFORM = "spotify"
BATCH_SIZE = 50
METRICS = ("followers", "popularity")

NO_QUOTA_FORBIDDEN = (
    "Spotify returns no follower counts or popularity for apps without extended quota (HTTP 403)"
)
NO_QUOTA_MISSING = "Spotify returns no follower counts or popularity for apps without extended quota"
REFUSAL = "Apps without extended quota get no follower counts or popularity from Spotify"

_ID = re.compile(r"[0-9A-Za-z]{22}")


class Spotify(ClientCredentialsApi):
    """Counters of Spotify artists through one `PlatformHttp`."""

    platform = PLATFORM
    grant_path = "/api/token"
    secrets = ("SPOTIFY_CLIENT_ID", "SPOTIFY_CLIENT_SECRET")

    def artists(self, ids: Iterable[str], now: datetime) -> PullResult:
        """followers and popularity of each artist."""
        valid, missing = well_formed(ids, _ID)
        snapshots: list[Snapshot] = []
        refusal: PullError | None = None
        batches = chunks(valid, BATCH_SIZE)
        for index, batch in enumerate(batches):
            try:
                body = object_body(self._credentials.call(self._getter(batch)), f"{PLATFORM} artists")
                artists = list_field(body, "artists", f"{PLATFORM} artists")
            except Forbidden as error:
                for refused in (item_id for rest in batches[index:] for item_id in rest):
                    artist = Item(PLATFORM, "account", refused, now)
                    snapshots.extend(artist.unavailable(metric, NO_QUOTA_FORBIDDEN) for metric in METRICS)
                error.detail = REFUSAL
                return PullResult(tuple(snapshots), (), tuple(missing), error)
            except PullError as error:
                later = [item_id for rest in batches[index:] for item_id in rest]
                return PullResult(tuple(snapshots), tuple(later), tuple(missing), error)
            seen: set[str] = set()
            for artist_id, fields in batch_items(artists, batch, seen):
                read = _artist_snapshots(artist_id, fields, now)
                snapshots.extend(read)
                if refusal is None and any(s.unavailable == NO_QUOTA_MISSING for s in read):
                    refusal = self._left_out()
            missing.extend(item_id for item_id in batch if item_id not in seen)
        return PullResult(tuple(snapshots), (), tuple(missing), refusal)

    def _left_out(self) -> Forbidden:
        """The quiet refusal: artists answered without their counters."""
        return Forbidden(
            f"GET {PLATFORM} artists answered without followers or popularity",
            status=200,
            endpoint=endpoint_of("GET", f"{self._api}/artists"),
            detail=f"It left out the counters: {REFUSAL[0].lower()}{REFUSAL[1:]}",
        )

    def _getter(self, batch: list[str]) -> Callable[[str], Any]:
        def get(token: str) -> Any:
            return self._http.get_json(
                f"{self._api}/artists", {"ids": ",".join(batch)}, {"Authorization": f"Bearer {token}"}
            )

        return get


def _artist_snapshots(artist_id: str, fields: dict[str, object], at: datetime) -> list[Snapshot]:
    artist = Item(PLATFORM, "account", artist_id, at)
    return [
        artist.count("followers", mapping(fields.get("followers")), "total", absent=NO_QUOTA_MISSING),
        artist.count("popularity", fields, "popularity", absent=NO_QUOTA_MISSING),
    ]
