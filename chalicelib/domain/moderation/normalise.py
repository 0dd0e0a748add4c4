# ruff: noqa: RUF001, RUF002  # look-alike letters are this module's subject
"""From any Unicode text to the tokens the classifier matches. Pure, no data files.

Disguises undone, in this order:
- lone surrogates (a JSON `\\ud800` escape) become U+FFFD, so nothing below can fail on them;
- NFKC folds fullwidth and compatibility forms (`ｐｄ`, `ﬁ`, `①`) to their plain letters;
- case is folded, then Cyrillic and Greek look-alikes of Latin letters become those letters;
- NFKD then dropping combining marks removes accents and stacked "zalgo" marks (`pédé` → `pede`);
- format characters (zero-width spaces and joiners, soft hyphens, bidi marks) are dropped;
- inside a token, separators between letters go (`p.d`, `p-d`, `f_a_g`) and leetspeak digits and
  symbols become the letters they stand for (`f4g`, `n1que`, `$ale`); the unmapped form is kept too,
  so `f4f` (follow for follow) is still seen as written;
- runs of one-letter tokens are joined (`f a g`, `p . d`) into an extra token list;
- doubled letters are squeezed (`pééééd`, `connnard` → `ped`, `conard`): lexicon words are squeezed the
  same way when loaded, so `connard` in a file matches every spelling of it.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Longer texts are classified on their first MAX_CHARS characters: a comment is rarely longer, and the
# cost of a text stays bounded whatever a platform sends.
MAX_CHARS = 10_000

# Cyrillic and Greek letters that look like Latin ones (lower case: the text is case-folded first).
_HOMOGLYPHS = str.maketrans(
    {
        "а": "a",
        "в": "b",
        "е": "e",
        "ё": "e",
        "з": "3",
        "і": "i",
        "ї": "i",
        "ј": "j",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "с": "c",
        "т": "t",
        "у": "y",
        "х": "x",
        "ѕ": "s",
        "ԁ": "d",
        "ɡ": "g",
        "α": "a",
        "β": "b",
        "γ": "y",
        "δ": "d",
        "ε": "e",
        "η": "n",
        "ι": "i",
        "κ": "k",
        "ν": "v",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "u",
        "χ": "x",
        "ω": "w",
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "ø": "o",
        "đ": "d",
        "ł": "l",
        "ı": "i",
        # Small capitals, which NFKC leaves alone.
        **dict(zip("ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘʀꜱᴛᴜᴠᴡʏᴢ", "abcdefghijklmnoprstuvwyz", strict=True)),
    }
)

# Characters that stand for letters inside a word.
_LEET = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "5": "s",
        "6": "g",
        "7": "t",
        "8": "b",
        "9": "g",
        "@": "a",
        "$": "s",
        "€": "e",
        "£": "l",
        "!": "i",
        "|": "i",
        "+": "t",
    }
)
_LEET_CHARS = frozenset("0134567896@$€£!|+")
# Separators people put inside a word to hide it; removed between its letters.
_INNER_SEPARATORS = re.compile(r"[.\-_~^:;,/\\'\"`´’‘•·*=]+")
# A token: letters, digits and the symbols above, glued together; anything else separates tokens.
_TOKEN = re.compile(r"[\w@$€£!|+.\-_~^:;/\\'\"`´’‘•·*=]+")
_WORD = re.compile(r"[a-z0-9]+")
_SQUEEZE = re.compile(r"(.)\1+")
_URL = re.compile(r"(?:https?://|www\.)\S+|\b[a-z0-9-]+\.(?:com|net|org|io|ly|gg|me|xyz|co|fr|link|app)\b")
_ELISION = re.compile(r"\b([cdjlmnstqu]|qu|jusqu|lorsqu|puisqu)['’]")
_LATIN = re.compile(r"[a-z]")
# "tue-toi", "suicide-toi", "fais-moi": a French imperative and its pronoun are two words.
_IMPERATIVE = re.compile(r"(?<=[a-z])-(toi|moi|nous|vous|lui|leur|la|le|les|en|y)\b")


@dataclass(frozen=True, slots=True)
class View:
    """One reading of a text's words, position by position."""

    tokens: tuple[str, ...]  # squeezed, letters only (leetspeak undone)
    plain: tuple[str, ...]  # squeezed, as written (digits kept: "f4f", "100")
    doubled: tuple[bool, ...]  # written with a doubled letter
    disguised: tuple[bool, ...]  # leetspeak, separators or spacing changed the word


@dataclass(frozen=True, slots=True)
class Normalised:
    """A text as the classifier sees it."""

    tokens: tuple[str, ...]  # squeezed, letters only (leetspeak undone)
    plain: tuple[str, ...]  # squeezed, as written (digits kept: "f4f", "100")
    views: tuple[View, ...]  # the words as written, then with runs of one-letter tokens joined
    urls: int  # how many links the text holds
    foreign_script: bool  # most letters are of a script other than Latin (Arabic, CJK, Cyrillic...)
    accented: bool  # French accents or cedillas were seen


def squeeze(word: str) -> str:
    return _SQUEEZE.sub(r"\1", word)


def clean(text: str) -> str:
    """Valid, folded, mark-free text: any str in, never an exception."""
    text = text[:MAX_CHARS]
    if text.isascii():
        return text.lower()  # nothing below changes ASCII but case
    # Lone surrogates cannot be encoded; "surrogatepass" then "replace" turns each into U+FFFD.
    text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    text = unicodedata.normalize("NFKC", text).casefold().translate(_HOMOGLYPHS)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if unicodedata.category(c) not in _DROPPED)


_DROPPED = frozenset({"Mn", "Me", "Cf", "Cs", "Co"})


def _foreign(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return False
    latin = sum(1 for c in letters if c < "ɐ")  # Latin ranges end before IPA extensions
    return latin * 2 < len(letters)


def normalise(text: str) -> Normalised:
    raw = text[:MAX_CHARS]
    ascii_only = raw.isascii()
    foreign = not ascii_only and _foreign(raw)
    accented = not ascii_only and any(c in raw for c in "éèêàçùâîôûëïÉÈÀÇ")
    cleaned = clean(raw)
    urls = len(_URL.findall(cleaned))
    cleaned = _URL.sub(" ", cleaned)
    # French elisions ("t'es", "j'suis", "qu'il") are their own words, not a separator in a word.
    cleaned = _IMPERATIVE.sub(r" \1", _ELISION.sub(r"\1 ", cleaned))
    tokens: list[str] = []
    plain: list[str] = []
    doubled: list[bool] = []
    disguised: list[bool] = []
    for chunk in _TOKEN.findall(cleaned):
        word, as_written, unsqueezed, hidden = _token(chunk)
        if word:
            tokens.append(word)
            plain.append(as_written or word)
            doubled.append(unsqueezed != word)
            disguised.append(hidden)
    main = View(tuple(tokens), tuple(plain), tuple(doubled), tuple(disguised))
    views = [main]
    letter_runs = any(len(a) == 1 and len(b) == 1 for a, b in itertools.pairwise(tokens))
    for skip in (0, 1) if letter_runs else ():
        joined = _join_letters(main, skip)
        if joined.tokens != main.tokens and joined not in views:
            views.append(joined)
    return Normalised(
        tokens=main.tokens,
        plain=main.plain,
        views=tuple(views),
        urls=urls,
        foreign_script=foreign,
        accented=accented,
    )


@lru_cache(maxsize=8192)  # comments repeat their words: "the", "de", "love", "trop"
def _token(chunk: str) -> tuple[str, str, str, bool]:
    """(letters form, as-written form, letters before squeezing, disguised) of one chunk of non-space
    characters; disguised: digits, symbols or separators inside the word."""
    # A leading @ or # is a mention or a hashtag, not a letter.
    chunk = chunk.lstrip("@#").strip(".,;:!?'\"`´’‘-_~^/\\|*=•·")
    if not chunk:
        return "", "", "", False
    hidden = not chunk.isalpha()
    as_written = squeeze("".join(_WORD.findall(chunk)))
    if _LATIN.search(chunk) and any(c in _LEET_CHARS for c in chunk):
        # Only in a token that has letters: "2024" and "100" stay numbers.
        chunk = chunk.translate(_LEET)
    letters = _INNER_SEPARATORS.sub("", chunk)
    letters = "".join(_WORD.findall(letters))
    if not _LATIN.search(letters):
        return "", "", "", False
    return squeeze(letters), as_written, letters, hidden


def _join_letters(view: View, skip: int) -> View:
    """Runs of one-letter tokens become one token: "f a g" → "fag". With skip=1 a run's first letter
    stays a word of its own ("ur a f a g" → "ur", "a", "fag")."""
    out: list[tuple[str, str, bool, bool]] = []
    run: list[str] = []

    def flush() -> None:
        kept, rest = run[:skip], run[skip:]
        out.extend((letter, letter, False, False) for letter in kept)
        if len(rest) > 1:
            joined = "".join(rest)
            out.append((squeeze(joined), joined, squeeze(joined) != joined, True))
        else:
            out.extend((letter, letter, False, False) for letter in rest)
        run.clear()

    for position, token in enumerate(view.tokens):
        if len(token) == 1:
            run.append(token)
            continue
        if run:
            flush()
        out.append((token, view.plain[position], view.doubled[position], view.disguised[position]))
    if run:
        flush()
    if not out:
        return view
    return View(*(tuple(column) for column in zip(*out, strict=True)))
