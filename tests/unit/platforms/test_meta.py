"""Meta webhooks: handshake, signature, envelope and normalisation of Page and Instagram changes."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.events import EngagementEvent, Normalized
from chalicelib.errors import Forbidden, ValidationFailed
from chalicelib.platforms.meta import webhook as meta
from tests.unit.platforms.strategies import PSEUDONYMISE, RECEIVED_AT, json_values, normalized, the_only_event

CREATED_TIME = 1_795_000_000  # 2026-11-18T11:06:40Z
PAGE_ID = "104512345678901"
IG_USER_ID = "17841400000000001"
VERIFY_TOKEN = "verify-token-for-tests"

_ids = itertools.count(1)


def _unique() -> str:
    return f"{next(_ids):015d}"


# --- factories ------------------------------------------------------------------------------------


def feed_change(**value: Any) -> dict[str, Any]:
    """A Page feed change: by default a new top-level comment on a new post."""
    post_id = value.pop("post_id", f"{PAGE_ID}_{_unique()}")
    defaults: dict[str, Any] = {
        "item": "comment",
        "verb": "add",
        "post_id": post_id,
        "comment_id": f"{post_id.split('_')[-1]}_{_unique()}",
        "parent_id": post_id,
        "from": {"id": _unique(), "name": "A Fan"},
        "created_time": CREATED_TIME,
        "message": "Can't wait for the tour!",
    }
    return {"field": "feed", "value": {**defaults, **value}}


def page_body(*changes: dict[str, Any], page_id: str = PAGE_ID, sent_at: int = 1_795_000_100) -> bytes:
    envelope = {"object": "page", "entry": [{"id": page_id, "time": sent_at, "changes": list(changes)}]}
    return json.dumps(envelope).encode()


def ig_comment(**value: Any) -> dict[str, Any]:
    defaults: dict[str, Any] = {
        "from": {"id": _unique(), "username": "a_fan"},
        "media": {"id": _unique(), "media_product_type": "FEED"},
        "id": _unique(),
        "text": "Love it",
    }
    return {"field": "comments", "value": {**defaults, **value}}


def ig_mention(**value: Any) -> dict[str, Any]:
    return {"field": "mentions", "value": {"media_id": _unique(), "comment_id": _unique(), **value}}


def ig_body(*changes: dict[str, Any], user_id: str = IG_USER_ID, sent_at: int = 1_795_000_100) -> bytes:
    envelope = {"object": "instagram", "entry": [{"id": user_id, "time": sent_at, "changes": list(changes)}]}
    return json.dumps(envelope).encode()


def normalize(body: bytes) -> Normalized:
    return normalized(meta, "meta", body)


def only_event(body: bytes) -> EngagementEvent:
    return the_only_event(normalize(body))


def handshake_query(**overrides: str) -> dict[str, str]:
    return {
        "hub.mode": "subscribe",
        "hub.verify_token": VERIFY_TOKEN,
        "hub.challenge": "1158201444",
        **overrides,
    }


# --- handshake ------------------------------------------------------------------------------------


def test_handshake_with_the_right_token_answers_the_challenge() -> None:
    # given a subscription handshake carrying our verify token
    query = handshake_query()
    # when it is answered
    answer = meta.answer_handshake(query, VERIFY_TOKEN)
    # then the answer is the challenge itself
    assert answer == "1158201444"


def test_handshake_with_a_wrong_token_is_forbidden() -> None:
    # given a handshake with another token
    query = handshake_query(**{"hub.verify_token": "guess"})
    # when / then it is refused
    with pytest.raises(Forbidden):
        meta.answer_handshake(query, VERIFY_TOKEN)


def test_handshake_without_a_token_is_forbidden() -> None:
    # given a handshake that carries no token at all
    query = handshake_query()
    del query["hub.verify_token"]
    # when / then it is refused
    with pytest.raises(Forbidden):
        meta.answer_handshake(query, VERIFY_TOKEN)


def test_handshake_is_forbidden_when_no_token_is_configured() -> None:
    # given a deployment whose verify token is empty and a caller sending an empty one
    query = handshake_query(**{"hub.verify_token": ""})
    # when / then nobody can pass the handshake
    with pytest.raises(Forbidden):
        meta.answer_handshake(query, "")


def test_handshake_checks_the_token_before_the_shape() -> None:
    # given a request with neither mode, challenge nor token (a stranger probing the URL)
    # when / then it is a 403, not a 400 that would describe the expected shape
    with pytest.raises(Forbidden):
        meta.answer_handshake({}, VERIFY_TOKEN)


@pytest.mark.parametrize(
    "query",
    [
        handshake_query(**{"hub.mode": "unsubscribe"}),
        {"hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1"},
        {"hub.verify_token": VERIFY_TOKEN, "hub.mode": "subscribe"},
        handshake_query(**{"hub.challenge": ""}),
    ],
    ids=["mode-not-subscribe", "mode-missing", "challenge-missing", "challenge-empty"],
)
def test_handshake_with_the_right_token_but_a_malformed_query_is_invalid(query: dict[str, str]) -> None:
    # given the right token but no subscribe mode or no challenge
    # when / then the handshake is malformed
    with pytest.raises(ValidationFailed):
        meta.answer_handshake(query, VERIFY_TOKEN)


def test_handshake_with_a_challenge_that_cannot_be_echoed_is_invalid() -> None:
    # given the right token but a challenge holding a lone surrogate, which no response body can carry
    query = handshake_query(**{"hub.challenge": "115\ud800"})
    # when / then the handshake is malformed (a 400), not an answer that fails to encode (a 5xx)
    with pytest.raises(ValidationFailed):
        meta.answer_handshake(query, VERIFY_TOKEN)


# --- envelope -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        page_body(feed_change()),
        ig_body(ig_comment()),
        json.dumps([ig_comment()]).encode(),
        json.dumps([json.loads(ig_body(ig_comment())), json.loads(ig_body(ig_mention()))]).encode(),
        b'{"object": "page", "entry": []}',
        b'{"object": "user", "entry": [{"id": "1", "changes": [{"field": "name"}]}]}',
        b'[{"field": "comments"}]',
    ],
    ids=[
        "page",
        "instagram",
        "instagram-array-of-changes",
        "instagram-array-of-envelopes",
        "empty-entry",
        "unknown-object",
        "change-without-value",
    ],
)
def test_well_formed_envelopes_are_valid(body: bytes) -> None:
    # given a well-formed envelope (its items are judged later, one by one)
    # when / then it validates
    meta.validate(body)


_json_values = json_values
_change_keys = st.sampled_from(["item", "verb", "post_id", "comment_id", "parent_id", "from", "created_time"])
_hostile_changes = st.fixed_dictionaries(
    {
        "field": st.sampled_from(["feed", "comments", "mentions", "other"]) | _json_values,
        "value": st.dictionaries(_change_keys, _json_values, max_size=7) | _json_values,
    }
)


@given(
    meta_object=st.sampled_from(["page", "instagram", "user"]),
    entries=st.lists(
        st.fixed_dictionaries({"id": _json_values, "changes": st.lists(_hostile_changes | _json_values)})
        | _json_values,
        max_size=4,
    ),
)
def test_normalize_never_raises_for_a_valid_envelope_of_arbitrary_items(
    meta_object: str, entries: list[Any]
) -> None:
    # given a valid envelope whose items are arbitrary JSON
    body = json.dumps({"object": meta_object, "entry": entries}).encode()
    meta.validate(body)
    # when it is normalised
    result = normalize(body)
    # then it yields events or ignored counts, never an exception
    assert len(result.events) + result.ignored >= 0


@given(
    items=st.lists(
        st.fixed_dictionaries(
            {"object": st.sampled_from(["page", "instagram", "user"]), "entry": st.lists(_json_values)}
        )
        | _hostile_changes
        | _json_values,
        max_size=4,
    )
)
def test_normalize_never_raises_for_an_array_that_validates(items: list[Any]) -> None:
    # given any JSON array of envelopes, changes or other values
    body = json.dumps(items).encode()
    try:
        meta.validate(body)
    except ValidationFailed:
        return  # refused at the route: never queued
    # when an accepted one is normalised
    result = normalize(body)
    # then it yields events or ignored counts, never an exception
    assert len(result.events) + result.ignored >= 0


# --- Facebook feed --------------------------------------------------------------------------------


def test_a_new_comment_becomes_a_comment_event() -> None:
    # given a new top-level comment on a Page post
    change = feed_change()
    value = change["value"]
    # when it is normalised
    event = only_event(page_body(change))
    # then every field comes from the change
    assert event.platform == "facebook"
    assert event.kind == "comment"
    assert event.undo is False
    assert event.content_id == value["post_id"]
    assert event.account_id == PAGE_ID
    assert event.actor == PSEUDONYMISE(value["from"]["id"])
    assert event.occurred_at == datetime(2026, 11, 18, 11, 6, 40, tzinfo=UTC)
    assert event.received_at == RECEIVED_AT
    assert event.text == "Can't wait for the tour!"


def test_the_actor_is_pseudonymised_never_the_raw_user_id() -> None:
    # given a comment by a known user id
    change = feed_change(**{"from": {"id": "555000111", "name": "Fan"}})
    # when it is normalised
    event = only_event(page_body(change))
    # then the raw id appears nowhere in the event
    assert event.actor is not None
    assert "555000111" not in repr(event)


def test_a_change_without_author_has_no_actor() -> None:
    # given a comment whose author Meta did not disclose
    change = feed_change()
    del change["value"]["from"]
    # when it is normalised
    event = only_event(page_body(change))
    # then the event has no actor
    assert event.actor is None


def test_a_comment_on_another_comment_is_a_reply() -> None:
    # given a comment whose parent is a comment rather than the post
    change = feed_change()
    change["value"]["parent_id"] = f"{change['value']['post_id']}_{_unique()}"
    # when it is normalised
    event = only_event(page_body(change))
    # then it is a reply with its text
    assert event.kind == "reply"
    assert event.text == "Can't wait for the tour!"


def test_a_comment_without_parent_is_a_comment() -> None:
    # given a comment that names no parent
    change = feed_change()
    del change["value"]["parent_id"]
    # when / then it is a comment
    assert only_event(page_body(change)).kind == "comment"


def test_a_removed_comment_is_an_undo_of_a_comment_with_its_own_id() -> None:
    # given a comment and, later, its removal
    added = feed_change()
    removed = feed_change(
        post_id=added["value"]["post_id"],
        comment_id=added["value"]["comment_id"],
        verb="remove",
        created_time=CREATED_TIME + 60,
    )
    # when both are normalised
    first, second = normalize(page_body(added, removed)).events
    # then the removal takes the comment back and is a distinct event
    assert (second.kind, second.undo) == ("comment", True)
    assert second.event_id != first.event_id


def test_a_removed_reply_is_an_undo_of_a_reply() -> None:
    # given the removal of a reply (its parent is a comment)
    change = feed_change(verb="remove")
    change["value"]["parent_id"] = f"{change['value']['post_id']}_{_unique()}"
    # when / then it takes a reply back
    event = only_event(page_body(change))
    assert (event.kind, event.undo) == ("reply", True)


@pytest.mark.parametrize("reaction_type", ["like", "love", "haha", "wow", "sad", "angry", "care", "future"])
def test_any_reaction_type_is_a_reaction(reaction_type: str) -> None:
    # given a reaction of any type, even one not known today
    change = feed_change(item="reaction", reaction_type=reaction_type, message=None)
    # when it is normalised
    event = only_event(page_body(change))
    # then it is a reaction without text
    assert (event.kind, event.undo, event.text) == ("reaction", False, None)


def test_a_removed_reaction_is_an_undo_of_a_reaction() -> None:
    # given the removal of a reaction
    change = feed_change(item="reaction", verb="remove", reaction_type="love")
    # when / then it takes a reaction back
    event = only_event(page_body(change))
    assert (event.kind, event.undo) == ("reaction", True)


def test_a_changed_reaction_type_is_ignored() -> None:
    # given a fan switching a like to a love (verb edit): still one reaction
    change = feed_change(item="reaction", verb="edit", reaction_type="love")
    # when it is normalised
    result = normalize(page_body(change))
    # then nothing is counted
    assert (result.events, result.ignored) == ((), 1)


def test_a_share_is_a_share_without_text() -> None:
    # given a share of a Page post
    change = feed_change(item="share", share_id=_unique(), message="look at this")
    # when it is normalised
    event = only_event(page_body(change))
    # then it is a share, and its message is not kept
    assert (event.kind, event.undo, event.text) == ("share", False, None)


@pytest.mark.parametrize("item", ["status", "post", "photo", "video"])
@pytest.mark.parametrize(
    ("verb", "kind"),
    [("add", "content_published"), ("edited", "content_updated"), ("remove", "content_removed")],
)
def test_page_posts_are_content_lifecycle_events(item: str, verb: str, kind: str) -> None:
    # given a Page post of some type being added, edited or removed
    change = feed_change(item=item, verb=verb, comment_id=None, parent_id=None)
    # when it is normalised
    event = only_event(page_body(change))
    # then its kind follows the verb, about the post itself, without text
    assert (event.kind, event.undo, event.text) == (kind, False, None)
    assert event.content_id == change["value"]["post_id"]


@pytest.mark.parametrize("verb", ["hide", "unhide", "edited", "block"])
def test_other_comment_verbs_are_ignored(verb: str) -> None:
    # given a comment being hidden, unhidden or edited
    change = feed_change(verb=verb)
    # when it is normalised
    result = normalize(page_body(change))
    # then it is counted as ignored
    assert (result.events, result.ignored) == ((), 1)


@pytest.mark.parametrize("item", ["like", "event", "rating", "album"])
def test_unknown_feed_items_are_ignored(item: str) -> None:
    # given a feed item the tracker does not count
    result = normalize(page_body(feed_change(item=item)))
    # when / then it is ignored
    assert (result.events, result.ignored) == ((), 1)


def test_an_iso_created_time_is_read_as_utc() -> None:
    # given a created_time in Graph API ISO form, offset without a colon
    change = feed_change(created_time="2026-11-18T12:06:40+0100")
    # when / then it is the same instant in UTC
    event = only_event(page_body(change))
    assert event.occurred_at == datetime(2026, 11, 18, 11, 6, 40, tzinfo=UTC)


@pytest.mark.parametrize("created_time", [None, "yesterday", -5, 10**30, True, "0001-01-01T00:00:00+01:00"])
def test_a_missing_or_unusable_created_time_leaves_the_time_to_the_store(created_time: Any) -> None:
    # given a change without a usable created_time
    change = feed_change(created_time=created_time)
    # when it is normalised
    event = only_event(page_body(change))
    # then the event carries no time (never Meta's send time)
    assert event.occurred_at is None


def test_a_redelivery_sent_later_keeps_the_same_event_ids() -> None:
    # given one batch of changes and its redelivery, re-sent an hour later
    changes = (feed_change(), feed_change(item="reaction", reaction_type="like"))
    first = page_body(*changes, sent_at=1_795_000_100)
    again = page_body(*changes, sent_at=1_795_003_700)
    # when both are normalised
    first_ids = [event.event_id for event in normalize(first).events]
    again_ids = [event.event_id for event in normalize(again).events]
    # then the ids are the same
    assert first_ids == again_ids
    assert len(set(first_ids)) == 2


def test_the_same_change_in_two_different_batches_keeps_its_event_id() -> None:
    # given a change delivered alone, then again batched with another change
    change = feed_change()
    alone = page_body(change)
    batched = page_body(feed_change(), change, sent_at=1_795_009_999)
    # when both are normalised
    expected = only_event(alone).event_id
    ids = [event.event_id for event in normalize(batched).events]
    # then the change has the same id in both
    assert ids[1] == expected
    assert ids[0] != expected


def test_two_reactions_by_different_people_on_one_post_have_different_ids() -> None:
    # given two people reacting to the same post at the same second
    post_id = f"{PAGE_ID}_{_unique()}"
    first = feed_change(item="reaction", post_id=post_id, comment_id=None, parent_id=None)
    second = feed_change(item="reaction", post_id=post_id, comment_id=None, parent_id=None)
    # when they are normalised
    ids = {event.event_id for event in normalize(page_body(first, second)).events}
    # then they stay two events
    assert len(ids) == 2


def test_each_entry_is_attributed_to_its_own_page() -> None:
    # given one delivery with changes for two pages
    other_page = "104599999999999"
    envelope = {
        "object": "page",
        "entry": [
            {"id": PAGE_ID, "time": 1, "changes": [feed_change()]},
            {"id": other_page, "time": 1, "changes": [feed_change()]},
        ],
    }
    # when it is normalised
    events = normalize(json.dumps(envelope).encode()).events
    # then each event carries its entry's page id
    assert [event.account_id for event in events] == [PAGE_ID, other_page]


def test_malformed_items_are_skipped_and_counted() -> None:
    # given one good change among malformed items
    no_post = feed_change()
    del no_post["value"]["post_id"]
    envelope = {
        "object": "page",
        "entry": [
            {
                "id": PAGE_ID,
                "changes": ["not a change", {"field": "feed", "value": []}, no_post, feed_change()],
            },
            {"id": PAGE_ID, "messaging": [{"message": "hi"}]},
            "not an entry",
        ],
    }
    # when it is normalised
    result = normalize(json.dumps(envelope).encode())
    # then the good change is kept and every bad item is counted
    assert len(result.events) == 1
    assert result.ignored == 5


def test_unknown_page_fields_are_ignored() -> None:
    # given Page changes of fields the tracker does not count
    body = page_body({"field": "ratings", "value": {"item": "rating"}}, {"field": "mention", "value": {}})
    # when / then they are ignored
    assert normalize(body).ignored == 2


def test_changes_of_an_unknown_object_are_ignored() -> None:
    # given a delivery for a Meta object the tracker does not track
    envelope = {"object": "user", "entry": [{"id": "1", "changes": [feed_change(), feed_change()]}]}
    # when it is normalised
    result = normalize(json.dumps(envelope).encode())
    # then its changes are counted as ignored
    assert (result.events, result.ignored) == ((), 2)


def test_an_id_that_cannot_be_stored_makes_its_change_malformed() -> None:
    # given a change whose post id is a lone surrogate escape
    body = page_body(feed_change()).replace(b'"post_id": "', b'"post_id": "\\ud800', 1)
    # when it is normalised
    result = normalize(body)
    # then it is skipped, not raised
    assert (result.events, result.ignored) == ((), 1)


def test_text_that_cannot_be_stored_is_repaired() -> None:
    # given a comment whose message holds a lone surrogate escape
    body = page_body(feed_change(message="ok")).replace(b'"message": "ok"', b'"message": "ok\\ud800"')
    # when it is normalised
    event = only_event(body)
    # then the text is kept with the bad character replaced
    assert event.text == "ok?"


# --- Instagram ------------------------------------------------------------------------------------


def test_an_instagram_comment_becomes_a_comment_event() -> None:
    # given a comment on an Instagram media
    change = ig_comment()
    value = change["value"]
    # when it is normalised
    event = only_event(ig_body(change))
    # then it is a comment about the media, for the IG user, with no platform time
    assert event.platform == "instagram"
    assert (event.kind, event.undo) == ("comment", False)
    assert event.content_id == value["media"]["id"]
    assert event.account_id == IG_USER_ID
    assert event.actor == PSEUDONYMISE(value["from"]["id"])
    assert event.occurred_at is None
    assert event.received_at == RECEIVED_AT
    assert event.text == "Love it"


def test_an_instagram_comment_with_a_parent_is_a_reply() -> None:
    # given a comment answering another comment
    change = ig_comment(parent_id=_unique())
    # when / then it is a reply
    assert only_event(ig_body(change)).kind == "reply"


def test_an_instagram_comment_may_name_comment_id_and_media_id() -> None:
    # given the older shape: comment_id and media_id instead of id and media
    media_id = _unique()
    change = ig_comment(comment_id=_unique(), media_id=media_id)
    del change["value"]["id"]
    del change["value"]["media"]
    # when it is normalised
    event = only_event(ig_body(change))
    # then it is read the same way
    assert (event.kind, event.content_id) == ("comment", media_id)


def test_an_instagram_comment_without_media_is_ignored() -> None:
    # given a comment that does not say which media it is about
    change = ig_comment()
    del change["value"]["media"]
    # when it is normalised
    result = normalize(ig_body(change))
    # then it is skipped and counted
    assert (result.events, result.ignored) == ((), 1)


def test_an_instagram_mention_becomes_a_mention_event() -> None:
    # given the IG user mentioned in a comment on someone's media
    change = ig_mention()
    # when it is normalised
    event = only_event(ig_body(change))
    # then it is a mention about that media, with no actor or text
    assert (event.kind, event.content_id) == ("mention", change["value"]["media_id"])
    assert (event.actor, event.text, event.occurred_at) == (None, None, None)


def test_a_caption_mention_and_a_comment_mention_on_one_media_are_different_events() -> None:
    # given a mention in a caption (no comment id) and one in a comment of the same media
    media_id = _unique()
    caption = ig_mention(media_id=media_id)
    del caption["value"]["comment_id"]
    comment = ig_mention(media_id=media_id)
    # when they are normalised
    ids = {event.event_id for event in normalize(ig_body(caption, comment)).events}
    # then they are two events
    assert len(ids) == 2


def test_an_instagram_redelivery_keeps_the_same_event_ids() -> None:
    # given an Instagram batch and its redelivery sent later
    changes = (ig_comment(), ig_mention())
    # when both are normalised
    first = [event.event_id for event in normalize(ig_body(*changes, sent_at=1)).events]
    again = [event.event_id for event in normalize(ig_body(*changes, sent_at=99)).events]
    # then the ids are the same
    assert first == again


def test_an_instagram_array_of_changes_is_accepted() -> None:
    # given an Instagram delivery that is a bare JSON array of changes
    changes = [ig_comment(), ig_mention()]
    body = json.dumps(changes).encode()
    # when it is normalised
    result = normalize(body)
    # then each change is an Instagram event, without a known account
    assert [event.kind for event in result.events] == ["comment", "mention"]
    assert {(event.platform, event.account_id) for event in result.events} == {("instagram", "")}


def test_an_instagram_array_of_envelopes_counts_every_change() -> None:
    # given an Instagram delivery that is an array of envelope objects, as Meta's docs show it
    first, second = json.loads(ig_body(ig_comment())), json.loads(ig_body(ig_comment(), ig_mention()))
    body = json.dumps([first, second]).encode()
    # when it is normalised
    result = normalize(body)
    # then each change of each envelope is an Instagram event of its entry's account
    assert [event.kind for event in result.events] == ["comment", "comment", "mention"]
    assert {(event.platform, event.account_id) for event in result.events} == {("instagram", IG_USER_ID)}
    assert result.ignored == 0


def test_each_envelope_of_an_array_is_read_by_its_own_object() -> None:
    # given an array holding a Page envelope and an Instagram envelope
    body = json.dumps([json.loads(page_body(feed_change())), json.loads(ig_body(ig_comment()))]).encode()
    # when it is normalised
    result = normalize(body)
    # then each change belongs to its envelope's platform
    assert [event.platform for event in result.events] == ["facebook", "instagram"]


def test_the_array_form_and_the_envelope_give_the_same_event_id() -> None:
    # given the same comment delivered in both forms
    change = ig_comment()
    # when each is normalised
    from_array = only_event(json.dumps([change]).encode())
    from_envelope = only_event(ig_body(change))
    # then the event is the same one
    assert from_array.event_id == from_envelope.event_id


def test_unknown_instagram_fields_are_ignored() -> None:
    # given Instagram changes the tracker does not count
    body = ig_body(
        {"field": "story_insights", "value": {"media_id": _unique(), "reach": 44}},
        {"field": "live_comments", "value": {"id": _unique()}},
        ig_comment(),
    )
    # when it is normalised
    result = normalize(body)
    # then only the comment is counted
    assert (len(result.events), result.ignored) == (1, 2)


def test_a_feed_field_under_instagram_is_ignored() -> None:
    # given a Page-style feed change inside an Instagram delivery
    result = normalize(ig_body(feed_change()))
    # when / then it is not read as a Facebook event
    assert (result.events, result.ignored) == ((), 1)


@pytest.mark.parametrize(("verb", "kind"), [("add", "content_published"), ("edited", "content_updated")])
def test_a_page_post_is_titled_by_its_message(verb: str, kind: str) -> None:
    change = feed_change(
        item="status", verb=verb, comment_id=None, parent_id=None, message="Tour dates: Friday"
    )
    event = only_event(page_body(change))
    assert (event.kind, event.title, event.text) == (kind, "Tour dates: Friday", None)


def test_a_comment_s_message_is_its_text_never_a_title() -> None:
    event = only_event(page_body(feed_change(message="Can't wait")))
    assert (event.kind, event.title, event.text) == ("comment", None, "Can't wait")


# --- comment ids (what a hide request names, contract section 11) ----------------------------------


def test_a_facebook_comment_carries_its_comment_id() -> None:
    # given a new comment on a Page post
    change = feed_change()
    # when it is normalised
    event = only_event(page_body(change))
    # then the event names the comment the Graph API would hide
    assert event.comment_id == change["value"]["comment_id"]


def test_a_facebook_reaction_carries_no_comment_id() -> None:
    # given a reaction on a Page post
    change = feed_change(item="reaction", reaction_type="love")
    # when it is normalised
    event = only_event(page_body(change))
    # then there is nothing to hide
    assert event.comment_id is None


def test_an_instagram_comment_carries_its_comment_id() -> None:
    # given a comment on an Instagram media
    change = ig_comment()
    # when it is normalised
    event = only_event(ig_body(change))
    # then the event names the IG comment
    assert event.comment_id == change["value"]["id"]
