"""Bearer tokens: who the caller is (authenticate), and issuing and revoking tokens (admin only).

Tokens never reach a log line or a stored item: only their token_id and the SHA-256 of the secret.
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
    is_bootstrap,
    new_token,
    require,
    secret_matches,
    split_token,
)
from chalicelib.errors import Conflict, NotFound, Unauthorized
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


class AccessService:
    def __init__(
        self, tokens: TokenStore, admin_token: Callable[[], str], clock: Callable[[], datetime]
    ) -> None:
        self._tokens = tokens
        self._admin_token = admin_token
        self._clock = clock

    def authenticate(self, bearer: str | None) -> Principal:
        """The principal of a bearer token, or Unauthorized (missing, malformed, wrong or revoked)."""
        if not bearer:
            raise Unauthorized("A bearer token is required (Authorization: Bearer <token>).")
        if is_bootstrap(bearer, self._admin_token()):
            return bootstrap_principal()
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
