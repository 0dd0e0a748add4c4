"""Section 11's verdict on one text: language, categories, severity. Pure: lexicons and rules, no model.

A text is normalised (`normalise.py`), its words are looked up in the lexicons of both languages
(`lexicon.py`), and what surrounds a word decides what it means:
- a slur or an insult counts as written ("pd", "connard", "faggot");
- a mild word ("idiot", "singe", "clown") is raised when it addresses someone ("t'es un idiot",
  "espèce de singe", "you clown");
- a neutral identity word ("gay", "arabe", "women") is an attack only next to hostility: a hostile
  word before it ("sale", "dirty", "I hate"), after it ("de merde", "go home"), or a degrading
  predicate in the same clause, not negated ("les gays sont des malades", but "being gay is not a sin"
  is not); "fier d'être gay" and "proud to be queer" hold no hostility;
- a reclaimed word said of oneself ("je suis une gouine et fière") is not an attack;
- threats are sentences aimed at someone ("je vais te retrouver", "I will find you"), never a violent
  word alone: "c'est une tuerie", "you killed it", "this track slaps" stay clean;
- spam is a sum of promotion cues and links.

The other language's lexicon is used too, for its severe words only (people mix languages, and a
mild word of one language is often an innocent word of the other: "bite", "con").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from chalicelib.domain.moderation.lexicon import (
    CATEGORIES,
    CONTEXT_KINDS,
    IDENTITY,
    LANGUAGES,
    Entry,
    Hit,
    Lexicon,
    lexicon,
)
from chalicelib.domain.moderation.normalise import Normalised, View, normalise

SPAM_THRESHOLD = 2
ADDRESS_WINDOW = 3  # words between "t'es", "you", "espèce de" and the word it addresses
PREDICATE_WINDOW = 6  # words between an identity word and what is said of it


@dataclass(frozen=True, slots=True)
class Verdict:
    language: str  # fr, en or other
    categories: tuple[str, ...]  # in CATEGORIES order
    severity: int  # 0 clean .. 3 severe

    @property
    def abusive(self) -> bool:
        return self.severity >= 2 or "spam" in self.categories


CLEAN = Verdict("other", (), 0)


def classify(text: str) -> Verdict:
    """Any str in (empty, emoji only, 10,000 characters, lone surrogates), a verdict out."""
    if not text or text.isspace():
        return CLEAN
    words = normalise(text)
    lex = lexicon()
    found_by_view = [lex.index.find(v.tokens, v.plain, v.doubled) for v in words.views]
    language = _language(words, lex, found_by_view)
    context_languages = LANGUAGES if language == "other" else (language,)
    found: dict[str, int] = {}
    spam_cues: set[Entry] = set()
    for view, hits in zip(words.views, found_by_view, strict=True):
        context = _Context(view, [h for h in hits if h.entry.language in context_languages])
        scored: list[tuple[Hit, int]] = []
        for hit in hits:
            entry = hit.entry
            if entry.category in CONTEXT_KINDS or not _active(entry, language):
                continue
            if entry.category == "spam":
                spam_cues.add(entry)
                continue
            severity = _severity(hit, context)
            if severity > 0:
                scored.append((hit, severity))
        for hit, severity in _outermost(scored):
            if severity > found.get(hit.entry.category, 0):
                found[hit.entry.category] = severity
    spam_weight = sum(e.severity for e in spam_cues) + min(words.urls, 2)
    if spam_weight >= SPAM_THRESHOLD:
        found["spam"] = max(found.get("spam", 0), 1)
    severity = max(found.values(), default=0)
    categories = tuple(c for c in CATEGORIES if found.get(c, 0) > 0)
    return Verdict(language, categories, severity)


def _active(entry: Entry, language: str) -> bool:
    """The text's language's entries; of the other language, only words severe on their own."""
    if language in (entry.language, "other"):
        return True
    return entry.category != "spam" and entry.severity >= 3


def _outermost(scored: list[tuple[Hit, int]]) -> list[tuple[Hit, int]]:
    """A milder hit inside a longer, more severe hit of another category is part of that phrase: "fils
    de pute" is an insult, not sexism; "I wanna fuck you" is harassment, not an insult. "kill all the
    fags" stays both a threat and homophobia (equally severe)."""
    return [
        (hit, severity)
        for hit, severity in scored
        if not any(
            other.entry.category != hit.entry.category
            and other.start <= hit.start
            and hit.end <= other.end
            and other.end - other.start > hit.end - hit.start
            and other_severity > severity
            for other, other_severity in scored
        )
    ]


def _severity(hit: Hit, context: _Context) -> int:
    entry = hit.entry
    if entry.severity == IDENTITY:
        return context.hostility(hit)
    if entry.reclaimable and context.said_of_oneself(hit):
        return 0
    if entry.unless_meeting and context.meeting_follows(hit):
        return 0
    if entry.addressed != entry.severity and (context.addressed(hit) or context.disguised(hit)):
        return entry.addressed
    return entry.severity


class _Context:
    """Where the context words of a text are: ranges of token positions, by kind."""

    def __init__(self, view: View, hits: Iterable[Hit]) -> None:
        self.view = view
        self.ranges: dict[str, list[tuple[int, int]]] = {}
        for hit in hits:
            if hit.entry.category in CONTEXT_KINDS:
                self.ranges.setdefault(hit.entry.category, []).append((hit.start, hit.end))

    def disguised(self, hit: Hit) -> bool:
        """Leetspeak or separators in a word that is a slur when aimed: hiding it shows the intent."""
        return any(self.view.disguised[hit.start : hit.end])

    def meeting_follows(self, hit: Hit) -> bool:
        return bool(self._starting_after("meeting", hit.end, 0))

    def _ending_before(self, kind: str, start: int, window: int) -> list[tuple[int, int]]:
        return [r for r in self.ranges.get(kind, ()) if start - window <= r[1] <= start]

    def _starting_after(self, kind: str, end: int, window: int) -> list[tuple[int, int]]:
        return [r for r in self.ranges.get(kind, ()) if end <= r[0] <= end + window]

    def _negated(self, start: int, end: int) -> bool:
        return any(start <= r[0] and r[1] <= end for r in self.ranges.get("negation", ()))

    def addressed(self, hit: Hit) -> bool:
        aimed = self._ending_before("target", hit.start, ADDRESS_WINDOW)
        return bool(aimed or self._starting_after("post", hit.end, 0))

    def said_of_oneself(self, hit: Hit) -> bool:
        for _, end in self._ending_before("self", hit.start, ADDRESS_WINDOW):
            if not self._negated(end, hit.start) and not self._ending_before("pre", hit.start, 2):
                return True
        return False

    def hostility(self, hit: Hit) -> int:
        """An identity word's severity: 3 with a hostile word next to it, 2 when a degrading predicate
        follows it in the clause, else 0."""
        if self._ending_before("pre", hit.start, ADDRESS_WINDOW) or self._starting_after("post", hit.end, 1):
            return 3
        for start, _ in self._starting_after("negative", hit.end, PREDICATE_WINDOW):
            if not self._negated(hit.end, start):
                return 2
        if self._ending_before("negative", hit.start, 0):  # "disgusting gays"
            return 2
        return 0


def _language(words: Normalised, lex: Lexicon, found_by_view: list[list[Hit]]) -> str:
    if words.foreign_script:
        return "other"
    scores = {
        language: len({h.start for h in lex.stop[language].find(words.tokens, words.plain)})
        for language in LANGUAGES
    }
    if words.accented:
        scores["fr"] += 1
    if scores["fr"] == scores["en"] == 0:
        # No common word: the language of the lexicon words it holds, if they agree.
        languages = {
            h.entry.language
            for hits in found_by_view
            for h in hits
            if h.entry.category not in CONTEXT_KINDS and h.entry.severity != IDENTITY
        }
        return languages.pop() if len(languages) == 1 else "other"
    return "fr" if scores["fr"] > scores["en"] else "en"
