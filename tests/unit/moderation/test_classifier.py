"""The classifier of contract section 11: disguises, hard negatives, categories, any Unicode."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from chalicelib.domain.moderation.classifier import classify
from chalicelib.domain.moderation.lexicon import CATEGORIES, LANGUAGES, LEXICONS, lexicon

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    "text",
    [
        "SALE PD",  # case
        "sale pédé",  # accents
        "pééééédé",  # repeated letters
        "p.d",  # separators inside a word
        "f a g",  # spaced letters
        "ur a f a g g o t",  # spaced letters after a one-letter word
        "p3d3",  # leetspeak
        "f4ggot",
        "sale \u0440.d",  # Cyrillic look-alike (er)
        "f\u0430gg\u043et",  # Cyrillic a and o
        "\uff50\uff44",  # fullwidth
        "ᴘᴅ",  # small capitals
        "p\u200bd",  # zero-width space
        "p\u00adé\u200dd\u200cé",  # soft hyphen, joiners
        "pd\u0301\u0308",  # combining marks on top
    ],
)
def test_a_disguised_slur_is_still_homophobia(text: str) -> None:
    # given a slur hidden by a disguise / when
    verdict = classify(text)
    # then
    assert "homophobia" in verdict.categories
    assert verdict.abusive


@pytest.mark.parametrize(("text", "expected"), [("fdp", "insult"), ("ntm", "insult"), ("kys", "threat")])
def test_abbreviations_are_understood(text: str, expected: str) -> None:
    # given / when / then
    assert expected in classify(text).categories


@pytest.mark.parametrize(
    "text",
    [
        "randonnée pédestre avant le concert",
        "colis expédié hier",
        "Scunthorpe represent",
        "analyse des paroles",
        "grape soda and this album",
        "the therapist told me to listen to more music",
        "la pédale de distorsion sur le solo",
    ],
)
def test_innocent_words_containing_a_slur_are_clean(text: str) -> None:
    # given / when / then
    assert not classify(text).abusive


# Language that sounds charged and is not abuse, by why it is harmless.
HARMLESS: dict[str, list[str]] = {
    "supportive or reclaimed": [
        "fier d'être gay",
        "proud to be queer",
        "love is love",
        "being gay is not a sin",
        "je suis une gouine et fière",
        "as a proud dyke I approve",
        "trans women are women",
    ],
    "identity words used descriptively": [
        "un artiste noir qui parle de son enfance",
        "women in rap are carrying the scene",
        "le rap arabe",
    ],
    "violent-sounding praise": [
        "c'est une tuerie",
        "this track slaps",
        "you killed it",
        "je suis mort de rire",
        "ça déchire",
        "sick beat",
        "putain c'est trop bien",
        "je vais te retrouver au concert !",
        "I'll find you at the meet and greet",
    ],
}


@pytest.mark.parametrize(("why", "text"), [(why, text) for why, texts in HARMLESS.items() for text in texts])
def test_charged_but_harmless_language_is_clean(why: str, text: str) -> None:
    # given / when / then
    assert classify(text).categories == (), why


@pytest.mark.parametrize(
    ("text", "category", "severity"),
    [
        ("sale pd", "homophobia", 3),
        ("les gays sont des malades", "homophobia", 2),
        ("sale arabe", "racism", 3),
        ("espèce de singe", "racism", 3),
        ("retourne à la cuisine", "sexism", 2),
        ("je vais te retrouver", "threat", 3),
        ("I will find you and kill you", "threat", 3),
        ("send nudes", "sexual_harassment", 3),
        ("t'es qu'un connard", "insult", 2),
        ("you idiot", "insult", 2),
        ("follow for follow https://x.co/a", "spam", 1),
    ],
)
def test_each_category_is_found_with_its_severity(text: str, category: str, severity: int) -> None:
    # given / when
    verdict = classify(text)
    # then
    assert category in verdict.categories
    assert verdict.severity == severity
    assert verdict.abusive


def test_a_mild_word_is_an_insult_only_when_aimed_at_someone() -> None:
    # given / when / then
    assert classify("c'est débile mais j'adore").categories == ()
    assert classify("t'es débile").categories == ("insult",)


def test_a_link_alone_is_not_spam() -> None:
    # given a fan sharing the album / when / then
    assert not classify("https://open.spotify.com/album/xyz on repeat").abusive


@pytest.mark.parametrize(
    ("text", "language"),
    [("j'adore ce morceau", "fr"), ("I love this song", "en"), ("これは素晴らしい曲です", "other")],
)
def test_the_language_is_detected(text: str, language: str) -> None:
    # given / when / then
    assert classify(text).language == language


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "🔥🔥🔥🏳️‍🌈",
        "مرحبا هذه أغنية رائعة",  # RTL
        "\u202eevil\u202c",  # bidi override
        "z̸̢̛̗͓a̶̡͚l̷̩̈g̵̱̓o̴̙͂",  # stacked combining marks
        "\ud800 lone \udfff surrogates",
        json.loads('"\\ud83d escaped half of an emoji"'),
        "a" * 10_000,
        "sale pd " * 2_000,
        "\x00\x01\x1f control",
    ],
)
def test_any_unicode_is_classified_without_error(text: str) -> None:
    # given any str / when
    verdict = classify(text)
    # then
    assert verdict.language in ("fr", "en", "other")
    assert 0 <= verdict.severity <= 3
    assert set(verdict.categories) <= set(CATEGORIES)


def test_every_lexicon_file_is_next_to_the_package() -> None:
    # given the package's own directory (Chalice packages everything under chalicelib/)
    # when / then
    for language in LANGUAGES:
        for name in (*CATEGORIES, "context"):
            assert (LEXICONS / language / f"{name}.txt").is_file()
    assert LEXICONS.is_relative_to(ROOT / "chalicelib")


def test_lexicons_load_from_any_working_directory(tmp_path: Path) -> None:
    # given another working directory / when
    code = "from chalicelib.domain.moderation.classifier import classify; print(classify('sale pd').severity)"
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    # then
    assert out.stdout.strip() == "3"


def test_lexicons_are_read_once_per_process() -> None:
    # given / when / then
    assert lexicon() is lexicon()
    assert lexicon().entries > 500
