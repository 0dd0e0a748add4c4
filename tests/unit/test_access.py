"""Roles and the one authorisation decision; tokens; authentication with a fake token store. Pure."""

from __future__ import annotations

from dataclasses import astuple
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from chalicelib.domain.access import (
    ROLES,
    Action,
    Principal,
    Role,
    StoredToken,
    new_token,
    require,
    secret_digest,
    split_token,
)
from chalicelib.errors import Conflict, Forbidden, NotFound, Unauthorized
from chalicelib.services.access import AccessService
from chalicelib.web import bearer_token

ADMIN_TOKEN = "the-stage-admin-token"


def principal(role: Role, *labels: str) -> Principal:
    return Principal("t", "n", role, frozenset(labels))


# require(principal, action, label) ----------------------------------------------------------------

ALLOWED: dict[Role, set[Action]] = {
    "admin": set(Action),
    "editor": {Action.READ, Action.LINKS, Action.WRITE, Action.PUBLISH},
    "viewer": {Action.READ, Action.LINKS},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(Action))
def test_a_role_may_do_its_actions_on_its_own_label(role: Role, action: Action) -> None:
    # Given a token of the label; When it asks for the action; Then it is allowed or a 403
    if action in ALLOWED[role]:
        require(principal(role, "mine"), action, "mine")
    else:
        with pytest.raises(Forbidden):
            require(principal(role, "mine"), action, "mine")


@pytest.mark.parametrize("role", ["editor", "viewer"])
@pytest.mark.parametrize("action", list(Action))
def test_a_label_outside_the_scope_is_not_found_whatever_the_action(role: Role, action: Action) -> None:
    with pytest.raises(NotFound, match="No such campaign"):
        require(principal(role, "mine"), action, "theirs", not_found="No such campaign.")


def test_an_admin_covers_every_label_whatever_its_labels() -> None:
    for action in Action:
        require(principal("admin"), action, "any-label")
        require(principal("admin", "one"), action, "another")


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_admin_only_actions_are_forbidden_to_other_roles(role: Role) -> None:
    for action in (Action.MANAGE_TOKENS, Action.RUN_JOBS):
        with pytest.raises(Forbidden):
            require(principal(role, "mine"), action)


# Token strings -------------------------------------------------------------------------------------


def test_a_new_token_is_its_id_and_a_secret_stored_as_a_digest() -> None:
    token_id, token, digest = new_token()
    parts = split_token(token)
    assert parts is not None
    assert parts[0] == token_id
    assert secret_digest(parts[1]) == digest
    assert digest not in token


@pytest.mark.parametrize(
    "token", ["", "abc", "0123456789abcdef", "0123456789abcdef.", "0123456789ABCDEF.secret-secret-secret"]
)
def test_a_malformed_token_does_not_split(token: str) -> None:
    assert split_token(token) is None


def test_principals_and_stored_tokens_never_show_secrets_in_repr() -> None:
    stored = StoredToken("0123456789abcdef", "n", "viewer", frozenset(), "d1g3st", "now", "bootstrap")
    assert "d1g3st" not in repr(stored)


# Authorization header --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "token"),
    [
        ("Bearer abc.def", "abc.def"),
        ("bearer  abc.def ", "abc.def"),
        ("Basic abc", None),
        ("Bearer", None),
        ("", None),
    ],
)
def test_the_bearer_token_is_read_from_the_authorization_header(header: str, token: str | None) -> None:
    request = SimpleNamespace(headers={"authorization": header} if header else {})
    assert bearer_token(request) == token  # type: ignore[arg-type]


# AccessService with a fake store ---------------------------------------------------------------------


class FakeTokens:
    def __init__(self) -> None:
        self.items: dict[str, StoredToken] = {}

    def get(self, token_id: str) -> StoredToken | None:
        return self.items.get(token_id)

    def put(self, token: StoredToken) -> None:
        self.items[token.token_id] = token

    def delete(self, token_id: str) -> bool:
        return self.items.pop(token_id, None) is not None


def service(tokens: FakeTokens) -> AccessService:
    return AccessService(tokens, lambda: ADMIN_TOKEN, lambda: datetime(2026, 11, 26, tzinfo=UTC))


def test_the_admin_token_secret_is_the_bootstrap_admin() -> None:
    found = service(FakeTokens()).authenticate(ADMIN_TOKEN)
    assert (found.token_id, found.role) == ("bootstrap", "admin")


def test_an_issued_token_authenticates_until_revoked() -> None:
    # Given a token issued by the admin
    tokens = FakeTokens()
    issued = service(tokens).create_token(ADMIN_TOKEN, b'{"name": "lead", "role": "editor", "labels": ["a"]}')
    # Then it authenticates as an editor of its label, and the store holds no token
    found = service(tokens).authenticate(issued.token)
    assert (found.token_id, found.role, found.labels) == (issued.token_id, "editor", frozenset({"a"}))
    assert issued.token.split(".", 1)[1] not in str(astuple(tokens.items[issued.token_id]))
    # When revoked, it no longer does
    service(tokens).revoke(ADMIN_TOKEN, issued.token_id)
    with pytest.raises(Unauthorized):
        service(tokens).authenticate(issued.token)


@pytest.mark.parametrize("bearer", [None, "", "wrong", "0123456789abcdef.not-the-right-secret"])
def test_anything_else_is_unauthorized(bearer: str | None) -> None:
    with pytest.raises(Unauthorized):
        service(FakeTokens()).authenticate(bearer)


def test_a_right_id_with_a_wrong_secret_is_unauthorized() -> None:
    tokens = FakeTokens()
    issued = service(tokens).create_token(ADMIN_TOKEN, b'{"name": "n", "role": "admin"}')
    with pytest.raises(Unauthorized):
        service(tokens).authenticate(f"{issued.token_id}.{'x' * 43}")


def test_revoking_the_bootstrap_or_an_unknown_token_fails() -> None:
    with pytest.raises(Conflict):
        service(FakeTokens()).revoke(ADMIN_TOKEN, "bootstrap")
    with pytest.raises(NotFound):
        service(FakeTokens()).revoke(ADMIN_TOKEN, "0123456789abcdef")
