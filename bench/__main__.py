"""`make bench`: every benchmark, each in its own process (they set up environments and fakes of
their own), each printing its figures and ratios against a baseline of the same run."""

from __future__ import annotations

import subprocess
import sys

from bench.common import ROOT

BENCHMARKS = (
    "cold_start",
    "render",
    "moderation",  # classifier quality on the labelled sets, and its CPU against the consumer's
    "webhook_cost",
    "ingest_requests",
    "cost",  # $ per million events, REST front door vs Function URL (runs ingest_requests' mix again)
    "local_throughput",
    "pull_requests",
    "publish_latency",
    "clash_reads",  # about a minute: 5,000 pushes in moto
    "radar",  # about a minute: 2,000 artists x 400 days in memory
    "publish_reads",  # a few minutes: 200,000 events in moto
    "local_restart",  # a few minutes: 100,000 events through the local stack, then restarts
    "imports",
)


def main() -> int:
    print(f"Python {sys.version.split()[0]}; figures are medians; ratios are against a baseline of this run.")
    failed = []
    for name in BENCHMARKS:
        result = subprocess.run(
            [sys.executable, "-W", "ignore", "-m", f"bench.{name}"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
            check=False,  # one failing benchmark must not hide the others' figures
        )
        # Each prints its report, then one JSON line of figures for scripts; show the report.
        print("\n".join(line for line in result.stdout.splitlines() if not line.startswith("{")), flush=True)
        if result.returncode != 0:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
