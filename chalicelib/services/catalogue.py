"""The catalogue (contract section 12): releases and their tracks, for the caller's token.

Checks in the artists' order: 401 token; 404 a release missing or of a label outside the token's
scope (the same answer); 403 a role that may not act; 400 the body (a release's artist must be a
registered, unarchived artist of its label); 409 a UPC that exists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from chalicelib.domain.access import Action, Principal, require
from chalicelib.domain.consumption.reports import Catalogue
from chalicelib.domain.stored import StoredArtist
from chalicelib.errors import Forbidden, NotFound, ValidationFailed
from chalicelib.models import json_object, validated
from chalicelib.models.release import READ_ONLY_FIELDS, Release, ReleaseBody
from chalicelib.observability import logger

NOT_FOUND = "No such release."


class Releases(Protocol):
    def get(self, upc: str) -> Release | None: ...

    def list_all(self) -> list[Release]: ...

    def put(self, release: Release, *, new: bool) -> None: ...

    def delete(self, upc: str) -> None: ...


class Artists(Protocol):
    def get(self, artist_id: str) -> StoredArtist | None: ...


def label_catalogue(releases: list[Release], label: str) -> Catalogue:
    """The ids an import of `label` may name: its releases' UPCs and their tracks' ISRCs."""
    tracks: dict[str, set[str]] = {}
    for release in releases:
        if release.label == label:
            for isrc in release.isrcs:
                tracks.setdefault(isrc, set()).add(release.upc)
    upcs = frozenset(r.upc for r in releases if r.label == label)
    return Catalogue({isrc: frozenset(upcs_) for isrc, upcs_ in tracks.items()}, upcs)


@dataclass(frozen=True, slots=True)
class CatalogueService:
    releases: Releases
    artists: Artists
    authenticate: Callable[[str | None], Principal]
    clock: Callable[[], datetime]

    def register(self, bearer: str | None, body: bytes) -> Release:
        principal = self.authenticate(bearer)
        require(principal, Action.WRITE_CATALOGUE)
        submitted = self._body(json_object(body))
        if not principal.covers(submitted.label):
            raise Forbidden(f"This token may not register releases of label {submitted.label}.")
        self._check_artist(submitted)
        now = self.clock()
        release = Release(**dict(submitted), created_at=now, updated_at=now)
        self.releases.put(release, new=True)
        logger.info("release registered", extra={"upc": release.upc, "label": release.label})
        return release

    def replace(self, bearer: str | None, upc: str, body: bytes) -> Release:
        principal = self.authenticate(bearer)
        current = self._visible(principal, upc, Action.WRITE_CATALOGUE)
        data = json_object(body)
        changed = {
            name: "Cannot be changed."
            for name, value in (("upc", upc), ("label", current.label))
            if name in data and data[name] != value
        }
        if changed:
            raise ValidationFailed("A release's upc and label cannot be changed.", fields=changed)
        submitted = self._body({**data, "upc": upc, "label": current.label})
        self._check_artist(submitted)
        release = Release(**dict(submitted), created_at=current.created_at, updated_at=self.clock())
        self.releases.put(release, new=False)
        logger.info("release replaced", extra={"upc": upc, "label": release.label})
        return release

    def remove(self, bearer: str | None, upc: str) -> None:
        principal = self.authenticate(bearer)
        self._visible(principal, upc, Action.WRITE_CATALOGUE)
        self.releases.delete(upc)
        logger.info("release removed", extra={"upc": upc})

    def list_releases(
        self, bearer: str | None, *, label: str | None = None, artist_id: str | None = None
    ) -> list[Release]:
        principal = self.authenticate(bearer)
        require(principal, Action.READ_CATALOGUE)
        return sorted(
            (
                release
                for release in self.releases.list_all()
                if principal.covers(release.label)
                and (label is None or release.label == label)
                and (artist_id is None or release.artist_id == artist_id)
            ),
            key=lambda r: (r.release_date, r.upc),
            reverse=True,
        )

    def _visible(self, principal: Principal, upc: str, action: Action) -> Release:
        release = self.releases.get(upc) if upc.isdigit() and len(upc) in (12, 13) else None
        if release is None:
            raise NotFound(NOT_FOUND)
        require(principal, action, release.label, not_found=NOT_FOUND)
        return release

    def _check_artist(self, body: ReleaseBody) -> None:
        stored = self.artists.get(body.artist_id)
        if stored is None or stored.artist.label != body.label or stored.artist.archived:
            raise ValidationFailed(
                f"artist_id must name a registered artist of label {body.label}.",
                fields={"artist_id": "Not a registered artist of the label."},
            )

    @staticmethod
    def _body(data: dict[str, Any]) -> ReleaseBody:
        writable = {name: value for name, value in data.items() if name not in READ_ONLY_FIELDS}
        return validated(ReleaseBody, writable, "release")
