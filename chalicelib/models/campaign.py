"""A campaign (contract section 4): the body clients send, and the stored campaign.

Validation happens here, at the boundary; chalicelib.models.validated turns its errors into
ValidationFailed with field paths such as `tracked.youtube.content.0` or `ends_at`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    SerializerFunctionWrapHandler,
    ValidationInfo,
    field_validator,
    model_serializer,
    model_validator,
)
from pydantic_core import PydanticCustomError

from chalicelib.domain.events import PLATFORM_ORDER, SUPPORTED_TIMES, is_supported_time

STANDARD_PREFIX = "standard:"
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
STANDARD_SOURCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
MAX_IDS = 500
MAX_ID_BYTES = 512
MAX_WINDOW = timedelta(days=366)
# A DynamoDB item holds at most 400 KB; the campaign is stored as one JSON attribute.
MAX_STORED_BYTES = 350_000
# Fields the service sets; a body may carry them (a GET's campaign can be PUT back) but they are ignored.
READ_ONLY_FIELDS: frozenset[str] = frozenset({"archived", "created_at", "updated_at"})


# Scalars -----------------------------------------------------------------------------------------


def _slug(value: str) -> str:
    if not SLUG.fullmatch(value):
        raise ValueError("Must be 1 to 64 lower-case letters, digits or hyphens, not starting with a hyphen.")
    return value


def _utf8(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("Must be valid Unicode text.") from None
    return value


def _text(value: str) -> str:
    if not value.strip():
        raise ValueError("Must not be blank.")
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        raise ValueError("Must not contain control characters.")
    return _utf8(value)


def _instant(value: Any) -> datetime:
    example = "an ISO 8601 date-time with an offset, e.g. 2026-11-20T00:00:00+01:00"
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"Must be {example}.") from None
    elif isinstance(value, datetime):
        parsed = value
    else:
        raise ValueError(f"Must be {example}.")  # noqa: TRY004 (pydantic reports ValueError, not TypeError)
    if parsed.utcoffset() is None:
        raise ValueError(f"Must have an offset: {example}.")
    if not is_supported_time(parsed):
        raise ValueError(f"Must be {SUPPORTED_TIMES}.")
    return parsed


def _timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (KeyError, ValueError, OSError):  # ZoneInfoNotFoundError is a KeyError
        raise ValueError("Must be an IANA time zone name, e.g. Europe/Paris.") from None
    return value


Slug = Annotated[str, Field(strict=True), AfterValidator(_slug)]
Name = Annotated[str, Field(strict=True, min_length=1, max_length=200), AfterValidator(_text)]
Artist = Annotated[str, Field(strict=True, min_length=1, max_length=100), AfterValidator(_text)]
Instant = Annotated[datetime, BeforeValidator(_instant)]
Timezone = Annotated[str, Field(strict=True, max_length=64), AfterValidator(_timezone)]


# Tracked ids -------------------------------------------------------------------------------------


def _tracked_id(value: str) -> str:
    if not value:
        raise ValueError("Must not be empty.")
    if value != value.strip():
        raise ValueError("Must not start or end with whitespace.")
    if len(_utf8(value).encode("utf-8")) > MAX_ID_BYTES:
        raise ValueError(f"Must be at most {MAX_ID_BYTES} bytes in UTF-8.")
    return value


def _shaped(pattern: str, shape: str) -> Callable[[str], str]:
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError(f"Must be {shape}.")
        return value

    return check


def _distinct(ids: list[str]) -> list[str]:
    seen: set[str] = set()
    for index, value in enumerate(ids):
        if value in seen:
            raise PydanticCustomError("duplicate", "Duplicate id {id}.", {"id": value, "at": index})
        seen.add(value)
    return ids


# Platform id shapes where the platform's ids have a clear one; lenient enough for every real id.
_DIGITS = r"[0-9]{1,32}"
_numeric = _shaped(_DIGITS, "a numeric id")
_facebook_post = _shaped(rf"{_DIGITS}(_{_DIGITS})?", "a numeric id or <page id>_<post id>")
_youtube_channel = _shaped(r"UC[A-Za-z0-9_-]{22}", "a channel id: UC and 22 letters, digits, - or _")
_youtube_video = _shaped(r"[A-Za-z0-9_-]{11}", "a video id: 11 letters, digits, - or _")
_spotify = _shaped(r"[A-Za-z0-9]{22}", "a Spotify id: 22 letters or digits")
_soundcloud_user = _shaped(rf"(soundcloud:users:)?{_DIGITS}", "soundcloud:users:<digits> or digits")
_soundcloud_content = _shaped(
    rf"(soundcloud:(tracks|playlists):)?{_DIGITS}", "soundcloud:tracks:<digits> or digits"
)

TrackedId = Annotated[str, Field(strict=True), AfterValidator(_tracked_id)]
_LIMIT = Field(max_length=MAX_IDS)
_DISTINCT = AfterValidator(_distinct)
AnyIds = Annotated[list[TrackedId], _LIMIT, _DISTINCT]
DigitIds = Annotated[list[Annotated[TrackedId, AfterValidator(_numeric)]], _LIMIT, _DISTINCT]
FacebookPostIds = Annotated[list[Annotated[TrackedId, AfterValidator(_facebook_post)]], _LIMIT, _DISTINCT]
YouTubeChannelIds = Annotated[list[Annotated[TrackedId, AfterValidator(_youtube_channel)]], _LIMIT, _DISTINCT]
YouTubeVideoIds = Annotated[list[Annotated[TrackedId, AfterValidator(_youtube_video)]], _LIMIT, _DISTINCT]
SpotifyIds = Annotated[list[Annotated[TrackedId, AfterValidator(_spotify)]], _LIMIT, _DISTINCT]
SoundCloudUserIds = Annotated[list[Annotated[TrackedId, AfterValidator(_soundcloud_user)]], _LIMIT, _DISTINCT]
SoundCloudContentIds = Annotated[
    list[Annotated[TrackedId, AfterValidator(_soundcloud_content)]], _LIMIT, _DISTINCT
]


class _UnknownKey:
    """Stands for the value of a `tracked` key that is neither a platform nor `standard:<source>`."""


_UNKNOWN_KEY = _UnknownKey()


class Tracked(BaseModel):
    """What a campaign tracks on one platform: its accounts and its content (both optional)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _not_under_an_unknown_key(cls, data: Any) -> Any:
        if data is _UNKNOWN_KEY:
            raise PydanticCustomError(
                "unknown_platform",
                "Unknown key: expected one of {platforms} or standard:<source> (source: 1 to 64 "
                "letters, digits, '.', '_' or '-', starting with a letter or digit).",
                {"platforms": ", ".join(PLATFORM_ORDER)},
            )
        return data

    accounts: AnyIds = Field(default_factory=list)
    content: AnyIds = Field(default_factory=list)
    _account_set: frozenset[str] = PrivateAttr(default=frozenset())
    _content_set: frozenset[str] = PrivateAttr(default=frozenset())

    def model_post_init(self, context: Any, /) -> None:
        self._account_set = frozenset(self.accounts)
        self._content_set = frozenset(self.content)

    def has_account(self, account_id: str) -> bool:
        return account_id in self._account_set

    def has_content(self, content_id: str) -> bool:
        return content_id in self._content_set


class FacebookTracked(Tracked):
    accounts: DigitIds = Field(default_factory=list)
    content: FacebookPostIds = Field(default_factory=list)


class DigitsTracked(Tracked):  # Instagram, X, Deezer: numeric ids
    accounts: DigitIds = Field(default_factory=list)
    content: DigitIds = Field(default_factory=list)


class YouTubeTracked(Tracked):
    accounts: YouTubeChannelIds = Field(default_factory=list)
    content: YouTubeVideoIds = Field(default_factory=list)


class SpotifyTracked(Tracked):
    accounts: SpotifyIds = Field(default_factory=list)
    content: SpotifyIds = Field(default_factory=list)


class SoundCloudTracked(Tracked):
    accounts: SoundCloudUserIds = Field(default_factory=list)
    content: SoundCloudContentIds = Field(default_factory=list)


class TrackedMap(BaseModel):
    """`tracked`: the eight platforms by name, and `standard:<source>` keys (held as extras)."""

    model_config = ConfigDict(extra="allow", frozen=True)
    __pydantic_extra__: dict[str, Tracked] = Field(init=False)

    facebook: FacebookTracked | None = None
    instagram: DigitsTracked | None = None
    x: DigitsTracked | None = None
    youtube: YouTubeTracked | None = None
    tiktok: Tracked | None = None
    spotify: SpotifyTracked | None = None
    soundcloud: SoundCloudTracked | None = None
    deezer: DigitsTracked | None = None

    @model_validator(mode="before")
    @classmethod
    def _mark_unknown_keys(cls, data: Any) -> Any:
        """An unknown key's value becomes a marker that Tracked refuses, so each unknown key is
        reported in the same pass as every other error of the body (an "after" validator would run
        only once everything else was valid)."""
        if not isinstance(data, dict):
            return data
        return {key: _UNKNOWN_KEY if _is_unknown_key(key) else value for key, value in data.items()}

    @model_serializer(mode="wrap")
    def _present_only(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return {key: value for key, value in handler(self).items() if value is not None}

    def get(self, platform: str) -> Tracked | None:
        if platform in PLATFORM_ORDER:
            value: Tracked | None = getattr(self, platform)
            return value
        return (self.__pydantic_extra__ or {}).get(platform)

    def entries(self) -> list[tuple[str, Tracked]]:
        """(platform, tracked) for every platform present: the eight in order, then standard sources."""
        named = [(p, t) for p in PLATFORM_ORDER if (t := getattr(self, p)) is not None]
        return named + sorted((self.__pydantic_extra__ or {}).items())


def _is_unknown_key(key: object) -> bool:
    if not isinstance(key, str) or key in TrackedMap.model_fields:
        return False
    source = key.removeprefix(STANDARD_PREFIX)
    return not key.startswith(STANDARD_PREFIX) or not STANDARD_SOURCE.fullmatch(source)


# The campaign --------------------------------------------------------------------------------------


class CampaignBody(BaseModel):
    """What a client sends to create or replace a campaign. Unknown fields are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    campaign_id: Slug
    name: Name
    label: Slug
    artist: Artist  # free text (a display name such as "Indochine" or a slug such as "indochine")
    starts_at: Instant
    ends_at: Instant
    timezone: Timezone
    tracked: TrackedMap

    @field_validator("ends_at")
    @classmethod
    def _window(cls, ends_at: datetime, info: ValidationInfo) -> datetime:
        starts_at = info.data.get("starts_at")
        if isinstance(starts_at, datetime):
            if ends_at <= starts_at:
                raise ValueError("Must be after starts_at.")
            if ends_at - starts_at > MAX_WINDOW:
                raise ValueError(f"The window from starts_at must be at most {MAX_WINDOW.days} days.")
        return ends_at

    @model_validator(mode="after")
    def _storable(self) -> CampaignBody:
        if len(self.model_dump_json()) > MAX_STORED_BYTES:
            raise PydanticCustomError(
                "too_large",
                "The campaign is over {limit} bytes as JSON.",
                {"limit": MAX_STORED_BYTES, "at": "tracked"},
            )
        return self


class Campaign(CampaignBody):
    """A stored campaign: the body plus what the service keeps (archived, created_at, updated_at)."""

    archived: bool = False
    created_at: Instant
    updated_at: Instant

    def is_active(self, now: datetime) -> bool:
        """The window [starts_at, ends_at) contains now and the campaign is not archived."""
        return not self.archived and self.starts_at <= now < self.ends_at

    def tracks(self, platform: str, account_id: str, content_id: str) -> bool:
        """Attribution, apart from the window: the platform's content or accounts hold the ids."""
        tracked = self.tracked.get(platform)
        return tracked is not None and (tracked.has_content(content_id) or tracked.has_account(account_id))

    def public(self) -> dict[str, Any]:
        """The campaign as the API shows it (and as it is stored)."""
        return self.model_dump(mode="json")
