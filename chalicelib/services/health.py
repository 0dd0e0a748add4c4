"""Liveness: proves the function imports, its settings parse and its stage is known."""

from __future__ import annotations

from typing import Any

from chalicelib.settings import get_settings


def status() -> dict[str, Any]:
    settings = get_settings()
    return {"status": "ok", "stage": settings.stage}
