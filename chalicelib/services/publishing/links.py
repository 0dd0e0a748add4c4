"""Presigned links to a published run (contract section 4: `GET /campaigns/{id}/links`), and the
`expires_in` they take."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.domain.stored import PublishedRun
from chalicelib.domain.summary import iso
from chalicelib.errors import ValidationFailed
from chalicelib.services.publishing.ports import Summaries

MIN_LINK_SECONDS, MAX_LINK_SECONDS, DEFAULT_LINK_SECONDS = 60, 604_800, 86_400


def parse_expires_in(raw: str | None) -> int:
    if raw is None or raw == "":
        return DEFAULT_LINK_SECONDS
    message = (
        f"expires_in must be an integer number of seconds from {MIN_LINK_SECONDS} to {MAX_LINK_SECONDS}."
    )
    if not raw.isascii() or not raw.isdigit() or not MIN_LINK_SECONDS <= int(raw) <= MAX_LINK_SECONDS:
        raise ValidationFailed(message, fields={"expires_in": message})
    return int(raw)


def run_links(summaries: Summaries, run: PublishedRun, seconds: int, now: datetime) -> dict[str, Any]:
    """`{json, csv, html, generated_at, expires_at}`: each artefact of the run, presigned."""
    links: dict[str, Any] = {name: summaries.presign(key, seconds) for name, key in run.keys.items()}
    links["generated_at"] = run.generated_at
    links["expires_at"] = iso((now + timedelta(seconds=seconds)).astimezone(UTC).replace(microsecond=0))
    return links


def expires_at(now: datetime, seconds: int) -> str:
    """When a link signed now for `seconds` expires, to the second, in UTC."""
    return iso((now + timedelta(seconds=seconds)).astimezone(UTC).replace(microsecond=0))
