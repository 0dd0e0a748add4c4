"""`make demo`: the local stack, a signed multi-platform day for two artists of one label (with
duplicates), a wave of disguised homophobic comments against one of them on Instagram and X among fans'
comments (infra/local/wave_demo.py), a generic and a Believe-shaped consumption report of their
releases (infra/local/consumption_demo.py), a pull (from loopback fakes of the platform APIs), a
publish, the summary links and the releases' equivalents and certifications; then the talent radar (a
dozen watched artists, 60 days of readings, one breakout: infra/local/radar_demo.py) and the moderation
job's `abuse_wave` alert. The stack stays up so the links open, and prints the alerts its hourly
moderation job raises; Ctrl-C stops it.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from infra.local.consumption_demo import consumption_table, import_reports, say_weekly_report
from infra.local.fake_platforms import FakePlatforms
from infra.local.harness import LocalStack, api, http, send_signed, start, wait_until_ingested
from infra.local.radar_demo import run_radar_demo
from infra.local.senders import SignedRequest
from infra.local.stack import resolve_secrets
from infra.local.traffic import LABEL, day_of_traffic, with_linkfire
from infra.local.wave_demo import abuse_wave, describe, instagram_pending, print_wave_alerts, run_moderation

ROOT = Path(__file__).resolve().parents[2]
LINK_SECONDS = 7 * 24 * 3600
ALERT_POLL_SECONDS = 60  # new abuse_wave alerts of the stack's hourly moderation job, while it stays up


def say(text: str) -> None:
    print(text, flush=True)


def replay(stack: LocalStack, secrets: dict[str, str], fakes: FakePlatforms) -> set[str]:
    """Everything the demo shows; returns the abuse_wave alerts it printed."""
    day = day_of_traffic(secrets, datetime.now(UTC))
    admin = secrets["ADMIN_TOKEN"]
    call = _caller(stack, admin)
    for artist in day.artists:  # the roster: the label owns these artists' accounts
        _created(api(stack, "POST", "/artists", admin, artist), artist["artist_id"])
    say(f"Registered {len(day.artists)} artists of {LABEL} and their accounts.")
    for campaign in day.campaigns:
        _created(api(stack, "POST", "/campaigns", admin, campaign), campaign["campaign_id"])
    status, rival = api(stack, "POST", "/campaigns", admin, day.rival)
    _created((status, rival), day.rival["campaign_id"])
    say(
        f"Created {len(day.campaigns)} campaigns of {LABEL} with their pushes, and one of"
        f" {day.rival['label']}, another label of the group:"
    )
    for clash in rival.get("warnings", []) if status == 201 else []:
        if clash.get("type") == "push_clash":
            say(
                f"  {day.rival['label']}'s {day.rival['campaign_id']} clashes with {clash['label']}'s"
                f" {clash.get('campaign_id', 'campaign')} on {', '.join(clash['platforms'])}:"
                f" {clash['hours_apart']:g} h apart (PUSH_SPACING_HOURS is 24)"
            )
    # YouTube pushes count only for channels with a live WebSub subscription: the renew job asks
    # the (loopback) hub, which verifies our intent, as it would in production.
    status, renewed = api(stack, "POST", "/admin/jobs/renew-subscriptions", admin)
    if status != 200:
        raise RuntimeError(f"subscribing: {status} {renewed}")
    channels = {c["tracked"]["youtube"]["accounts"][0] for c in day.campaigns if "youtube" in c["tracked"]}
    topics = {f"https://www.youtube.com/xml/feeds/videos.xml?channel_id={channel}" for channel in channels}
    if not fakes.hub.wait_for(topics):
        raise RuntimeError("the loopback WebSub hub did not verify the subscriptions")
    say(f"The WebSub hub verified {len(topics)} YouTube subscriptions.")
    say(
        f"Replaying {len(day.requests)} signed deliveries ({day.distinct_deliveries} distinct, the rest"
        f" duplicates) from Meta, X, YouTube, TikTok and a smart-link service for two artists of {LABEL} ..."
    )
    deliver(stack, day.requests)
    wave = abuse_wave(secrets, datetime.now(UTC))
    say(describe(wave))
    deliver(stack, wave.requests)
    import_reports(call, lambda path, data, media: _upload(stack, admin, path, data, media), LABEL, say)
    status, pulled = api(stack, "POST", "/admin/jobs/pull", admin)
    if status != 200:
        raise RuntimeError(f"pulling: {status} {pulled}")
    outcomes = ", ".join(
        f"{platform} {outcome['snapshots']} snapshots"
        + (f" ({outcome['unavailable']} unavailable)" if outcome.get("unavailable") else "")
        if "snapshots" in outcome
        else f"{platform} ({outcome['error']})"
        for platform, outcome in pulled["platforms"].items()
        if isinstance(outcome, dict)
    )
    say(f"Pulled counters from the platform fakes: {outcomes}")
    summaries = []
    for campaign in day.campaigns:
        campaign_id = campaign["campaign_id"]
        status, published = api(stack, "POST", f"/campaigns/{campaign_id}/publish", admin)
        if status != 200:
            raise RuntimeError(f"publishing {campaign_id}: {status} {published}")
        status, links = api(stack, "GET", f"/campaigns/{campaign_id}/links?expires_in={LINK_SECONDS}", admin)
        expected = sum(sum(kinds.values()) for kinds in day.expected[campaign_id].values())
        if campaign["artist"] == wave.artist_id:
            expected += wave.abusive_texts + wave.fan_texts
        say(f"\n{campaign['name']} ({campaign_id}): {expected} net events, published {links['generated_at']}")
        for name in ("html", "csv", "json"):
            say(f"  {name:4}  {links[name]}")
        status, summary = http("GET", links["json"])
        if status != 200:
            raise RuntimeError(f"reading {campaign_id}'s summary: {status}")
        summaries.append(summary)
    say(
        "\nEquivalents per rule set over each campaign's window (an album in album units, a single in"
        " the rule set's single units, SNEP's in stream equivalents); SNEP certification since release:"
    )
    for line in consumption_table(summaries):
        say(line)
    say_weekly_report(call, LABEL, LINK_SECONDS, say)
    calendar(stack, admin)
    run_radar_demo(call, LABEL, say, LINK_SECONDS)
    say(f"\nModeration of {LABEL}: the wave against {wave.artist_id}")
    alerts = run_moderation(call, LABEL, say)
    say(instagram_pending(wave))
    return alerts


def deliver(stack: LocalStack, requests: list[SignedRequest]) -> None:
    """Signed deliveries to the webhooks' Function URL, 8 at a time, until the consumer stored them."""
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda request: send_signed(stack, request), requests))
    refused = [s for s in statuses if s != 200]
    say(f"  {len(statuses) - len(refused)} accepted, {len(refused)} refused")
    wait_until_ingested(stack)
    say("  the ingest consumer has stored them")


def _caller(stack: LocalStack, admin: str) -> Callable[[str, str, Any], tuple[int, Any]]:
    return lambda method, path, body: api(stack, method, path, admin, body, 180)


def _upload(stack: LocalStack, admin: str, path: str, data: bytes, media: str) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {admin}", "Content-Type": media}
    return http("POST", stack.base_url + path, data, headers)


def _created(answer: tuple[int, Any], what: str) -> None:
    status, body = answer
    if status not in {201, 409}:  # 409: it exists already
        raise RuntimeError(f"creating {what}: {status} {body}")


def calendar(stack: LocalStack, admin: str) -> None:
    """A feed a calendar application subscribes to, and the label's calendar page."""
    status, feed = api(stack, "POST", "/calendar/feeds", admin, {"name": "Demo planning", "labels": [LABEL]})
    if status != 201:
        raise RuntimeError(f"creating the calendar feed: {status} {feed}")
    path = f"/calendar/links?label={LABEL}&expires_in={LINK_SECONDS}"
    status, links = api(stack, "GET", path, admin)
    if status != 200:
        raise RuntimeError(f"the calendar link: {status} {links}")
    say(f"\nGroup calendar of {LABEL} (pushes of every label, clashes marked):")
    say(f"  feed  {feed['url']}   (subscribe in a calendar application)")
    say(f"  html  {links['html']}")


def main() -> int:
    secrets = with_linkfire(resolve_secrets(dict(os.environ))[0])
    port = int(os.environ.get("PORT") or 8000)
    aws_port = int(os.environ.get("LOCAL_AWS_PORT") or 4566)
    (ROOT / ".local").mkdir(exist_ok=True)
    log = ROOT / ".local" / "demo-stack.log"
    log.unlink(missing_ok=True)  # this run's log only
    fakes = FakePlatforms().start()
    say(f"Platform APIs are faked on {fakes.base_url} (loopback); no real platform is called.")
    say(f"Starting the local stack on http://127.0.0.1:{port} (its log: {log}) ...")
    # The demo's own state, new at each run (its traffic is "today's"); the stack still writes
    # .local/stack.json and .local/secrets.env, so `infra.local.send` talks to it.
    demo_state = {"LOCAL_STATE_DIR": str(ROOT / ".local" / "demo-state"), "RESET": "1"}
    stack = start(
        log,
        {**secrets, **fakes.environment(), **demo_state},
        port=port,
        aws_port=aws_port,
        local_dir=ROOT / ".local",
    )
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        alerts = replay(stack, secrets, fakes)
        say(f"\nAdmin token: {secrets['ADMIN_TOKEN']}   API: {stack.base_url}")
        say("The stack stays up so the links open. Ctrl-C stops it.")
        call = _caller(stack, secrets["ADMIN_TOKEN"])
        while not stop.wait(ALERT_POLL_SECONDS):
            alerts = print_wave_alerts(call, LABEL, say, alerts)
    finally:
        code = stack.stop()
        fakes.stop()
    say("Demo stopped.")
    return 0 if code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
