"""The artist service with a fake roster: what it claims and releases, and how it answers a change that
lost to a concurrent one (read again and retry, then a 503). Pure."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.domain.access import Principal
from chalicelib.domain.roster import AccountKey, Owner, RosterView
from chalicelib.domain.stored import StoredArtist
from chalicelib.errors import AccountTaken, Contended, DependencyFailed
from chalicelib.models import validated
from chalicelib.models.artist import RegisteredArtist
from chalicelib.services.artists import ATTEMPTS, ArtistService

NOW = datetime(2026, 11, 26, 10, tzinfo=UTC)
ADMIN = Principal("t", "n", "admin", frozenset())


def body(**changes: Any) -> dict[str, Any]:
    data = {
        "artist_id": "indochine",
        "label": "columbia-fr",
        "name": "Indochine",
        "accounts": {"x": ["1", "2"]},
    }
    return {**data, **changes}


def stored(**changes: Any) -> StoredArtist:
    data = {**body(**changes), "created_at": NOW.isoformat(), "updated_at": NOW.isoformat()}
    return StoredArtist(validated(RegisteredArtist, data, "artist"), version=3)


class FakeRoster:
    """One stored artist (or none); owners; commits recorded, the first `contended` of them lost."""

    def __init__(self, artist: StoredArtist | None = None, *, contended: int = 0) -> None:
        self.artist = artist
        self.owners: dict[AccountKey, Owner] = {}
        if artist is not None:
            for key in artist.artist.holds():
                self.owners[key] = Owner(*key, artist.artist.artist_id, artist.artist.label, NOW)
        self.contended = contended
        self.commits: list[dict[str, Any]] = []

    def get(self, artist_id: str) -> StoredArtist | None:
        return self.artist

    def list_all(self) -> list[RegisteredArtist]:
        return [] if self.artist is None else [self.artist.artist]

    def lookup(self, artist_ids: Iterable[str], accounts: Iterable[AccountKey]) -> RosterView:
        artists = {a: self.artist.artist.label for a in artist_ids if self.artist is not None}
        return RosterView(artists, {k: self.owners[k] for k in accounts if k in self.owners})

    def commit(self, artist: RegisteredArtist, **write: Any) -> int:
        version = write["version"]
        self.commits.append(
            {"version": version, "claim": set(write["claim"]), "release": set(write["release"])}
        )
        if len(self.commits) <= self.contended:
            raise Contended("lost")
        return 1 if version is None else version + 1


class NoCampaigns:
    def list_all(self) -> list[Any]:
        return []


def service(roster: FakeRoster) -> ArtistService:
    return ArtistService(roster, NoCampaigns(), lambda _bearer: ADMIN, lambda: NOW)


def encoded(data: dict[str, Any]) -> bytes:
    return json.dumps(data).encode()


def test_a_put_claims_what_it_adds_and_releases_what_it_drops() -> None:
    roster = FakeRoster(stored())
    service(roster).replace("token", "indochine", encoded(body(accounts={"x": ["2", "3"]})))
    assert roster.commits == [{"version": 3, "claim": {("x", "3")}, "release": {("x", "1")}}]


def test_archiving_releases_every_account_the_artist_holds() -> None:
    roster = FakeRoster(stored())
    service(roster).archive("token", "indochine")
    assert roster.commits == [{"version": 3, "claim": set(), "release": {("x", "1"), ("x", "2")}}]


def test_archiving_an_archived_artist_writes_nothing() -> None:
    roster = FakeRoster(stored(archived=True))
    service(roster).archive("token", "indochine")
    assert roster.commits == []


def test_a_change_that_lost_to_a_concurrent_one_is_tried_again() -> None:
    # Given a roster whose first transaction loses to a concurrent one
    roster = FakeRoster(stored(), contended=1)
    # When an artist is replaced
    saved = service(roster).replace("token", "indochine", encoded(body(name="Renamed")))
    # Then the change is read again and made on the second attempt
    assert saved.artist.name == "Renamed"
    assert len(roster.commits) == 2


def test_a_change_that_keeps_losing_is_a_dependency_failure() -> None:
    roster = FakeRoster(stored(), contended=ATTEMPTS)
    with pytest.raises(DependencyFailed):
        service(roster).replace("token", "indochine", encoded(body(name="Renamed")))
    assert len(roster.commits) == ATTEMPTS


def test_a_registration_whose_transaction_finds_an_account_taken_answers_at_its_path() -> None:
    # Given a roster that saw nothing taken, whose transaction then finds account 2 held by another label
    class TakenInTheMeantime(FakeRoster):
        def commit(self, artist: RegisteredArtist, **kwargs: Any) -> int:
            raise AccountTaken({("x", "2"): "sony-fr"})

    # When an artist with accounts 1 and 2 registers
    with pytest.raises(AccountTaken) as raised:
        service(TakenInTheMeantime()).register("token", encoded(body()))
    # Then the 409 names the label at that account's path
    assert raised.value.fields == {"accounts.x.1": "Registered to an artist of label sony-fr."}
