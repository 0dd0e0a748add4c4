"""The README's first-hour walk-through runs as pasted (issue 9, point 17): the block after
`<!-- walkthrough -->` is run by bash against a fresh local stack, and the summary it publishes
counts what its example deliveries hold."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from infra.local.harness import ROOT, api, free_port, http, start
from infra.local.stack import read_env_file

pytestmark = pytest.mark.e2e

MARKER = "<!-- walkthrough -->"


def _walkthrough() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    after = readme.split(MARKER, 1)[1]
    block = re.search(r"```sh\n(.*?)```", after, re.DOTALL)
    assert block is not None, "the README has no walk-through block after its marker"
    return block.group(1)


def test_the_readme_walkthrough_runs_as_pasted_and_its_summary_counts_each_delivery(tmp_path: Path) -> None:
    # Given a fresh local stack whose WebSub hub is a closed loopback port (no network in tests)
    stack = start(tmp_path / "run.log", {"WEBSUB_HUB_URL": f"http://127.0.0.1:{free_port()}/subscribe"})
    try:
        assert stack.local_dir is not None
        script = _walkthrough()
        assert "API=http://127.0.0.1:8000" in script
        script = script.replace("API=http://127.0.0.1:8000", f"API={stack.base_url}")
        script = script.replace(".local/secrets.env", str(stack.local_dir / "secrets.env"))
        # When the block is run by bash, from the repository's root, as a user pastes it
        run = subprocess.run(
            ["bash", "-eu", "-c", script],
            cwd=ROOT,
            env={**stack.env, "LOCAL_DIR": str(stack.local_dir)},
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        # Then every step succeeded, and the summary counts each delivery of the examples
        assert run.returncode == 0, run.stdout + run.stderr
        assert "Open in a browser: http" in run.stdout
        assert "campaign_id" in run.stdout or "section" in run.stdout  # the CSV's header row
        admin = read_env_file(stack.local_dir / "secrets.env")["ADMIN_TOKEN"]
        status, links = api(stack, "GET", "/campaigns/indochine-13-tour/links", admin)
        assert status == 200, links
        status, summary = http("GET", links["json"])
        assert status == 200
        events = {platform: figures.get("events", {}) for platform, figures in summary["platforms"].items()}
        assert events["facebook"] == {"comment": 1}
        assert events["instagram"] == {"comment": 2}
        assert events["x"] == {"like": 2}
        assert events["tiktok"] == {"content_published": 1}
        assert events["youtube"] == {"content_published": 1}
        assert events["standard:demo"] == {"presave": 1}
    finally:
        assert stack.stop() == 0, stack.output()
