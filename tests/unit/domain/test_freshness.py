"""A platform's freshness in one campaign's summary: the latest failure shows until every item the
campaign tracks there has been read well since (contract section 6)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.domain.freshness import PullState, campaign_freshness
from chalicelib.domain.summary import Freshness

PULLED = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
FAILED = PULLED + timedelta(hours=1)
LATER = FAILED + timedelta(hours=1)
TIMEOUT = "YouTube timed out: no answer within 10 s to GET /youtube/v3/videos after 4 attempts."
VIDEO, CHANNEL = ("content", "dQw4w9WgXcQ"), ("account", "UCaaaaaaaaaaaaaaaaaaaaaa")


def test_without_a_failure_the_error_is_null_and_the_pull_time_shows() -> None:
    state = PullState(reached_at=PULLED)
    assert campaign_freshness(state, [VIDEO], {VIDEO: PULLED}) == Freshness(PULLED, None)


def test_a_failure_newer_than_the_items_latest_good_reading_shows() -> None:
    # given a good reading at 9:00 and a timeout at 10:00
    state = PullState(reached_at=PULLED, error=TIMEOUT, error_at=FAILED)
    # when the campaign's freshness is made, then the timeout shows beside the 9:00 pull
    assert campaign_freshness(state, [VIDEO], {VIDEO: PULLED}) == Freshness(PULLED, TIMEOUT)


def test_a_later_good_reading_of_every_item_clears_the_failure() -> None:
    # given a failure at 10:00, and the campaign's items read well at 11:00
    state = PullState(reached_at=LATER, error=TIMEOUT, error_at=FAILED)
    # then the failure is older than what the campaign shows: null
    assert campaign_freshness(state, [VIDEO, CHANNEL], {VIDEO: LATER, CHANNEL: LATER}).last_error is None


def test_items_read_well_by_the_failing_pull_itself_do_not_show_its_failure() -> None:
    # given a pull at 10:00 that read this campaign's video, then failed on other campaigns' ids
    state = PullState(reached_at=FAILED, error=TIMEOUT, error_at=FAILED)
    # then this campaign, all of whose items it read, shows no error
    assert campaign_freshness(state, [VIDEO], {VIDEO: FAILED}).last_error is None


def test_one_item_not_read_since_the_failure_keeps_it_in_view() -> None:
    # given the video read at the failing pull but the channel only before
    state = PullState(reached_at=FAILED, error=TIMEOUT, error_at=FAILED)
    # then the failure shows: it is the channel's news
    freshness = campaign_freshness(state, [VIDEO, CHANNEL], {VIDEO: FAILED, CHANNEL: PULLED})
    assert freshness.last_error == TIMEOUT


def test_an_item_never_read_well_keeps_the_failure_in_view() -> None:
    state = PullState(reached_at=FAILED, error=TIMEOUT, error_at=FAILED)
    assert campaign_freshness(state, [VIDEO, CHANNEL], {VIDEO: FAILED}).last_error == TIMEOUT


def test_without_credentials_no_pull_time_and_the_contracts_sentence() -> None:
    # given a platform never reached, its credentials missing
    sentence = "no credentials configured (X_BEARER_TOKEN)"
    state = PullState(reached_at=None, error=sentence, error_at=FAILED)
    # then last_pull_at is null and the sentence is the error
    assert campaign_freshness(state, [("content", "1790000000000000001")], {}) == Freshness(None, sentence)


def test_a_failure_after_the_window_of_a_campaign_that_ended_is_not_its_news() -> None:
    # given a campaign whose window ended at 10:00, and a failure at 11:00 (its items no longer pulled)
    state = PullState(reached_at=PULLED, error=TIMEOUT, error_at=LATER)
    # then its summary shows no error
    assert campaign_freshness(state, [VIDEO], {VIDEO: PULLED}, window_end=FAILED).last_error is None


def test_a_failure_inside_the_window_still_shows() -> None:
    state = PullState(reached_at=PULLED, error=TIMEOUT, error_at=FAILED)
    assert campaign_freshness(state, [VIDEO], {VIDEO: PULLED}, window_end=LATER).last_error == TIMEOUT
