"""What a lead should look at first (contract section 10: a summary's `attention`). Pure.

Each item is `{severity, code, platform?, message}`; the list comes most severe first. Codes, their
severities, and when they are raised:

- `abuse_wave` (high): a wave of abusive texts against the campaign's artist (or a tracked account) is
  live (contract section 11: the `moderation` job detects waves; one item per live wave);
- `source_refused` (medium): the platform refused the pull (HTTP 401 or 403, a refused credential);
- `no_credentials` (medium): the pull has no usable credentials for the platform;
- `source_stale` (medium): a pulled platform has had neither an event nor a good reading for more than
  two pull intervals (the pull job runs hourly);
- `spike` (medium): an hour above 3x the campaign's hourly median, with at least 20 events;
- `budget_spent` (low): the platform's daily read budget is spent;
- `collision` (low): another campaign of the label counts the same accounts or content;
- `push_clash` (low): a push of the campaign is close to another campaign's on a shared platform.

The pull codes come from the kind of failure the pull job records (`PullState.error_kind`), never from
reading its sentence, and only when the campaign's freshness shows that failure (a failure its items
were read well since is not its news). The sentence itself is the message's second half.

Messages are written in the summary's language (`fr` or `en`): a French lead reads French around the
figures. The pull job's sentence is quoted as it was recorded (it is the same text as the summary's
`freshness.last_error`, which stays one string for every reader), and ids, labels and times are data.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any, Literal, get_args

from chalicelib.domain.events import PLATFORM_ORDER, platform_name

Language = Literal["fr", "en"]

AttentionCode = Literal[
    "abuse_wave",
    "source_refused",
    "no_credentials",
    "source_stale",
    "budget_spent",
    "collision",
    "push_clash",
    "spike",
]
Severity = Literal["high", "medium", "low"]
CODES: tuple[AttentionCode, ...] = get_args(AttentionCode)

SEVERITY: Mapping[AttentionCode, Severity] = {
    "abuse_wave": "high",
    "source_refused": "medium",
    "no_credentials": "medium",
    "source_stale": "medium",
    "spike": "medium",
    "budget_spent": "low",
    "collision": "low",
    "push_clash": "low",
}
_SEVERITY_RANK: Mapping[Severity, int] = {"high": 0, "medium": 1, "low": 2}

# The pull job runs hourly; a pulled platform is stale after more than two of its intervals.
PULL_INTERVAL = timedelta(hours=1)
STALE_AFTER = 2 * PULL_INTERVAL
# A spike: an hour with more than SPIKE_FACTOR x the campaign's hourly median, and SPIKE_MIN_EVENTS.
SPIKE_FACTOR = 3
SPIKE_MIN_EVENTS = 20

# The kinds of pull failure (chalicelib.pulls.failures.error_kind) a lead must act on, as codes.
_PULL_CODES: Mapping[str, AttentionCode] = {
    "refused": "source_refused",
    "no_credentials": "no_credentials",
    "misconfigured": "no_credentials",
    "budget_spent": "budget_spent",
}


@dataclass(frozen=True, slots=True)
class Item:
    """One attention item; `platform` when a single platform is concerned."""

    code: AttentionCode
    message: str
    platform: str | None = None

    @property
    def severity(self) -> Severity:
        return SEVERITY[self.code]

    def as_json(self) -> dict[str, Any]:
        item: dict[str, Any] = {"severity": self.severity, "code": self.code}
        if self.platform is not None:
            item["platform"] = self.platform
        item["message"] = self.message
        return item


@dataclass(frozen=True, slots=True)
class PlatformHealth:
    """What the summary knows of a pulled platform for this campaign: the pull failure its freshness
    shows (`error`, with its `error_kind`), its newest good reading of the campaign's items and its
    newest attributed event in the window."""

    error: str | None = None
    error_kind: str | None = None
    last_good_at: datetime | None = None
    last_event_at: datetime | None = None


def most_severe_first(items: Iterable[Item]) -> list[Item]:
    """Sorted by severity; items of one severity keep the order they were raised in."""
    return sorted(items, key=lambda item: _SEVERITY_RANK[item.severity])


def pull_items(health: Mapping[str, PlatformHealth], language: Language = "en") -> list[Item]:
    """`source_refused`, `no_credentials` and `budget_spent`, one per platform whose freshness shows
    such a failure, in the platforms' order."""
    items = []
    for platform in _ordered(health):
        shown = health[platform]
        code = _PULL_CODES.get(shown.error_kind or "")
        if shown.error is None or code is None:
            continue
        name, said = platform_name(platform), _sentence(shown.error)
        if language == "fr":
            if code == "no_credentials":
                message = f"{name} n'est pas interrogé\u00a0: {said} Ses compteurs restent vides d'ici là."
            elif code == "source_refused":
                message = (
                    f"{said} Les compteurs de {name} peuvent manquer ou dater tant que ce n'est pas réglé."
                )
            else:
                message = f"Quota de lecture du jour épuisé sur {name}\u00a0: {said}"
        elif code == "no_credentials":
            message = f"{name} is not pulled: {said} Its counters stay empty until it is."
        elif code == "source_refused":
            message = f"{said} {name}'s counters may be missing or old until that is fixed."
        else:
            message = said
        items.append(Item(code, message, platform))
    return items


def stale_items(
    health: Mapping[str, PlatformHealth],
    window_start: datetime,
    window_end: datetime,
    zone: tzinfo,
    language: Language = "en",
) -> list[Item]:
    """`source_stale`: a pulled platform with neither an event nor a good reading for more than two
    pull intervals before the window's end, counted from the window's start at the earliest (a
    campaign that began an hour ago is not stale yet). A platform whose pull has no credentials or is
    refused is already explained by its own item."""
    items = []
    for platform in _ordered(health):
        shown = health[platform]
        if shown.error is not None and _PULL_CODES.get(shown.error_kind or "") in {
            "no_credentials",
            "source_refused",
        }:
            continue
        seen = [moment for moment in (shown.last_good_at, shown.last_event_at) if moment is not None]
        since = max([window_start, *seen])
        silent = window_end - since
        if silent <= STALE_AFTER:
            continue
        name, started = platform_name(platform), not seen or since == window_start
        if language == "fr":
            what = (
                "depuis le début de la campagne" if started else f"depuis le {_local(since, zone, language)}"
            )
            message = (
                f"Rien de nouveau de {name} depuis {_hours(silent, language)}\u00a0: ni événement ni relevé "
                f"réussi {what}, alors que la collecte passe toutes les heures."
            )
        else:
            what = "since the campaign started" if started else f"since {_local(since, zone, language)}"
            message = (
                f"Nothing new from {name} for {_hours(silent, language)}: neither an event nor a "
                f"good reading {what}, while the pull job runs every hour."
            )
        items.append(Item("source_stale", message, platform))
    return items


@dataclass(frozen=True, slots=True)
class Hour:
    """One local hour of the window: its start (UTC) and net events per platform."""

    start: datetime
    events: Mapping[str, int]

    @property
    def total(self) -> int:
        return sum(self.events.values())


def spike_items(hours: Sequence[Hour], zone: tzinfo, language: Language = "en") -> list[Item]:
    """`spike`: hours with more than SPIKE_FACTOR x the median of the window's hourly totals (every
    local hour of the window, quiet ones included) and at least SPIKE_MIN_EVENTS events. Consecutive
    such hours are one item; the newest first. `platform` names the platform that holds more than
    half of the item's events, if one does."""
    if not hours:
        return []
    median = statistics.median(hour.total for hour in hours)
    runs: list[list[Hour]] = []
    previous: Hour | None = None
    for hour in hours:
        if hour.total > SPIKE_FACTOR * median and hour.total >= SPIKE_MIN_EVENTS:
            if runs and previous is not None and runs[-1][-1] is previous:
                runs[-1].append(hour)
            else:
                runs.append([hour])
        previous = hour
    return [_spike(run, median, zone, language) for run in reversed(runs)]


def _spike(run: list[Hour], median: float, zone: tzinfo, language: Language) -> Item:
    total = sum(hour.total for hour in run)
    by_platform: dict[str, int] = {}
    for hour in run:
        for platform, count in hour.events.items():
            by_platform[platform] = by_platform.get(platform, 0) + count
    leader = max(sorted(by_platform), key=lambda p: by_platform[p], default=None)
    holder = leader if leader is not None and 2 * by_platform[leader] > total else None
    start, end = run[0].start, run[-1].start + timedelta(hours=1)
    since, until = _local(start, zone, language), _local(end, zone, language, time_only=True)
    if language == "fr":
        span = f"{len(run)} heures" if len(run) > 1 else "une heure"
        mostly = f", surtout sur {platform_name(holder)} ({by_platform[holder]})" if holder else ""
        message = (
            f"{total} événements en {span}, du {since} à {until}{mostly}\u00a0: plus de {SPIKE_FACTOR} fois "
            f"la médiane horaire de la campagne ({_number(median, language)})."
        )
    else:
        span = f"{len(run)} hours" if len(run) > 1 else "one hour"
        mostly = f", mostly on {platform_name(holder)} ({by_platform[holder]})" if holder else ""
        message = (
            f"{total} events in {span}, from {since} to {until}"
            f"{mostly}: above {SPIKE_FACTOR}x the campaign's hourly median ({median:g})."
        )
    return Item("spike", message, holder)


def collision_items(collisions: Iterable[Mapping[str, Any]], language: Language = "en") -> list[Item]:
    """One `collision` per collision and one `push_clash` per clash, in the order they are listed."""
    items: list[Item] = []
    for found in collisions:
        if found.get("type") == "push_clash":
            platforms = list(found.get("platforms") or [])
            named = f" ({found['campaign_id']}: {found['title']})" if "campaign_id" in found else ""
            apart = _number(found["hours_apart"], language)
            if language == "fr":
                message = (
                    f"Le push {found['push_id']} est trop proche d'un push de {found['label']}{named} "
                    f"sur {', '.join(platforms)}\u00a0: {apart} h d'écart (à {found['at']})."
                )
            else:
                message = (
                    f"Push {found['push_id']} clashes with a push of {found['label']}{named} on "
                    f"{', '.join(platforms)}, {apart} h apart (at {found['at']})."
                )
            items.append(Item("push_clash", message, platforms[0] if len(platforms) == 1 else None))
            continue
        platforms = sorted({str(shared["platform"]) for shared in found.get("shared", [])})
        several = len(found.get("shared", [])) != 1
        if language == "fr":
            same = "les mêmes éléments" if several else "le même élément"
            message = (
                f"La campagne {found['campaign_id']} ({found['name']}) suit {same} "
                f"du {found['from']} au {found['to']}\u00a0: ses chiffres comptent les mêmes événements."
            )
        else:
            message = (
                f"Campaign {found['campaign_id']} ({found['name']}) tracks the same "
                f"{'items' if several else 'item'} from {found['from']} to "
                f"{found['to']}: its figures count the same events."
            )
        items.append(Item("collision", message, platforms[0] if len(platforms) == 1 else None))
    return items


def wave_items(waves: Iterable[Mapping[str, Any]], zone: tzinfo, language: Language = "en") -> list[Item]:
    """One `abuse_wave` per live wave (`{platform, started_at, abusive, by_category, live}`), oldest
    first. Categories are the classifier's codes, written as they are (data, like ids)."""
    items = []
    for wave in sorted(waves, key=lambda w: (w["started_at"], w["platform"])):
        if not wave.get("live"):
            continue
        platform = str(wave["platform"])
        since = _local(wave["started_at"], zone, language)
        categories = ", ".join(sorted(wave.get("by_category") or {}, key=lambda c: -wave["by_category"][c]))
        about = f" ({categories})" if categories else ""
        if language == "fr":
            message = (
                f"Vague de messages abusifs en cours sur {platform_name(platform)} depuis {since}\u00a0: "
                f"{wave['abusive']} en 4\u00a0h{about}. Voir le rapport de modération."
            )
        else:
            message = (
                f"An abuse wave is live on {platform_name(platform)} since {since}: "
                f"{wave['abusive']} abusive texts in 4 hours{about}. See the moderation report."
            )
        items.append(Item("abuse_wave", message, platform))
    return items


def _ordered(platforms: Iterable[str]) -> Iterator[str]:
    def key(platform: str) -> tuple[int, str]:
        return (
            (PLATFORM_ORDER.index(platform), "")
            if platform in PLATFORM_ORDER
            else (len(PLATFORM_ORDER), platform)
        )

    return iter(sorted(platforms, key=key))


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _number(value: float, language: Language) -> str:
    """`5.5` in English, `5,5` in French: the page's other numbers go through Babel, these are short."""
    text = f"{value:g}"
    return text.replace(".", ",") if language == "fr" else text


def _hours(span: timedelta, language: Language) -> str:
    hours = span.total_seconds() / 3600
    figure = f"{hours:.0f}" if hours >= 10 else f"{hours:.1f}".removesuffix(".0")
    return f"{_number(float(figure), language)} {'heures' if language == 'fr' else 'hours'}"


def _local(moment: datetime, zone: tzinfo, language: Language, *, time_only: bool = False) -> str:
    local = moment.astimezone(zone)
    if time_only:
        return local.strftime("%H:%M")
    offset = local.strftime("%z")
    utc = "UTC" if local.utcoffset() == timedelta(0) else f"UTC{offset[:3]}:{offset[3:]}"
    day = local.strftime("%d/%m/%Y %H:%M") if language == "fr" else local.strftime("%Y-%m-%d %H:%M")
    return f"{day} ({utc})"
