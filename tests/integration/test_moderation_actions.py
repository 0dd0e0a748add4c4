"""Contract section 11's actions through Chalice's test client against moto and loopback fakes of the
platforms' moderation endpoints: who may hide, what each platform is sent, the bad requests that
record nothing, a refusal and a 429 with Retry-After recorded as the platform answered, the label's
auto-hide policy, and the audit trail."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from chalicelib import wiring
from chalicelib.adapters.event_store import event_item
from chalicelib.domain.events import EngagementEvent
from chalicelib.domain.moderation_actions import AutoHideCandidate
from tests.fakes.platform_server import PlatformServer, Reply
from tests.integration.conftest import Stack, put_secrets
from tests.integration.management_client import Api, Callers, artist_body, body_of, unique_digits

NOW = datetime.now(UTC).replace(microsecond=0)


# The platforms' fakes listen before the app first reads its settings.
pytestmark = pytest.mark.usefixtures("fakes")


def credentials(**values: str) -> None:
    put_secrets(**values)
    wiring.reset()  # the secrets are cached per container: this one starts afresh


def register(api: Api, who: Callers, label: str, platform: str, account: str) -> None:
    body = artist_body(label, accounts={platform: [account]})
    response = api.call("POST", "/artists", who.token("admin"), body)
    assert response.status_code == 201, response.body


def stored_comment(stack: Stack, platform: str, account: str, comment_id: str, kind: str = "comment") -> None:
    """What the consumer stores for a comment (the event item, with its by_comment key)."""
    event = EngagementEvent(
        event_id=unique_digits(),
        platform=platform,
        kind=kind,
        content_id=unique_digits(),
        account_id=account,
        occurred_at=NOW,
        received_at=NOW,
        comment_id=comment_id,
    )
    boto3.client("dynamodb").put_item(TableName=stack.table_name, Item=event_item(event))


def comment_of_label(api: Api, who: Callers, stack: Stack, platform: str, label: str | None = None) -> str:
    account, comment = unique_digits(), unique_digits()
    if platform == "youtube":
        account = f"UC{account:a>22}"[:24]  # a channel id's shape
    register(api, who, label or who.label, platform, account)
    stored_comment(stack, platform, account, comment)
    return comment


# The token each platform's moderation calls carry, as an operator stores it.
TOKENS = {
    "instagram": ("META_ACCESS_TOKEN", "meta-page-token"),
    "facebook": ("META_ACCESS_TOKEN", "meta-page-token"),
    "youtube": ("YOUTUBE_OAUTH_TOKEN", "yt-oauth"),
    "x": ("X_USER_ACCESS_TOKEN", "x-user"),
}


def comment_with_its_token(
    api: Api, who: Callers, stack: Stack, platform: str, label: str | None = None
) -> str:
    """A stored comment of the label (`who.label` by default) on the platform, and the platform's token."""
    name, value = TOKENS[platform]
    credentials(**{name: value})
    return comment_of_label(api, who, stack, platform, label)


def hide(api: Api, tok: str, platform: str, comment: str, verb: str = "hide") -> Any:
    return api.call("POST", f"/moderation/{platform}/comments/{comment}/{verb}", tok)


def actions(api: Api, who: Callers, label: str) -> list[dict[str, Any]]:
    response = api.call("GET", f"/moderation/actions?label={label}", who.token("admin"))
    assert response.status_code == 200, response.body
    result: list[dict[str, Any]] = body_of(response)["actions"]
    return result


# --- each platform's call ---------------------------------------------------------------------------


def test_a_moderator_hides_an_instagram_comment_of_its_label(
    api: Api, who: Callers, stack: Stack, fakes: PlatformServer
) -> None:
    # given a stored Instagram comment on an account of the moderator's label, and Meta's token
    comment = comment_with_its_token(api, who, stack, "instagram")
    fakes.reply(f"/graph/{comment}", Reply(200, {}, {"success": True}))
    # when the moderator hides it
    response = hide(api, who.token("moderator"), "instagram", comment)
    # then Graph was asked to hide it with the page token, and the action is done
    assert response.status_code == 202, response.body
    (request,) = fakes.requests_to(f"/graph/{comment}")
    assert (request.method, request.param("hide")) == ("POST", "true")
    assert request.headers["authorization"] == "Bearer meta-page-token"
    assert body_of(response)["action"]["outcome"] == "done"


def test_a_facebook_comment_is_hidden_with_is_hidden(
    api: Api, who: Callers, stack: Stack, fakes: PlatformServer
) -> None:
    # given a stored Facebook comment of the label
    comment = comment_with_its_token(api, who, stack, "facebook")
    fakes.reply(f"/graph/{comment}", Reply(200, {}, {"success": True}))
    # when it is unhidden
    response = hide(api, who.token("moderator"), "facebook", comment, "unhide")
    # then Graph gets is_hidden=false
    assert response.status_code == 202, response.body
    assert fakes.requests_to(f"/graph/{comment}")[0].param("is_hidden") == "false"


def test_a_youtube_comment_is_held_for_review(
    api: Api, who: Callers, stack: Stack, fakes: PlatformServer
) -> None:
    # given a stored YouTube comment of the label and the channel owner's OAuth token
    comment = comment_with_its_token(api, who, stack, "youtube")
    path = "/youtube/v3/comments/setModerationStatus"
    fakes.reply(path, Reply(204, {}, b""))
    # when the admin hides it
    response = hide(api, who.token("admin"), "youtube", comment)
    # then YouTube is asked to hold it for review, with the bearer token
    assert response.status_code == 202, response.body
    (request,) = fakes.requests_to(path)
    assert (request.param("id"), request.param("moderationStatus")) == (comment, "heldForReview")
    assert request.headers["authorization"] == "Bearer yt-oauth"


def test_an_x_reply_is_hidden_with_a_put(api: Api, who: Callers, stack: Stack, fakes: PlatformServer) -> None:
    # given a stored X reply of the label and the user's access token
    comment = comment_with_its_token(api, who, stack, "x")
    fakes.reply(f"/2/tweets/{comment}/hidden", Reply(200, {}, {"data": {"hidden": True}}))
    # when the moderator hides it
    response = hide(api, who.token("moderator"), "x", comment)
    # then X gets PUT {"hidden": true}
    assert response.status_code == 202, response.body
    (request,) = fakes.requests_to(f"/2/tweets/{comment}/hidden")
    assert (request.method, request.json()) == ("PUT", {"hidden": True})
    assert request.headers["authorization"] == "Bearer x-user"


# --- refusals and rate limits ---------------------------------------------------------------------------


def test_a_refusal_is_recorded_and_the_comment_is_not_hidden(
    api: Api, who: Callers, stack: Stack, fakes: PlatformServer
) -> None:
    # given X refuses (the reply is not in a conversation the user owns)
    comment = comment_with_its_token(api, who, stack, "x")
    fakes.reply(f"/2/tweets/{comment}/hidden", Reply(403, {}, {"title": "Forbidden"}))
    # when the moderator hides it
    response = hide(api, who.token("moderator"), "x", comment)
    # then the refusal is the recorded answer, asked once
    assert response.status_code == 202, response.body
    assert len(fakes.requests_to(f"/2/tweets/{comment}/hidden")) == 1
    (recorded,) = actions(api, who, who.label)
    assert recorded["outcome"] == "refused"
    assert recorded["answer"]["status"] == 403
    assert recorded["answer"]["reason"] == "Forbidden"


def test_a_429_with_a_short_retry_after_is_retried_once(
    api: Api, who: Callers, stack: Stack, fakes: PlatformServer
) -> None:
    # given Graph answers 429 Retry-After: 1, then success
    comment = comment_with_its_token(api, who, stack, "instagram")
    fakes.reply(
        f"/graph/{comment}",
        Reply(429, {"Retry-After": "1"}, {"error": {"type": "OAuthException"}}),
        Reply(200, {}, {"success": True}),
    )
    # when the moderator hides it
    response = hide(api, who.token("moderator"), "instagram", comment)
    # then the second try, after the wait, did it
    assert body_of(response)["action"]["outcome"] == "done"
    assert len(fakes.requests_to(f"/graph/{comment}")) == 2


def test_a_429_with_a_long_retry_after_is_recorded_not_hammered(
    api: Api, who: Callers, stack: Stack, fakes: PlatformServer
) -> None:
    # given X answers 429 Retry-After: 120
    comment = comment_with_its_token(api, who, stack, "x")
    fakes.reply(
        f"/2/tweets/{comment}/hidden", Reply(429, {"Retry-After": "120"}, {"title": "Too Many Requests"})
    )
    # when the moderator hides it
    response = hide(api, who.token("moderator"), "x", comment)
    # then it was asked once, and the rate limit is recorded with when to come back
    assert len(fakes.requests_to(f"/2/tweets/{comment}/hidden")) == 1
    action = body_of(response)["action"]
    assert action["outcome"] == "rate_limited"
    assert action["answer"]["retry_at"] > NOW.isoformat()


# --- bad requests record nothing ------------------------------------------------------------------------


@pytest.mark.parametrize("caller", ["viewer", "editor"])
def test_roles_other_than_admin_and_moderator_may_not_hide(
    api: Api, who: Callers, stack: Stack, fakes: PlatformServer, caller: str
) -> None:
    comment = comment_with_its_token(api, who, stack, "instagram")
    assert hide(api, who.token(caller), "instagram", comment).status_code == 403
    assert fakes.requests == []


def test_an_unknown_comment_is_a_404_and_records_nothing(
    api: Api, who: Callers, stack: Stack, fakes: PlatformServer
) -> None:
    credentials(META_ACCESS_TOKEN="meta-page-token")
    response = hide(api, who.token("moderator"), "instagram", unique_digits())
    assert response.status_code == 404
    assert body_of(response)["error"]["code"] == "not_found"
    assert fakes.requests == []
    assert actions(api, who, who.label) == []


def test_another_labels_comment_is_the_same_404(
    api: Api, who: Callers, stack: Stack, fakes: PlatformServer
) -> None:
    # given a comment on an account of another label
    comment = comment_with_its_token(api, who, stack, "instagram", label=who.other_label)
    # when this label's moderator hides it
    response = hide(api, who.token("moderator"), "instagram", comment)
    # then it is not found, exactly like a comment that does not exist, and nothing happened
    assert response.status_code == 404
    assert body_of(response)["error"]["message"] == f"No stored comment {comment} on instagram."
    assert fakes.requests == []
    assert actions(api, who, who.other_label) == []


def test_a_platform_without_the_capability_is_a_400(api: Api, who: Callers, fakes: PlatformServer) -> None:
    response = hide(api, who.token("moderator"), "tiktok", "7300000000000000001")
    assert response.status_code == 400
    assert body_of(response)["error"]["code"] == "unsupported_platform"


def test_an_unknown_platform_is_a_404(api: Api, who: Callers) -> None:
    assert hide(api, who.token("moderator"), "myspace", "1").status_code == 404


def test_a_platform_without_credentials_is_a_503_that_records_nothing(
    api: Api, who: Callers, stack: Stack, fakes: PlatformServer
) -> None:
    # given a stored YouTube comment but no YOUTUBE_OAUTH_TOKEN
    comment = comment_of_label(api, who, stack, "youtube")
    # when it is hidden
    response = hide(api, who.token("moderator"), "youtube", comment)
    # then the error names the missing secret, nothing was called or recorded
    assert response.status_code == 503
    error = body_of(response)["error"]
    assert error["code"] == "no_credentials"
    assert "YOUTUBE_OAUTH_TOKEN" in error["message"]
    assert fakes.requests == []
    assert actions(api, who, who.label) == []


# --- the policy and automatic hiding --------------------------------------------------------------------


def test_the_policy_is_off_by_default(api: Api, who: Callers) -> None:
    response = api.call("GET", f"/labels/{who.label}/moderation-policy", who.token("admin"))
    assert body_of(response) == {"auto_hide": {"enabled": False, "categories": [], "min_severity": 2}}


@pytest.mark.parametrize("caller", ["moderator", "editor", "viewer"])
def test_only_an_admin_sets_the_policy(api: Api, who: Callers, caller: str) -> None:
    body = {"auto_hide": {"enabled": True, "categories": ["homophobia"], "min_severity": 2}}
    response = api.call("PUT", f"/labels/{who.label}/moderation-policy", who.token(caller), body)
    assert response.status_code == 403


def test_a_policy_with_unknown_categories_is_a_400_naming_them(api: Api, who: Callers) -> None:
    body = {"auto_hide": {"enabled": True, "categories": ["rudeness"], "min_severity": 5}}
    response = api.call("PUT", f"/labels/{who.label}/moderation-policy", who.token("admin"), body)
    assert response.status_code == 400
    assert set(body_of(response)["error"]["fields"]) == {"auto_hide.categories.0", "auto_hide.min_severity"}


def set_policy(api: Api, who: Callers, label: str, **rule: Any) -> None:
    body = {"auto_hide": {"enabled": True, "categories": ["homophobia"], "min_severity": 2, **rule}}
    response = api.call("PUT", f"/labels/{label}/moderation-policy", who.token("admin"), body)
    assert response.status_code == 200, response.body


def candidate(account: str, comment: str, severity: int = 3, *categories: str) -> AutoHideCandidate:
    return AutoHideCandidate("x", comment, account, unique_digits(), categories or ("homophobia",), severity)


def test_auto_hide_hides_a_matching_verdict_once_whatever_the_retries(
    api: Api, who: Callers, stack: Stack, fakes: PlatformServer
) -> None:
    # given a label whose policy hides homophobia of severity 2 or more, and a reply on its X account
    credentials(X_USER_ACCESS_TOKEN="x-user")
    set_policy(api, who, who.label)
    account, comment = unique_digits(), unique_digits()
    register(api, who, who.label, "x", account)
    fakes.handle(f"/2/tweets/{comment}/hidden", lambda _: Reply(200, {}, {"data": {"hidden": True}}))
    # when the consumer hands over a matching verdict, twice (a retried batch)
    first = wiring.moderation_service().auto_hide([candidate(account, comment)])
    again = wiring.moderation_service().auto_hide([candidate(account, comment)])
    # then X was asked once, and the automatic action is in the audit trail with its verdict
    assert len(fakes.requests_to(f"/2/tweets/{comment}/hidden")) == 1
    assert [a.outcome for a in first] == ["done"]
    assert again == []
    (recorded,) = actions(api, who, who.label)
    assert (recorded["trigger"], recorded["by"]) == ("auto", "auto-hide policy")
    assert recorded["verdict"] == {"categories": ["homophobia"], "severity": 3}


def test_auto_hide_leaves_verdicts_the_policy_does_not_match(
    api: Api, who: Callers, stack: Stack, fakes: PlatformServer
) -> None:
    # given the policy hides homophobia only, from severity 3
    credentials(X_USER_ACCESS_TOKEN="x-user")
    set_policy(api, who, who.label, min_severity=3)
    account = unique_digits()
    register(api, who, who.label, "x", account)
    # when verdicts of another category, or milder, come
    done = wiring.moderation_service().auto_hide(
        [candidate(account, unique_digits(), 3, "insult"), candidate(account, unique_digits(), 2)]
    )
    # then nothing is asked of X
    assert done == []
    assert fakes.requests == []


def test_auto_hide_does_nothing_for_a_label_whose_policy_is_off(
    api: Api, who: Callers, stack: Stack, fakes: PlatformServer
) -> None:
    credentials(X_USER_ACCESS_TOKEN="x-user")
    account = unique_digits()
    register(api, who, who.label, "x", account)
    assert wiring.moderation_service().auto_hide([candidate(account, unique_digits())]) == []
    assert fakes.requests == []


# --- the audit trail ------------------------------------------------------------------------------------


def test_the_audit_trail_says_who_when_what_and_the_answer(
    api: Api, who: Callers, stack: Stack, fakes: PlatformServer
) -> None:
    # given a moderator hid a comment
    comment = comment_with_its_token(api, who, stack, "instagram")
    fakes.reply(f"/graph/{comment}", Reply(200, {}, {"success": True}))
    hide(api, who.token("moderator"), "instagram", comment)
    # when an editor of the label reads the actions
    response = api.call("GET", f"/moderation/actions?label={who.label}", who.token("editor"))
    # then the action names the token, the time, the comment and Graph's confirmation
    (action,) = body_of(response)["actions"]
    assert action["by"].startswith("moderator")
    assert action["requested_at"] >= NOW.isoformat()
    assert (action["platform"], action["comment_id"], action["action"]) == ("instagram", comment, "hide")
    assert action["answer"] == {"confirmation": "success"}
    assert json.dumps(action).count("meta-page-token") == 0


@pytest.mark.parametrize(("caller", "status"), [("viewer", 403), ("editor_other", 404)])
def test_viewers_and_other_labels_do_not_read_the_actions(
    api: Api, who: Callers, caller: str, status: int
) -> None:
    response = api.call("GET", f"/moderation/actions?label={who.label}", who.token(caller))
    assert response.status_code == status
