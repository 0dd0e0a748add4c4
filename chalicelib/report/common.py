"""What both renderers share: the order of platforms and kinds, and reading times and numbers.

Pure: standard library only.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from datetime import datetime, tzinfo
from typing import TypeGuard
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from chalicelib.domain.events import KIND_ORDER, PLATFORM_NAMES, PLATFORM_ORDER, STANDARD_PREFIX


def platform_key(platform: str) -> tuple[int, str]:
    """Known platforms in their usual order, then `standard:<source>` (and anything else) by name."""
    try:
        return (PLATFORM_ORDER.index(platform), "")
    except ValueError:
        return (len(PLATFORM_ORDER), platform)


def kind_key(kind: str) -> tuple[int, str]:
    """Kinds in the vocabulary's order; an unknown kind (never in a valid summary) after them."""
    try:
        return (KIND_ORDER.index(kind), "")
    except ValueError:
        return (len(KIND_ORDER), kind)


def sorted_platforms(platforms: Iterable[str]) -> list[str]:
    return sorted(set(platforms), key=platform_key)


def sorted_kinds(kinds: Iterable[str]) -> list[str]:
    return sorted(set(kinds), key=kind_key)


def platform_name(platform: str) -> str:
    """A human name: `YouTube`, `TikTok`; a Standard Webhooks source keeps its own name."""
    if platform in PLATFORM_NAMES:
        return PLATFORM_NAMES[platform]
    if platform.startswith(STANDARD_PREFIX):
        return platform.removeprefix(STANDARD_PREFIX)
    return platform


def kind_name(kind: str) -> str:
    return kind.replace("_", " ")


def is_number(value: object) -> TypeGuard[int | float]:
    """An int or a float, but not a bool (which Python counts as an int)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def parse_time(value: object) -> datetime | None:
    """An ISO 8601 time with an offset, else None (a summary never holds a naive time)."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def zone(name: object) -> tzinfo | None:
    """The IANA zone, or None when unknown here (the times then keep their own offsets)."""
    if not isinstance(name, str) or not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def style_policy(css: str) -> str:
    """A page's Content-Security-Policy: nothing but its one inline stylesheet, allowed by its hash."""
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    return (
        f"default-src 'none'; style-src 'sha256-{digest}'; img-src 'none'; font-src 'none'; "
        "base-uri 'none'; form-action 'none'"
    )
