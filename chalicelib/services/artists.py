"""Artists and label ownership (contract section 8): register, list, read, replace and archive, each
for the caller's token.

The checks run in the campaigns' order: 401 token; 404 an artist missing or outside the token's labels
(the same answer for both); 403 a role that may not act; 400 the body; 409 an existing artist_id, or
an account another artist holds (`account_taken`, naming only the label that holds it). Every change
is one conditional transaction of the artist and the owner items it claims or releases; archiving
releases every account the artist held, so that another label may sign it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from chalicelib.domain.access import Action, Principal, require
from chalicelib.domain.roster import AccountKey, RosterView, unlinked_campaigns
from chalicelib.domain.stored import StoredArtist
from chalicelib.errors import AccountTaken, Conflict, Contended, Forbidden, NotFound, ValidationFailed
from chalicelib.models import json_object, validated
from chalicelib.models.artist import READ_ONLY_FIELDS, ArtistBody, RegisteredArtist
from chalicelib.models.campaign import SLUG
from chalicelib.observability import logger

NOT_FOUND = "No such artist."
# A change that lost to a concurrent one is read and tried again this many times in all, then a 503.
ATTEMPTS = 3


class Roster(Protocol):
    def get(self, artist_id: str) -> StoredArtist | None: ...

    def list_all(self) -> list[RegisteredArtist]: ...

    def lookup(self, artist_ids: Iterable[str], accounts: Iterable[AccountKey]) -> RosterView: ...

    def commit(
        self,
        artist: RegisteredArtist,
        *,
        version: int | None,
        claim: Iterable[AccountKey],
        release: Iterable[AccountKey],
        now: datetime,
    ) -> int: ...


class Campaigns(Protocol):
    def list_all(self) -> list[Any]: ...


@dataclass(frozen=True, slots=True)
class SavedArtist:
    artist: RegisteredArtist
    warnings: list[dict[str, Any]] = field(default_factory=list)


def _taken(artist: RegisteredArtist, taken: dict[AccountKey, str]) -> AccountTaken:
    return AccountTaken(
        taken,
        fields={
            artist.accounts.path_of(key): f"Registered to an artist of label {label}."
            for key, label in sorted(taken.items())
        },
    )


def _warnings(artist: RegisteredArtist, campaigns: list[Any]) -> list[dict[str, Any]]:
    return unlinked_campaigns(artist.artist_id, artist.label, artist.holds(), campaigns)


@dataclass(frozen=True, slots=True)
class ArtistService:
    roster: Roster
    campaigns: Campaigns
    authenticate: Callable[[str | None], Principal]
    clock: Callable[[], datetime]

    def register(self, bearer: str | None, body: bytes) -> SavedArtist:
        principal = self.authenticate(bearer)
        require(principal, Action.WRITE_ARTISTS)  # a viewer learns nothing about its body
        submitted = self._body(json_object(body))
        if not principal.covers(submitted.label):
            raise Forbidden(f"This token may not register artists of label {submitted.label}.")
        now = self.clock()
        artist = RegisteredArtist(**dict(submitted), archived=False, created_at=now, updated_at=now)
        campaigns = self.campaigns.list_all()  # for the warnings; read before anything is written
        for attempt in range(ATTEMPTS):
            view = self.roster.lookup([artist.artist_id], artist.holds())
            if artist.artist_id in view.artists:
                raise Conflict(f"Artist {artist.artist_id} exists.")
            taken = view.taken_from(artist.artist_id, artist.holds())
            if taken:
                raise _taken(artist, taken)
            try:
                self.roster.commit(artist, version=None, claim=artist.holds(), release=(), now=now)
                break
            except AccountTaken as error:
                raise _taken(artist, error.taken) from error
            except Contended:
                if attempt == ATTEMPTS - 1:
                    raise
        logger.info(
            "artist registered",
            extra={"artist_id": artist.artist_id, "label": artist.label, "by": principal.token_id},
        )
        return SavedArtist(artist, _warnings(artist, campaigns))

    def replace(self, bearer: str | None, artist_id: str, body: bytes) -> SavedArtist:
        principal = self.authenticate(bearer)
        current = self._visible(principal, artist_id, Action.WRITE_ARTISTS)
        data = json_object(body)
        changed = {
            name: "Cannot be changed."
            for name, value in (("artist_id", artist_id), ("label", current.artist.label))
            if name in data and data[name] != value
        }
        try:
            submitted = self._body({**data, "artist_id": artist_id, "label": current.artist.label})
        except ValidationFailed as error:
            if not changed:
                raise
            # One 400 lists every problem: the ids that cannot change and whatever else is wrong.
            raise ValidationFailed(error.message, fields={**changed, **(error.fields or {})}) from error
        if changed:
            raise ValidationFailed("An artist's artist_id and label cannot be changed.", fields=changed)
        campaigns = self.campaigns.list_all()  # for the warnings; read before anything is written
        for attempt in range(ATTEMPTS):
            artist = RegisteredArtist(
                **dict(submitted),
                archived=current.artist.archived,
                created_at=current.artist.created_at,
                updated_at=self.clock(),
            )
            try:
                self._change(current, artist)
                break
            except Contended:
                if attempt == ATTEMPTS - 1:
                    raise
                current = self._reread(artist_id)
        logger.info("artist replaced", extra={"artist_id": artist_id, "by": principal.token_id})
        return SavedArtist(artist, _warnings(artist, campaigns))

    def archive(self, bearer: str | None, artist_id: str) -> None:
        """Archive the artist (idempotent) and release every account it held."""
        principal = self.authenticate(bearer)
        current = self._visible(principal, artist_id, Action.WRITE_ARTISTS)
        for attempt in range(ATTEMPTS):
            if current.artist.archived:
                return
            archived = current.artist.model_copy(update={"archived": True, "updated_at": self.clock()})
            try:
                self._change(current, archived)
                break
            except Contended:
                if attempt == ATTEMPTS - 1:
                    raise
                current = self._reread(artist_id)
        logger.info("artist archived", extra={"artist_id": artist_id, "by": principal.token_id})

    def get(self, bearer: str | None, artist_id: str) -> RegisteredArtist:
        principal = self.authenticate(bearer)
        return self._visible(principal, artist_id, Action.READ_ARTISTS).artist

    def list_artists(
        self, bearer: str | None, *, label: str | None = None, archived: bool = False
    ) -> list[RegisteredArtist]:
        """The caller's artists (of its labels), optionally of one label; archived ones only when asked."""
        principal = self.authenticate(bearer)
        require(principal, Action.READ_ARTISTS)
        return [
            artist
            for artist in self.roster.list_all()
            if principal.covers(artist.label)
            and (label is None or artist.label == label)
            and (archived or not artist.archived)
        ]

    # ---------------------------------------------------------------------------------------------

    def _change(self, current: StoredArtist, artist: RegisteredArtist) -> None:
        """Write `artist` over `current`: claim the accounts it holds that are not its own yet, release
        those it no longer holds (only while they are still its own)."""
        before, after = current.artist.holds(), artist.holds()
        view = self.roster.lookup([], before | after)
        taken = view.taken_from(artist.artist_id, after)
        if taken:
            raise _taken(artist, taken)
        claim = after - view.held_by(artist.artist_id, after)
        release = view.held_by(artist.artist_id, before - after)
        try:
            self.roster.commit(
                artist, version=current.version, claim=claim, release=release, now=artist.updated_at
            )
        except AccountTaken as error:
            raise _taken(artist, error.taken) from error

    def _reread(self, artist_id: str) -> StoredArtist:
        stored = self.roster.get(artist_id)
        if stored is None:  # artists are archived, never deleted
            raise NotFound(NOT_FOUND)
        return stored

    def _visible(self, principal: Principal, artist_id: str, action: Action) -> StoredArtist:
        """The artist if the token's labels cover it (else 404, as if missing) and its role may act."""
        stored = self.roster.get(artist_id) if SLUG.fullmatch(artist_id) else None
        if stored is None:
            raise NotFound(NOT_FOUND)
        require(principal, action, stored.artist.label, not_found=NOT_FOUND)
        return stored

    @staticmethod
    def _body(data: dict[str, Any]) -> ArtistBody:
        writable = {name: value for name, value in data.items() if name not in READ_ONLY_FIELDS}
        return validated(ArtistBody, writable, "artist")
