"""The management API through Chalice's test client: bearer tokens for every kind of caller, and
campaign bodies."""

from __future__ import annotations

import itertools
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from chalice.test import Client

from tests.campaigns import open_window
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
UNAUTHENTICATED = {"no_token": 401, "wrong_token": 401, "revoked_token": 401}


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

    def running_campaign(self, token: str, tracked: dict[str, Any]) -> dict[str, Any]:
        """A campaign of a fresh label, open since yesterday for ten more days, tracking `tracked`,
        created with the token."""
        body = campaign_body(unique("label"), tracked=tracked, **open_window(datetime.now(UTC)))
        response = self.call("POST", "/campaigns", token, body)
        assert response.status_code == 201, response.body
        return body


@dataclass(frozen=True)
class Callers:
    """A label, another label, and a token (or none) for each caller kind."""

    label: str
    other_label: str
    tokens: dict[str, str | None]

    def token(self, caller: str) -> str:
        """The caller's token, for the kinds of caller that have one."""
        value = self.tokens[caller]
        assert value is not None
        return value


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


# What every kind of caller gets on each route of a label's records (campaigns, artists). A record of a
# label outside the token's scope is a 404 (as if missing); a role that may not act on its own label is
# a 403; a missing, wrong or revoked token is a 401.
LABEL_RECORDS_MATRIX: dict[str, dict[str, int]] = {
    "create": {
        "admin": 201,
        "editor": 201,
        "editor_other": 403,
        "viewer": 403,
        "viewer_other": 403,
        "moderator": 403,
        **UNAUTHENTICATED,
    },
    "list": {
        "admin": 200,
        "editor": 200,
        "editor_other": 200,
        "viewer": 200,
        "viewer_other": 200,
        "moderator": 200,
        **UNAUTHENTICATED,
    },
    "get": {
        "admin": 200,
        "editor": 200,
        "editor_other": 404,
        "viewer": 200,
        "viewer_other": 404,
        "moderator": 200,
        **UNAUTHENTICATED,
    },
    "replace": {
        "admin": 200,
        "editor": 200,
        "editor_other": 404,
        "viewer": 403,
        "viewer_other": 404,
        "moderator": 403,
        **UNAUTHENTICATED,
    },
    "archive": {
        "admin": 204,
        "editor": 204,
        "editor_other": 404,
        "viewer": 403,
        "viewer_other": 404,
        "moderator": 403,
        **UNAUTHENTICATED,
    },
}


@dataclass(frozen=True)
class LabelRecords:
    """The routes of one kind of a label's records: `path` for the collection, each record at
    `path/<its id_field>`, and a fresh body of a label from `new_body`."""

    path: str
    id_field: str
    new_body: Callable[[str], dict[str, Any]]

    def created(self, api: Api, who: Callers) -> dict[str, Any]:
        body = self.new_body(who.label)
        response = api.call("POST", self.path, who.token("admin"), body)
        assert response.status_code == 201, response.body
        return body

    def request(self, api: Api, who: Callers, route: str, caller: str) -> Any:
        """The matrix route's request by the caller, against a fresh record of `who.label` where it
        needs one."""
        token = who.tokens[caller]
        if route == "create":
            return api.call("POST", self.path, token, self.new_body(who.label))
        if route == "list":
            return api.call("GET", self.path, token)
        target = self.created(api, who)
        path = f"{self.path}/{target[self.id_field]}"
        if route == "get":
            return api.call("GET", path, token)
        if route == "replace":
            return api.call("PUT", path, token, {**target, "name": "Renamed"})
        return api.call("DELETE", path, token)

    def answers(self, api: Api, who: Callers, route: str) -> dict[str, int]:
        """The status each kind of caller gets on the route."""
        return {caller: self.request(api, who, route, caller).status_code for caller in CALLERS}

    def touched_from_another_label(self, api: Api, who: Callers, method: str) -> tuple[Any, Any]:
        """What an editor of another label gets for a record of `who.label`, and for a missing one."""
        target = self.created(api, who)
        token = who.tokens["editor_other"]
        hidden = api.call(method, f"{self.path}/{target[self.id_field]}", token, target)
        missing = api.call(method, f"{self.path}/{unique('missing')}", token, target)
        return hidden, missing


ARTISTS = LabelRecords("/artists", "artist_id", artist_body)
CAMPAIGNS = LabelRecords("/campaigns", "campaign_id", campaign_body)
