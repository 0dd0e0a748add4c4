"""The radar's daily reading through the AudienceReader port, with a fake reader and store: each
account read once whatever the labels watching it, one batch per platform, a 404 marks the platform
gone (the artist stays), and a platform with an unread account stores nothing that day."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from chalicelib.domain.stored import StoredReading
from chalicelib.models.radar import WatchedArtist
from chalicelib.services.radar_pull import Audiences, RadarPullService

NOW = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
CHANNEL = "UC" + "b" * 22


def artist(
    label: str, radar_id: str, gone: dict[str, str] | None = None, **accounts: list[str]
) -> WatchedArtist:
    return WatchedArtist(
        radar_id=radar_id, label=label, name="n", accounts=accounts, created_at=NOW, gone=gone or {}
    )


class FakeStore:
    def __init__(self, *artists: WatchedArtist) -> None:
        self.artists = list(artists)
        self.readings: list[StoredReading] = []
        self.gone: dict[str, dict[str, str]] = {}

    def labels(self) -> list[str]:
        return sorted({a.label for a in self.artists})

    def list_label(self, label: str) -> list[WatchedArtist]:
        return [a for a in self.artists if a.label == label]

    def put_readings(self, readings: Sequence[StoredReading]) -> int:
        self.readings += readings
        return len(readings)

    def mark_gone(self, label: str, radar_id: str, gone: dict[str, str]) -> None:
        self.gone[radar_id] = gone


class FakeReader:
    def __init__(
        self, counts: dict[str, int], gone: frozenset[str] = frozenset(), unread: frozenset[str] = frozenset()
    ) -> None:
        self.counts, self.gone_ids, self.unread = counts, gone, unread
        self.calls: list[tuple[str, list[str]]] = []

    def read(self, platform: str, account_ids: Sequence[str], seconds_left: Callable[[], float]) -> Audiences:
        self.calls.append((platform, list(account_ids)))
        return Audiences(
            counts={a: self.counts[a] for a in account_ids if a in self.counts},
            gone=frozenset(a for a in account_ids if a in self.gone_ids),
            unread={a: "budget spent" for a in account_ids if a in self.unread},
        )


def run(store: FakeStore, reader: FakeReader) -> dict[str, object]:
    return RadarPullService(store=store, reader=reader, clock=lambda: NOW, seconds_left=lambda: 300.0).run()


def test_an_account_watched_by_two_labels_is_read_once_in_one_batch_per_platform() -> None:
    store = FakeStore(
        artist("a", "one", deezer=["27"], youtube=[CHANNEL]),
        artist("b", "two", deezer=["27"]),
        artist("b", "three", deezer=["28"]),
    )
    reader = FakeReader({"27": 100, "28": 5, CHANNEL: 900})
    run(store, reader)
    assert reader.calls == [("youtube", [CHANNEL]), ("deezer", ["27", "28"])]
    assert sorted((r.label, r.radar_id, r.platform, r.audience) for r in store.readings) == [
        ("a", "one", "deezer", 100),
        ("a", "one", "youtube", 900),
        ("b", "three", "deezer", 5),
        ("b", "two", "deezer", 100),
    ]


def test_a_404_marks_the_platform_gone_and_keeps_the_artist() -> None:
    store = FakeStore(artist("a", "one", deezer=["27"], x=["5"]))
    report = run(store, FakeReader({"5": 40}, gone=frozenset({"27"})))
    assert store.gone == {"one": {"deezer": "2026-12-01"}}
    assert [(r.platform, r.audience) for r in store.readings] == [("x", 40)]
    assert report["marked_gone"] == 1


def test_a_platform_marked_gone_is_not_read_again() -> None:
    store = FakeStore(artist("a", "one", gone={"deezer": "2026-11-01"}, deezer=["27"], x=["5"]))
    reader = FakeReader({"5": 40, "27": 1})
    run(store, reader)
    assert reader.calls == [("x", ["5"])]


def test_a_platform_with_an_unread_account_stores_nothing_that_day() -> None:
    store = FakeStore(artist("a", "one", x=["5", "6"]))
    report = run(store, FakeReader({"5": 40}, unread=frozenset({"6"})))
    assert store.readings == []
    assert report["unread"] == {"x": 1}
