"""The talent radar's bodies (contract section 13): a watched artist and a backfill of readings.

Account ids take a campaign's shapes for the same platform (contract section 4), through the campaign
model's own id types: an id the radar watches is an id the roster could hold, so "already signed" is
one lookup of the same (platform, id) keys.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    create_model,
    model_serializer,
)

from chalicelib.domain.radar import RADAR_PLATFORMS
from chalicelib.domain.roster import AccountKey
from chalicelib.models.campaign import ACCOUNT_IDS, Instant, Name, Slug

MAX_READINGS = 10_000
MAX_ACCOUNTS_PER_PLATFORM = 10


class _Accounts(BaseModel):
    """Per watched platform, the artist's public accounts; unknown platforms are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_serializer(mode="wrap")
    def _present_only(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return {key: value for key, value in handler(self).items() if value is not None}

    def pairs(self) -> list[AccountKey]:
        """Every (platform, account_id), platforms in the registry's order."""
        return [(p, account_id) for p in RADAR_PLATFORMS for account_id in (getattr(self, p) or [])]

    def path_of(self, key: AccountKey) -> str:
        platform, account_id = key
        ids: list[str] = getattr(self, platform) or []
        return f"accounts.{platform}.{ids.index(account_id)}" if account_id in ids else "accounts"


# One optional list per platform the radar watches, of that platform's account id shape (a campaign's:
# an id the radar watches is an id the roster could hold).
if TYPE_CHECKING:
    RadarAccounts = _Accounts
else:
    RadarAccounts = create_model(
        "RadarAccounts",
        __base__=_Accounts,
        **{
            platform: (
                Annotated[ACCOUNT_IDS[platform], Field(max_length=MAX_ACCOUNTS_PER_PLATFORM)] | None,
                None,
            )
            for platform in RADAR_PLATFORMS
        },
    )


def _watched_platform(value: str) -> str:
    if value not in RADAR_PLATFORMS:
        raise ValueError(f"Must be one of {', '.join(RADAR_PLATFORMS)}.")
    return value


RadarPlatform = Annotated[str, Field(strict=True), AfterValidator(_watched_platform)]


class WatchBody(BaseModel):
    """`POST /radar/artists`. Unknown fields are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    radar_id: Slug
    label: Slug
    name: Name
    accounts: RadarAccounts


class WatchedArtist(WatchBody):
    """A watched artist as stored: the body, when it was added, platforms found gone (404), and the
    latest score the radar job stored (`score` as `GET /radar/artists` shows it)."""

    created_at: Instant
    gone: dict[str, str] = Field(default_factory=dict)  # platform -> day (UTC) it answered 404
    score: dict[str, Any] | None = None

    def public(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class ReadingIn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    radar_id: Slug
    platform: RadarPlatform
    at: Instant
    audience: Annotated[int, Field(strict=True, ge=0, le=10**12)]


class ReadingsBody(BaseModel):
    """`POST /radar/readings`: at most 10,000 readings a call."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    readings: Annotated[list[ReadingIn], Field(min_length=1, max_length=MAX_READINGS)]


def utc_day(at: datetime) -> str:
    return at.astimezone(UTC).date().isoformat()
