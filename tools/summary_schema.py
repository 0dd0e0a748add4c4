"""Writes docs/summary.schema.json from the summary model (`make schema`).

`python -m tools.summary_schema` rewrites the file; `--check` only says whether it is current (exit 1
when it is not). tests/unit/models/test_summary_schema_file.py fails while the committed file differs.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from chalicelib.models.summary import summary_json_schema

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "docs" / "summary.schema.json"


def schema_text() -> str:
    """The file's exact text: two-space indents, non-ASCII kept, a final newline."""
    return json.dumps(summary_json_schema(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed file is not current")
    args = parser.parse_args(argv)
    text = schema_text()
    current = SCHEMA_PATH.read_text(encoding="utf-8") if SCHEMA_PATH.exists() else ""
    if args.check:
        if current != text:
            print(f"{SCHEMA_PATH} is not current: run make schema", file=sys.stderr)
            return 1
        return 0
    if current != text:
        SCHEMA_PATH.write_text(text, encoding="utf-8")
        print(f"wrote {SCHEMA_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
