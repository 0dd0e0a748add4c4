"""X webhooks: CRC, signature, AAA and XAA envelopes and their normalisation."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.events import EngagementEvent, Normalized
from chalicelib.errors import ValidationFailed
from chalicelib.platforms.x import webhook as x
from tests.unit.platforms.strategies import PSEUDONYMISE, RECEIVED_AT, json_values, normalized, the_only_event

ACCOUNT_ID = "1234"
TIMESTAMP_MS = "1795000000123"  # 2026-11-18T11:06:40.123Z
OCCURRED_AT = datetime(2026, 11, 18, 11, 6, 40, 123000, tzinfo=UTC)

_ids = itertools.count(1)


def _unique() -> str:
    return str(1_790_000_000_000_000_000 + next(_ids))


# --- factories ------------------------------------------------------------------------------------


def user(user_id: str | None = None) -> dict[str, Any]:
    user_id = user_id or _unique()
    return {"id": int(user_id), "id_str": user_id, "screen_name": f"user{user_id[-4:]}"}


def tweet(**fields: Any) -> dict[str, Any]:
    """A v1.1 tweet by a fan that neither replies, quotes, retweets nor mentions anyone."""
    tweet_id = fields.pop("id_str", _unique())
    defaults: dict[str, Any] = {
        "id": int(tweet_id),
        "id_str": tweet_id,
        "created_at": "Wed Nov 18 11:06:40 +0000 2026",
        "timestamp_ms": TIMESTAMP_MS,
        "text": "so good",
        "user": user(),
        "in_reply_to_status_id_str": None,
        "is_quote_status": False,
        "entities": {"user_mentions": []},
    }
    return {**defaults, **fields}


def mentioning(user_id: str) -> dict[str, Any]:
    return {"user_mentions": [{"id_str": user_id, "id": int(user_id), "indices": [0, 5]}]}


def favorite(**fields: Any) -> dict[str, Any]:
    defaults: dict[str, Any] = {
        "id": f"fav{_unique()}",
        "created_at": "Wed Nov 18 11:06:40 +0000 2026",
        "timestamp_ms": int(TIMESTAMP_MS),
        "favorited_status": tweet(user=user(ACCOUNT_ID)),
        "user": user(),
    }
    return {**defaults, **fields}


def follow(kind: str = "follow", **fields: Any) -> dict[str, Any]:
    defaults: dict[str, Any] = {
        "type": kind,
        "created_timestamp": TIMESTAMP_MS,
        "target": {"id": ACCOUNT_ID},
        "source": {"id": _unique()},
    }
    return {**defaults, **fields}


def tweet_delete(status_id: str | None = None) -> dict[str, Any]:
    return {"status": {"id": status_id or _unique(), "user_id": ACCOUNT_ID}, "timestamp_ms": TIMESTAMP_MS}


def aaa_body(for_user_id: str | None = ACCOUNT_ID, **events: Any) -> bytes:
    body: dict[str, Any] = {} if for_user_id is None else {"for_user_id": for_user_id}
    return json.dumps({**body, **events}).encode()


def xaa_body(event_type: str, payload: dict[str, Any] | None = None, **data: Any) -> bytes:
    envelope = {
        "event_uuid": f"uuid-{_unique()}",
        "event_type": event_type,
        "filter": {"user_id": ACCOUNT_ID},
        "tag": "artist activity",
        "payload": payload if payload is not None else {"id": _unique()},
        **data,
    }
    return json.dumps({"data": envelope}).encode()


def post(**fields: Any) -> dict[str, Any]:
    """A v2 post as an XAA payload."""
    defaults: dict[str, Any] = {
        "id": _unique(),
        "text": "so good",
        "author_id": _unique(),
        "created_at": "2026-11-18T11:06:40.123Z",
    }
    return {**defaults, **fields}


def normalize(body: bytes) -> Normalized:
    return normalized(x, "x", body)


def only_event(body: bytes) -> EngagementEvent:
    return the_only_event(normalize(body))


# --- CRC ------------------------------------------------------------------------------------------


def test_crc_answers_the_base64_hmac_of_the_token() -> None:
    # given a CRC request (expected value computed independently with openssl)
    query = {"crc_token": "crc-token-123"}
    # when it is answered with the consumer secret
    answer = x.crc_response(query, "consumer-secret-for-tests")
    # then the response token is sha256= and the base64 HMAC
    assert answer == {"response_token": "sha256=x+ZkEsjXNcPTkwv+1BRuhNr42H6vUCWklK3vgIc8z0A="}


@pytest.mark.parametrize("query", [{}, {"crc_token": ""}], ids=["missing", "empty"])
def test_crc_without_a_token_is_invalid(query: dict[str, str]) -> None:
    # given a CRC request without a usable token
    # when / then it is malformed
    with pytest.raises(ValidationFailed):
        x.crc_response(query, "consumer-secret-for-tests")


def test_crc_answers_the_longest_token_of_xs_shape() -> None:
    # given a token of 255 characters of X's alphabet
    token = ("AZaz09+/=_-" * 24)[:255]
    # when it is answered
    answer = x.crc_response({"crc_token": token}, "consumer-secret-for-tests")
    # then it gets a response token
    assert answer["response_token"].startswith("sha256=")


HOSTILE_CRC_TOKENS = [
    '{"for_user_id": "1234", "favorite_events": []}',
    "[]",
    "abc\n",
    "abc\r\n",
    "\nabc",
    "a" * 256,
    "a b",
    "abc.def",
    "é",
    "\ud800",
    "abc\x00",
    "abc%",
]


@pytest.mark.parametrize("token", HOSTILE_CRC_TOKENS)
def test_crc_refuses_a_token_outside_xs_shape(token: str) -> None:
    # given a CRC request whose token is not of the shape X sends (a JSON body, a trailing newline...)
    # when / then it is malformed
    with pytest.raises(ValidationFailed) as raised:
        x.crc_response({"crc_token": token}, "consumer-secret-for-tests")
    assert raised.value.fields == {"crc_token": "must match ^[A-Za-z0-9+/=_-]{1,255}$"}


def test_crc_computes_no_hmac_for_a_refused_token(monkeypatch: pytest.MonkeyPatch) -> None:
    # given an HMAC that records every use
    computed: list[bytes] = []

    def spy(key: bytes, message: bytes, digestmod: Any) -> Any:
        computed.append(message)
        raise AssertionError("no HMAC may be computed")

    monkeypatch.setattr(x.hmac, "new", spy)
    # when a CRC request carries a JSON body as its token
    with pytest.raises(ValidationFailed):
        x.crc_response({"crc_token": '{"for_user_id": "1"}'}, "consumer-secret-for-tests")
    # then nothing was signed
    assert computed == []


# --- envelope -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        aaa_body(tweet_create_events=[tweet()]),
        aaa_body(user_event={"revoke": {"source": {"user_id": ACCOUNT_ID}}}),
        aaa_body(direct_message_events=[{"type": "message_create"}]),
        aaa_body(),
        xaa_body("post.create"),
        xaa_body("profile.update.bio", {"before": "a", "after": "b"}),
    ],
    ids=["aaa", "aaa-revoke", "aaa-unknown-key", "aaa-no-activity", "xaa", "xaa-unknown-type"],
)
def test_well_formed_envelopes_are_valid(body: bytes) -> None:
    # given a well-formed AAA body or XAA envelope
    # when / then it validates
    x.validate(body)


_json_values = json_values
_tweet_keys = st.sampled_from(
    ["id_str", "user", "retweeted_status", "quoted_status", "in_reply_to_status_id_str", "entities", "type"]
)
_hostile_items = st.lists(st.dictionaries(_tweet_keys, _json_values, max_size=6) | _json_values, max_size=4)


@given(
    events=st.fixed_dictionaries(
        {},
        optional={
            "tweet_create_events": _hostile_items,
            "favorite_events": _hostile_items,
            "follow_events": _hostile_items,
            "tweet_delete_events": _hostile_items,
            "user_event": _json_values,
        },
    )
)
def test_normalize_never_raises_for_a_valid_aaa_body_of_arbitrary_items(events: dict[str, Any]) -> None:
    # given a valid AAA body whose items are arbitrary JSON
    body = aaa_body(**events)
    x.validate(body)
    # when it is normalised
    result = normalize(body)
    # then it yields events or ignored counts, never an exception
    assert len(result.events) + result.ignored >= 0


XAA_TYPES = [
    "like.create",
    "post.reply.create",
    "post.quote.create",
    "post.repost.create",
    "post.mention.create",
    "follow.follow",
    "follow.unfollow",
    "post.create",
    "post.delete",
]


@given(event_type=st.sampled_from(XAA_TYPES) | st.text(min_size=1), payload=_json_values)
def test_normalize_never_raises_for_a_valid_xaa_envelope_of_arbitrary_payload(
    event_type: str, payload: Any
) -> None:
    # given a valid XAA envelope whose payload is arbitrary JSON
    body = json.dumps({"data": {"event_uuid": "u-1", "event_type": event_type, "payload": payload}}).encode()
    x.validate(body)
    # when it is normalised
    result = normalize(body)
    # then it yields one event or one ignored item
    assert len(result.events) + result.ignored == 1


# --- AAA tweets -----------------------------------------------------------------------------------


def test_a_retweet_is_a_repost_of_the_retweeted_post() -> None:
    # given a fan retweeting the artist's post
    original = tweet(user=user(ACCOUNT_ID))
    retweet = tweet(retweeted_status=original, text="RT @artist: so good")
    # when it is normalised
    event = only_event(aaa_body(tweet_create_events=[retweet]))
    # then it is a repost of the original, without text
    assert (event.kind, event.content_id, event.text) == ("repost", original["id_str"], None)
    assert event.actor == PSEUDONYMISE(retweet["user"]["id_str"])


def test_a_quote_is_a_quote_of_the_quoted_post() -> None:
    # given a fan quoting the artist's post
    original = tweet(user=user(ACCOUNT_ID))
    quote = tweet(is_quote_status=True, quoted_status=original, quoted_status_id_str=original["id_str"])
    # when it is normalised
    event = only_event(aaa_body(tweet_create_events=[quote]))
    # then it is a quote of the original, with its text
    assert (event.kind, event.content_id, event.text) == ("quote", original["id_str"], "so good")


def test_a_quote_is_recognised_from_quoted_status_id_str_alone() -> None:
    # given a quote whose quoted post is not embedded
    quoted_id = _unique()
    quote = tweet(is_quote_status=True, quoted_status_id_str=quoted_id)
    # when / then it is a quote of that post
    event = only_event(aaa_body(tweet_create_events=[quote]))
    assert (event.kind, event.content_id) == ("quote", quoted_id)


def test_a_reply_is_a_reply_to_the_replied_post_with_its_full_text() -> None:
    # given a long reply to the artist's post
    replied_id = _unique()
    reply = tweet(
        in_reply_to_status_id_str=replied_id,
        in_reply_to_user_id_str=ACCOUNT_ID,
        text="@artist this is truncat…",
        extended_tweet={"full_text": "@artist this is truncated no more"},
        entities=mentioning(ACCOUNT_ID),
    )
    # when it is normalised
    event = only_event(aaa_body(tweet_create_events=[reply]))
    # then it is a reply about the replied post, with the full text
    assert (event.kind, event.content_id) == ("reply", replied_id)
    assert event.text == "@artist this is truncated no more"


def test_a_post_mentioning_the_account_is_a_mention_of_itself() -> None:
    # given a fan's post that mentions the artist
    post_ = tweet(entities=mentioning(ACCOUNT_ID), text="@artist see you in Paris")
    # when it is normalised
    event = only_event(aaa_body(tweet_create_events=[post_]))
    # then it is a mention whose content is the mentioning post
    assert (event.kind, event.content_id, event.text) == (
        "mention",
        post_["id_str"],
        "@artist see you in Paris",
    )


def test_a_mention_past_140_characters_is_found_in_the_extended_entities() -> None:
    # given a long post whose mention is only in extended_tweet.entities
    post_ = tweet(extended_tweet={"full_text": "long … @artist", "entities": mentioning(ACCOUNT_ID)})
    # when / then it is a mention
    assert only_event(aaa_body(tweet_create_events=[post_])).kind == "mention"


def test_the_accounts_own_post_is_content_published() -> None:
    # given the artist's own new post
    own = tweet(user=user(ACCOUNT_ID), text="New single out now")
    # when it is normalised
    event = only_event(aaa_body(tweet_create_events=[own]))
    # then it is a publication of that post, attributed to the artist, without text
    assert (event.kind, event.content_id, event.text) == ("content_published", own["id_str"], None)
    assert (event.account_id, event.actor) == (ACCOUNT_ID, PSEUDONYMISE(ACCOUNT_ID))


def test_a_tweet_event_has_the_platform_time_and_the_delivery_time() -> None:
    # given a tweet with timestamp_ms
    own = tweet(user=user(ACCOUNT_ID))
    # when it is normalised
    event = only_event(aaa_body(tweet_create_events=[own]))
    # then occurred_at is X's time in UTC and received_at the delivery's
    assert (event.platform, event.occurred_at, event.received_at) == ("x", OCCURRED_AT, RECEIVED_AT)


def test_created_at_is_used_when_there_is_no_timestamp_ms() -> None:
    # given a tweet with only the v1.1 created_at
    own = tweet(user=user(ACCOUNT_ID), created_at="Wed Oct 10 20:19:24 +0000 2018")
    del own["timestamp_ms"]
    # when / then its time is read from created_at
    event = only_event(aaa_body(tweet_create_events=[own]))
    assert event.occurred_at == datetime(2018, 10, 10, 20, 19, 24, tzinfo=UTC)


@pytest.mark.parametrize("created_at", ["yesterday", "Wed Oct 10 20:19:24 +0100 0001", None])
def test_an_unusable_time_leaves_the_time_to_the_store(created_at: Any) -> None:
    # given a tweet with no usable time
    own = tweet(user=user(ACCOUNT_ID), created_at=created_at, timestamp_ms="9" * 5000)
    # when / then the event carries no time
    assert only_event(aaa_body(tweet_create_events=[own])).occurred_at is None


def test_a_retweet_of_a_quote_that_replies_is_a_repost() -> None:
    # given a retweet that also carries quote and reply fields
    retweet = tweet(
        retweeted_status=tweet(),
        is_quote_status=True,
        quoted_status=tweet(),
        in_reply_to_status_id_str=_unique(),
        entities=mentioning(ACCOUNT_ID),
    )
    # when / then the retweet wins
    assert only_event(aaa_body(tweet_create_events=[retweet])).kind == "repost"


def test_a_quote_that_replies_is_a_quote() -> None:
    # given a quote that is also a reply
    quote = tweet(is_quote_status=True, quoted_status=tweet(), in_reply_to_status_id_str=_unique())
    # when / then the quote wins over the reply
    assert only_event(aaa_body(tweet_create_events=[quote])).kind == "quote"


def test_the_accounts_own_reply_is_a_reply() -> None:
    # given the artist replying in a thread (reply comes before own post in the precedence)
    reply = tweet(user=user(ACCOUNT_ID), in_reply_to_status_id_str=_unique())
    # when / then it is a reply
    assert only_event(aaa_body(tweet_create_events=[reply])).kind == "reply"


def test_a_post_neither_by_nor_about_the_account_is_ignored() -> None:
    # given a post that does not involve the subscribed account
    result = normalize(aaa_body(tweet_create_events=[tweet()]))
    # when / then it is counted as ignored
    assert (result.events, result.ignored) == ((), 1)


def test_the_same_post_keeps_its_event_id_across_bodies() -> None:
    # given one post delivered alone and again together with another post
    own = tweet(user=user(ACCOUNT_ID))
    alone = aaa_body(tweet_create_events=[own])
    batched = aaa_body(tweet_create_events=[tweet(user=user(ACCOUNT_ID)), own])
    # when both are normalised
    expected = only_event(alone).event_id
    ids = [event.event_id for event in normalize(batched).events]
    # then the post has the same id in both, and the other post another one
    assert ids[1] == expected
    assert ids[0] != expected


def test_a_redelivery_gives_the_same_event_ids() -> None:
    # given a body with one of each AAA activity, delivered twice
    body = aaa_body(
        tweet_create_events=[tweet(user=user(ACCOUNT_ID))],
        favorite_events=[favorite()],
        follow_events=[follow()],
        tweet_delete_events=[tweet_delete()],
    )
    # when it is normalised twice
    first = [event.event_id for event in normalize(body).events]
    again = [event.event_id for event in normalize(body).events]
    # then the ids are the same and distinct from each other
    assert first == again
    assert len(set(first)) == 4


# --- AAA other activities -------------------------------------------------------------------------


def test_a_favorite_is_a_like_of_the_favorited_post() -> None:
    # given a fan liking the artist's post
    like = favorite()
    # when it is normalised
    event = only_event(aaa_body(favorite_events=[like]))
    # then it is a like of that post by that fan, at X's time
    assert (event.kind, event.content_id, event.text) == ("like", like["favorited_status"]["id_str"], None)
    assert event.actor == PSEUDONYMISE(like["user"]["id_str"])
    assert event.occurred_at == OCCURRED_AT


def test_two_favorites_of_one_post_are_two_events() -> None:
    # given two fans liking the same post
    liked = tweet(user=user(ACCOUNT_ID))
    body = aaa_body(favorite_events=[favorite(favorited_status=liked), favorite(favorited_status=liked)])
    # when / then they have different ids
    assert len({event.event_id for event in normalize(body).events}) == 2


@pytest.mark.parametrize("kind", ["follow", "unfollow"])
def test_follow_events_are_account_level_follows_and_unfollows(kind: str) -> None:
    # given a fan following or unfollowing the artist
    activity = follow(kind)
    # when it is normalised
    event = only_event(aaa_body(follow_events=[activity]))
    # then the account stands for the content, and the fan is the actor
    assert (event.kind, event.content_id, event.account_id) == (kind, ACCOUNT_ID, ACCOUNT_ID)
    assert event.actor == PSEUDONYMISE(activity["source"]["id"])
    assert event.occurred_at == OCCURRED_AT


@pytest.mark.parametrize("kind", ["follow", "unfollow"])
def test_the_subscribed_users_own_follows_and_unfollows_are_ignored(kind: str) -> None:
    # given the artist following or unfollowing someone (AAA reports both directions)
    activity = follow(kind, source={"id": ACCOUNT_ID}, target={"id": _unique()})
    # when it is normalised
    result = normalize(aaa_body(follow_events=[activity]))
    # then it is the artist's own activity, not engagement received
    assert (result.events, result.ignored) == ((), 1)


def test_the_subscribed_users_own_likes_are_ignored() -> None:
    # given the artist liking a fan's post, and a fan liking the artist's post
    own = favorite(user=user(ACCOUNT_ID), favorited_status=tweet(user=user(_unique())))
    received = favorite()
    # when they are normalised
    result = normalize(aaa_body(favorite_events=[own, received]))
    # then only the fan's like counts
    assert [event.content_id for event in result.events] == [received["favorited_status"]["id_str"]]
    assert result.ignored == 1


def test_follow_unfollow_follow_again_are_three_events() -> None:
    # given a fan who follows, unfollows and follows again
    source = {"id": _unique()}
    activities = [
        follow("follow", source=source, created_timestamp="1795000000000"),
        follow("unfollow", source=source, created_timestamp="1795000100000"),
        follow("follow", source=source, created_timestamp="1795000200000"),
    ]
    # when they are normalised
    events = normalize(aaa_body(follow_events=activities)).events
    # then each is its own event
    assert [event.kind for event in events] == ["follow", "unfollow", "follow"]
    assert len({event.event_id for event in events}) == 3


def test_a_follow_of_an_unknown_type_is_ignored() -> None:
    # given a follow event of a type the contract does not name
    result = normalize(aaa_body(follow_events=[follow("block")]))
    # when / then it is ignored
    assert (result.events, result.ignored) == ((), 1)


def test_a_deleted_post_is_content_removed() -> None:
    # given the artist deleting a post
    status_id = _unique()
    # when the deletion is normalised
    event = only_event(aaa_body(tweet_delete_events=[tweet_delete(status_id)]))
    # then the post is removed
    assert (event.kind, event.content_id, event.undo) == ("content_removed", status_id, False)
    assert event.occurred_at == OCCURRED_AT


def test_other_aaa_activities_are_counted_as_ignored() -> None:
    # given activities the tracker does not count, next to delivery metadata
    body = aaa_body(
        user_event={"revoke": {"source": {"user_id": ACCOUNT_ID}}},
        direct_message_events=[{"type": "message_create"}, {"type": "message_create"}],
        direct_message_indicate_typing_events=[{"sender_id": "1"}],
        users={"1": {"id": "1"}},
        apps={"9": {"id": "9"}},
        user_has_blocked="false",
    )
    # when it is normalised
    result = normalize(body)
    # then each activity is counted once, the metadata not at all
    assert (result.events, result.ignored) == ((), 4)


def test_malformed_items_are_skipped_and_counted() -> None:
    # given one good item among malformed ones
    no_id = tweet(user=user(ACCOUNT_ID))
    del no_id["id"]
    del no_id["id_str"]
    body = aaa_body(
        tweet_create_events=[
            "not a tweet",
            no_id,
            tweet(retweeted_status="gone"),
            tweet(user=user(ACCOUNT_ID)),
        ],
        favorite_events=[favorite(favorited_status={}), {"id": "fav"}],
        follow_events=[follow(source={}), follow(target=None)],
        tweet_delete_events=[{"status": {}}, {}],
    )
    # when it is normalised
    result = normalize(body)
    # then the good item is kept and every bad one counted
    assert (len(result.events), result.ignored) == (1, 9)


def test_an_id_that_cannot_be_stored_makes_its_item_malformed() -> None:
    # given an own post whose id_str is a lone surrogate escape
    body = (
        b'{"for_user_id": "1234", "tweet_create_events": [{"id_str": "\\udfff", "user": {"id_str": "1234"}}]}'
    )
    # when it is normalised
    result = normalize(body)
    # then it is skipped, not raised
    assert (result.events, result.ignored) == ((), 1)


# --- XAA ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event_type", "kind"),
    [
        ("like.create", "like"),
        ("post.reply.create", "reply"),
        ("post.quote.create", "quote"),
        ("post.repost.create", "repost"),
        ("post.mention.create", "mention"),
        ("follow.follow", "follow"),
        ("follow.unfollow", "unfollow"),
        ("post.create", "content_published"),
        ("post.delete", "content_removed"),
    ],
)
def test_xaa_event_types_map_to_the_contract_kinds(event_type: str, kind: str) -> None:
    # given an XAA event of a type the contract names
    # when it is normalised
    event = only_event(xaa_body(event_type, post()))
    # then its kind follows the contract's table
    assert (event.platform, event.kind) == ("x", kind)


def test_the_xaa_account_is_the_subscription_filter_user_id() -> None:
    # given an XAA event for a subscription filtered on the artist's user id
    # when it is normalised
    event = only_event(xaa_body("post.create", post(author_id=ACCOUNT_ID)))
    # then the account is that user id
    assert event.account_id == ACCOUNT_ID


def test_an_xaa_event_without_filter_has_an_unknown_account() -> None:
    # given an XAA envelope that carries no filter
    body = xaa_body("post.create", post(), filter=None)
    # when / then the account is unknown
    assert only_event(body).account_id == ""


def test_an_xaa_event_naming_neither_post_nor_account_is_ignored() -> None:
    # given an XAA reply with no filter and no referenced post: nothing to attribute it to
    body = xaa_body("post.reply.create", post(), filter=None)
    # when it is normalised
    result = normalize(body)
    # then it is one ignored item
    assert (result.events, result.ignored) == ((), 1)


def test_the_xaa_event_id_comes_from_the_event_uuid() -> None:
    # given the same XAA event (one event_uuid) delivered with a different tag
    payload = post()
    first = xaa_body("post.create", payload, event_uuid="uuid-fixed", tag="a")
    again = xaa_body("post.create", payload, event_uuid="uuid-fixed", tag="b")
    other = xaa_body("post.create", payload, event_uuid="uuid-other")
    # when they are normalised
    ids = [only_event(body).event_id for body in (first, again, other)]
    # then the uuid alone decides the id
    assert ids[0] == ids[1] != ids[2]


@pytest.mark.parametrize(
    ("event_type", "reference_type"),
    [
        ("post.reply.create", "replied_to"),
        ("post.quote.create", "quoted"),
        ("post.repost.create", "retweeted"),
    ],
)
def test_xaa_replies_quotes_and_reposts_are_about_the_referenced_post(
    event_type: str, reference_type: str
) -> None:
    # given an XAA post referencing the artist's post
    referenced_id = _unique()
    payload = post(
        referenced_tweets=[
            {"type": "mentioned", "id": _unique()},
            {"type": reference_type, "id": referenced_id},
        ]
    )
    # when it is normalised
    event = only_event(xaa_body(event_type, payload))
    # then the content is the referenced post and the actor its author
    assert event.content_id == referenced_id
    assert event.actor == PSEUDONYMISE(payload["author_id"])


def test_xaa_reply_text_and_time_come_from_the_payload() -> None:
    # given an XAA reply with a long text in note_tweet
    payload = post(text="short…", note_tweet={"text": "the whole reply"})
    # when it is normalised
    event = only_event(xaa_body("post.reply.create", payload))
    # then the full text and the post's time are kept
    assert (event.text, event.occurred_at) == ("the whole reply", OCCURRED_AT)


def test_an_xaa_mention_is_about_the_mentioning_post() -> None:
    # given an XAA mention
    payload = post(text="@artist hello")
    # when it is normalised
    event = only_event(xaa_body("post.mention.create", payload))
    # then the content is the mentioning post, with its text
    assert (event.content_id, event.text) == (payload["id"], "@artist hello")


@pytest.mark.parametrize("event_type", ["post.create", "post.delete"])
def test_xaa_own_posts_are_about_themselves_without_text(event_type: str) -> None:
    # given the artist publishing or deleting a post
    payload = post(author_id=ACCOUNT_ID)
    # when it is normalised
    event = only_event(xaa_body(event_type, payload))
    # then the content is that post, and no text is kept
    assert (event.content_id, event.text) == (payload["id"], None)


def test_an_xaa_like_is_about_the_liked_post() -> None:
    # given an XAA like in the v2 like shape
    payload = {"id": _unique(), "liked_tweet_id": _unique(), "liking_user_id": _unique()}
    # when it is normalised
    event = only_event(xaa_body("like.create", payload))
    # then the content is the liked post and the actor the liker
    assert (event.content_id, event.actor) == (
        payload["liked_tweet_id"],
        PSEUDONYMISE(payload["liking_user_id"]),
    )


def test_an_xaa_follow_is_about_the_account() -> None:
    # given a fan following the artist, through XAA
    payload = {"source": {"id": _unique()}, "target": {"id": ACCOUNT_ID}}
    # when it is normalised
    event = only_event(xaa_body("follow.follow", payload))
    # then the account stands for the content and the follower is the actor
    assert (event.content_id, event.actor) == (ACCOUNT_ID, PSEUDONYMISE(payload["source"]["id"]))


def test_an_xaa_event_without_its_post_falls_back_to_the_account() -> None:
    # given an XAA reply whose payload does not say what it replies to
    # when it is normalised
    event = only_event(xaa_body("post.reply.create", {}))
    # then the account stands for the content, with no actor or time
    assert (event.content_id, event.actor, event.occurred_at) == (ACCOUNT_ID, None, None)


@pytest.mark.parametrize("event_type", ["profile.update.bio", "news.new", "dm.received", "FollowFollow"])
def test_xaa_event_types_outside_the_contract_are_ignored(event_type: str) -> None:
    # given an XAA event the contract does not count
    result = normalize(xaa_body(event_type, {"before": "a", "after": "b"}))
    # when / then it is one ignored item
    assert (result.events, result.ignored) == ((), 1)


def test_the_accounts_own_post_is_titled_by_its_text_and_a_reply_is_not() -> None:
    # Given the artist's own post, and a fan's reply to it
    own = tweet(user=user(ACCOUNT_ID), text="New single out now")
    reply = tweet(in_reply_to_status_id_str=own["id_str"], text="Love it")
    # When they are normalised
    published, answered = normalize(aaa_body(tweet_create_events=[own, reply])).events
    # Then the post's text names the content in summaries; the reply's text names nothing
    assert (published.kind, published.title) == ("content_published", "New single out now")
    assert (answered.kind, answered.title) == ("reply", None)


# --- comment ids (what a hide request names, contract section 11) ----------------------------------


def test_an_aaa_reply_carries_its_tweet_id_as_comment_id() -> None:
    # given a fan's reply to a post
    reply = tweet(in_reply_to_status_id_str=_unique())
    # when it is normalised
    event = only_event(aaa_body(tweet_create_events=[reply]))
    # then the reply is what X's hide-replies endpoint names
    assert (event.kind, event.comment_id) == ("reply", reply["id_str"])


def test_an_xaa_reply_carries_its_post_id_as_comment_id() -> None:
    # given an XAA reply
    payload = post(referenced_tweets=[{"type": "replied_to", "id": _unique()}])
    # when it is normalised
    event = only_event(xaa_body("post.reply.create", payload))
    # then its own post id is the comment id
    assert (event.kind, event.comment_id) == ("reply", payload["id"])


def test_a_like_carries_no_comment_id() -> None:
    # given a like
    event = only_event(aaa_body(favorite_events=[favorite()]))
    # then there is nothing to hide
    assert event.comment_id is None
