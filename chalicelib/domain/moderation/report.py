"""What a moderation report (contract section 11) shows of a label's day: each abusive text with its
pseudonymous author, how many abusive texts that pseudonym wrote on the label's accounts, and a link
to the text on its platform. Pure.

Pseudonyms. The stored author (`actor`) is already a keyed HMAC of the platform's user id (the
stack's `PSEUDONYMISATION_KEY`, applied at ingest), so no raw id or handle is stored or shown. A
report's pseudonym is a short hash of the platform and that HMAC: stable across days and artists,
distinct for the same raw id on two platforms, and as irreversible as the HMAC without its key.

Repeat counts. An author's count is the abusive texts of that pseudonym on the label's accounts over
`REPEAT_DAYS` days ending on the report's day (the days texts are kept), summed from the tallies each
day's report stored when it was last written.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import quote

from chalicelib.platforms import registry

PSEUDONYM_PREFIX = "a-"
PSEUDONYM_HEX = 12  # 48 bits: no two authors of a label share one in practice

_COMMENT_URLS = {name: t.comment_url for name, t in registry.tracked() if t.comment_url}


@dataclass(frozen=True, slots=True)
class AbusiveText:
    """One abusive text as stored with its verdict (`TXT#` items)."""

    platform: str
    account_id: str
    content_id: str
    event_id: str
    comment_id: str | None
    at: datetime
    categories: tuple[str, ...]
    severity: int
    text: str
    actor: str | None  # the ingest HMAC of the author's platform id; None when the platform named none


@dataclass(frozen=True, slots=True)
class ReportRow:
    text: AbusiveText
    author: str | None  # the report's pseudonym
    repeat: int  # abusive texts by `author` on the label's accounts over the repeat period
    link: str | None  # the text on its platform, where its ids make one


@dataclass(frozen=True, slots=True)
class ModerationReport:
    label: str
    day: date
    generated_at: datetime
    rows: tuple[ReportRow, ...]


def pseudonym(platform: str, actor: str) -> str:
    digest = hashlib.sha256(f"{platform}#{actor}".encode()).hexdigest()
    return PSEUDONYM_PREFIX + digest[:PSEUDONYM_HEX]


def comment_link(platform: str, content_id: str, comment_id: str | None) -> str | None:
    """A link to the comment on its platform, where the registry knows how to make one."""
    template = _COMMENT_URLS.get(platform)
    if template is None or not comment_id:
        return None
    return template.format(content=quote(content_id, safe=""), comment=quote(comment_id, safe=""))


def day_tally(texts: Iterable[AbusiveText]) -> dict[str, int]:
    """Abusive texts per pseudonym: what a day's report stores for later days' repeat counts."""
    return dict(sorted(Counter(pseudonym(t.platform, t.actor) for t in texts if t.actor is not None).items()))


def build_report(
    label: str,
    day: date,
    texts: Iterable[AbusiveText],
    earlier: Iterable[Mapping[str, int]],
    generated_at: datetime,
) -> ModerationReport:
    """The day's rows, oldest first; repeat counts add the day's own tally to the `earlier` days'."""
    kept = sorted(texts, key=lambda t: (t.at, t.platform, t.event_id))
    repeats: Counter[str] = Counter(day_tally(kept))
    for tally in earlier:
        repeats.update(tally)
    rows = []
    for text in kept:
        author = pseudonym(text.platform, text.actor) if text.actor is not None else None
        rows.append(
            ReportRow(
                text=text,
                author=author,
                repeat=repeats[author] if author is not None else 1,
                link=comment_link(text.platform, text.content_id, text.comment_id),
            )
        )
    return ModerationReport(label, day, generated_at, tuple(rows))
