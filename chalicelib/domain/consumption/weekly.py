"""A label's weekly consumption report over chart weeks (contract section 12). Pure.

A chart week runs from Friday 00:00 UTC to Thursday 23:59:59 UTC, as the charts count. The ledgers
are by UTC day (a report's month counts on its first day), so a week is seven dates and the clocks'
changes never move a boundary. The report covers `WEEKS` weeks, newest first, ending with the
*current* week (the one holding the publish time, still in progress).

Per release and week: the week's totals, its equivalents by each rule set in force on some day of the
week (each day by its own rule set, so a week across a change holds both), and the SNEP certification
reached by the week's end (everything since the release, as summaries count it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from typing import NamedTuple

from chalicelib.domain.consumption.figures import Certification, DayTotals, certification, figures_by_rule
from chalicelib.domain.consumption.rules import ReleaseType, RuleSet, Totals, applicable, rule_sets
from chalicelib.domain.summary import ReleaseDays

WEEKS = 8
FRIDAY = 4  # date.weekday()


@dataclass(frozen=True, slots=True, order=True)
class ChartWeek:
    start: date  # a Friday

    @property
    def end(self) -> date:
        """Its Thursday, the last day it holds."""
        return self.start + timedelta(days=6)

    def holds(self, day: date) -> bool:
        return self.start <= day <= self.end

    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range(7)]


def chart_week_of(day: date) -> ChartWeek:
    return ChartWeek(day - timedelta(days=(day.weekday() - FRIDAY) % 7))


def chart_week_at(moment: datetime) -> ChartWeek:
    """The chart week of an instant, whatever its offset: weeks are in UTC."""
    return chart_week_of(moment.astimezone(UTC).date())


def recent_weeks(now: datetime, count: int = WEEKS) -> tuple[ChartWeek, ...]:
    """`count` chart weeks, newest first: the current one (holding `now`) and those before it."""
    current = chart_week_at(now)
    return tuple(ChartWeek(current.start - timedelta(weeks=n)) for n in range(count))


class LabelRelease(NamedTuple):
    """A release of the label, with its day totals (never rows) from its release date on, by artist."""

    artist_id: str
    release: ReleaseDays


@dataclass(frozen=True, slots=True)
class Equivalent:
    """A release's units in a week by one rule set."""

    rule: RuleSet
    unit: str  # album_units, single_units or stream_equivalents
    units: Fraction


@dataclass(frozen=True, slots=True)
class ReleaseWeek:
    week: ChartWeek
    totals: Totals
    equivalents: tuple[Equivalent, ...]  # by family, then date
    certification: Certification  # SNEP, by the week's end


@dataclass(frozen=True, slots=True)
class ReleaseReport:
    release: ReleaseDays
    weeks: tuple[ReleaseWeek, ...]  # newest first; none before its release


@dataclass(frozen=True, slots=True)
class ArtistReport:
    artist_id: str
    name: str
    releases: tuple[ReleaseReport, ...]  # newest release first


@dataclass(frozen=True, slots=True)
class ConsumptionReport:
    label: str
    generated_at: datetime
    weeks: tuple[ChartWeek, ...]  # newest (the current one) first
    artists: tuple[ArtistReport, ...]  # by name

    @property
    def current(self) -> ChartWeek:
        return self.weeks[0]


def snep_units(release_type: ReleaseType, days: Iterable[DayTotals]) -> Fraction:
    """The release's SNEP units over the days, each day by the SNEP rule set in force then."""
    snep = [rule for rule in rule_sets() if rule.family == "snep"]
    return sum(
        (rule.equivalents(f) for rule, f in figures_by_rule(release_type, days, snep).items()),
        start=Fraction(0),
    )


def week_rules(week: ChartWeek) -> list[RuleSet]:
    """The rule sets in force on some day of the week, by family then date."""
    found: dict[str, RuleSet] = {}
    for day in week.days():
        for rule in applicable(day):
            found.setdefault(rule.id, rule)
    return sorted(found.values(), key=lambda r: (r.family, r.effective_from))


def release_week(release: ReleaseDays, week: ChartWeek) -> ReleaseWeek:
    inside = [d for d in release.days if week.holds(d[0])]
    by_rule = figures_by_rule(release.type, inside)
    return ReleaseWeek(
        week=week,
        totals=sum((t for _, _, t in inside), Totals()),
        equivalents=tuple(
            Equivalent(
                rule,
                rule.unit(release.type),
                rule.equivalents(by_rule[rule]) if rule in by_rule else Fraction(0),
            )
            for rule in week_rules(week)
        ),
        certification=certification(
            release.type, snep_units(release.type, (d for d in release.days if d[0] <= week.end))
        ),
    )


def build_report(
    label: str,
    now: datetime,
    releases: Sequence[LabelRelease],
    names: Mapping[str, str],
    count: int = WEEKS,
) -> ConsumptionReport:
    """The label's report: artists by name (`names`: artist id -> name), their releases newest first,
    each over the weeks since it came out."""
    weeks = recent_weeks(now, count)
    by_artist: dict[str, list[ReleaseDays]] = {}
    for given in releases:
        by_artist.setdefault(given.artist_id, []).append(given.release)
    artists = [
        ArtistReport(
            artist_id,
            names.get(artist_id, artist_id),
            tuple(
                ReleaseReport(
                    release,
                    tuple(release_week(release, w) for w in weeks if w.end >= release.release_date),
                )
                for release in sorted(mine, key=lambda r: (r.release_date, r.upc), reverse=True)
            ),
        )
        for artist_id, mine in by_artist.items()
    ]
    artists.sort(key=lambda a: (a.name.casefold(), a.artist_id))
    return ConsumptionReport(label, now, weeks, tuple(artists))
