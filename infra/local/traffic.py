"""A realistic, signed, multi-platform day of traffic for two artists of one label, with the exact
counts each campaign's summary must show. Used by `make demo` and the e2e exactness test.

The expected counts come from the generator's own bookkeeping (what it decided to send), never from
the tracker's code: each logical event is recorded once, whether it is sent once or three times.
"""

from __future__ import annotations

import base64
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from secrets import token_bytes
from typing import Any

from infra.local import senders as payloads
from infra.local.senders import Senders, SignedRequest

LABEL = "columbia-fr"
# Another label of the group, whose push lands on the same day and platform as one of ours.
RIVAL_LABEL = "epic-fr"


@dataclass(frozen=True)
class Artist:
    slug: str
    name: str
    page: str
    post: str
    instagram: str
    media: str
    x_account: str
    tweet: str
    channel: str
    video: str
    tiktok: str
    tiktok_video: str
    smart_link: str
    spotify: str
    deezer: str


ARTISTS = (
    Artist(
        "indochine",
        "Indochine: 13 tour launch",
        "104512345678901",
        "104512345678901_998877665544332",
        "17841400000000001",
        "17900000000000001",
        "1234",
        "1790000000000000001",
        "UCaaaaaaaaaaaaaaaaaaaaaa",
        "dQw4w9WgXcQ",
        "open-indochine",
        "7300000000000000001",
        "indochine-13",
        "0TnOYISbd1XYRBk9myaseg",
        "1133",
    ),
    Artist(
        "angele",
        "Angèle: Nonante-Cinq reissue",
        "104599999999999",
        "104599999999999_112233445566778",
        "17841400000000002",
        "17900000000000002",
        "5678",
        "1790000000000000002",
        "UCbbbbbbbbbbbbbbbbbbbbbb",
        "aBcDeFgHiJk",
        "open-angele",
        "7300000000000000002",
        "angele-95",
        "3QVolfxko2UyCOtexhVTli",
        "13617079",
    ),
)


@dataclass
class Day:
    requests: list[SignedRequest]
    campaigns: list[dict[str, Any]]
    artists: list[dict[str, Any]]
    # The other label's campaign: one of its pushes clashes with one of ours.
    rival: dict[str, Any]
    # campaign_id -> platform -> kind -> net count the summary must show
    expected: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)
    distinct_deliveries: int = 0


def artist_body(artist: Artist) -> dict[str, Any]:
    """The artist as the roster registers it: its label owns these accounts (contract section 8)."""
    return {
        "artist_id": artist.slug,
        "label": LABEL,
        "name": artist.name.split(":")[0],
        "language": "fr",
        "accounts": {
            "facebook": [artist.page],
            "instagram": [artist.instagram],
            "x": [artist.x_account],
            "youtube": [artist.channel],
            "tiktok": [artist.tiktok],
            "spotify": [artist.spotify],
            "deezer": [artist.deezer],
        },
    }


def _day_at(now: datetime, days: int, hour: int) -> str:
    """`days` from now at `hour`:00, Paris time in winter (+01:00)."""
    moment = (now + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)
    return moment.replace(tzinfo=None).isoformat() + "+01:00"


# Days from now of each artist's single, video and teaser: a day or more apart across the label, so
# the only clash is the other label's (6 hours after Indochine's video, on YouTube).
_PLAN_DAYS = {"indochine": (4, 5, 8), "angele": (1, 2, 10)}


def pushes_of(artist: Artist, now: datetime) -> list[dict[str, Any]]:
    """A release plan: the single on streaming, its video, then a social post."""
    single, video, teaser = _PLAN_DAYS[artist.slug]
    return [
        {
            "push_id": "single",
            "at": _day_at(now, single, 0),
            "platforms": ["spotify", "deezer", "youtube"],
            "kind": "single",
            "title": "The single, out everywhere",
        },
        {
            "push_id": "video",
            "at": _day_at(now, video, 18),
            "platforms": ["youtube"],
            "kind": "video",
            "title": "The official video",
        },
        {
            "push_id": "teaser",
            "at": _day_at(now, teaser, 12),
            "platforms": ["instagram", "tiktok", "x"],
            "kind": "post",
            "title": "Tour teaser",
        },
    ]


def rival_campaign(now: datetime) -> dict[str, Any]:
    """Another label's release whose video lands 6 hours after Indochine's on YouTube: a clash."""
    return {
        "campaign_id": f"nova-lune-{now:%Y%m%d}",
        "name": "Nova Lune: first EP",
        "label": RIVAL_LABEL,
        "artist": "Nova Lune",
        "starts_at": (now - timedelta(days=1)).isoformat(),
        "ends_at": (now + timedelta(days=30)).isoformat(),
        "timezone": "Europe/Paris",
        "tracked": {"standard:linkfire": {"content": ["nova-lune-ep"]}},
        "pushes": [
            {
                "push_id": "ep-video",
                "at": _day_at(now, 6, 0),
                "platforms": ["youtube"],
                "kind": "video",
                "title": "EP video premiere",
            }
        ],
    }


def campaign_body(artist: Artist, now: datetime) -> dict[str, Any]:
    return {
        "campaign_id": f"{artist.slug}-{now:%Y%m%d}",
        "name": artist.name,
        "label": LABEL,
        "artist": artist.slug,
        "starts_at": (now - timedelta(days=2)).isoformat(),
        "ends_at": (now + timedelta(days=28)).isoformat(),
        "timezone": "Europe/Paris",
        "pushes": pushes_of(artist, now),
        "tracked": {
            "facebook": {"accounts": [artist.page], "content": [artist.post]},
            "instagram": {"accounts": [artist.instagram], "content": [artist.media]},
            "x": {"accounts": [artist.x_account], "content": [artist.tweet]},
            "youtube": {"accounts": [artist.channel], "content": [artist.video]},
            "tiktok": {"accounts": [artist.tiktok], "content": [artist.tiktok_video]},
            "standard:linkfire": {"content": [artist.smart_link]},
            "spotify": {"accounts": [artist.spotify]},
            "deezer": {"accounts": [artist.deezer]},
        },
    }


class _Day:
    def __init__(self, senders: Senders, now: datetime, rng: random.Random) -> None:
        self.senders, self.now, self.rng = senders, now, rng
        self.distinct: list[SignedRequest] = []
        self.expected: dict[str, dict[str, dict[str, int]]] = defaultdict(
            lambda: defaultdict(lambda: defaultdict(int))
        )

    def moment(self) -> datetime:
        """Some time in the last 20 hours (inside every demo campaign's window)."""
        return self.now - timedelta(minutes=self.rng.randint(5, 20 * 60))

    def count(self, campaign_id: str | None, platform: str, kind: str, net: int = 1) -> None:
        if campaign_id is not None:
            self.expected[campaign_id][platform][kind] += net

    def artist_day(self, artist: Artist, campaign_id: str) -> None:
        rng, send = self.rng, self.distinct.append
        # Facebook: reactions (some taken back), comments, a comment before the window, a share
        changes = []
        for _ in range(rng.randint(15, 30)):
            user, at = str(rng.randrange(10**12)), self.moment()
            changes.append(payloads.facebook_reaction(artist.post, at, user_id=user))
            self.count(campaign_id, "facebook", "reaction")
            if rng.random() < 0.2:
                changes.append(
                    payloads.facebook_reaction(
                        artist.post, at + timedelta(minutes=1), verb="remove", user_id=user
                    )
                )
                self.count(campaign_id, "facebook", "reaction", -1)
        for _ in range(rng.randint(3, 8)):
            changes.append(
                payloads.facebook_comment(artist.post, self.moment(), text="Vivement le concert !")
            )
            self.count(campaign_id, "facebook", "comment")
        changes.append(
            payloads.facebook_comment(artist.post, self.now - timedelta(days=4))
        )  # before the window
        for batch in range(0, len(changes), 7):
            send(self.senders.meta(payloads.facebook_feed(artist.page, changes[batch : batch + 7])))
        # Instagram comments on the tracked media (no platform time: the first delivery's time)
        comments = rng.randint(2, 6)
        send(self.senders.meta(payloads.instagram_comments(artist.instagram, artist.media, count=comments)))
        self.count(campaign_id, "instagram", "comment", comments)
        # X: likes on the tracked post, a reply, likes on a post the campaign does not track
        for _ in range(rng.randint(2, 4)):
            likes = rng.randint(5, 15)
            send(self.senders.x(payloads.x_likes(artist.x_account, artist.tweet, self.moment(), count=likes)))
            self.count(campaign_id, "x", "like", likes)
        send(self.senders.x(payloads.x_reply(artist.x_account, artist.tweet, self.moment())))
        self.count(campaign_id, "x", "reply")
        # (the account is tracked too: these likes on its other post count, by account)
        other_likes = rng.randint(1, 5)
        send(
            self.senders.x(
                payloads.x_likes(artist.x_account, artist.tweet[:-1] + "9", self.moment(), count=other_likes)
            )
        )
        self.count(campaign_id, "x", "like", other_likes)
        # YouTube: the upload, then an edit of its title
        published = self.moment()
        send(
            self.senders.youtube(
                payloads.youtube_entry(artist.channel, artist.video, published, published), artist.channel
            )
        )
        send(
            self.senders.youtube(
                payloads.youtube_entry(
                    artist.channel, artist.video, published, published + timedelta(minutes=30)
                ),
                artist.channel,
            )
        )
        self.count(campaign_id, "youtube", "content_published")
        self.count(campaign_id, "youtube", "content_updated")
        # TikTok: the video goes public
        send(self.senders.tiktok(payloads.tiktok_publish(artist.tiktok, artist.tiktok_video, self.moment())))
        self.count(campaign_id, "tiktok", "content_published")
        # Smart link: clicks and pre-saves
        for kind, number in (("click", rng.randint(10, 25)), ("presave", rng.randint(2, 6))):
            for _ in range(number):
                body = payloads.standard_engagement(kind, artist.smart_link, self.moment())
                send(self.senders.standard("linkfire", body))
            self.count(campaign_id, "standard:linkfire", kind, number)

    def noise(self) -> None:
        """Engagement no demo campaign tracks: another label's post and link."""
        self.distinct.append(
            self.senders.x(payloads.x_likes("999999", "1790000000000000777", self.moment(), count=9))
        )
        body = payloads.standard_engagement("click", "someone-else", self.moment())
        self.distinct.append(self.senders.standard("linkfire", body))


def day_of_traffic(secrets: dict[str, str], now: datetime, seed: int = 13) -> Day:
    """Every delivery signed, a fifth of them sent two or three times, all shuffled."""
    rng = random.Random(seed)
    day = _Day(Senders(_with_linkfire(secrets)), now, rng)
    campaigns = [campaign_body(artist, now) for artist in ARTISTS]
    for artist, campaign in zip(ARTISTS, campaigns, strict=True):
        day.artist_day(artist, campaign["campaign_id"])
    day.noise()
    requests = []
    for request in day.distinct:
        requests.extend([request] * (rng.choice([2, 3]) if rng.random() < 0.2 else 1))
    rng.shuffle(requests)
    expected = {
        cid: {p: {k: n for k, n in kinds.items() if n} for p, kinds in platforms.items()}
        for cid, platforms in day.expected.items()
    }
    artists = [artist_body(artist) for artist in ARTISTS]
    return Day(requests, campaigns, artists, rival_campaign(now), expected, len(day.distinct))


def _with_linkfire(secrets: dict[str, str]) -> dict[str, str]:
    if "linkfire=" not in secrets.get("STANDARD_WEBHOOK_SECRETS", ""):
        raise KeyError("STANDARD_WEBHOOK_SECRETS has no key for the source 'linkfire': use with_linkfire()")
    return secrets


def with_linkfire(secrets: dict[str, str]) -> dict[str, str]:
    """The stage's secrets with a Standard Webhooks key for `linkfire`, the demo's smart-link service."""
    current = secrets.get("STANDARD_WEBHOOK_SECRETS", "")
    if "linkfire=" in current:
        return dict(secrets)
    key = "linkfire=whsec_" + base64.b64encode(token_bytes(24)).decode()
    return {**secrets, "STANDARD_WEBHOOK_SECRETS": f"{current},{key}" if current else key}
