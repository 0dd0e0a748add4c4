"""An artist of the roster (contract section 8): the body clients send, and the stored artist.

Account ids take the shapes of a campaign's tracked accounts (contract section 4): the id lists are the
campaign model's own types, so an id a campaign may track is an id an artist may hold, and back.
Errors name paths such as `accounts.youtube.0`, through chalicelib.models.validated.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    create_model,
    model_serializer,
    model_validator,
)
from pydantic_core import PydanticCustomError

from chalicelib.domain.events import PLATFORM_ORDER, PLATFORMS
from chalicelib.domain.roster import AccountKey
from chalicelib.models.campaign import (
    ACCOUNT_IDS,
    STANDARD_PREFIX,
    STANDARD_SOURCE,
    AnyIds,
    Instant,
    Name,
    Slug,
)

# Registering, changing or archiving an artist is one DynamoDB transaction (at most 100 writes): the
# artist and an owner item per account claimed or released. A change may release every account and
# claim as many new ones: 1 + 2 x 40 writes.
MAX_ACCOUNTS = 40
# Fields the service sets; a body may carry them (a GET's artist can be PUT back) but they are ignored.
READ_ONLY_FIELDS: frozenset[str] = frozenset({"archived", "created_at", "updated_at"})


class _UnknownPlatform:
    """Stands for the value of an `accounts` key that is neither a platform nor `standard:<source>`."""


_UNKNOWN_PLATFORM = _UnknownPlatform()


def _known_platform(value: Any) -> Any:
    if value is _UNKNOWN_PLATFORM:
        raise PydanticCustomError(
            "unknown_platform",
            "Unknown key: expected one of {platforms} or standard:<source> (source: 1 to 64 "
            "letters, digits, '.', '_' or '-', starting with a letter or digit).",
            {"platforms": ", ".join(PLATFORM_ORDER)},
        )
    return value


def _is_platform_key(key: object) -> bool:
    if not isinstance(key, str):
        return False
    return key in PLATFORMS or (
        key.startswith(STANDARD_PREFIX) and bool(STANDARD_SOURCE.fullmatch(key.removeprefix(STANDARD_PREFIX)))
    )


StandardAccountIds = Annotated[AnyIds, BeforeValidator(_known_platform)]


class _Accounts(BaseModel):
    """`accounts`: per platform, the ids of the artist's accounts there, shaped as a campaign's
    tracked accounts of that platform (the registry's id shapes: Facebook pages, Instagram, X and
    Deezer digits; YouTube `UC` channels; Spotify base-62; SoundCloud users; TikTok and Standard
    Webhooks free). Fields added below, one per tracked platform."""

    model_config = ConfigDict(extra="allow", frozen=True)
    __pydantic_extra__: dict[str, StandardAccountIds] = Field(init=False)

    @model_validator(mode="before")
    @classmethod
    def _mark_unknown_keys(cls, data: Any) -> Any:
        """An unknown key is reported under its own path in the same pass as every other error."""
        if not isinstance(data, dict):
            return data
        return {key: value if _is_platform_key(key) else _UNKNOWN_PLATFORM for key, value in data.items()}

    @model_serializer(mode="wrap")
    def _present_only(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return {key: value for key, value in handler(self).items() if value is not None}

    def entries(self) -> list[tuple[str, list[str]]]:
        """(platform, ids) for every platform present: the eight in order, then standard sources."""
        named = [(p, ids) for p in PLATFORM_ORDER if (ids := getattr(self, p)) is not None]
        return named + sorted((self.__pydantic_extra__ or {}).items())

    def keys(self) -> list[AccountKey]:
        """Every (platform, account_id), in the entries' order."""
        return [(platform, account_id) for platform, ids in self.entries() for account_id in ids]

    def path_of(self, key: AccountKey) -> str:
        """The field path of an account: `accounts.<platform>.<index>`."""
        platform, account_id = key
        ids = dict(self.entries()).get(platform, [])
        return f"accounts.{platform}.{ids.index(account_id)}" if account_id in ids else "accounts"


if TYPE_CHECKING:
    Accounts = _Accounts
else:
    Accounts = create_model(
        "Accounts",
        __base__=_Accounts,
        __doc__=_Accounts.__doc__,
        **{name: (ids | None, None) for name, ids in ACCOUNT_IDS.items()},
    )


class ArtistBody(BaseModel):
    """What a client sends to register or replace an artist. Unknown fields are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    artist_id: Slug
    label: Slug
    name: Name
    accounts: Accounts
    language: Literal["fr", "en"] = "fr"

    @model_validator(mode="after")
    def _fits_one_transaction(self) -> ArtistBody:
        held = len(self.accounts.keys())
        if held > MAX_ACCOUNTS:
            raise PydanticCustomError(
                "too_many_accounts",
                "At most {limit} accounts in all (here {held}).",
                {"limit": MAX_ACCOUNTS, "held": held, "at": "accounts"},
            )
        return self


class RegisteredArtist(ArtistBody):
    """A stored artist: the body plus what the service keeps. An archived artist holds no account."""

    archived: bool = False
    created_at: Instant
    updated_at: Instant

    def holds(self) -> frozenset[AccountKey]:
        """The accounts this artist owns: its accounts, none once archived."""
        return frozenset() if self.archived else frozenset(self.accounts.keys())

    def public(self) -> dict[str, Any]:
        """The artist as the API shows it (and as it is stored)."""
        return self.model_dump(mode="json")
