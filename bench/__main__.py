"""`make bench`: every benchmark, each printing its figures and ratios."""

from __future__ import annotations

import sys

from bench import cold_start, ingest_requests, local_throughput, webhook_cost


def main() -> None:
    print(f"Python {sys.version.split()[0]}; figures are medians; ratios are against a baseline of this run.")
    cold_start.run()
    webhook_cost.run()
    ingest_requests.run()
    local_throughput.run()


if __name__ == "__main__":
    main()
