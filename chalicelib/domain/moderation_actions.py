"""Actions on the platforms (contract section 11): a label's auto-hide policy, what an action is, and
how it is recorded. Pure.

An action is recorded twice: `pending` before the platform is called (the identity of an automatic one
is claimed then, so that a retried or concurrent consumer never hides a comment twice: architecture
invariant 8), then with the platform's answer. A platform that refuses leaves the comment as it was;
the action says so (`refused`, with the platform's status and reason).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from chalicelib.domain.moderation.lexicon import CATEGORIES
from chalicelib.errors import ValidationFailed

Outcome = Literal["pending", "done", "refused", "rate_limited", "unavailable", "failed"]
Trigger = Literal["manual", "auto"]
MAX_SEVERITY = 3
DEFAULT_MIN_SEVERITY = 2
MAX_COMMENT_ID_CHARS = 256
AUTO_HIDE_BY = "auto-hide policy"


@dataclass(frozen=True, slots=True)
class AutoHidePolicy:
    """Off by default. When on, a new text is hidden when its verdict has one of `categories` (all of
    them when the list is empty) and a severity of at least `min_severity`."""

    enabled: bool = False
    categories: tuple[str, ...] = ()
    min_severity: int = DEFAULT_MIN_SEVERITY

    def matches(self, categories: Iterable[str], severity: int) -> bool:
        if not self.enabled or severity < self.min_severity:
            return False
        found = set(categories)
        return bool(found & set(self.categories)) if self.categories else bool(found)

    def public(self) -> dict[str, Any]:
        return {
            "auto_hide": {
                "enabled": self.enabled,
                "categories": list(self.categories),
                "min_severity": self.min_severity,
            }
        }


OFF = AutoHidePolicy()


def parse_policy(raw: bytes) -> AutoHidePolicy:
    """`{"auto_hide": {"enabled", "categories"?, "min_severity"?}}`; every problem in one 400."""
    try:
        body = json.loads(raw.decode("utf-8")) if raw else None
    except (ValueError, RecursionError):
        raise ValidationFailed("The body is not JSON.") from None
    if not isinstance(body, dict) or set(body) != {"auto_hide"} or not isinstance(body["auto_hide"], dict):
        raise ValidationFailed(
            'The body must be {"auto_hide": {enabled, categories, min_severity}}.',
            fields={"auto_hide": "Required, an object, and the only member."},
        )
    policy: Mapping[str, Any] = body["auto_hide"]
    fields: dict[str, str] = {}
    extra = sorted(set(policy) - {"enabled", "categories", "min_severity"})
    for name in extra:
        fields[f"auto_hide.{name}"] = "Unknown field."
    enabled = policy.get("enabled")
    if not isinstance(enabled, bool):
        fields["auto_hide.enabled"] = "Required: true or false."
    categories = policy.get("categories", [])
    if not isinstance(categories, list) or not all(isinstance(c, str) for c in categories):
        fields["auto_hide.categories"] = "A list of categories."
        categories = []
    for index, category in enumerate(categories):
        if category not in CATEGORIES:
            fields[f"auto_hide.categories.{index}"] = f"One of {', '.join(CATEGORIES)}."
    severity = policy.get("min_severity", DEFAULT_MIN_SEVERITY)
    if isinstance(severity, bool) or not isinstance(severity, int) or not 1 <= severity <= MAX_SEVERITY:
        fields["auto_hide.min_severity"] = f"An integer from 1 to {MAX_SEVERITY}."
    if fields:
        raise ValidationFailed("The moderation policy is not valid.", fields=fields)
    ordered = tuple(c for c in CATEGORIES if c in set(categories))
    return AutoHidePolicy(bool(enabled), ordered, int(severity))


@dataclass(frozen=True, slots=True)
class StoredComment:
    """A comment the tracker stored (the `by_comment` index): where it was written."""

    platform: str
    comment_id: str
    account_id: str
    content_id: str


@dataclass(frozen=True, slots=True)
class AutoHideCandidate:
    """A classified text as the consumer has it: the stored event's platform, comment id, account and
    content, and its verdict's categories and severity."""

    platform: str
    comment_id: str
    account_id: str
    content_id: str
    categories: tuple[str, ...]
    severity: int


@dataclass(frozen=True, slots=True)
class ModerationAction:
    action_id: str
    label: str
    platform: str
    comment_id: str
    account_id: str
    content_id: str
    action: Literal["hide", "unhide"]
    trigger: Trigger
    by: str  # the token's name and id, or AUTO_HIDE_BY
    requested_at: datetime
    outcome: Outcome = "pending"
    answer: Mapping[str, Any] = field(default_factory=dict)  # the platform's answer, never a secret
    answered_at: datetime | None = None
    verdict: Mapping[str, Any] | None = None  # what an automatic one acted on: categories, severity

    def public(self) -> dict[str, Any]:
        """Every field as JSON holds it: times in ISO 8601, mappings as plain dicts."""
        return {name: _public(getattr(self, name)) for name in self.__dataclass_fields__}


def _public(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    return dict(value) if isinstance(value, Mapping) else value


def auto_claim(platform: str, comment_id: str) -> str:
    """The identity of the automatic hiding of one comment: at most one, ever."""
    return f"{platform}#{comment_id}"
