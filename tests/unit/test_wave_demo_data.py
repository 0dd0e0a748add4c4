"""`make demo`'s abuse wave (infra/local/wave_demo.py, issue 13 point 7): its texts are what they claim to
the classifier, and what it sends starts exactly one wave per platform by the rule of contract section 11."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.domain.moderation.classifier import classify
from chalicelib.domain.moderation.waves import HOUR, WaveKey, replay
from chalicelib.domain.rollups import hour_start
from chalicelib.services.waves import FIRST_LOOKBACK
from infra.local.stack import resolve_secrets
from infra.local.wave_demo import ABUSIVE_TEXTS, FAN_TEXTS, TARGET, Wave, abuse_wave, say_report_links

# Just before and just after the job's settle time moves its last hour.
MOMENTS = [datetime(2026, 12, 2, 14, 19, tzinfo=UTC), datetime(2026, 12, 2, 14, 21, tzinfo=UTC)]


@pytest.fixture(scope="module", params=MOMENTS, ids=["before-settle", "after-settle"])
def wave(request: pytest.FixtureRequest) -> Wave:
    return abuse_wave(resolve_secrets({})[0], request.param)


def _sent(wave: Wave) -> list[tuple[str, datetime, str]]:
    """(platform, hour the tracker counts it in, text) of every comment the wave sends."""
    sent = []
    for request in wave.requests:
        body = json.loads(request.body)
        if request.path == "/webhooks/x":
            for tweet in body["tweet_create_events"]:
                at = datetime.fromtimestamp(int(tweet["timestamp_ms"]) / 1000, UTC)
                sent.append(("x", hour_start(at), tweet["text"]))
        else:  # Instagram gives no time: the hour it is delivered in
            for change in body["entry"][0]["changes"]:
                sent.append(("instagram", wave.instagram_hour, change["value"]["text"]))
    return sent


def _abusive_by_hour(wave: Wave, platform: str) -> dict[datetime, int]:
    found = Counter(hour for p, hour, text in _sent(wave) if p == platform and classify(text).abusive)
    return dict(found)


@pytest.mark.parametrize("text", ABUSIVE_TEXTS)
def test_every_wave_text_is_french_homophobic_abuse(text: str) -> None:
    verdict = classify(text)
    assert (verdict.abusive, verdict.language) == (True, "fr")
    assert "homophobia" in verdict.categories


@pytest.mark.parametrize("text", FAN_TEXTS)
def test_every_fan_text_is_clean(text: str) -> None:
    assert classify(text).severity == 0


def test_the_wave_mixes_its_abuse_with_fans_on_the_targets_x_post_and_instagram_media(wave: Wave) -> None:
    sent = _sent(wave)
    abusive = [p for p, _, text in sent if classify(text).abusive]
    assert Counter(abusive) == {"x": sum(wave.x_abusive.values()), "instagram": wave.instagram_abusive}
    assert len(sent) - len(abusive) == wave.fan_texts
    for request in wave.requests:
        body = json.loads(request.body)
        target = body.get("for_user_id") or body["entry"][0]["id"]
        assert target in {TARGET.x_account, TARGET.instagram}


def test_the_x_replies_start_one_wave_at_the_last_hour_the_job_evaluates(wave: Wave) -> None:
    # Given the abusive X replies per hour, as the classifier finds them in what is sent
    counts = _abusive_by_hour(wave, "x")
    # When the job evaluates a new key's hours at the wave's moment
    first = wave.last_hour - FIRST_LOOKBACK + HOUR
    _, changes = replay(WaveKey(f"artist:{TARGET.slug}", "x"), counts, first, wave.last_hour)
    # Then exactly one wave starts, at the last hour (not before: 5 in 4 hours is not yet unusual)
    assert [(c.kind, c.hour) for c in changes] == [("start", wave.last_hour)]


def test_the_instagram_comments_start_a_wave_once_their_hour_is_evaluated(wave: Wave) -> None:
    counts = _abusive_by_hour(wave, "instagram")
    _, changes = replay(
        WaveKey(f"artist:{TARGET.slug}", "instagram"), counts, wave.instagram_hour, wave.instagram_hour
    )
    assert [(c.kind, c.abusive) for c in changes] == [("start", wave.instagram_abusive)]


def test_the_alerts_report_link_is_opened_as_a_moderator_would_and_its_links_printed() -> None:
    # Given the stack answering the alert's report route with the day's expiring links
    asked: list[str] = []

    def call(method: str, path: str, body: Any) -> tuple[int, Any]:
        asked.append(f"{method} {path}")
        return 200, {"html": "http://s3/moderation.html?sig", "csv": "http://s3/moderation.csv?sig"}

    said: list[str] = []
    # When the demo follows the link an abuse_wave alert carries
    say_report_links(call, "http://127.0.0.1:8000/moderation/links?label=l&day=2026-12-02", said.append)
    # Then it asked the route for the alert's label and day, and printed both links
    assert asked == ["GET /moderation/links?label=l&day=2026-12-02&expires_in=3600"]
    assert [line.split()[-1] for line in said] == [
        "http://s3/moderation.html?sig",
        "http://s3/moderation.csv?sig",
    ]
