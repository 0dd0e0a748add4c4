"""Pydantic models at the boundaries: the management API's bodies, the published summary
(chalicelib.models.summary); and the one place the bodies' errors become
ValidationFailed with field paths."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from chalicelib.domain.webhooks import MAX_BODY_BYTES
from chalicelib.errors import PayloadTooLarge, ValidationFailed

M = TypeVar("M", bound=BaseModel)
MAX_FIELDS = 100  # a body with thousands of bad ids gets the first hundred, not a megabyte of errors


def json_object(body: bytes, max_bytes: int = MAX_BODY_BYTES) -> dict[str, Any]:
    """The body as a JSON object, or ValidationFailed (PayloadTooLarge over `max_bytes`, 1 MiB unless
    a route takes more)."""
    if len(body) > max_bytes:
        raise PayloadTooLarge(f"The body is over {max_bytes} bytes.")
    try:
        value = json.loads(body)
    except (ValueError, RecursionError) as error:  # ValueError covers invalid JSON and invalid UTF-8
        raise ValidationFailed("The body is not valid JSON.") from error
    if not isinstance(value, dict):
        raise ValidationFailed("The body must be a JSON object.")
    return value


def field_path(loc: tuple[int | str, ...], context: dict[str, Any] | None) -> str:
    """`tracked.youtube.content.0`; a validator may name a sub-path through its error context `at`."""
    parts = [str(part) for part in loc]
    if context and "at" in context:
        parts.append(str(context["at"]))
    return ".".join(parts) or "body"


def field_errors(error: ValidationError) -> dict[str, str]:
    fields: dict[str, str] = {}
    for detail in error.errors(include_url=False):
        if len(fields) >= MAX_FIELDS:
            break
        context = detail.get("ctx")
        message = str(detail["msg"])
        if detail["type"] == "value_error" and context and "error" in context:
            message = str(context["error"])  # our own sentence, without pydantic's "Value error, "
        elif detail["type"] == "extra_forbidden":
            message = "Unknown field."
        fields.setdefault(field_path(tuple(detail["loc"]), context), message)
    return fields


def validated(model: type[M], data: Any, what: str) -> M:
    """The model of `data`, or ValidationFailed listing every field that is wrong."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        fields = field_errors(error)
        more = (
            f" (the first {len(fields)} of {error.error_count()} problems)"
            if error.error_count() > len(fields)
            else ""
        )
        raise ValidationFailed(f"Invalid {what}{more}.", fields=fields) from error
