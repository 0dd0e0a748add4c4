"""Summaries built from a tally, for the tests of the summary builder and what it derives (attention,
rates, top content, moderation figures)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from chalicelib.domain.rollups import Tally
from chalicelib.domain.summary import Summary, SummaryInput, build_summary
from chalicelib.domain.weights import DEFAULT_WEIGHTS
from tests.campaigns import campaign_dict


def campaign_fields(**changes: Any) -> dict[str, Any]:
    """The campaign's fields as a summary shows them."""
    return campaign_dict(
        **{"campaign_id": "c", "name": "Campaign", "tracked": {}, "archived": False, **changes}
    )


def built(
    tally: Tally,
    starts_at: datetime,
    ends_at: datetime,
    generated_at: datetime,
    tracked: dict[str, Any] | None = None,
    **extra: Any,
) -> Summary:
    """The summary of a campaign in Paris over the window, tracking `tracked` (by default on X and
    YouTube, the campaign's fields those of the window); `extra` sets any other field of its input."""
    window = {"starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()}
    return build_summary(
        SummaryInput(
            campaign=extra.pop("campaign", campaign_fields(tracked=tracked or {}, **window)),
            platforms=extra.pop("platforms", ("x", "youtube")),
            starts_at=starts_at,
            ends_at=ends_at,
            timezone="Europe/Paris",
            generated_at=generated_at,
            tally=tally,
            weights=DEFAULT_WEIGHTS,
            **extra,
        )
    )


def built_a_day_in(tally: Tally, start: datetime, tracked: dict[str, Any], **extra: Any) -> Summary:
    """The summary a day into a two-day window from `start`, of a campaign tracking `tracked`."""
    one_day = timedelta(days=1)
    return built(tally, start, start + 2 * one_day, start + one_day, tracked, **extra)
