"""Strict JSON for webhook bodies, and the small readers of the values inside them. Pure.

Shared by the JSON platforms (Meta, X, TikTok, Standard Webhooks). A body is UTF-8 without a BOM and
holds no NaN or Infinity; anything else, including nesting too deep for the parser and numbers too big
to hold, is the sender's mistake and surfaces as `ValidationFailed`, never as another exception.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import NoReturn

from chalicelib.domain.webhooks import is_utf8
from chalicelib.errors import ValidationFailed

Json = dict[str, object]
Invalid = Callable[[str], ValidationFailed]
"""Builds a platform's 400 from a problem such as `NOT_JSON` (platforms word and locate it their way)."""

NOT_JSON = "must be valid JSON in UTF-8"
NOT_OBJECT = "must be a JSON object"


def body_not_json(problem: str) -> ValidationFailed:
    """The plain 400 for an undecodable body, without field details (whatever the problem)."""
    return ValidationFailed("The body is not valid UTF-8 JSON.")


def decode(raw: bytes, invalid: Invalid = body_not_json, *, keep_lone_surrogates: bool = False) -> object:
    """Strict JSON: UTF-8 only, no NaN or Infinity; any failure (even deep nesting) is `invalid(NOT_JSON)`.

    Strings may hold lone surrogate escapes, which no UTF-8 store can take: they are refused unless
    `keep_lone_surrogates` says the caller repairs or refuses them value by value (`as_id`, `user_text`).
    """
    try:
        value = strict_loads(raw.decode("utf-8"))
        if not keep_lone_surrogates:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
    except (ValueError, RecursionError) as error:  # UnicodeError and JSONDecodeError are ValueErrors
        raise invalid(NOT_JSON) from error
    return value


def load_object(raw: bytes, invalid: Invalid) -> Json:
    """A strict JSON object whose every string can be stored; else `invalid(NOT_JSON or NOT_OBJECT)`."""
    value = decode(raw, invalid)
    if not isinstance(value, dict):
        raise invalid(NOT_OBJECT)
    return value


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("number out of range")
    return value


# Built once: json.loads with hooks would build a new decoder for every body.
_STRICT = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_finite_float)


def strict_loads(text: str) -> object:
    """JSON without NaN, Infinity or out-of-range numbers: ValueError (or RecursionError) otherwise.
    Webhook bodies and the platforms' API answers are both read with it."""
    return _STRICT.decode(text)


# --- values ---------------------------------------------------------------------------------------


def as_id(value: object) -> str | None:
    """A platform id as text: a non-empty storable string or an integer; anything else is no id."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and value and is_utf8(value):
        return value
    return None


def user_text(value: object) -> str | None:
    """User text, with anything that cannot be stored as UTF-8 (lone surrogates) replaced."""
    if not isinstance(value, str) or not value:
        return None
    return value.encode("utf-8", "replace").decode("utf-8")


def as_str(value: object) -> str:
    """A string, or "" for anything else."""
    return value if isinstance(value, str) else ""


def as_object(value: object) -> Json:
    """A JSON object, or an empty one for anything else, so lookups can be chained."""
    return value if isinstance(value, dict) else {}
