"""The management API through Chalice's test client: bearer tokens for every kind of caller, and
campaign bodies."""

from __future__ import annotations

import itertools
import json
import uuid
from dataclasses import dataclass
from typing import Any

from chalice.test import Client

from tests.conftest import unique

# Every kind of caller the authorisation matrix covers.
CALLERS = (
    "admin",
    "editor",
    "editor_other",
    "viewer",
    "viewer_other",
    "moderator",
    "no_token",
    "wrong_token",
    "revoked_token",
)


@dataclass
class Api:
    client: Client

    def call(self, method: str, path: str, token: str | None, body: Any = None) -> Any:
        headers = {"Content-Type": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        raw = body if isinstance(body, bytes) else (b"" if body is None else json.dumps(body).encode())
        return self.client.http.request(method, path, headers=headers, body=raw)

    def create_token(self, admin_token: str, role: str, labels: list[str]) -> tuple[str, str]:
        response = self.call(
            "POST", "/admin/tokens", admin_token, {"name": unique(role), "role": role, "labels": labels}
        )
        assert response.status_code == 201, response.body
        body = json.loads(response.body)
        return body["token_id"], body["token"]


@dataclass(frozen=True)
class Callers:
    """A label, another label, and a token (or none) for each caller kind."""

    label: str
    other_label: str
    tokens: dict[str, str | None]


def callers(api: Api, admin_token: str) -> Callers:
    label, other = unique("label"), unique("label")
    tokens: dict[str, str | None] = {"admin": admin_token, "no_token": None}
    for caller, role, labels in (
        ("editor", "editor", [label]),
        ("editor_other", "editor", [other]),
        ("viewer", "viewer", [label]),
        ("viewer_other", "viewer", [other]),
        ("moderator", "moderator", [label]),
    ):
        tokens[caller] = api.create_token(admin_token, role, labels)[1]
    tokens["wrong_token"] = "0123456789abcdef.not-the-secret-of-any-token"
    revoked_id, revoked = api.create_token(admin_token, "editor", [label])
    assert api.call("DELETE", f"/admin/tokens/{revoked_id}", admin_token).status_code == 204
    tokens["revoked_token"] = revoked
    return Callers(label, other, tokens)


def campaign_body(of_label: str, campaign_id: str | None = None, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "campaign_id": campaign_id or unique("campaign"),
        "name": "Indochine: 13 tour launch",
        "label": of_label,
        "artist": "Indochine",
        "starts_at": "2026-11-20T00:00:00+01:00",
        "ends_at": "2026-12-20T00:00:00+01:00",
        "timezone": "Europe/Paris",
        "tracked": {
            "youtube": {"accounts": ["UCxxxxxxxxxxxxxxxxxxxxxx"], "content": ["dQw4w9WgXcQ"]},
            "standard:linkfire": {"accounts": [], "content": [unique("link")]},
        },
    }
    body.update(changes)
    return body


_digits = itertools.count(1)


def unique_digits() -> str:
    """A numeric platform id (X, Instagram, Deezer, a Facebook page) that no other test uses: account
    owners are global to the deployment."""
    return f"{next(_digits)}{uuid.uuid4().int % 10**12:012d}"


def artist_body(of_label: str, artist_id: str | None = None, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "artist_id": artist_id or unique("artist"),
        "label": of_label,
        "name": "Indochine",
        "accounts": {"x": [unique_digits()], "tiktok": [unique("open")]},
    }
    body.update(changes)
    return body


def body_of(response: Any) -> Any:
    return json.loads(response.body) if response.body else None
