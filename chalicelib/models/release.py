"""A release of the catalogue (contract section 12): the body clients send and the stored release."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from chalicelib.domain.consumption.ids import isrc_problem, normalise_isrc, upc_problem
from chalicelib.models.campaign import Name, Slug

MAX_TRACKS = 100
READ_ONLY_FIELDS: frozenset[str] = frozenset({"created_at", "updated_at"})


def _upc(value: str) -> str:
    problem = upc_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _isrc(value: str) -> str:
    normalised = normalise_isrc(value)
    problem = isrc_problem(normalised)
    if problem:
        raise ValueError(problem)
    return normalised


Upc = Annotated[str, Field(strict=True), AfterValidator(_upc)]
Isrc = Annotated[str, Field(strict=True, max_length=20), AfterValidator(_isrc)]


class Track(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    isrc: Isrc
    title: Name
    position: int = Field(strict=True, ge=1, le=MAX_TRACKS)


class ReleaseBody(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    upc: Upc
    label: Slug
    artist_id: Slug
    title: Name
    type: Literal["album", "ep", "single"]
    release_date: date
    tracks: list[Track] = Field(min_length=1, max_length=MAX_TRACKS)

    @field_validator("release_date", mode="before")
    @classmethod
    def _iso_day(cls, value: Any) -> Any:
        if isinstance(value, date):
            return value
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError("Must be a day, YYYY-MM-DD.")
        return value

    @model_validator(mode="after")
    def _distinct_tracks(self) -> ReleaseBody:
        isrcs = [track.isrc for track in self.tracks]
        positions = [track.position for track in self.tracks]
        if len(set(isrcs)) != len(isrcs):
            raise ValueError("Each ISRC appears once in a release.")
        if len(set(positions)) != len(positions):
            raise ValueError("Each position appears once in a release.")
        return self


class Release(ReleaseBody):
    created_at: datetime
    updated_at: datetime

    def public(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    @property
    def isrcs(self) -> list[str]:
        return [track.isrc for track in sorted(self.tracks, key=lambda t: t.position)]
