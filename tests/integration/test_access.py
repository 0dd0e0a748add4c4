"""Contract section 4, access: bearer tokens, their roles, revocation, and who may manage tokens."""

from __future__ import annotations

import hashlib
from datetime import datetime

import boto3
import pytest

from chalicelib.adapters.secrets import SsmSecrets
from chalicelib.adapters.tokens import DynamoTokens
from chalicelib.services.access import AccessService, BootstrapSecret
from tests.conftest import unique
from tests.integration.conftest import Stack
from tests.integration.management_client import CALLERS, UNAUTHENTICATED, Api, body_of, callers
from tests.integration.webhook_client import table_items

ADMIN_ONLY = {
    "admin": None,  # filled per route
    "editor": 403,
    "editor_other": 403,
    "viewer": 403,
    "viewer_other": 403,
    "moderator": 403,
    **UNAUTHENTICATED,
}


def admin_token(stack: Stack) -> str:
    return stack.secrets["ADMIN_TOKEN"]


# The matrix: every token route against every kind of caller ------------------------------------------


def test_only_an_admin_creates_tokens(api: Api, stack: Stack) -> None:
    # Given a token for every kind of caller
    who = callers(api, admin_token(stack))
    # When each asks for a new token
    observed = {
        caller: api.call(
            "POST",
            "/admin/tokens",
            who.tokens[caller],
            {"name": "n", "role": "viewer", "labels": [who.label]},
        ).status_code
        for caller in CALLERS
    }
    # Then only the admin gets one
    assert observed == {**ADMIN_ONLY, "admin": 201}


def test_only_an_admin_revokes_tokens(api: Api, stack: Stack) -> None:
    who = callers(api, admin_token(stack))
    victims = {caller: api.create_token(admin_token(stack), "viewer", [who.label])[0] for caller in CALLERS}
    observed = {
        caller: api.call("DELETE", f"/admin/tokens/{victims[caller]}", who.tokens[caller]).status_code
        for caller in CALLERS
    }
    assert observed == {**ADMIN_ONLY, "admin": 204}


# Tokens ----------------------------------------------------------------------------------------------


def test_a_new_token_is_shown_once_and_stored_only_as_a_hash(api: Api, stack: Stack) -> None:
    # When the admin creates a token
    token_id, token = api.create_token(admin_token(stack), "editor", ["columbia-fr"])
    # Then it is <token_id>.<secret>, and the table holds the secret's SHA-256, never the token
    assert token.startswith(f"{token_id}.")
    items = [i for i in table_items(stack.table_name) if i["pk"]["S"] == f"TOKEN#{token_id}"]
    assert len(items) == 1
    secret = token.split(".", 1)[1]
    assert items[0]["secret_sha256"]["S"] == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(items[0])
    # And the token works
    assert api.call("GET", "/campaigns", token).status_code == 200


def test_a_revoked_token_stops_working_at_once(api: Api, stack: Stack) -> None:
    # Given a token that was just used successfully
    token_id, token = api.create_token(admin_token(stack), "viewer", ["columbia-fr"])
    assert api.call("GET", "/campaigns", token).status_code == 200
    # When the admin revokes it
    assert api.call("DELETE", f"/admin/tokens/{token_id}", admin_token(stack)).status_code == 204
    # Then the very next request is refused
    response = api.call("GET", "/campaigns", token)
    assert response.status_code == 401
    assert body_of(response)["error"]["code"] == "unauthorized"


def test_a_token_created_by_a_created_admin_works(api: Api, stack: Stack) -> None:
    # Given an admin token created by the bootstrap admin
    _, second_admin = api.create_token(admin_token(stack), "admin", [])
    # Then it can create and revoke tokens too
    token_id, _ = api.create_token(second_admin, "viewer", ["columbia-fr"])
    assert api.call("DELETE", f"/admin/tokens/{token_id}", second_admin).status_code == 204


def test_revoking_an_unknown_token_is_404(api: Api, stack: Stack) -> None:
    for token_id in ("0123456789abcdef", "not-even-an-id"):
        response = api.call("DELETE", f"/admin/tokens/{token_id}", admin_token(stack))
        assert response.status_code == 404
        assert body_of(response)["error"]["code"] == "not_found"


def test_the_bootstrap_token_cannot_be_revoked_through_the_api(api: Api, stack: Stack) -> None:
    response = api.call("DELETE", "/admin/tokens/bootstrap", admin_token(stack))
    assert response.status_code == 409
    assert "ADMIN_TOKEN" in body_of(response)["error"]["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "n", "role": "owner", "labels": ["a"]}, "role"),
        ({"name": "n", "role": "editor", "labels": []}, "labels"),
        ({"name": "n", "role": "editor"}, "labels"),
        ({"name": "n", "role": "moderator", "labels": []}, "labels"),
        ({"name": "n", "role": "viewer", "labels": ["Not A Slug"]}, "labels.0"),
        ({"name": "n", "role": "viewer", "labels": ["a", "a"]}, "labels.1"),
        ({"name": "", "role": "viewer", "labels": ["a"]}, "name"),
        ({"role": "viewer", "labels": ["a"]}, "name"),
        ({"name": "n", "role": "viewer", "labels": ["a"], "expires": 1}, "expires"),
    ],
)
def test_an_invalid_token_request_is_400_with_its_field(
    api: Api, stack: Stack, body: dict[str, object], field: str
) -> None:
    response = api.call("POST", "/admin/tokens", admin_token(stack), body)
    assert response.status_code == 400
    error = body_of(response)["error"]
    assert error["code"] == "validation_failed"
    assert field in error["fields"]


def test_a_token_request_that_is_not_json_is_400(api: Api, stack: Stack) -> None:
    response = api.call("POST", "/admin/tokens", admin_token(stack), b"{name: ")
    assert response.status_code == 400
    assert body_of(response)["error"]["code"] == "validation_failed"


@pytest.mark.parametrize(
    "authorization",
    [
        "",
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Bearer 0123456789abcdef",
        "Bearer 0123456789abcdef.",
        "Bearer .secret-secret-secret",
        "Bearer ../../etc/passwd.secret-secret-secret",
        "Bearer " + "a" * 5000,
    ],
)
def test_a_missing_or_malformed_authorization_is_401(api: Api, stack: Stack, authorization: str) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = api.client.http.get("/campaigns", headers=headers)
    assert response.status_code == 401
    assert body_of(response)["error"]["code"] == "unauthorized"


def test_the_scheme_is_case_insensitive(api: Api, stack: Stack) -> None:
    response = api.client.http.get("/campaigns", headers={"Authorization": f"bearer {admin_token(stack)}"})
    assert response.status_code == 200


def test_a_token_never_reaches_the_logs(api: Api, stack: Stack, capsys: pytest.CaptureFixture[str]) -> None:
    # Given a created token used for a refused and an accepted request
    _, token = api.create_token(admin_token(stack), "viewer", [unique("label")])
    api.call("POST", "/campaigns", token, {"campaign_id": "x"})
    api.call("GET", "/campaigns", token)
    api.call("GET", "/campaigns", token + "x")
    # Then neither the token, its secret, nor the admin token appears in any log line
    output = capsys.readouterr()
    logs = output.out + output.err
    assert token.split(".", 1)[1] not in logs
    assert admin_token(stack) not in logs


# The bootstrap admin: its token format, and a rotation of the ADMIN_TOKEN secret -------------------------


def test_the_admin_token_works_in_the_documented_token_format(api: Api, stack: Stack) -> None:
    # Given the printed ADMIN_TOKEN, presented as <token_id>.<secret> with the id bootstrap
    response = api.call("GET", "/campaigns", f"bootstrap.{admin_token(stack)}")
    # Then it is the admin
    assert response.status_code == 200


def _rotate_admin_token(new_value: str) -> None:
    boto3.client("ssm").put_parameter(
        Name="/engagement-tracker/local/ADMIN_TOKEN", Value=new_value, Type="SecureString", Overwrite=True
    )


def test_a_rotated_admin_token_works_at_once_though_the_secrets_cache_holds_the_old_one(
    api: Api, stack: Stack
) -> None:
    # Given a container whose secrets cache (SECRETS_CACHE_SECONDS, 300) holds the old ADMIN_TOKEN
    assert api.client.http.get("/webhooks/x?crc_token=warm").status_code == 200
    # When the secret is rotated in SSM and the new value is presented
    _rotate_admin_token("rotated-admin-token-0123456789")
    response = api.call("GET", "/campaigns", "bootstrap.rotated-admin-token-0123456789")
    # Then it is the admin, and the old value is refused
    assert response.status_code == 200
    assert api.call("GET", "/campaigns", admin_token(stack)).status_code == 401


def test_the_bootstrap_check_reads_ssm_past_the_secrets_cache(stack: Stack) -> None:
    # Given the stage's secrets read once through the cache, then ADMIN_TOKEN rotated in SSM
    store = SsmSecrets(boto3.client("ssm"), "/engagement-tracker/local", max_age_seconds=300)
    assert store.load().admin_token == admin_token(stack)
    _rotate_admin_token("rotated-admin-token-abcdefghij")
    clock = [1_000_000.0]
    bootstrap = BootstrapSecret(lambda: store.load(fresh=True).admin_token, lambda: clock[0])
    access = AccessService(DynamoTokens(boto3.client("dynamodb"), stack.table_name), bootstrap, datetime.now)
    # When the cache is asked again, and the bootstrap check is
    cached = store.load().admin_token
    found = access.authenticate("rotated-admin-token-abcdefghij")
    # Then the cache still holds the old value, but the check saw the new one in SSM
    assert cached == admin_token(stack)
    assert found.token_id == "bootstrap"
