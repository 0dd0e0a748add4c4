"""The weekly consumption report of each label (contract section 12): written by the publish job,
linked by `GET /consumption/links?label=` (any role of the label).

Cost stays bounded: a run reads, per label with releases, the report's metadata (one HEAD) and the
label's import statuses (one Query), and rebuilds the report only when its fingerprint changed: a new
chart week, a change of the label's releases, or an import of the label that counted more. Building
reads day totals (one Query per track and release, one item per id and day), never imported rows. A
label without releases gets no report (its links answer 404).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from chalicelib.domain.access import Action, Principal
from chalicelib.domain.consumption.figures import DayTotals
from chalicelib.domain.consumption.weekly import (
    WEEKS,
    ConsumptionReport,
    LabelRelease,
    build_report,
    recent_weeks,
)
from chalicelib.domain.summary import ReleaseDays
from chalicelib.domain.times import iso
from chalicelib.errors import NotFound
from chalicelib.observability import logger
from chalicelib.services.access import require_label
from chalicelib.services.publishing.links import link_expiry, parse_expires_in
from chalicelib.services.publishing.ports import Ledgers, ReleaseView

# Part of every fingerprint: a change of what the report shows must rewrite every label's report.
REPORT_FORMAT = "consumption-1"
PAGE, SHEET = "consumption.html", "consumption.csv"
NO_REPORT = (
    "This label has no consumption report yet: the publish job writes one (every 15 minutes) once the "
    "label has a release."
)


class Imports(Protocol):
    def imports_of(self, label: str) -> list[dict[str, Any]]: ...


class Reports(Protocol):
    def put(self, label: str, bodies: Mapping[str, bytes], metadata: Mapping[str, str]) -> None: ...

    def metadata(self, label: str, name: str) -> dict[str, str] | None: ...

    def presign(self, label: str, name: str, expires_in_seconds: int) -> str: ...


Render = Callable[[ConsumptionReport], bytes]


def fingerprint(week: str, releases: Iterable[ReleaseView], imports: Iterable[Mapping[str, Any]]) -> str:
    """What the report depends on, hashed: the current week, the releases, and how far each import of
    the label counted (a running import changes it after each chunk)."""
    seen = {
        "format": REPORT_FORMAT,
        "week": week,
        "releases": sorted(
            [r.upc, r.artist_id, r.title, r.type, r.release_date.isoformat(), sorted(r.isrcs)]
            for r in releases
        ),
        "imports": sorted(
            [s.get("import_id"), s.get("status"), s.get("rows_counted"), s.get("rows_duplicate")]
            for s in imports
        ),
    }
    return hashlib.sha256(json.dumps(seen, sort_keys=True).encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True, kw_only=True)
class ConsumptionReportService:
    ledgers: Ledgers
    imports: Imports
    reports: Reports
    artist_names: Callable[[], Mapping[tuple[str, str], str]]  # (label, artist_id) -> name
    authenticate: Callable[[str | None], Principal]
    clock: Callable[[], datetime]
    render_html: Render
    render_csv: Render
    weeks: int = WEEKS

    def publish(self, now: datetime, releases: Iterable[ReleaseView]) -> list[str]:
        """Write the report of every label with releases whose fingerprint changed; the labels written."""
        by_label: dict[str, list[ReleaseView]] = {}
        for release in releases:
            by_label.setdefault(release.label, []).append(release)
        weeks = recent_weeks(now, self.weeks)
        names: Mapping[tuple[str, str], str] | None = None  # the roster, read at the first report built
        written = []
        for label, mine in sorted(by_label.items()):
            seal = fingerprint(weeks[0].start.isoformat(), mine, self.imports.imports_of(label))
            if (self.reports.metadata(label, PAGE) or {}).get("fingerprint") == seal:
                continue
            names = self.artist_names() if names is None else names
            first, last = min([weeks[-1].start, *(r.release_date for r in mine)]), weeks[0].end
            report = build_report(
                label,
                now,
                [self._release(r, first, last) for r in mine],
                {artist_id: name for (of, artist_id), name in names.items() if of == label},
                self.weeks,
            )
            bodies = {SHEET: self.render_csv(report), PAGE: self.render_html(report)}  # the page last
            metadata = {"week": weeks[0].start.isoformat(), "generated-at": iso(now), "fingerprint": seal}
            self.reports.put(label, bodies, metadata)
            logger.info("consumption report written", extra={"label": label, "releases": len(mine)})
            written.append(label)
        return written

    def _release(self, release: ReleaseView, first: date, last: date) -> LabelRelease:
        read = self.ledgers.day_totals
        days: list[DayTotals] = [
            (day, isrc, totals) for isrc in release.isrcs for day, totals in read("track", isrc, first, last)
        ]
        days += [(day, None, totals) for day, totals in read("release", release.upc, first, last)]
        given = ReleaseDays(release.upc, release.title, release.type, release.release_date, tuple(days))
        return LabelRelease(release.artist_id, given)

    def links(self, bearer: str | None, label: str | None, expires_in: str | None) -> dict[str, Any]:
        label = require_label(self.authenticate(bearer), label, Action.READ_CATALOGUE)
        seconds = parse_expires_in(expires_in)
        metadata = self.reports.metadata(label, PAGE)
        if metadata is None:
            raise NotFound(NO_REPORT)
        return {
            "html": self.reports.presign(label, PAGE, seconds),
            "csv": self.reports.presign(label, SHEET, seconds),
            "week": metadata.get("week", ""),
            "generated_at": metadata.get("generated-at", ""),
            "expires_at": link_expiry(self.clock(), seconds),
        }
