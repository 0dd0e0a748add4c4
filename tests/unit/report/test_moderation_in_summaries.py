"""summary.html and summary.csv show the summary's `moderation` (contract section 11): counts per
platform and overall, and the waves; never a text."""

from __future__ import annotations

import csv
import io

from chalicelib.models.summary import Summary
from chalicelib.report.csv_report import render_csv
from chalicelib.report.html_report import render_html
from tests.unit.report.factories import make_lead_summary


def test_the_french_page_shows_moderation_counts_and_the_live_wave() -> None:
    # Given a French summary with classified texts and a live wave on Instagram
    page = render_html(make_lead_summary("fr")).decode()
    # Then its moderation section names the figures and the wave in French
    section = page[page.index('<section id="moderation"') :]
    section = section[: section.index("</section>")]
    assert "Modération" in section
    assert "Textes classés" in section
    assert "homophobie" in section
    assert "en cours" in section
    assert "12,4" in section  # the abusive share, written the French way


def test_the_csv_has_moderation_rows_per_platform_overall_and_per_wave() -> None:
    summary = Summary.model_validate(make_lead_summary())
    rows = list(csv.reader(io.StringIO(render_csv(summary).decode())))
    moderation = [(r[2], r[3], r[4]) for r in rows if r[1] == "moderation"]
    assert ("instagram", "abusive:homophobia", "24") in moderation
    assert ("", "texts", "270") in moderation
    assert ("", "abusive_share", "0.1185") in moderation
    assert any(
        name.startswith("wave:") and "(live)" in name and value == "18" for _, name, value in moderation
    )
