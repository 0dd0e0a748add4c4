"""Who may do what: bearer-token principals, their roles and the one authorisation decision. Pure.

A token string is `<token_id>.<secret>`: the id names the stored token (one GetItem), the secret is
stored only as its SHA-256. The stage's ADMIN_TOKEN secret is the bootstrap admin, presented as
`bootstrap.<ADMIN_TOKEN>` (the same format, with the id `bootstrap`) or as the bare value.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from chalicelib.errors import Forbidden, NotFound

Role = Literal["admin", "editor", "viewer", "moderator"]
ROLES: tuple[Role, ...] = ("admin", "editor", "viewer", "moderator")
BOOTSTRAP_TOKEN_ID = "bootstrap"  # noqa: S105 (a name, not a secret)
# token_hex(8): what new tokens get; anything else cannot name a stored token and is refused unread.
TOKEN_ID = re.compile(r"[0-9a-f]{16}")
SECRET = re.compile(r"[A-Za-z0-9_-]{16,128}")


class Action(StrEnum):
    READ = "read campaigns"  # get, list
    LINKS = "get summary links"
    WRITE = "create, replace or archive campaigns"
    PUBLISH = "publish summaries"
    MANAGE_TOKENS = "manage tokens"
    RUN_JOBS = "run jobs"
    READ_ARTISTS = "read artists"  # get, list
    WRITE_ARTISTS = "register, change or archive artists"
    FEEDS = "create or revoke calendar feeds"
    RADAR = "watch artists on the talent radar or read it"
    READ_ALERTS = "read alerts"
    READ_CATALOGUE = "read releases, imports and consumption links"
    WRITE_CATALOGUE = "register, change or remove releases and import reports"
    MODERATE = "hide or unhide comments"
    READ_MODERATION_ACTIONS = "read moderation actions"
    MODERATION_POLICY = "change a moderation policy"
    READ_MODERATION_REPORTS = "read moderation reports"  # they quote texts: never a viewer's


# Managing tokens, running jobs and moderation policies are admin-only: no label scope gives them. A
# moderator reads its labels' campaigns and artists like a viewer, and hides comments (contract section 11).
_READERS = {Action.READ, Action.LINKS, Action.READ_ARTISTS, Action.READ_ALERTS, Action.READ_CATALOGUE}
ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    "admin": frozenset(Action),
    "editor": frozenset(
        {
            Action.READ,
            Action.LINKS,
            Action.WRITE,
            Action.PUBLISH,
            Action.READ_ARTISTS,
            Action.WRITE_ARTISTS,
            Action.FEEDS,
            Action.RADAR,
            Action.READ_ALERTS,
            Action.READ_CATALOGUE,
            Action.WRITE_CATALOGUE,
            Action.READ_MODERATION_ACTIONS,
            Action.READ_MODERATION_REPORTS,
        }
    ),
    "viewer": frozenset(_READERS),
    "moderator": frozenset(
        {*_READERS, Action.MODERATE, Action.READ_MODERATION_ACTIONS, Action.READ_MODERATION_REPORTS}
    ),
}


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller a valid token stands for. An admin covers every label; labels are then ignored."""

    token_id: str
    name: str
    role: Role
    labels: frozenset[str]

    def covers(self, label: str) -> bool:
        return self.role == "admin" or label in self.labels

    def __repr__(self) -> str:
        return f"Principal(token_id={self.token_id!r}, role={self.role!r})"


@dataclass(frozen=True, slots=True)
class StoredToken:
    """A token as stored: never the token itself, only the SHA-256 (hex) of its secret."""

    token_id: str
    name: str
    role: Role
    labels: frozenset[str]
    secret_sha256: str
    created_at: str
    created_by: str

    def principal(self) -> Principal:
        return Principal(self.token_id, self.name, self.role, self.labels)

    def __repr__(self) -> str:
        return f"StoredToken(token_id={self.token_id!r}, role={self.role!r})"


def bootstrap_principal() -> Principal:
    return Principal(BOOTSTRAP_TOKEN_ID, "ADMIN_TOKEN", "admin", frozenset())


def secret_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_token() -> tuple[str, str, str]:
    """(token_id, the token shown once, the digest to store)."""
    token_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    return token_id, f"{token_id}.{secret}", secret_digest(secret)


def split_token(token: str) -> tuple[str, str] | None:
    """(token_id, secret) of a well-formed token string, else None."""
    token_id, dot, secret = token.partition(".")
    if not dot or not TOKEN_ID.fullmatch(token_id) or not SECRET.fullmatch(secret):
        return None
    return token_id, secret


def bootstrap_secret(token: str) -> str | None:
    """The ADMIN_TOKEN value a bearer presents, or None when it is an issued token's string.

    `bootstrap.<value>` is the documented form; the bare value is accepted too. A string of an issued
    token's shape is never compared with ADMIN_TOKEN, so issued tokens never need the secret.
    """
    token_id, dot, secret = token.partition(".")
    if dot and token_id == BOOTSTRAP_TOKEN_ID:
        return secret
    return None if split_token(token) is not None else token


def is_bootstrap(token: str, admin_token: str) -> bool:
    """Constant-time; a header's lone surrogate is kept as its own bytes, never raised on."""
    presented = token.encode("utf-8", "surrogatepass")
    return bool(token) and hmac.compare_digest(presented, admin_token.encode("utf-8", "surrogatepass"))


def secret_matches(secret: str, stored: StoredToken) -> bool:
    return hmac.compare_digest(secret_digest(secret).encode("ascii"), stored.secret_sha256.encode("ascii"))


def require(principal: Principal, action: Action, label: str | None = None, *, not_found: str = "") -> None:
    """Allow the action or raise: NotFound when the label is outside the token's scope (exactly as a
    missing resource: pass the same `not_found` message the caller uses for one), Forbidden when the
    role may not do it. `label` None checks the role alone (admin-only actions, or before a body
    names its label)."""
    if label is not None and not principal.covers(label):
        raise NotFound(not_found or "Not found.")
    if action not in ROLE_ACTIONS[principal.role]:
        article = "An" if principal.role[:1] in "aeiou" else "A"
        raise Forbidden(f"{article} {principal.role} token may not {action.value}.")
