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
from chalicelib.errors import Conflict, DependencyFailed, Forbidden, NotFound, Unauthorized
from chalicelib.services.access import AccessService, BootstrapSecret
from chalicelib.web import bearer_token

ADMIN_TOKEN = "the-stage-admin-token"


def principal(role: Role, *labels: str) -> Principal:
    return Principal("t", "n", role, frozenset(labels))


# require(principal, action, label) ----------------------------------------------------------------

# Stated as the contract says it, not as chalicelib.domain.access lists it: tokens, jobs and moderation
# policies are an admin's; an editor does the rest on its labels but hide comments; a viewer reads; a
# moderator reads like a viewer, hides comments, reads the audit trail and the moderation reports
# (contract section 11).
ADMINS_ONLY = {Action.MANAGE_TOKENS, Action.RUN_JOBS, Action.MODERATION_POLICY}
READS = {Action.READ, Action.LINKS, Action.READ_ARTISTS, Action.READ_ALERTS, Action.READ_CATALOGUE}
ALLOWED: dict[Role, set[Action]] = {
    "admin": set(Action),
    "editor": set(Action) - ADMINS_ONLY - {Action.MODERATE},
    "viewer": READS,
    "moderator": READS | {Action.MODERATE, Action.READ_MODERATION_ACTIONS, Action.READ_MODERATION_REPORTS},
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


@pytest.mark.parametrize("role", ["editor", "viewer", "moderator"])
@pytest.mark.parametrize("action", list(Action))
def test_a_label_outside_the_scope_is_not_found_whatever_the_action(role: Role, action: Action) -> None:
    with pytest.raises(NotFound, match="No such campaign"):
        require(principal(role, "mine"), action, "theirs", not_found="No such campaign.")


def test_an_admin_covers_every_label_whatever_its_labels() -> None:
    for action in Action:
        require(principal("admin"), action, "any-label")
        require(principal("admin", "one"), action, "another")


@pytest.mark.parametrize("role", ["editor", "viewer", "moderator"])
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


class FakeSsm:
    """The ADMIN_TOKEN parameter, rotatable, counting every read; `down` makes reads fail."""

    def __init__(self, value: str = ADMIN_TOKEN) -> None:
        self.value = value
        self.reads = 0
        self.down = False

    def read(self) -> str:
        self.reads += 1
        if self.down:
            raise DependencyFailed("The secrets store is unavailable.")
        return self.value


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def service(tokens: FakeTokens, ssm: FakeSsm | None = None, clock: FakeClock | None = None) -> AccessService:
    bootstrap = BootstrapSecret((ssm or FakeSsm()).read, clock or FakeClock())
    return AccessService(tokens, bootstrap, lambda: datetime(2026, 11, 26, tzinfo=UTC))


def having_read_the_admin_token() -> tuple[AccessService, FakeSsm, FakeClock]:
    """A container that has just read the admin token, its secrets store and its clock."""
    ssm, clock = FakeSsm(), FakeClock()
    access = service(FakeTokens(), ssm, clock)
    access.authenticate(ADMIN_TOKEN)
    return access, ssm, clock


def test_the_admin_token_secret_is_the_bootstrap_admin() -> None:
    found = service(FakeTokens()).authenticate(ADMIN_TOKEN)
    assert (found.token_id, found.role) == ("bootstrap", "admin")


def test_the_admin_token_in_the_token_format_is_the_bootstrap_admin() -> None:
    # Given the README's token format, <token_id>.<secret>, with the id bootstrap
    # When the admin presents bootstrap.<ADMIN_TOKEN>
    found = service(FakeTokens()).authenticate(f"bootstrap.{ADMIN_TOKEN}")
    # Then it is the bootstrap admin
    assert (found.token_id, found.role) == ("bootstrap", "admin")


@pytest.mark.parametrize(
    "bearer", ["bootstrap.", "bootstrap.wrong", f"bootstrap.{ADMIN_TOKEN}x", f"x{ADMIN_TOKEN}"]
)
def test_a_wrong_admin_token_in_either_form_is_unauthorized(bearer: str) -> None:
    with pytest.raises(Unauthorized):
        service(FakeTokens()).authenticate(bearer)


# The rotation of ADMIN_TOKEN, with a fake clock ------------------------------------------------------

NEW_ADMIN_TOKEN = "the-rotated-admin-token"


def test_a_rotated_admin_token_stops_working_within_15_s_without_any_wrong_token() -> None:
    # Given a container that checked the admin token once, and the secret rotated a second later
    access, ssm, clock = having_read_the_admin_token()
    clock.now += 1
    ssm.value = NEW_ADMIN_TOKEN
    # When only the old value keeps being presented, once a second
    worked_until = 0
    for second in range(1, 31):
        try:
            access.authenticate(ADMIN_TOKEN)
            worked_until = second
        except Unauthorized:
            pass
        clock.now += 1
    # Then it stopped working within 15 s of the rotation, and for good
    assert worked_until <= 15
    with pytest.raises(Unauthorized):
        access.authenticate(ADMIN_TOKEN)


def test_a_rotated_admin_token_takes_effect_within_15_s() -> None:
    # Given a container that has just read the admin token, and the secret rotated
    access, ssm, clock = having_read_the_admin_token()
    ssm.value = NEW_ADMIN_TOKEN
    # When the new value is presented every second
    first_success = None
    for second in range(30):
        try:
            access.authenticate(f"bootstrap.{NEW_ADMIN_TOKEN}")
            first_success = second
            break
        except Unauthorized:
            clock.now += 1
    # Then it is accepted within 15 s
    assert first_success is not None
    assert first_success <= 15


def test_matching_admin_requests_read_the_secret_at_most_once_per_trust_window() -> None:
    # Given the admin token presented a hundred times over nine seconds
    ssm, clock = FakeSsm(), FakeClock()
    access = service(FakeTokens(), ssm, clock)
    for _ in range(100):
        access.authenticate(ADMIN_TOKEN)
        clock.now += 0.09
    # Then the secret was read once
    assert ssm.reads == 1


def test_wrong_tokens_read_the_secret_at_most_once_per_five_seconds() -> None:
    # Given a container that knows the admin token
    access, ssm, clock = having_read_the_admin_token()
    # When a thousand wrong admin tokens arrive over ten seconds
    for _ in range(1000):
        with pytest.raises(Unauthorized):
            access.authenticate("guess")
        clock.now += 0.01
    # Then the secret was read again at most twice (once per five seconds)
    assert ssm.reads - 1 <= 2


def test_issued_tokens_never_read_the_admin_secret() -> None:
    # Given an editor token in the store
    tokens, ssm = FakeTokens(), FakeSsm()
    token_id, token, digest = new_token()
    tokens.put(StoredToken(token_id, "lead", "editor", frozenset({"a"}), digest, "2026-11-26", "bootstrap"))
    access = service(tokens, ssm)
    # When it authenticates, and a wrong token of the same shape is refused
    access.authenticate(token)
    with pytest.raises(Unauthorized):
        access.authenticate(f"{token_id}.{'x' * 43}")
    # Then the ADMIN_TOKEN secret was never read
    assert ssm.reads == 0


def test_an_old_admin_token_that_cannot_be_confirmed_is_a_dependency_failure() -> None:
    # Given an admin token read 11 s ago, and the secrets store down
    access, ssm, clock = having_read_the_admin_token()
    clock.now += 11
    ssm.down = True
    # When the admin presents it, Then it is neither trusted nor refused as wrong: retry later
    with pytest.raises(DependencyFailed):
        access.authenticate(ADMIN_TOKEN)


def test_a_wrong_token_while_the_secrets_store_is_down_is_unauthorized() -> None:
    # Given a container that knows the admin token, and the secrets store down
    access, ssm, clock = having_read_the_admin_token()
    ssm.down = True
    clock.now += 6
    # When a wrong token is presented, Then it is a 401
    with pytest.raises(Unauthorized):
        access.authenticate("guess")


def test_a_clock_that_went_back_does_not_make_an_old_copy_fresh() -> None:
    # Given an admin token read, the secret rotated, and the clock set back a minute
    access, ssm, clock = having_read_the_admin_token()
    ssm.value = NEW_ADMIN_TOKEN
    clock.now -= 60
    # When the old value is presented, Then the copy is read again and the old value refused
    with pytest.raises(Unauthorized):
        access.authenticate(ADMIN_TOKEN)


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
