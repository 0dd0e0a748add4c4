"""`make bench`'s render benchmark builds its year of summary by hand: it must stay a summary the model
accepts, or the benchmark stops at its first line (as it did when summaries gained `consumption`)."""

from __future__ import annotations

from bench.render import as_built, year_summary
from chalicelib.models.summary import Summary


def test_the_render_benchmarks_summary_is_one_the_model_accepts() -> None:
    # Given the benchmark's year of summary, as the publish job hands it to the model
    built = as_built(year_summary())
    # When the model reads it, then every section the contract requires is there
    summary = Summary.model_validate(built)
    assert len(summary.consumption.releases) == 4
