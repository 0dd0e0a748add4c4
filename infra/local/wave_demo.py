"""The moderation part of `make demo` (contract section 11, issue 13 point 7): a wave of obfuscated French
homophobic comments against one artist on Instagram and X, in the middle of ordinary fan comments, sent
as signed webhooks; then the moderation job and its `abuse_wave` alerts.

The texts were written for the project. `abuse_wave` is a pure function of the moment, so a test checks
without a stack that every wave text is abusive, every fan text clean, and that the counts start a wave.

X replies carry their own time: the wave's X replies fall in the last hours the moderation job
evaluates (`hour_start(now - SETTLE) - 1 h`), so its alert comes at once. Instagram comments carry none
(the tracker takes the first delivery's time): they count in the current hour, which the stack's hourly
job evaluates once it is over.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from chalicelib.domain.rollups import hour_start
from chalicelib.services.waves import SETTLE
from infra.local import senders as payloads
from infra.local.senders import Senders, SignedRequest
from infra.local.traffic import ARTISTS, Artist

HOUR = timedelta(hours=1)
TARGET: Artist = ARTISTS[0]

# Homophobic comments, each in a disguise the classifier undoes: leetspeak, separators inside words,
# repeated letters, accents, look-alike letters (Cyrillic, Greek), zero-width characters, "pd".
ABUSIVE_TEXTS = (
    "sale p3d3 va",
    "s.a.l.e p.d",
    "esp de pd",
    "pédééééé dégage",
    "tous des t@p3ttes",
    "f-i-o-t-t-e",
    "casse-toi \u0455\u0430l\u0435 \u0440d",  # Cyrillic s, a, e, p
    "sale \u03c1édé",  # a Greek rho
    "sale p\u200bé\u200bd\u200bé",
    "ces g0u1nes dégagez",
    "ta.pet.te",
    "t'es qu'un pd 🤮",
    "les pd sont des malades",
    "retourne dans ton placard sale fiotte",
)
# Fans, including praise that sounds violent and innocent words that hold a slur's letters.
FAN_TEXTS = (
    "c'est une tuerie",
    "Ce son est une tuerie 🔥🔥",
    "ce refrain me tue 😭",
    "vous avez tout déchiré à Bercy",
    "randonnée pédestre demain, avec l'album dans les oreilles",
    "colis expédié, vivement le vinyle",
    "fier d'être gay et fan depuis le début 🏳️\u200d🌈",
    "mon frère et son mari adorent",
    "Vivement le concert !",
    "la tournée passe par Nantes ?",
    "meilleur album de l'année",
    "c'est une dinguerie ce morceau",
    "je kiffe grave",
    "Merci pour ce bijou",
)
# Abusive X replies in the last three hours the job evaluates, oldest first. With no history the
# baseline is its floor (b = 0.25): 5 in the window at the middle hour is not yet a wave
# (P(Poisson(1) >= 5) = 0.004), 9 at the last is (P = 1e-6).
X_ABUSIVE_PER_HOUR = (2, 3, 4)
# In the hour of sending: at least 6 (P(Poisson(1) >= 6) = 0.0006 < 0.001).
INSTAGRAM_ABUSIVE = 7
FANS_PER_HOUR = 4  # X replies of fans in each of those hours
INSTAGRAM_FANS = 10


@dataclass(frozen=True)
class Wave:
    artist_id: str
    requests: list[SignedRequest]
    last_hour: datetime  # the last hour the moderation job evaluates at the wave's moment
    x_abusive: dict[datetime, int]  # hour start -> abusive X replies
    instagram_abusive: int  # in the current hour
    instagram_hour: datetime
    fan_texts: int

    @property
    def abusive_texts(self) -> int:
        return sum(self.x_abusive.values()) + self.instagram_abusive


def last_evaluated_hour(now: datetime) -> datetime:
    """The last hour the moderation job evaluates at `now` (services/waves.py: settled hours only)."""
    return hour_start(now - SETTLE) - HOUR


def abuse_wave(secrets: dict[str, str], now: datetime, seed: int = 13) -> Wave:
    """Signed X replies and Instagram comments on TARGET's tracked post and media, shuffled."""
    rng = random.Random(seed)
    senders = Senders(secrets)
    abusive = iter(rng.sample(ABUSIVE_TEXTS, k=len(ABUSIVE_TEXTS)) * 2)
    fans = iter(rng.sample(FAN_TEXTS, k=len(FAN_TEXTS)) * 4)
    requests: list[SignedRequest] = []
    last = last_evaluated_hour(now)
    x_abusive: dict[datetime, int] = {}
    for back, count in enumerate(reversed(X_ABUSIVE_PER_HOUR)):
        hour = last - HOUR * back
        x_abusive[hour] = count
        texts = [next(abusive) for _ in range(count)] + [next(fans) for _ in range(FANS_PER_HOUR)]
        for text in texts:
            at = hour + timedelta(minutes=rng.randint(0, 59), seconds=rng.randint(0, 59))
            requests.append(senders.x(payloads.x_reply(TARGET.x_account, TARGET.tweet, at, text=text)))
    texts = [next(abusive) for _ in range(INSTAGRAM_ABUSIVE)] + [next(fans) for _ in range(INSTAGRAM_FANS)]
    for text in texts:
        requests.append(senders.meta(payloads.instagram_texts(TARGET.instagram, TARGET.media, [text])))
    rng.shuffle(requests)
    fan_texts = FANS_PER_HOUR * len(X_ABUSIVE_PER_HOUR) + INSTAGRAM_FANS
    return Wave(
        TARGET.slug,
        requests,
        last,
        dict(sorted(x_abusive.items())),
        INSTAGRAM_ABUSIVE,
        hour_start(now),
        fan_texts,
    )


def instagram_pending(wave: Wave) -> str:
    evaluated = wave.instagram_hour + HOUR + SETTLE
    return (
        f"  Instagram gives no comment time: its {wave.instagram_abusive} abusive comments count in this"
        f" hour, which the stack's hourly moderation job evaluates after {evaluated:%H:%M} UTC; its alert"
        " is printed then if the stack is still up."
    )


Call = Callable[[str, str, Any], tuple[int, Any]]


def describe(wave: Wave) -> str:
    x_total = sum(wave.x_abusive.values())
    return (
        f"\nModeration: {len(wave.requests)} signed comments on {wave.artist_id}'s X post and Instagram"
        " media,"
        f" {wave.abusive_texts} of them homophobic and disguised ({x_total} X replies between"
        f" {min(wave.x_abusive):%H:%M} and {max(wave.x_abusive) + HOUR:%H:%M} UTC, {wave.instagram_abusive}"
        f" Instagram comments now), {wave.fan_texts} from fans ..."
    )


def run_moderation(call: Call, label: str, say: Callable[[str], None]) -> set[str]:
    """The rollup refresh (the publish job), then the moderation job, then the label's abuse_wave alerts;
    returns the keys of the alerts it printed."""
    for job in ("publish", "moderation"):
        status, ran = call("POST", f"/admin/jobs/{job}", None)
        if status != 200:
            raise RuntimeError(f"the {job} job: {status} {ran}")
        if job == "moderation":
            started = len(ran["started"])
            say(f"  the moderation job evaluated {ran['evaluated']} keys; waves started: {started}")
    return print_wave_alerts(call, label, say, set())


def print_wave_alerts(call: Call, label: str, say: Callable[[str], None], seen: set[str]) -> set[str]:
    """The label's abuse_wave alerts not in `seen`, printed with their report link (never a text)."""
    status, listed = call("GET", f"/alerts?label={label}", None)
    if status != 200:
        raise RuntimeError(f"the alerts: {status} {listed}")
    printed = set(seen)
    for alert in listed.get("alerts", []):
        payload = alert["payload"]
        subject = payload.get("artist_id") or payload.get("account_id")
        key = f"{alert['type']}#{payload.get('started_at')}#{payload.get('platform')}#{subject}"
        if alert["type"] != "abuse_wave" or key in printed:
            continue
        printed.add(key)
        categories = ", ".join(f"{name} {n}" for name, n in payload["by_category"].items())
        say(
            f"  ALERT abuse_wave: {subject} on {payload['platform']},"
            f" {payload['abusive']} abusive texts in 4 hours ({categories}) from {payload['started_at']}"
            f" (published on the alerts topic at {alert.get('published_at')})"
        )
        say(f"        report {payload['report']}")
        say_report_links(call, payload["report"], say)
    return printed


def say_report_links(call: Call, report: str, say: Callable[[str], None]) -> None:
    """The moderation report the alert names, opened as a moderator would: its expiring links."""
    link = urlsplit(report)
    status, links = call("GET", f"{link.path}?{link.query}&expires_in=3600", None)
    if status != 200:
        say(f"        (its moderation report is not published yet: {status})")
        return
    for name in ("html", "csv"):
        say(f"        {name:4}  {links[name]}")
