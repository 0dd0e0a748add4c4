"""Engagement units: how much each kind of event weighs. Versioned and dated, because there is no
industry standard and the weights a label uses change (as the album-equivalent unit did in 2014,
2018 and 2026). A deployment may set its own table with ENGAGEMENT_WEIGHTS (JSON, same shape).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from chalicelib.domain.events import KINDS
from chalicelib.errors import ConfigurationError


@dataclass(frozen=True, slots=True)
class WeightTable:
    version: str
    effective_from: date
    source: str
    kinds: dict[str, float]

    def units(self, events: dict[str, int]) -> float:
        return round(sum(self.kinds.get(kind, 0.0) * count for kind, count in events.items()), 4)

    def as_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "effective_from": self.effective_from.isoformat(),
            "source": self.source,
            "kinds": dict(sorted(self.kinds.items())),
        }


# Effort-weighted: a comment or a share asks more of a fan than a like; lifecycle events weigh 0.
DEFAULT_WEIGHTS = WeightTable(
    version="et-2026.1",
    effective_from=date(2026, 11, 26),
    source="engagement-tracker default: effort-weighted (like/reaction 1, click 1, follow 2, comment/reply/"
    "mention 3, share/repost/quote 4, presave 5, unfollow -2, lifecycle 0)",
    kinds={
        "like": 1.0,
        "reaction": 1.0,
        "click": 1.0,
        "follow": 2.0,
        "unfollow": -2.0,
        "comment": 3.0,
        "reply": 3.0,
        "mention": 3.0,
        "share": 4.0,
        "repost": 4.0,
        "quote": 4.0,
        "presave": 5.0,
        "content_published": 0.0,
        "content_updated": 0.0,
        "content_removed": 0.0,
        "other": 0.0,
    },
)


def parse_weights(raw: str) -> WeightTable:
    """ENGAGEMENT_WEIGHTS: {"version", "effective_from": "YYYY-MM-DD", "source", "kinds": {kind: n}}."""
    try:
        document = json.loads(raw)
        kinds = {str(k): float(v) for k, v in document["kinds"].items()}
        table = WeightTable(
            version=str(document["version"]),
            effective_from=date.fromisoformat(document["effective_from"]),
            source=str(document.get("source", "deployment")),
            kinds=kinds,
        )
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise ConfigurationError(
            f"ENGAGEMENT_WEIGHTS is not a weight table: {type(error).__name__}."
        ) from None
    unknown = sorted(set(kinds) - KINDS)
    if unknown or not table.version:
        raise ConfigurationError(f"ENGAGEMENT_WEIGHTS names unknown kinds: {', '.join(unknown)}.")
    return table
