"""`make demo`'s consumption (infra/local/consumption_demo.py, issue 14 point 5): valid releases, and a
generic and a Believe-shaped report that parse with no rejected row against them."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest

from chalicelib.domain.consumption.reports import Catalogue, Rejected, Row, parse, read_header
from chalicelib.models.release import ReleaseBody
from infra.local.consumption_demo import Reports, demo_reports, say_weekly_report
from infra.local.traffic import ARTISTS, LABEL

MOMENTS = [datetime(2026, 12, 2, 9, 10, tzinfo=UTC), datetime(2027, 1, 1, 0, 5, tzinfo=UTC)]


@pytest.fixture(scope="module", params=MOMENTS, ids=["december", "new-year"])
def reports(request: pytest.FixtureRequest) -> Reports:
    return demo_reports(LABEL, request.param)


def _catalogue(reports: Reports) -> Catalogue:
    releases = [ReleaseBody.model_validate(body) for body in reports.releases]
    tracks = {track.isrc: frozenset({r.upc}) for r in releases for track in r.tracks}
    return Catalogue(tracks, frozenset(r.upc for r in releases))


def _parsed(reports: Reports, fmt: str) -> list[Row | Rejected]:
    stream = io.BytesIO(reports.generic if fmt == "generic" else reports.believe)
    position = read_header(stream.read, fmt)
    stream.seek(position.offset)
    return [item for item, _, _ in parse(stream.read, fmt, position, _catalogue(reports))]


def test_there_is_a_valid_release_for_each_demo_artist(reports: Reports) -> None:
    releases = [ReleaseBody.model_validate(body) for body in reports.releases]
    assert sorted(r.artist_id for r in releases) == sorted(a.slug for a in ARTISTS)
    assert {r.label for r in releases} == {LABEL}


@pytest.mark.parametrize("fmt", ["generic", "believe"])
def test_each_report_parses_with_no_rejected_row(reports: Reports, fmt: str) -> None:
    items = _parsed(reports, fmt)
    assert items
    assert [item for item in items if isinstance(item, Rejected)] == []


def test_the_generic_report_is_yesterdays_and_the_believe_one_is_monthly_since_the_release(
    reports: Reports,
) -> None:
    generic = [row for row in _parsed(reports, "generic") if isinstance(row, Row)]
    believe = [row for row in _parsed(reports, "believe") if isinstance(row, Row)]
    released = min(body["release_date"] for body in reports.releases)
    assert len({row.place.day for row in generic}) == 1
    assert {row.place.period for row in believe} == {f"{row.place.day:%Y-%m}" for row in believe}
    assert released <= min(row.place.day.isoformat() for row in believe)
    assert max(row.place.day for row in believe) < min(row.place.day for row in generic)


def test_the_weekly_report_is_written_by_the_publish_job_then_linked() -> None:
    # Given a stack whose publish job runs and whose consumption links answer
    asked: list[str] = []

    def call(method: str, path: str, body: object) -> tuple[int, object]:
        asked.append(f"{method} {path}")
        links = {"html": "http://s3/consumption.html?sig", "csv": "http://s3/consumption.csv?sig"}
        return 200, ({"published": []} if method == "POST" else links)

    said: list[str] = []
    # When the demo shows the label's weekly report
    say_weekly_report(call, LABEL, 600, said.append)
    # Then the job ran before the links were asked for, and both links are printed
    assert asked == ["POST /admin/jobs/publish", f"GET /consumption/links?label={LABEL}&expires_in=600"]
    assert [line.split()[-1] for line in said[1:]] == [
        "http://s3/consumption.html?sig",
        "http://s3/consumption.csv?sig",
    ]
