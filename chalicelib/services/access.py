"""Bearer tokens: who the caller is (authenticate), and issuing and revoking tokens (admin only).

Tokens never reach a log line or a stored item: only their token_id and the SHA-256 of the secret.
Issued tokens are checked against DynamoDB alone; only the bootstrap admin needs the ADMIN_TOKEN
secret, whose age BootstrapSecret bounds so that a rotation takes effect within seconds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from chalicelib.domain.access import (
    BOOTSTRAP_TOKEN_ID,
    TOKEN_ID,
    Action,
    Principal,
    StoredToken,
    bootstrap_principal,
    bootstrap_secret,
    is_bootstrap,
    new_token,
    require,
    secret_matches,
    split_token,
)
from chalicelib.errors import Conflict, DependencyFailed, NotFound, Unauthorized
from chalicelib.models import json_object, validated
from chalicelib.models.token import TokenRequest
from chalicelib.observability import logger


class TokenStore(Protocol):
    def get(self, token_id: str) -> StoredToken | None: ...

    def put(self, token: StoredToken) -> None: ...

    def delete(self, token_id: str) -> bool: ...


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token_id: str
    token: str  # shown once, to the caller that asked for it

    def __repr__(self) -> str:
        return f"IssuedToken(token_id={self.token_id!r})"


# A matching ADMIN_TOKEN read longer ago than this is read again before it is trusted, so a rotated
# value stops working within this many seconds even in a container that never sees the new one.
ADMIN_TOKEN_TRUST_SECONDS = 10.0
# At most one read of the secret per this many seconds per container, whatever callers present: a new
# value works within this long, and a stream of wrong tokens costs one SSM call per interval at most.
ADMIN_TOKEN_REREAD_SECONDS = 5.0


class BootstrapSecret:
    """The ADMIN_TOKEN value the bootstrap check compares with, of bounded age.

    `read()` must return the secret as stored now (no cache). It is called on the first use, when a
    presented value matches a copy older than `trust_seconds`, and when a presented value does not match
    (a rotation this container has not seen yet); never more than once per `min_interval`.

    `now()` is wall-clock seconds (time.time), not a monotonic clock: a frozen Lambda container's
    monotonic clock may not count the time it spent frozen, and a copy read before a long freeze must
    not look fresh. A clock that went back counts as too old.
    """

    def __init__(
        self,
        read: Callable[[], str],
        now: Callable[[], float],
        *,
        trust_seconds: float = ADMIN_TOKEN_TRUST_SECONDS,
        min_interval: float = ADMIN_TOKEN_REREAD_SECONDS,
    ) -> None:
        self._read = read
        self._now = now
        self._trust_seconds = trust_seconds
        self._min_interval = min_interval
        self._value: str | None = None
        self._read_at = 0.0  # when _value was read
        self._tried_at: float | None = None  # the last read attempt, failed ones included

    def matches(self, presented: str) -> bool:
        now = self._now()
        if self._value is None:
            self._reread(now, required=True)
        elif is_bootstrap(presented, self._value):
            if 0 <= now - self._read_at <= self._trust_seconds:
                return True
            # The right value, but read too long ago to rule out a rotation: confirm it first.
            self._reread(now, required=True)
        elif not self._reread(now, required=False):
            return False
        return self._value is not None and is_bootstrap(presented, self._value)

    def _reread(self, now: float, *, required: bool) -> bool:
        """Read the secret unless a read was attempted less than min_interval ago; True if read.

        `required`: nothing can be decided without it (first use, or a matching copy too old to
        trust), so a failed or postponed read is a DependencyFailed (503, retry) rather than a 401.
        """
        if self._tried_at is not None and 0 <= now - self._tried_at < self._min_interval:
            if required:
                raise DependencyFailed("The admin token could not be checked; retry in a few seconds.")
            return False
        self._tried_at = now
        try:
            self._value = self._read()
        except DependencyFailed:
            logger.warning("admin token could not be read")
            if required:
                raise
            return False
        self._read_at = now
        return True


class AccessService:
    def __init__(self, tokens: TokenStore, bootstrap: BootstrapSecret, clock: Callable[[], datetime]) -> None:
        self._tokens = tokens
        self._bootstrap = bootstrap
        self._clock = clock

    def authenticate(self, bearer: str | None) -> Principal:
        """The principal of a bearer token, or Unauthorized (missing, malformed, wrong or revoked).

        An issued token is one consistent GetItem and never touches the ADMIN_TOKEN secret.
        """
        if not bearer:
            raise Unauthorized("A bearer token is required (Authorization: Bearer <token>).")
        presented_admin = bootstrap_secret(bearer)
        if presented_admin is not None:
            if self._bootstrap.matches(presented_admin):
                return bootstrap_principal()
            raise Unauthorized("The bearer token is not valid.")
        parts = split_token(bearer)
        stored = self._tokens.get(parts[0]) if parts else None
        if parts is None or stored is None or not secret_matches(parts[1], stored):
            raise Unauthorized("The bearer token is not valid.")
        return stored.principal()

    def create_token(self, bearer: str | None, body: bytes) -> IssuedToken:
        principal = self.authenticate(bearer)
        require(principal, Action.MANAGE_TOKENS)
        request = validated(TokenRequest, json_object(body), "token request")
        token_id, token, digest = new_token()
        self._tokens.put(
            StoredToken(
                token_id=token_id,
                name=request.name,
                role=request.role,
                labels=frozenset(request.labels),
                secret_sha256=digest,
                created_at=self._clock().isoformat(),
                created_by=principal.token_id,
            )
        )
        logger.info(
            "token created", extra={"token_id": token_id, "role": request.role, "by": principal.token_id}
        )
        return IssuedToken(token_id, token)

    def revoke(self, bearer: str | None, token_id: str) -> None:
        principal = self.authenticate(bearer)
        require(principal, Action.MANAGE_TOKENS)
        if token_id == BOOTSTRAP_TOKEN_ID:
            raise Conflict(
                "The bootstrap token is the stage's ADMIN_TOKEN secret: rotate the secret instead."
            )
        if not TOKEN_ID.fullmatch(token_id) or not self._tokens.delete(token_id):
            raise NotFound("No such token.")
        logger.info("token revoked", extra={"token_id": token_id, "by": principal.token_id})


def require_label(principal: Principal, action: Action, label: str | None, not_found: str) -> str:
    """The label a query names, once the principal may do `action` on it: 400 without one, 404 for
    one that is no slug or outside the token's scope (as if it did not exist), 403 for a role that
    may not."""
    from chalicelib.errors import ValidationFailed
    from chalicelib.models.campaign import SLUG

    if not label:
        raise ValidationFailed("label is required.", fields={"label": "Required."})
    if not SLUG.fullmatch(label):
        raise NotFound(not_found)
    require(principal, action, label, not_found=not_found)
    return label
