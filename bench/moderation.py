"""Issue 13 (2, 3): the classifier's quality on the labelled sets, and its CPU cost against the consumer's.

Quality: precision and recall per category and for `abusive`, on `tests/data/moderation_labelled.jsonl`
(written for the project, tuned on) and `tests/data/moderation_holdout.jsonl` (written after tuning,
never tuned on), and false positives per hard-negative family.

Cost: import time and the first classification (which reads the lexicons) in a fresh interpreter; then,
in this process, the median time to classify 1,000 typical comments against the median time the
ingest consumer's own code takes for 1,000 events: `IngestService.process` on batches of 100 queued
messages built like the platforms' deliveries, with the consumer's real DynamoDB adapter over a botocore
client whose HTTP layer answers in-process (so botocore's serialisation, the consumer's real work per
event, is counted; no network and no moto server time). The issue's target: classification adds at most
15 % of the consumer's CPU time per 1,000 events.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from bench.common import ROOT, median, report, timed

DATA = ROOT / "tests" / "data"
LABELLED = DATA / "moderation_labelled.jsonl"
HOLDOUT = DATA / "moderation_holdout.jsonl"
CATEGORIES = ("homophobia", "racism", "sexism", "threat", "sexual_harassment", "insult", "spam")


def load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 1.0


def evaluate(rows: Iterable[Mapping[str, Any]], classify: Callable[[str], Any]) -> dict[str, Any]:
    """Precision and recall per category and for abusive; errors listed for reading."""
    counts = {name: [0, 0, 0] for name in (*CATEGORIES, "abusive")}  # tp, fp, fn
    families: dict[str, list[int]] = {}
    errors = []
    language_right = total = 0
    for row in rows:
        verdict = classify(row["text"])
        total += 1
        language_right += verdict.language == row["language"]
        expected = set(row["categories"]) | ({"abusive"} if row["abusive"] else set())
        got = set(verdict.categories) | ({"abusive"} if verdict.abusive else set())
        for name, tally in counts.items():
            tally[0] += name in expected and name in got
            tally[1] += name in got and name not in expected
            tally[2] += name in expected and name not in got
        if not row["abusive"]:
            family = families.setdefault(row.get("family", "other"), [0, 0])
            family[0] += 1
            family[1] += verdict.abusive
        if expected != got:
            errors.append((row["text"], sorted(expected), sorted(got)))
    figures = {
        name: {
            "precision": _ratio(tp, tp + fp),
            "recall": _ratio(tp, tp + fn),
            "support": tp + fn,
        }
        for name, (tp, fp, fn) in counts.items()
    }
    return {
        "texts": total,
        "categories": figures,
        "language_accuracy": _ratio(language_right, total),
        "false_positives_by_family": {k: {"texts": v[0], "flagged": v[1]} for k, v in families.items()},
        "errors": errors,
    }


def _print_quality(title: str, result: Mapping[str, Any]) -> None:
    rows = [
        (name, f"precision {f['precision']:.3f}  recall {f['recall']:.3f}  (n={f['support']})")
        for name, f in result["categories"].items()
    ]
    rows.append(("language accuracy", f"{result['language_accuracy']:.3f}"))
    rows += [
        (f"negatives: {family}", f"{v['flagged']} of {v['texts']} flagged abusive")
        for family, v in sorted(result["false_positives_by_family"].items())
    ]
    report(f"{title} ({result['texts']} texts)", rows)


def _import_cost(before: str = "") -> tuple[float, float]:
    """Milliseconds to import the classifier, then to classify a first text, in a fresh interpreter
    (after importing `before`, as the consumer already has)."""
    code = (
        f"{before}import time; t0 = time.perf_counter();"
        "from chalicelib.domain.moderation.classifier import classify;"
        "t1 = time.perf_counter(); classify('sale pd'); t2 = time.perf_counter();"
        "print((t1 - t0) * 1000, (t2 - t1) * 1000)"
    )
    samples = []
    for _ in range(5):
        out = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
        )
        samples.append(tuple(float(x) for x in out.stdout.split()))
    return median([s[0] for s in samples]), median([s[1] for s in samples])


def typical_comments(n: int = 1000) -> list[str]:
    """A typical mix: mostly ordinary fan comments of both languages, a few abusive, a few spam."""
    rows = load(LABELLED)
    ordinary = [r["text"] for r in rows if not r["abusive"]]
    abusive = [r["text"] for r in rows if r["abusive"]]
    texts = []
    for i in range(n):
        texts.append(abusive[i % len(abusive)] if i % 10 == 0 else ordinary[i % len(ordinary)])
    return texts


def run() -> dict[str, Any]:
    from chalicelib.domain.moderation.classifier import classify

    figures: dict[str, Any] = {}
    import_ms, first_ms = _import_cost()
    marginal_ms, _ = _import_cost("import chalicelib.services.ingest;")
    report(
        "Classifier load (fresh interpreter, median of 5)",
        [
            ("import, alone", f"{import_ms:.1f} ms"),
            ("import, in the consumer (after its modules)", f"{marginal_ms:.1f} ms"),
            ("first classification (reads lexicons)", f"{first_ms:.1f} ms"),
        ],
    )
    figures.update(import_ms=import_ms, import_in_consumer_ms=marginal_ms, first_classification_ms=first_ms)
    for title, path in (("Labelled set (tuned on)", LABELLED), ("Holdout set (never tuned on)", HOLDOUT)):
        if not path.exists():
            continue
        result = evaluate(load(path), classify)
        _print_quality(title, result)
        figures[path.stem] = {k: v for k, v in result.items() if k != "errors"}
        if "-v" in sys.argv:
            for text, expected, got in result["errors"]:
                print(f"    expected {expected} got {got}: {text}")

    texts = typical_comments()
    classify_s = median(timed(lambda: [classify(t) for t in texts], repeat=7))
    long_text = " ".join(texts)[:10_000]
    long_s = median(timed(lambda: classify(long_text), repeat=7))
    consumer_s, events = consumer_time_per_1000_events()
    text_share = events["with_text"] / events["events"]
    rows = [
        ("classify 1,000 typical comments", f"{classify_s * 1000:.1f} ms ({classify_s * 1000:.1f} µs/text)"),
        ("classify one 10,000-character text", f"{long_s * 1000:.2f} ms"),
        ("consumer, 1,000 events (baseline)", f"{consumer_s * 1000:.1f} ms"),
        ("ratio if every event had a text", f"+{classify_s / consumer_s:.1%}"),
        (
            f"ratio at this mix's texts ({text_share:.0%} of events)",
            f"+{classify_s * text_share / consumer_s:.1%}",
        ),
    ]
    report("CPU: classification against the consumer's work (median of 7)", rows)
    figures.update(
        classify_us_per_text=classify_s * 1000,
        consumer_ms_per_1000_events=consumer_s * 1000,
        ratio_every_event_a_text=classify_s / consumer_s,
        ratio_at_mix=classify_s * text_share / consumer_s,
    )
    return figures


def consumer_time_per_1000_events() -> tuple[float, dict[str, int]]:
    from bench.moderation_consumer import consumer_time

    return consumer_time()


if __name__ == "__main__":
    print(json.dumps(run(), default=str))
