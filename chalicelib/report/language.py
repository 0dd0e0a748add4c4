"""The words, numbers and dates of summary.html in the summary's language (contract section 10: `fr`
or `en`), through Babel: month and day names, decimal commas and narrow no-break spaces in French,
the locale's percent pattern (`0,072 %` against `0.072%`), list joining (`X, YouTube et Deezer`),
and CLDR plural rules (French counts 0 and 1 as singular).

Words come from `words.FRENCH`, keyed by the English text; a word it lacks stays English (a unit test
checks that it lacks none of those the page uses). Times are shown in the campaign's time zone, or
with their own UTC offset when the zone is unknown here.

Babel is imported here, and this module only by `html_report`, which only the publish path loads.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import UTC, datetime, tzinfo
from functools import cache
from typing import Literal

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time
from babel.lists import format_list
from babel.numbers import format_compact_decimal, format_decimal, format_percent

from chalicelib.report.charts import Line, Tick
from chalicelib.report.common import platform_name
from chalicelib.report.view import Language
from chalicelib.report.words import FRENCH

EN_DASH = "\u2013"

# Names of the things a summary counts, in English; `FRENCH` translates them like any other word.
KINDS = {
    "comment": "comment",
    "reply": "reply",
    "reaction": "reaction",
    "like": "like",
    "share": "share",
    "repost": "repost",
    "quote": "quote",
    "mention": "mention",
    "follow": "follow",
    "unfollow": "unfollow",
    "content_published": "content published",
    "content_updated": "content updated",
    "content_removed": "content removed",
    "click": "click",
    "presave": "pre-save",
    "other": "other",
}
METRICS = {
    "views": "views",
    "likes": "likes",
    "comments": "comments",
    "followers": "followers",
    "account_views": "channel views",
    "reposts": "reposts",
    "quotes": "quotes",
    "saves": "saves",
    "shares": "shares",
    "plays": "plays",
    "popularity": "popularity",
    "fans": "fans",
}
CODES = {
    "abuse_wave": "Abuse wave",
    "source_refused": "Platform refused",
    "no_credentials": "No credentials",
    "source_stale": "Platform silent",
    "budget_spent": "Request budget spent",
    "collision": "Collision",
    "push_clash": "Push clash",
    "spike": "Spike",
}
SEVERITY_NAMES = {"high": "High", "medium": "Medium", "low": "Low"}
# Moderation categories (contract section 11), in English; FRENCH translates them.
CATEGORY_NAMES = {
    "homophobia": "homophobia",
    "racism": "racism",
    "sexism": "sexism",
    "threat": "threat",
    "sexual_harassment": "sexual harassment",
    "insult": "insult",
    "spam": "spam",
}
ITEM_KINDS = {"accounts": "accounts", "account": "account", "content": "content"}


@cache
def _locale(code: Language) -> Locale:
    return Locale.parse(code)


# Contract section 12: release types and SNEP levels, in the English the words are keyed by.
RELEASE_TYPES = {"album": "album", "ep": "EP", "single": "single"}
CERTIFICATIONS = {
    "or": "Gold",
    "platine": "Platinum",
    "double_platine": "Double Platinum",
    "triple_platine": "Triple Platinum",
    "diamant": "Diamond",
}


class Words:
    """The page's language: `word`, `count` and the formats of numbers and times (and, for charts,
    the `charts.Labels` protocol)."""

    def __init__(self, language: Language, zone: tzinfo | None) -> None:
        self.language = language
        self.locale = _locale(language)
        self.zone = zone
        self._words = FRENCH if language == "fr" else {}
        symbols = self.locale.number_symbols["latn"]
        self._plus = symbols["plusSign"]
        self._minus = symbols["minusSign"]
        self._group = symbols["group"]
        # Whole numbers are grouped here with the locale's symbols when it groups by three like
        # Python's `,` format (English and French do): Babel's general path costs 20 us a number.
        self._by_three = self.locale.decimal_formats[None].grouping == (3, 3)

    # -- words ----------------------------------------------------------------------------------------

    def word(self, english: str, **values: object) -> str:
        """The text in the page's language, with `{name}` fields filled in."""
        text = self._words.get(english, english)
        return text.format(**values) if values else text

    def count(self, one: str, other: str, n: float, **values: object) -> str:
        """The singular or plural text for `n` by the language's plural rule, `{n}` filled in."""
        form = self.locale.plural_form(abs(n)) if float(n).is_integer() else "other"
        english = one if form == "one" else other
        text = self._words.get(english, english)
        return text.format(n=self.number(n), **values)

    def platform(self, platform: str) -> str:
        return platform_name(platform)

    def platforms(self, platforms: Iterable[str]) -> str:
        names = [platform_name(platform) for platform in platforms]
        return format_list(names, locale=self.locale) if names else ""

    def kind(self, kind: str) -> str:
        return self.word(KINDS[kind]) if kind in KINDS else kind.replace("_", " ")

    def release_type(self, kind: str) -> str:
        return self.word(RELEASE_TYPES.get(kind, kind))

    def certification(self, level: str) -> str:
        return self.word(CERTIFICATIONS[level]) if level in CERTIFICATIONS else level.replace("_", " ")

    def certification_unit(self, unit: str) -> str:
        return self.word(unit.replace("_", " "))

    def metric(self, metric: str) -> str:
        return self.word(METRICS[metric]) if metric in METRICS else metric

    def code(self, code: str) -> str:
        return self.word(CODES[code]) if code in CODES else code

    def category(self, category: str) -> str:
        return self.word(CATEGORY_NAMES[category]) if category in CATEGORY_NAMES else category

    def severity(self, severity: str) -> str:
        return self.word(SEVERITY_NAMES[severity]) if severity in SEVERITY_NAMES else severity

    def item_kind(self, kind: str) -> str:
        return self.word(ITEM_KINDS[kind]) if kind in ITEM_KINDS else kind

    def sentence(self, text: str) -> str:
        """The text ending with one full stop, however it ended."""
        return text.rstrip().rstrip(".") + "."

    # -- numbers --------------------------------------------------------------------------------------

    def number(self, value: float | None, *, signed: bool = False) -> str:
        """1,209,877 or 1 209 877; 64.5 or 64,5; +3,850 when signed; an en dash when there is none."""
        if value is None or not math.isfinite(value):
            return EN_DASH
        if self._by_three and value % 1 == 0 and abs(value) < 1e15:
            text = f"{int(value):,}".replace(",", self._group).replace("-", self._minus)
        else:
            text = format_decimal(value, locale=self.locale)
        return self._plus + text if signed and value > 0 else text

    def percent(self, ratio: float) -> str:
        """A ratio as a percent with three significant digits: 0.000721 is 0.0721% (0,0721 % in French)."""
        if ratio == 0 or not math.isfinite(ratio):
            return format_percent(0, locale=self.locale)
        digits = max(0, 2 - math.floor(math.log10(abs(ratio * 100))))
        return format_percent(round(ratio, digits + 2), locale=self.locale, decimal_quantization=False)

    def change(self, percent: float) -> str:
        """A change against a previous figure, given in percent: +12.5%, -3%, +1,250%."""
        digits = 1 if abs(percent) < 10 else 0
        text = format_percent(
            round(percent / 100, digits + 2), locale=self.locale, decimal_quantization=False
        )
        return self._plus + text if percent > 0 else text

    # -- times ----------------------------------------------------------------------------------------

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone) if self.zone is not None else moment

    def _offset(self, moment: datetime) -> str:
        """Nothing in a known zone; else the time's own offset: ` (UTC+01:00)`."""
        if self.zone is not None:
            return ""
        offset = moment.strftime("%z")
        return f" (UTC{offset[:3]}:{offset[3:]})"

    def long_date(self, moment: datetime) -> str:
        """26 November 2026 at 10:41 AM, 26 novembre 2026 à 10:41."""
        return self._date_and_time(moment, "long")

    def stamp(self, moment: datetime) -> str:
        """Nov 26, 2026, 10:41 AM or 26 nov. 2026, 10:41."""
        return self._date_and_time(moment, "medium")

    def _date_and_time(self, moment: datetime, date_format: Literal["long", "medium"]) -> str:
        """The date in `date_format` and the short time, joined as the locale's pattern of that width."""
        local = self.local(moment)
        pattern = str(self.locale.datetime_formats[date_format])
        date = format_date(local, date_format, locale=self.locale)
        time = format_time(local, "short", locale=self.locale)
        return pattern.format(time, date).replace("'", "") + self._offset(local)

    def day(self, moment: datetime) -> str:
        """Nov 26, 2026 or 26 nov. 2026."""
        return format_date(self.local(moment), "medium", locale=self.locale)

    # -- charts.Labels --------------------------------------------------------------------------------

    def tick(self, tick: Tick) -> tuple[str, str]:
        local = self.local(tick.at)
        if tick.unit == "hour":
            return (
                format_skeleton("Hm", local, locale=self.locale),
                format_skeleton("MMMd", local, locale=self.locale) if tick.new_day else "",
            )
        if tick.unit == "month":
            return (
                format_skeleton("MMM", local, locale=self.locale),
                format_skeleton("y", local, locale=self.locale) if tick.new_year else "",
            )
        return format_skeleton("MMMd", local, locale=self.locale), ""

    def value(self, value: float, step: float) -> str:
        """An axis label: 950, 45K, 1.2M (45 k, 1,2 M in French), or every digit when a shorter form
        would give two ticks the same label."""
        if value == 0:
            return "0"
        magnitude = 10 ** (3 * math.floor(math.log10(abs(value)) / 3))
        if abs(value) >= 10_000 and step / magnitude >= 0.1:
            digits = 0 if step / magnitude >= 1 else 1
            return str(format_compact_decimal(value, locale=self.locale, fraction_digits=digits))
        return str(format_decimal(value, locale=self.locale))

    def point(self, line: Line, at: datetime, value: float) -> str:
        """`YouTube, Nov 26, 2026: 45`; the time too unless it is a local midnight (a day's bucket)."""
        local = self.local(at)
        when = self.day(at) if (local.hour, local.minute) == (0, 0) else self.stamp(at)
        return f"{line.label}, {when}: {self.number(value)}"


def generated_utc(moment: datetime | None) -> str:
    """The footer's generation time: the same in every language, in UTC."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if moment is not None else "?"
