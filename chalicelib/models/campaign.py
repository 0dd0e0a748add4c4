"""A campaign (contract section 4): the body clients send, and the stored campaign.

Validation happens here, at the boundary; chalicelib.models.validated turns its errors into
ValidationFailed with field paths such as `tracked.youtube.content.0` or `ends_at`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal
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
    create_model,
    field_validator,
    model_serializer,
    model_validator,
)
from pydantic_core import PydanticCustomError

from chalicelib.domain.events import PLATFORM_ORDER, SUPPORTED_TIMES, is_supported_time
from chalicelib.platforms import registry
from chalicelib.platforms.capabilities import IdShape, Tracking

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
Language = Literal["fr", "en"]


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


TrackedId = Annotated[str, Field(strict=True), AfterValidator(_tracked_id)]
_LIMIT = Field(max_length=MAX_IDS)
_DISTINCT = AfterValidator(_distinct)
AnyIds = Annotated[list[TrackedId], _LIMIT, _DISTINCT]


def shaped_ids(shape: IdShape | None) -> Any:
    """A list of ids of the platform's shape (its registry entry's), where its ids have a clear one;
    lenient enough for every real id."""
    if shape is None:
        return AnyIds
    check = _shaped(shape.pattern, shape.description)
    return Annotated[list[Annotated[TrackedId, AfterValidator(check)]], _LIMIT, _DISTINCT]


# Each tracked platform's account ids (an artist's accounts have the same shapes).
ACCOUNT_IDS: dict[str, Any] = {name: shaped_ids(tracking.accounts) for name, tracking in registry.tracked()}


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


def _tracked_model(name: str, tracking: Tracking) -> type[Tracked]:
    """What a campaign tracks on one platform, with that platform's id shapes."""
    if tracking.accounts is None and tracking.content is None:
        return Tracked
    return create_model(
        f"Tracked_{name}",
        __base__=Tracked,
        accounts=(shaped_ids(tracking.accounts), Field(default_factory=list)),
        content=(shaped_ids(tracking.content), Field(default_factory=list)),
    )


class _TrackedMap(BaseModel):
    """`tracked`: the registry's platforms by name (fields added below, one per tracked platform),
    and `standard:<source>` keys (held as extras)."""

    model_config = ConfigDict(extra="allow", frozen=True)
    __pydantic_extra__: dict[str, Tracked] = Field(init=False)

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


if TYPE_CHECKING:
    TrackedMap = _TrackedMap
else:
    TrackedMap = create_model(
        "TrackedMap",
        __base__=_TrackedMap,
        __doc__=_TrackedMap.__doc__,
        **{name: (_tracked_model(name, tracking) | None, None) for name, tracking in registry.tracked()},
    )


def _is_unknown_key(key: object) -> bool:
    if not isinstance(key, str) or key in TrackedMap.model_fields:
        return False
    source = key.removeprefix(STANDARD_PREFIX)
    return not key.startswith(STANDARD_PREFIX) or not STANDARD_SOURCE.fullmatch(source)


# Pushes (contract section 9) -----------------------------------------------------------------------

PUSH_KINDS: tuple[str, ...] = (
    "release",
    "single",
    "video",
    "post",
    "ad",
    "live",
    "playlist",
    "presave",
    "other",
)
PushKind = Literal["release", "single", "video", "post", "ad", "live", "playlist", "presave", "other"]
MAX_PUSHES = 100
# A push may come before its campaign's window (a pre-save, a teaser), by at most this much.
PUSH_LEAD = timedelta(days=30)
MAX_PUSH_PLATFORMS = 16
# Set by the service on stored pushes; a body may carry them (a GET's campaign can be PUT back).
PUSH_READ_ONLY_FIELDS: frozenset[str] = frozenset({"sequence", "updated_at"})


def _push_platform(value: str) -> str:
    if not _is_unknown_key(value):  # one of the eight, or standard:<source>
        return value
    raise ValueError(f"Must be one of {', '.join(PLATFORM_ORDER)} or standard:<source>.")


class _DuplicatePushId:
    """Stands for the push_id of a push whose push_id an earlier push of the list already has."""

    def __init__(self, push_id: str, first: int) -> None:
        self.push_id = push_id
        self.first = first


class _InWindow:
    """Stands for a push's `at` together with the campaign window it must fall in."""

    def __init__(self, raw: Any, starts_at: datetime, ends_at: datetime) -> None:
        self.raw = raw
        self.starts_at = starts_at
        self.ends_at = ends_at


def _not_a_duplicate(value: Any) -> Any:
    if isinstance(value, _DuplicatePushId):
        raise PydanticCustomError(
            "duplicate",
            "Duplicate push_id {push_id}: pushes.{first} has it already.",
            {"push_id": value.push_id, "first": value.first},
        )
    return value


def _push_instant(value: Any) -> datetime:
    """`at`: an instant, in [starts_at - 30 days, ends_at) when the window itself is valid."""
    if not isinstance(value, _InWindow):
        return _instant(value)
    at = _instant(value.raw)
    earliest = value.starts_at - PUSH_LEAD
    if not earliest <= at < value.ends_at:
        raise PydanticCustomError(
            "outside_window",
            "Must be from {earliest} (starts_at - {days} days) to before ends_at ({ends_at}).",
            {"earliest": earliest.isoformat(), "days": PUSH_LEAD.days, "ends_at": value.ends_at.isoformat()},
        )
    return at


def _mark_pushes(value: Any, info: ValidationInfo) -> Any:
    """Give each push what only the list and the campaign know, as markers its own fields check:
    a push_id seen earlier in the list, and the campaign's window for `at`. So a duplicate or a push
    outside the window is reported under its own path (`pushes.3.push_id`, `pushes.3.at`) in the same
    pass as every other error (a check of the whole list would run only once every push is valid)."""
    if not isinstance(value, list):
        return value
    starts_at, ends_at = info.data.get("starts_at"), info.data.get("ends_at")
    first: dict[str, int] = {}
    marked: list[Any] = []
    for index, push in enumerate(value):
        if not isinstance(push, dict):
            marked.append(push)
            continue
        changes: dict[str, Any] = {}
        push_id = push.get("push_id")
        if isinstance(push_id, str) and push_id in first:
            changes["push_id"] = _DuplicatePushId(push_id, first[push_id])
        elif isinstance(push_id, str):
            first[push_id] = index
        if isinstance(starts_at, datetime) and isinstance(ends_at, datetime) and "at" in push:
            changes["at"] = _InWindow(push["at"], starts_at, ends_at)
        marked.append({**push, **changes})
    return marked


def _distinct_platforms(platforms: list[str]) -> list[str]:
    for index, platform in enumerate(platforms):
        if platform in platforms[:index]:
            raise PydanticCustomError("duplicate", "Duplicate platform {p}.", {"p": platform, "at": index})
    return platforms


PushId = Annotated[str, Field(strict=True), AfterValidator(_slug), BeforeValidator(_not_a_duplicate)]
PushPlatform = Annotated[str, Field(strict=True, max_length=80), AfterValidator(_push_platform)]
PushPlatforms = Annotated[
    list[PushPlatform],
    Field(min_length=1, max_length=MAX_PUSH_PLATFORMS),
    AfterValidator(_distinct_platforms),
]


class PushBody(BaseModel):
    """A push as a client sends it: `{push_id, at, platforms, kind, title}`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    push_id: PushId
    at: Annotated[datetime, BeforeValidator(_push_instant)]
    platforms: PushPlatforms
    kind: PushKind
    title: Name

    def same_as(self, other: PushBody) -> bool:
        """Whether the two say the same thing (a calendar entry that need not be sent again)."""
        return (self.at, tuple(self.platforms), self.kind, self.title) == (
            other.at,
            tuple(other.platforms),
            other.kind,
            other.title,
        )


class Push(PushBody):
    """A stored push: the body plus what the service keeps. `sequence` grows by one each time the
    push changes (iCalendar's SEQUENCE); `updated_at` is when it last changed (DTSTAMP)."""

    sequence: Annotated[int, Field(strict=True, ge=0)] = 0
    updated_at: Instant | None = None


def stamp_pushes(submitted: list[PushBody], previous: list[Push], now: datetime) -> list[Push]:
    """The pushes to store: a push unchanged since `previous` keeps its sequence and time; a changed
    one gets the next sequence and `now`; a new one starts at 0."""
    before = {push.push_id: push for push in previous}
    stamped = []
    for push in submitted:
        old = before.get(push.push_id)
        if old is not None and old.same_as(push):
            sequence, updated_at = old.sequence, old.updated_at or now
        else:
            sequence, updated_at = (old.sequence + 1 if old is not None else 0), now
        stamped.append(Push(**dict(push), sequence=sequence, updated_at=updated_at))
    return stamped


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
    pushes: Annotated[list[PushBody], Field(max_length=MAX_PUSHES), BeforeValidator(_mark_pushes)] = Field(
        default_factory=list
    )
    # The language of its summaries (contract section 10); unset: its registered artist's, else English.
    language: Language | None = Field(default=None, exclude_if=lambda value: value is None)
    # A body's pushes drop the fields the service sets; a stored campaign's keep them.
    _keeps_push_bookkeeping: ClassVar[bool] = False

    @field_validator("pushes", mode="before")
    @classmethod
    def _writable_pushes(cls, value: Any) -> Any:
        if cls._keeps_push_bookkeeping or not isinstance(value, list):
            return value
        return [
            {k: v for k, v in push.items() if k not in PUSH_READ_ONLY_FIELDS}
            if isinstance(push, dict)
            else push
            for push in value
        ]

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

    # Stored pushes carry their sequence and change time (a Push is a PushBody; lists are invariant).
    pushes: Annotated[list[Push], Field(max_length=MAX_PUSHES), BeforeValidator(_mark_pushes)] = Field(
        default_factory=list
    )  # type: ignore[assignment]
    archived: bool = False
    created_at: Instant
    updated_at: Instant
    _keeps_push_bookkeeping: ClassVar[bool] = True

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
