"""Where verdicts go (contract section 11, issue 13 point 3): the consumer classifies every kept text;
the verdict rides on the puts of its text (same item, same TTL) and of its event (what rollups count);
rollups count texts, abusive ones and categories; summaries show the counts and never a text."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.adapters.event_store import event_item, text_items
from chalicelib.domain.events import Delivery
from chalicelib.domain.moderation_actions import AutoHideCandidate
from chalicelib.domain.rollups import (
    StoredEventView,
    Tally,
    Tracked,
    abusive_by_account,
    add_events,
    add_rollup,
    compute_rollup,
)
from chalicelib.errors import DependencyFailed
from chalicelib.observability import logger
from chalicelib.services.ingest import QueuedMessage
from tests.unit.domain.summaries import built, campaign_fields
from tests.unit.test_ingest_service import NOW, RecordingStore, ingest_service

HOUR = datetime(2026, 11, 26, 10, tzinfo=UTC)


def x_replies(*texts: str) -> bytes:
    tweets = [
        {"id_str": f"70{n}", "text": text, "in_reply_to_status_id_str": "1790", "user": {"id_str": f"60{n}"}}
        for n, text in enumerate(texts)
    ]
    return json.dumps({"for_user_id": "1234", "tweet_create_events": tweets}).encode()


def consume(body: bytes) -> RecordingStore:
    store = RecordingStore()
    delivery = Delivery(platform="x", delivery_id="d-1", body=body, received_at=NOW)
    outcome = ingest_service(store, lambda _: delivery).process([QueuedMessage("m-1", "{}")])
    assert outcome.failed_message_ids == ()
    return store


def test_a_kept_text_is_handed_to_the_store_with_its_verdict() -> None:
    # Given a reply that is a disguised homophobic slur
    store = consume(x_replies("sale p.d"))
    # Then the store is asked to write its event with the text's verdict (one write, no request of its own)
    (event,) = store.written
    verdict = store.verdicts[event.event_id]
    assert verdict.abusive
    assert verdict.categories == ("homophobia",)
    assert event.comment_id == "700"


def test_a_text_is_stored_with_its_verdict_and_its_event_carries_counts_never_the_text() -> None:
    # Given a reply's event and its verdict
    store = consume(x_replies("sale p.d"))
    (event,) = store.written
    verdict = store.verdicts[event.event_id]
    # When the adapter builds the items of the write
    (text_item,) = text_items([event], timedelta(days=30), {event.event_id: verdict})
    stored_event = event_item(event, verdict)
    # Then the text's item holds the verdict beside the text (and so expires with it) ...
    (stored_verdict,) = text_item["verdicts"]["M"].values()
    assert stored_verdict["M"]["abusive"] == {"BOOL": True}
    assert stored_verdict["M"]["categories"]["L"] == [{"S": "homophobia"}]
    assert stored_verdict["M"]["comment_id"] == {"S": "700"}
    assert "expires_at" in text_item
    # ... and the event item what rollups count, never the text
    assert stored_event["mod"]["M"] == {"abusive": {"BOOL": True}, "categories": {"L": [{"S": "homophobia"}]}}
    assert "p.d" not in json.dumps(stored_event)


def test_a_clean_text_is_classified_not_abusive() -> None:
    store = consume(x_replies("quelle tuerie ce morceau"))
    (event,) = store.written
    assert not store.verdicts[event.event_id].abusive
    assert store.verdicts[event.event_id].categories == ()


@pytest.mark.parametrize(
    "text",
    [
        "\u202e\u0633\u0644\u0627\u0645 \u0639\u0644\u064a\u0643\u0645",  # RTL with a bidi override
        "🔥🔥🔥",  # emoji only
        "e\u0301\u0301\u0301t\u0308\u0308",  # combining marks
        "p" * 10_000,
        "broken \ud800 surrogate \udfff",  # lone surrogates, as JSON's escapes decode
    ],
)
def test_any_unicode_text_is_classified_without_error_and_never_logged(
    text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a reply of hostile Unicode (the body escapes lone surrogates as JSON does)
    body = json.dumps(
        {
            "for_user_id": "1234",
            "tweet_create_events": [
                {"id_str": "9", "text": text, "in_reply_to_status_id_str": "1", "user": {"id_str": "2"}}
            ],
        }
    ).encode()
    # When the consumer stores it
    store = consume(body)
    # Then it has a verdict, and nothing logged holds the text
    (event,) = store.written
    assert event.event_id in store.verdicts
    logger.info("flush")
    assert text[:50] not in capsys.readouterr().out


def view(
    event_id: str, minute: int, *, abusive: bool | None, categories: tuple[str, ...] = ()
) -> StoredEventView:
    return StoredEventView(
        event_id=event_id,
        platform="instagram",
        kind="comment",
        undo=False,
        content_id="post-1",
        account_id="178",
        occurred_at=HOUR + timedelta(minutes=minute),
        abusive=abusive,
        categories=categories,
    )


def test_a_rollup_counts_texts_abusive_texts_and_categories_per_account() -> None:
    # Given three comments of one hour, two of them abusive, and a like with no text
    events = [
        view("a", 1, abusive=True, categories=("homophobia", "insult")),
        view("b", 20, abusive=True, categories=("homophobia",)),
        view("c", 40, abusive=False),
        StoredEventView("d", "instagram", "like", False, "post-1", "178", HOUR),
    ]
    # When the bucket is rolled up
    rollup = compute_rollup("instagram", "post-1", HOUR, events)
    # Then the account's hour holds 3 texts, 2 abusive, by category
    assert abusive_by_account(rollup) == {"178": (3, 2, {"homophobia": 2, "insult": 1})}
    assert rollup.moderation["178"]["texts"] == [1, 1, 1, 0]


def test_a_campaign_tallies_moderation_from_rollups_and_edge_events() -> None:
    # Given a rollup with two abusive comments and, in a quarter cut by the window, one more
    rollup = compute_rollup(
        "instagram",
        "post-1",
        HOUR,
        [view("a", 1, abusive=True, categories=("racism",)), view("b", 2, abusive=False)],
    )
    tally = Tally()
    tracked = Tracked(accounts=frozenset({"178"}), content=frozenset())
    add_rollup(tally, rollup, tracked, HOUR, HOUR + timedelta(hours=1))
    add_events(
        tally, [view("c", 70, abusive=True, categories=("racism",))], tracked, HOUR, HOUR + timedelta(hours=2)
    )
    # Then the platform's figures add both
    counted = tally.moderation["instagram"]
    assert (counted.texts, counted.abusive, counted.by_category) == (3, 2, {"racism": 2})


def summary_with(tally: Tally, waves: list[dict[str, Any]]) -> dict[str, Any]:
    start, end = HOUR - timedelta(days=1), HOUR + timedelta(days=1)
    return built(
        tally,
        start,
        end,
        HOUR + timedelta(hours=3),
        campaign=campaign_fields(
            name="C", label="l", artist="a", starts_at=start.isoformat(), ends_at=end.isoformat()
        ),
        platforms=("instagram",),
        language="fr",
        waves=waves,
    ).model_dump(mode="json")


def test_a_summary_shows_moderation_per_platform_and_overall_and_never_a_text() -> None:
    tally = Tally()
    tally.judged("instagram", 8, 2, {"homophobia": 2})
    tally.judged("x", 2, 0, {})
    moderation = summary_with(tally, [])["moderation"]
    assert moderation["platforms"]["instagram"] == {
        "texts": 8,
        "abusive": 2,
        "by_category": {"homophobia": 2},
        "abusive_share": 0.25,
    }
    assert moderation["overall"] == {
        "texts": 10,
        "abusive": 2,
        "by_category": {"homophobia": 2},
        "abusive_share": 0.2,
    }
    assert moderation["waves"] == []


def test_a_live_wave_is_a_high_attention_item_and_an_ended_one_is_not() -> None:
    wave = {
        "wave_id": "w1",
        "platform": "instagram",
        "subject": "artist:a",
        "started_at": HOUR,
        "ended_at": None,
        "abusive": 9,
        "by_category": {"homophobia": 9},
    }
    ended = {**wave, "wave_id": "w2", "platform": "x", "ended_at": HOUR + timedelta(hours=2)}
    summary = summary_with(Tally(), [wave, ended])
    assert [(a["code"], a["severity"], a.get("platform")) for a in summary["attention"]] == [
        ("abuse_wave", "high", "instagram")
    ]
    assert [w["live"] for w in summary["moderation"]["waves"]] == [True, False]


# Auto-hide: the consumer hands abusive comments to the labels' policies ------------------------------------


class FakeAutoHide:
    def __init__(self, error: Exception | None = None) -> None:
        self.asked: list[list[AutoHideCandidate]] = []
        self.error = error

    def __call__(self, candidates: Sequence[AutoHideCandidate]) -> list[object]:
        self.asked.append(list(candidates))
        if self.error is not None:
            raise self.error
        return []


def consume_with(auto_hide: FakeAutoHide, body: bytes) -> tuple[RecordingStore, tuple[str, ...]]:
    store = RecordingStore()
    delivery = Delivery(platform="x", delivery_id="d-1", body=body, received_at=NOW)
    service = ingest_service(store, lambda _: delivery)
    service._auto_hide = auto_hide  # the one optional collaborator the shared factory does not take
    outcome = service.process([QueuedMessage("m-1", "{}")])
    return store, outcome.failed_message_ids


def test_an_abusive_comment_is_handed_to_auto_hide_with_its_verdict() -> None:
    # Given a batch with an abusive reply and a clean one
    auto_hide = FakeAutoHide()
    consume_with(auto_hide, x_replies("sale p.d", "quelle tuerie ce morceau"))
    # Then auto-hide is asked once, about the abusive reply only, with its categories and severity
    [[candidate]] = auto_hide.asked
    assert (candidate.platform, candidate.comment_id, candidate.account_id) == ("x", "700", "1234")
    assert candidate.categories == ("homophobia",)
    assert candidate.severity >= 2


def test_a_batch_of_clean_texts_never_asks_auto_hide() -> None:
    auto_hide = FakeAutoHide()
    consume_with(auto_hide, x_replies("quelle tuerie ce morceau"))
    assert auto_hide.asked == []


def test_a_failed_auto_hide_does_not_fail_the_stored_batch() -> None:
    # Given auto-hide whose store is down
    auto_hide = FakeAutoHide(DependencyFailed("Moderation actions could not be read."))
    # When an abusive reply is consumed
    store, failed = consume_with(auto_hide, x_replies("sale p.d"))
    # Then its event is stored and its message succeeds
    assert failed == ()
    assert len(store.written) == 1
