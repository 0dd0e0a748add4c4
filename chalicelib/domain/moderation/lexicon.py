"""The lexicons: data files by language and category, parsed once per process. Pure.

A file is `lexicons/<language>/<category>.txt`; `context.txt` holds the words that change what a
lexicon word means (who is addressed, hostility, negation, the language's common words). One entry a
line, `#` starts a comment:

    <severity>[/<when addressed>][~!?] <pattern>

- severity 0..3 when the word stands alone; after `/`, the severity when the text addresses someone with
  it ("t'es un idiot", "you idiot", "sale singe"); `~` marks a word a group reclaims: said of oneself
  ("je suis une gouine et fière", "as a dyke") it is not an attack; `!` a word that counts only written
  with a doubled letter (its folded form is an innocent word: "nigger" folds to "niger"); `?` a threat
  that is not one when a meeting follows ("je vais te retrouver au concert");
- `id` instead of a severity marks a neutral identity word ("gay", "arabe", "women"): an attack only next
  to hostility ("sale gay", "les gays sont des malades", "I hate gays");
- `s1`, `s2` in spam.txt: the weight of a promotion cue; a text is spam from weight 2 (a link weighs 1);
- in context.txt the first field is the kind: `target`, `pre`, `post`, `negative`, `self`, `negation`,
  `stop`, `meeting`.

A line holds one or more patterns separated by commas. A pattern is words separated by spaces;
`a|b` are alternative words, `[a|b]` an optional word, `word*` any
word that starts with `word` (`encul*`), `_` any one word. Words are written as they are spelt: the
loader folds them like the texts (accents, case, doubled letters), so `pédé` matches `PEDDDE` and `pede`.
Matching is by whole word: `pd` never matches inside `expédié`; a `*` stem matches only at a word's
start, so a stem must be one no innocent word starts with.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from chalicelib.domain.moderation.normalise import clean, squeeze

LANGUAGES = ("fr", "en")
CATEGORIES = ("homophobia", "racism", "sexism", "threat", "sexual_harassment", "insult", "spam")
CONTEXT_KINDS = ("target", "pre", "post", "negative", "self", "negation", "stop", "meeting")
IDENTITY = -1  # severity of an identity word


@dataclass(frozen=True, slots=True)
class Slot:
    words: frozenset[str]
    prefixes: tuple[str, ...]
    any: bool = False

    def matches(self, token: str) -> bool:
        return self.any or token in self.words or any(token.startswith(p) for p in self.prefixes)


@dataclass(frozen=True, slots=True)
class Entry:
    language: str
    category: str  # a category, or a context kind
    severity: int  # IDENTITY, or 0..3; a spam weight in spam.txt
    addressed: int  # the severity when the text addresses someone
    reclaimable: bool
    slots: tuple[Slot, ...]
    doubled: bool = False  # `!`: counts only when written with a doubled letter
    unless_meeting: bool = False  # `?`: not a threat when a meeting place follows


@dataclass(frozen=True, slots=True)
class Hit:
    entry: Entry
    start: int
    end: int  # exclusive


@dataclass
class Index:
    """Entries by their first word (exact) or first stem, so a token costs a few dict lookups."""

    exact: dict[str, list[Entry]] = field(default_factory=lambda: defaultdict(list))
    stems: dict[str, list[Entry]] = field(default_factory=lambda: defaultdict(list))
    stem_lengths: tuple[int, ...] = ()

    shortest_stem: int = 1_000
    heads: set[str] = field(default_factory=set)  # every stem's first shortest_stem letters

    def add(self, entry: Entry) -> None:
        first = entry.slots[0]
        for word in first.words:
            self.exact[word].append(entry)
        for stem in first.prefixes:
            self.stems[stem].append(entry)
            if len(stem) not in self.stem_lengths:
                self.stem_lengths = tuple(sorted((*self.stem_lengths, len(stem))))
            self.shortest_stem = min(self.shortest_stem, len(stem))
        if first.prefixes:
            self.heads = {stem[: self.shortest_stem] for stem in self.stems}

    def find(
        self,
        tokens: tuple[str, ...],
        plain: tuple[str, ...] | None = None,
        doubled: tuple[bool, ...] | None = None,
    ) -> list[Hit]:
        """Every entry matching at every position; `plain` is the as-written form of each token,
        `doubled` whether it was written with a doubled letter (for `!` entries)."""
        hits: list[Hit] = []
        forms = plain if plain is not None else tokens
        for i, token in enumerate(tokens):
            form = forms[i]
            for word in (token,) if token == form else (token, form):
                for entry in self._starting_with(word):
                    if entry.doubled and doubled is not None and not doubled[i]:
                        continue
                    if len(entry.slots) == 1:
                        hits.append(Hit(entry, i, i + 1))
                        continue
                    end = _match_rest(entry.slots, tokens, forms, i + 1)
                    if end is not None:
                        hits.append(Hit(entry, i, end))
        return hits

    def _starting_with(self, token: str) -> list[Entry]:
        found = self.exact.get(token)
        if token[: self.shortest_stem] not in self.heads:
            return found or []  # the common case: no stem starts like this word
        found = list(found or ())
        for length in self.stem_lengths:
            if length > len(token):
                break
            found.extend(self.stems.get(token[:length], ()))
        return found


def _match_rest(
    slots: tuple[Slot, ...], tokens: tuple[str, ...], forms: tuple[str, ...], i: int
) -> int | None:
    for slot in slots[1:]:
        if i >= len(tokens) or not (slot.matches(tokens[i]) or slot.matches(forms[i])):
            return None
        i += 1
    return i


@dataclass
class Lexicon:
    index: Index = field(default_factory=Index)  # every entry: categories and context, both languages
    stop: dict[str, Index] = field(default_factory=dict)  # common words, by language
    entries: int = 0


def fold(word: str) -> str:
    """A lexicon word folded like a text's token."""
    return squeeze("".join(c for c in clean(word) if c.isalnum() or c == "*"))


def parse_slot(text: str) -> list[Slot | None]:
    """One slot, or [slot, None] when it is optional (None: the slot is skipped)."""
    optional = text.startswith("[") and text.endswith("]")
    body = text[1:-1] if optional else text
    if body == "_":
        slot = Slot(frozenset(), (), any=True)
    else:
        alternatives = [fold(a) for a in body.split("|") if a]
        slot = Slot(
            frozenset(a for a in alternatives if not a.endswith("*")),
            tuple(a[:-1] for a in alternatives if a.endswith("*")),
        )
    return [slot, None] if optional else [slot]


def parse_pattern(pattern: str) -> list[tuple[Slot, ...]]:
    """Every expansion of a pattern's optional words."""
    choices = [parse_slot(part) for part in pattern.split()]
    expanded = []
    for combination in itertools.product(*choices):
        slots = tuple(s for s in combination if s is not None)
        if slots and not slots[0].any:
            expanded.append(slots)
    return expanded


def parse_line(line: str, language: str, category: str) -> list[Entry]:
    line = line.split("#", 1)[0].strip()
    if not line:
        return []
    head, _, pattern = line.partition(" ")
    reclaimable, doubled, unless_meeting = ("~" in head, "!" in head, "?" in head)
    head = head.rstrip("~!?")
    if category == "context":
        kind, severity, addressed = head, 0, 0
        if kind not in CONTEXT_KINDS:
            raise ValueError(f"{language}/context: unknown kind {kind!r}")
    else:
        kind = category
        if head == "id":
            severity = addressed = IDENTITY
        else:
            alone, _, when_addressed = head.lstrip("s").partition("/")
            severity = int(alone)
            addressed = int(when_addressed) if when_addressed else severity
    return [
        Entry(language, kind, severity, addressed, reclaimable, slots, doubled, unless_meeting)
        for alternative in pattern.split(",")
        for slots in parse_pattern(alternative)
    ]


# Next to this module, so in the Lambda package too (Chalice packages everything under chalicelib/).
LEXICONS = Path(__file__).with_name("lexicons")


def _read(language: str, name: str) -> str:
    return (LEXICONS / language / f"{name}.txt").read_text("utf-8")


@cache
def lexicon() -> Lexicon:
    """Every lexicon file, read once per process (the first classification pays for it)."""
    loaded = Lexicon()
    for language in LANGUAGES:
        loaded.stop[language] = Index()
        for category in (*CATEGORIES, "context"):
            for line in _read(language, category).splitlines():
                for entry in parse_line(line, language, category):
                    loaded.entries += 1
                    if entry.category == "stop":
                        loaded.stop[language].add(entry)
                    else:
                        loaded.index.add(entry)
    return loaded
