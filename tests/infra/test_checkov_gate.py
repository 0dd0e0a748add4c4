"""`make test` (what CI runs) runs checkov on the packaged template of each deployed stage, and a
check is skipped only with its reason, in .checkov.yaml."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIP_LINE = re.compile(r"^\s+- (?P<check>CKV2?_[A-Z]+_\d+)\s+# (?P<reason>.+)$")


def _skip_section() -> list[str]:
    lines = (ROOT / ".checkov.yaml").read_text().splitlines()
    start = lines.index("skip-check:") + 1
    section = []
    for line in lines[start:]:
        if not line.startswith(" "):
            break
        section.append(line)
    return section


def test_every_skipped_check_has_a_reason_of_its_own() -> None:
    # Given the skip list
    section = _skip_section()
    matches = [SKIP_LINE.match(line) for line in section]
    # Then each line is one check with a sentence saying why it does not apply
    assert section
    assert all(matches), [line for line, m in zip(section, matches, strict=True) if not m]
    checks = [m["check"] for m in matches if m]
    assert len(set(checks)) == len(checks)
    assert all(len(m["reason"]) >= 40 for m in matches if m)


def test_make_test_runs_checkov_on_the_dev_and_prod_packages() -> None:
    makefile = (ROOT / "Makefile").read_text()
    (test_target,) = re.findall(r"^test: (.*)$", makefile, flags=re.MULTILINE)
    assert "checkov" in test_target.split()
    (stages,) = re.findall(r"^CHECKOV_STAGES := (.*)$", makefile, flags=re.MULTILINE)
    assert set(stages.split()) == {"dev", "prod"}
    assert "--config-file .checkov.yaml" in makefile
