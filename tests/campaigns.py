"""Campaign bodies (contract section 4) for tests of every layer.

`campaign_dict(**changes)` is Indochine's tour launch for columbia-fr in Paris, November to December
2026, tracking a YouTube channel and video and a Linkfire link; each change replaces a whole field.
`open_window(now)` gives the `starts_at` and `ends_at` of a campaign running at `now`."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any


def campaign_dict(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "campaign_id": "indochine-13-tour",
        "name": "Indochine: 13 tour launch",
        "label": "columbia-fr",
        "artist": "indochine",
        "starts_at": "2026-11-20T00:00:00+01:00",
        "ends_at": "2026-12-20T00:00:00+01:00",
        "timezone": "Europe/Paris",
        "tracked": {
            "youtube": {"accounts": ["UCxxxxxxxxxxxxxxxxxxxxxx"], "content": ["dQw4w9WgXcQ"]},
            "standard:linkfire": {"content": ["indochine-13"]},
        },
    }
    body.update(changes)
    return body


def open_window(
    now: datetime, since: timedelta = timedelta(days=1), until: timedelta = timedelta(days=10)
) -> dict[str, str]:
    """A window that opened `since` before `now` and closes `until` after it."""
    return {"starts_at": (now - since).isoformat(), "ends_at": (now + until).isoformat()}
