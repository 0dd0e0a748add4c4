"""Validation of summary.json v1 against docs/summary.schema.json (contract section 6).

Test-only: jsonschema is a development tool, so the shipped package (chalicelib) never imports it.
Formats are checked here rather than through jsonschema's optional format libraries, so that a
`date-time` without an offset or an impossible date fails whatever extras happen to be installed.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import best_match

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "docs" / "summary.schema.json"

_formats = FormatChecker(formats=())


@_formats.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parsed = datetime.fromisoformat(value)
    return parsed.tzinfo is not None and "T" in value


@_formats.checks("date", raises=ValueError)
def _date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    date.fromisoformat(value)
    return len(value) == 10


@cache
def load_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return schema


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(load_schema(), format_checker=_formats)


def validate_summary(summary: dict[str, Any]) -> None:
    """Raise ValueError naming the path of the (most relevant) first error; None when valid."""
    error = best_match(_validator().iter_errors(summary))
    if error is not None:
        raise ValueError(f"{error.json_path}: {error.message}")
