"""The issue's targets on the labelled set, and the sets' shape."""

from __future__ import annotations

from bench.moderation import HOLDOUT, LABELLED, evaluate, load
from chalicelib.domain.moderation.classifier import classify

HARD_NEGATIVES = {"substring", "supportive", "praise", "identity", "criticism", "promo"}


def test_the_labelled_set_is_large_bilingual_and_hard() -> None:
    # given / when
    rows = load(LABELLED)
    # then
    assert len(rows) >= 400
    assert {r["language"] for r in rows} >= {"fr", "en"}
    assert sum(r["family"] in HARD_NEGATIVES for r in rows) >= 0.4 * len(rows)
    assert len(load(HOLDOUT)) >= 100


def test_the_labelled_set_meets_the_targets() -> None:
    # given / when
    figures = evaluate(load(LABELLED), classify)["categories"]
    # then
    assert figures["abusive"]["precision"] >= 0.95
    assert figures["abusive"]["recall"] >= 0.90
    assert figures["homophobia"]["recall"] >= 0.95


def test_the_holdout_set_meets_the_abusive_targets() -> None:
    # given texts never tuned on / when
    figures = evaluate(load(HOLDOUT), classify)["categories"]
    # then
    assert figures["abusive"]["precision"] >= 0.95
    assert figures["abusive"]["recall"] >= 0.90
