"""Contract section 2 under hostile input: tens of thousands of generated requests through Chalice's
test client against the moto stack.

- No request ever earns a 5xx (or an exception), and every non-2xx answer has the contract's error body.
- A request that is not validly signed stores nothing: no queue message, no event, no marker, no
  subscription, no claim-checked body.
- A validly signed but hostile body is accepted (200) or refused as malformed (400), and whatever was
  accepted normalises in the ingest consumer without a single batch item failure (no poison).

Every input comes from a seeded `random.Random`, so a failure replays exactly; only the signing
timestamps follow the wall clock (they must be fresh, or deliberately not).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from copy import deepcopy
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import boto3
import pytest
from chalice.test import Client

import app as app_module
from infra.local import senders as payloads
from infra.local.lambda_runtime import QueuePoller
from infra.local.senders import Senders, SignedRequest
from tests.integration.conftest import Stack
from tests.integration.function_url_client import front_doors
from tests.integration.webhook_client import bucket_keys, queue_depth, table_items

SEED = 20_261_126
MIN_REQUESTS = 10_000
ONE_MIB = 1024 * 1024
DEEP = 100_000  # nesting levels of the deepest bodies
SNAKE_CASE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
STORED_PREFIXES = ("EV#", "DIRTY#", "SUB#")
KNOWN_SOURCE = "demo"  # the Standard Webhooks source the local stack registers
PLATFORMS = ("meta", "x", "youtube", "tiktok", "standard")
JSON_PLATFORMS = ("meta", "x", "tiktok", "standard")
# Headers that carry each platform's signature (the timestamp and id of TikTok and Standard
# Webhooks are signed too, and fuzzed separately).
SIGNATURE_HEADERS = {
    "meta": "X-Hub-Signature-256",
    "x": "x-twitter-webhooks-signature",
    "youtube": "X-Hub-Signature",
    "tiktok": "TikTok-Signature",
    "standard": "webhook-signature",
}
YOUTUBE_CHANNEL = "UCfuzz"


@pytest.fixture
def client(stack: Stack) -> Iterator[Client]:
    with front_doors(app_module.app) as test_client:
        yield test_client


# Payload templates in each platform's documented shape, with fixed ids -------------------------------

AT = datetime(2026, 11, 26, 10, 30, tzinfo=UTC)
AT_UNIX = int(AT.timestamp())
X_TIME = AT.strftime("%a %b %d %H:%M:%S +0000 %Y")

FACEBOOK_FEED: dict[str, Any] = {
    "object": "page",
    "entry": [
        {
            "id": "104",
            "time": AT_UNIX,
            "changes": [
                {
                    "field": "feed",
                    "value": {
                        "item": "comment",
                        "verb": "add",
                        "post_id": "104_1",
                        "comment_id": "1_2001",
                        "parent_id": "104_1",
                        "from": {"id": "3001", "name": "A fan"},
                        "created_time": AT_UNIX,
                        "message": "Great!",
                    },
                },
                {
                    "field": "feed",
                    "value": {
                        "item": "reaction",
                        "verb": "add",
                        "post_id": "104_1",
                        "reaction_type": "love",
                        "from": {"id": "3002"},
                        "created_time": AT_UNIX,
                    },
                },
            ],
        }
    ],
}
INSTAGRAM_COMMENTS: dict[str, Any] = {
    "object": "instagram",
    "entry": [
        {
            "id": "178",
            "time": AT_UNIX,
            "changes": [
                {
                    "field": "comments",
                    "value": {
                        "id": "4001",
                        "from": {"id": "5001", "username": "fan"},
                        "media": {"id": "179", "media_product_type": "FEED"},
                        "text": "🔥",
                    },
                }
            ],
        }
    ],
}
INSTAGRAM_CHANGES: list[Any] = [{"field": "mentions", "value": {"media_id": "179", "comment_id": "4002"}}]
INSTAGRAM_ENVELOPES: list[Any] = [INSTAGRAM_COMMENTS]  # the array of envelopes Meta's docs show
X_LIKES: dict[str, Any] = {
    "for_user_id": "1234",
    "favorite_events": [
        {
            "id": "fav-1",
            "created_at": X_TIME,
            "timestamp_ms": str(AT_UNIX * 1000),
            "favorited_status": {"id_str": "1790", "user": {"id_str": "1234"}},
            "user": {"id_str": "6001"},
        }
    ],
}
X_REPLY: dict[str, Any] = {
    "for_user_id": "1234",
    "tweet_create_events": [
        {
            "id_str": "7001",
            "created_at": X_TIME,
            "timestamp_ms": str(AT_UNIX * 1000),
            "text": "Tour dates?",
            "in_reply_to_status_id_str": "1790",
            "in_reply_to_user_id_str": "1234",
            "user": {"id_str": "6002"},
            "entities": {"user_mentions": [{"id_str": "1234"}]},
        }
    ],
}
X_ACTIVITY: dict[str, Any] = {
    "data": {
        "event_uuid": "uuid-1",
        "event_type": "post.reply.create",
        "filter": {"user_id": "1234"},
        "payload": {
            "id": "7002",
            "text": "hi",
            "author_id": "6003",
            "created_at": AT.isoformat(),
            "referenced_tweets": [{"type": "replied_to", "id": "1790"}],
        },
    }
}
TIKTOK_CONTENT: dict[str, Any] = {"post_id": "v1", "share_id": "share-v1"}
TIKTOK_PUBLISH: dict[str, Any] = {
    "client_key": "fuzz-client",
    "event": "post.publish.publicly_available",
    "create_time": AT_UNIX,
    "user_openid": "open-1",
    "content": json.dumps(TIKTOK_CONTENT),
}
STANDARD_CLICK: dict[str, Any] = {
    "type": "engagement.comment",
    "timestamp": AT.isoformat(),
    "data": {
        "content_id": "link-1",
        "account_id": "acct-1",
        "occurred_at": AT.isoformat(),
        "actor_id": "fan-1",
        "text": "hello",
    },
}
JSON_TEMPLATES: dict[str, list[Any]] = {
    "meta": [FACEBOOK_FEED, INSTAGRAM_COMMENTS, INSTAGRAM_CHANGES, INSTAGRAM_ENVELOPES],
    "x": [X_LIKES, X_REPLY, X_ACTIVITY],
    "tiktok": [TIKTOK_PUBLISH],
    "standard": [STANDARD_CLICK],
}
YOUTUBE_TEMPLATES = [
    payloads.youtube_entry(YOUTUBE_CHANNEL, "vidfuzz", AT, AT),
    payloads.youtube_tombstone(YOUTUBE_CHANNEL, "vidfuzz", AT),
]

# Values of the wrong type (or of a hostile shape) for any place of an envelope.
HOSTILE_VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    2**64,
    1.5,
    -0.0,
    "",
    " ",
    "x",
    "\u0000",
    "\ud800",  # a lone surrogate: json.dumps escapes it, the receiver must not choke on it
    "a\udfffb",
    "🔥" * 3,
    "x" * 3_000,  # longer than any DynamoDB key may be
    [],
    [None],
    {},
    {"": {}},
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-01:00",
]
HUGE_NUMBERS = [
    "1e400",
    "-1e400",
    "1e-400",
    "1" + "0" * 5000,  # 10**5000: past Python's integer conversion limit
    "-" + "9" * 5000,
    "9" * 4300,  # the longest integer Python converts
    "1" + "0" * 4299 + ".5",
    "123456789012345678901234567890",
    "1E+99999999999999999999",
    "-0",
    "1.7976931348623157e309",
]
INVALID_UTF8 = [
    b"\xff",
    b"\xfe\xff",
    b"\xc0\x80",  # overlong NUL
    b"\xc3",  # truncated two-byte sequence
    b"\xe2\x82",
    b"\xed\xa0\x80",  # an encoded surrogate
    b"\xf4\x90\x80\x80",  # past U+10FFFF
    b"\xf8\x88\x80\x80\x80",
    b"\x80",
]
NUMBER_PLACEHOLDER = "__fuzz_number__"


# Requests ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Probe(SignedRequest):
    """A request of the run, counted under its category."""

    category: str = ""

    @classmethod
    def of(
        cls, category: str, method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b""
    ) -> Probe:
        return cls(method, path, body, headers or {}, category)

    def describe(self) -> str:
        headers = {k: v[:40] for k, v in self.headers.items()}
        return f"[{self.category}] {self.method} {self.path[:80]!r} {headers} body={self.body[:60]!r}"


def probe_of(category: str, request: SignedRequest, body: bytes | None = None) -> Probe:
    body = request.body if body is None else body
    return Probe.of(category, request.method, request.path, dict(request.headers), body)


def send(client: Client, probe: Probe) -> Any:
    if probe.method == "GET":
        return client.http.get(probe.path, headers=probe.headers)
    return client.http.request(probe.method, probe.path, headers=probe.headers, body=probe.body)


class Fuzz:
    """The seeded randomness and the signers the generators share: `real` holds the stage's secrets,
    `forger` signs in each platform's exact format with keys of its own."""

    def __init__(self, secrets: dict[str, str], seed: int) -> None:
        self.rng = random.Random(seed)
        self.secrets = secrets
        self.real = Senders(secrets)
        self.forger = Senders(forged_secrets(secrets, random.Random(seed + 1)))

    def sign(
        self, platform: str, body: bytes, *, forged: bool = False, at: int | None = None
    ) -> SignedRequest:
        senders = self.forger if forged else self.real
        # Only a Standard Webhooks request draws an id: the seeded sequence stays what it was.
        webhook_id = self.webhook_id() if platform == "standard" else None
        return senders.signed(
            platform, body, channel_id=YOUTUBE_CHANNEL, source=KNOWN_SOURCE, at=at, webhook_id=webhook_id
        )

    def webhook_id(self) -> str:
        return f"msg_fuzz_{self.rng.getrandbits(64):016x}"

    def template(self, platform: str) -> bytes:
        if platform == "youtube":
            return self.rng.choice(YOUTUBE_TEMPLATES)
        return payloads.dumps(self.rng.choice(JSON_TEMPLATES[platform]))


def forged_secrets(secrets: dict[str, str], rng: random.Random) -> dict[str, str]:
    forged = {name: f"forged-{rng.getrandbits(128):032x}" for name in secrets}
    key = base64.b64encode(rng.randbytes(24)).decode()
    forged["STANDARD_WEBHOOK_SECRETS"] = f"{KNOWN_SOURCE}=whsec_{key}"
    return forged


def unverified(
    fuzz: Fuzz, category: str, platform: str, body: bytes, content_type: str | None = None
) -> Probe:
    """`body` to the platform's route with no valid signature: missing, garbage, signed with the wrong
    key, or signed with the right key for a body that was then changed."""
    mode = fuzz.rng.choice(("missing", "garbage", "forged", "tampered"))
    request = fuzz.sign(platform, body, forged=mode == "forged")
    headers = dict(request.headers)
    if mode == "missing":
        del headers[SIGNATURE_HEADERS[platform]]
    elif mode == "garbage":
        headers[SIGNATURE_HEADERS[platform]] = garbage_signature(fuzz.rng)
    elif mode == "tampered":
        body = tampered(fuzz.rng, body)
    if content_type is not None:
        headers["Content-Type"] = content_type
    return Probe.of(category, "POST", request.path, headers, body)


def tampered(rng: random.Random, body: bytes) -> bytes:
    if not body:
        return b"\x00"
    position = rng.randrange(len(body))
    flipped = body[position] ^ rng.randint(1, 255)
    return body[:position] + bytes([flipped]) + body[position + 1 :]


def garbage_signature(rng: random.Random) -> str:
    makers: list[Callable[[], str]] = [
        lambda: "",
        lambda: "sha256=",
        lambda: "sha256=" + rng.randbytes(32).hex(),
        lambda: "sha256=" + base64.b64encode(rng.randbytes(32)).decode(),
        lambda: "v1," + base64.b64encode(rng.randbytes(32)).decode(),
        lambda: f"t={int(time.time())},s={rng.randbytes(32).hex()}",
        lambda: rng.choice(("sha1=", "SHA256=", "sha512=", "md5=", "v2,", "v1a,", "t=,s=")) + "0" * 64,
        lambda: "sha256=" + "é" * 64,  # non-ASCII
        lambda: "sha256=\ud800",  # a lone surrogate
        lambda: "".join(chr(rng.randint(0x80, 0x2FFF)) for _ in range(rng.randint(1, 80))),
        lambda: "sha256=" + "a" * 100_000,  # very long
        lambda: rng.randbytes(rng.randint(1, 64)).decode("latin-1"),
        lambda: "\r\n\x00\t",
    ]
    return rng.choice(makers)()


# JSON surgery -----------------------------------------------------------------------------------------

Path = tuple[Any, ...]


def paths(document: Any) -> Iterator[Path]:
    """Every place in a JSON document, the root included, parents before their children."""
    yield ()
    if isinstance(document, dict | list):
        children = document.items() if isinstance(document, dict) else enumerate(document)
        for key, value in children:
            for path in paths(value):
                yield (key, *path)


def replaced(document: Any, path: Path, value: Any) -> Any:
    if not path:
        return value
    copy = deepcopy(document)
    holder = copy
    for key in path[:-1]:
        holder = holder[key]
    holder[path[-1]] = value
    return copy


def removed(document: Any, path: Path) -> Any:
    copy = deepcopy(document)
    holder = copy
    for key in path[:-1]:
        holder = holder[key]
    del holder[path[-1]]
    return copy


def wrong_type_documents(platform: str) -> Iterator[Any]:
    """Each template with every place in turn holding each hostile value, or missing."""
    for template in JSON_TEMPLATES[platform]:
        for path in paths(template):
            for value in HOSTILE_VALUES:
                yield replaced(template, path, value)
            if path:
                yield removed(template, path)
    if platform == "tiktok":  # the envelope's `content` is a JSON string: every level of it too
        for path in paths(TIKTOK_CONTENT):
            for value in HOSTILE_VALUES:
                yield replaced(
                    TIKTOK_PUBLISH, ("content",), json.dumps(replaced(TIKTOK_CONTENT, path, value))
                )


def string_paths(document: Any) -> list[Path]:
    found = []
    for path in paths(document):
        value = document
        for key in path:
            value = value[key]
        if isinstance(value, str):
            found.append(path)
    return found


def with_number(document: Any, path: Path, number: str) -> bytes:
    """The document with a number literal no Python value serialises to (1e400, 10**5000) at path."""
    body = payloads.dumps(replaced(document, path, NUMBER_PLACEHOLDER))
    return body.replace(f'"{NUMBER_PLACEHOLDER}"'.encode(), number.encode())


def deep_bodies(platform: str, depth: int) -> list[bytes]:
    if platform == "youtube":
        feed = b'<feed xmlns="http://www.w3.org/2005/Atom"><entry>'
        return [
            b"<a>" * depth + b"</a>" * depth,
            feed + b"<x>" * depth + b"</x>" * depth + b"</entry></feed>",
            b"<a>" * depth,  # never closed
        ]
    nested = b"[" * depth + b"]" * depth
    objects = b'{"a":' * depth + b"1" + b"}" * depth
    inner = json.dumps("[" * depth + "]" * depth).encode()
    return [
        nested,
        objects,
        b"[" * depth,  # never closed
        b'{"object":"page","entry":' + nested + b"}",
        b'{"data":' + objects + b"}",
        b'{"event":"post.publish.publicly_available","create_time":1,"user_openid":"o","content":'
        + inner
        + b"}",
    ]


def padded_to(platform: str, size: int) -> bytes:
    """A template padded with whitespace inside its outermost element to exactly `size` bytes."""
    body = YOUTUBE_TEMPLATES[0] if platform == "youtube" else payloads.dumps(JSON_TEMPLATES[platform][0])
    return body[:-1] + b" " * (size - len(body)) + body[-1:]


def with_invalid_utf8(rng: random.Random, body: bytes) -> bytes:
    bad = rng.choice(INVALID_UTF8) * rng.randint(1, 3)
    quote_at = [i for i, byte in enumerate(body) if byte == ord('"')]
    position = rng.choice(quote_at) + 1 if quote_at and rng.random() < 0.7 else rng.randrange(len(body) + 1)
    return body[:position] + bad + body[position:]


# Hostile requests without a valid signature, one generator per category -------------------------------


def random_bodies(fuzz: Fuzz) -> Iterator[Probe]:
    for _ in range(1_500):
        body = fuzz.rng.randbytes(fuzz.rng.randint(0, 4_096))
        yield unverified(fuzz, "random_bytes", fuzz.rng.choice(PLATFORMS), body)


def invalid_utf8_bodies(fuzz: Fuzz) -> Iterator[Probe]:
    for _ in range(1_000):
        platform = fuzz.rng.choice(PLATFORMS)
        body = fuzz.template(platform)
        if fuzz.rng.random() < 0.1:
            body = body.decode().encode(fuzz.rng.choice(("utf-16", "utf-32", "utf-8-sig")))
        else:
            body = with_invalid_utf8(fuzz.rng, body)
        yield unverified(fuzz, "invalid_utf8", platform, body)


def deep_nesting(fuzz: Fuzz) -> Iterator[Probe]:
    for platform in PLATFORMS:
        for depth in (DEEP, fuzz.rng.randint(1_000, 50_000)):
            for body in deep_bodies(platform, depth):
                yield unverified(fuzz, "deep_nesting", platform, body)


def huge_numbers(fuzz: Fuzz) -> Iterator[Probe]:
    for platform in JSON_PLATFORMS:
        for template in JSON_TEMPLATES[platform]:
            for path in paths(template):
                for number in fuzz.rng.sample(HUGE_NUMBERS, 4):
                    yield unverified(fuzz, "huge_numbers", platform, with_number(template, path, number))


def wrong_types(fuzz: Fuzz) -> Iterator[Probe]:
    for platform in JSON_PLATFORMS:
        for document in wrong_type_documents(platform):
            yield unverified(fuzz, "wrong_types", platform, payloads.dumps(document))


def empty_bodies(fuzz: Fuzz) -> Iterator[Probe]:
    for platform in PLATFORMS:
        for content_type in ("application/json", "application/atom+xml", "", "text/plain", None):
            for _ in range(4):
                probe = unverified(fuzz, "empty_bodies", platform, b"", content_type)
                if content_type is None:
                    probe = replace(probe, headers=without(probe.headers, "Content-Type"))
                yield probe
        yield Probe.of("empty_bodies", "POST", f"/webhooks/{platform}")  # no headers at all


def size_limits(fuzz: Fuzz) -> Iterator[Probe]:
    for platform in PLATFORMS:
        for size in (ONE_MIB, ONE_MIB + 1):
            request = fuzz.sign(platform, padded_to(platform, size))
            headers = {**request.headers, SIGNATURE_HEADERS[platform]: garbage_signature(fuzz.rng)}
            yield Probe.of("size_limits", "POST", request.path, headers, request.body)


HOSTILE_CONTENT_TYPES = [
    "text/plain",
    "application/json, application/json",  # a repeated header, as a proxy joins it
    "application/json;application/json",
    "application/jsonx",
    "application/json+xml",
    "APPLICATION/JSON",
    "application/json; charset=utf-16",
    "application/json; boundary=\x00",
    "*/*",
    "application/*",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=fuzz",
    "application/octet-stream",  # a binary type: the gateway base64-encodes the body
    "image/png",
    "application/atom+xml",
    "text/xml",
    "applicätion/json",
    "application/json\ud800",
    ";",
    " ",
    "\x00",
    "a" * 10_000,
]


def content_types(fuzz: Fuzz) -> Iterator[Probe]:
    for platform in PLATFORMS:
        for content_type in HOSTILE_CONTENT_TYPES:
            for _ in range(8):
                yield unverified(fuzz, "content_types", platform, fuzz.template(platform), content_type)
        # the same header twice, spelled differently: the gateway keeps one
        for _ in range(10):
            probe = unverified(fuzz, "content_types", platform, fuzz.template(platform))
            headers = {**probe.headers, "content-type": fuzz.rng.choice(HOSTILE_CONTENT_TYPES)}
            yield replace(probe, headers=headers)
    for route in ("/webhooks/meta", "/webhooks/x", "/webhooks/youtube"):
        for content_type in HOSTILE_CONTENT_TYPES:
            yield Probe.of(
                "content_types", "GET", f"{route}?hub.mode=subscribe", {"Content-Type": content_type}
            )


def without(headers: dict[str, str], *names: str) -> dict[str, str]:
    lowered = {name.lower() for name in names}
    return {k: v for k, v in headers.items() if k.lower() not in lowered}


def missing_headers(fuzz: Fuzz) -> Iterator[Probe]:
    """A validly signed request with one or more of the headers it needs taken away."""
    for _ in range(10):
        for platform in PLATFORMS:
            request = fuzz.sign(platform, fuzz.template(platform))
            names = sorted(request.headers)
            for mask in range(1, 2 ** len(names)):
                gone = [name for bit, name in enumerate(names) if mask & (1 << bit)]
                yield probe_of("missing_headers", replace(request, headers=without(request.headers, *gone)))


def wrong_encodings(fuzz: Fuzz, platform: str, body: bytes) -> list[str]:
    """The right digest in the wrong encoding or under the wrong prefix, and repeated values."""
    secrets = fuzz.secrets
    if platform == "meta":
        digest = hmac.new(secrets["META_APP_SECRET"].encode(), body, hashlib.sha256).digest()
        right = f"sha256={digest.hex()}"
        return [
            f"sha256={base64.b64encode(digest).decode()}",
            f"sha1={digest.hex()}",
            f"{right},{right}",
            f"{right} {right}",
        ]
    if platform == "x":
        digest = hmac.new(secrets["X_CONSUMER_SECRET"].encode(), body, hashlib.sha256).digest()
        right = f"sha256={base64.b64encode(digest).decode()}"
        return [
            f"sha256={digest.hex()}",
            f"sha256={base64.b64encode(digest).decode().rstrip('=')}",
            f"v1,{base64.b64encode(digest).decode()}",
            f"{right},{right}",
        ]
    if platform == "youtube":
        topic = payloads_topic(YOUTUBE_CHANNEL)
        secret = hmac.new(secrets["YOUTUBE_HUB_SECRET"].encode(), topic.encode(), hashlib.sha256).hexdigest()
        digest = hmac.new(secret.encode(), body, hashlib.sha1).digest()
        right = f"sha1={digest.hex()}"
        return [
            f"sha1={base64.b64encode(digest).decode()}",
            f"sha256={digest.hex()}",
            f"{right},{right}",
            f"sha1={hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()}",
        ]
    if platform == "tiktok":
        stamp = str(int(time.time()))
        signed = f"{stamp}.".encode() + body
        digest = hmac.new(secrets["TIKTOK_CLIENT_SECRET"].encode(), signed, hashlib.sha256).digest()
        right = f"t={stamp},s={digest.hex()}"
        return [
            f"t={stamp},s={base64.b64encode(digest).decode()}",
            f"{right},{right}",
            f"s={digest.hex()},t={stamp},t={stamp}",
            f"t={stamp}",
            f"s={digest.hex()}",
        ]
    # Standard Webhooks: several signatures may be listed, so only wrong ones are repeated
    return [
        f"v1,{rng_hex(fuzz.rng)}",
        f"v1,{rng_hex(fuzz.rng)} v1,{rng_hex(fuzz.rng)}",
        f"v2,{base64.b64encode(fuzz.rng.randbytes(32)).decode()}",
        f"v1a,{base64.b64encode(fuzz.rng.randbytes(32)).decode()}",
    ]


def rng_hex(rng: random.Random) -> str:
    return rng.randbytes(32).hex()


def payloads_topic(channel_id: str) -> str:
    return f"https://www.youtube.com/xml/feeds/videos.xml?channel_id={channel_id}"


def signature_headers(fuzz: Fuzz) -> Iterator[Probe]:
    for _ in range(60):
        for platform in PLATFORMS:
            body = fuzz.template(platform)
            request = fuzz.sign(platform, body)
            name = SIGNATURE_HEADERS[platform]
            values = [garbage_signature(fuzz.rng) for _ in range(2)] + wrong_encodings(fuzz, platform, body)
            for value in values:
                yield probe_of(
                    "signature_headers", replace(request, headers={**request.headers, name: value})
                )
            # the header twice, spelled differently (the gateway keeps one of them)
            twice = {
                **without(request.headers, name),
                name.lower(): garbage_signature(fuzz.rng),
                name.upper(): garbage_signature(fuzz.rng),
            }
            yield probe_of("signature_headers", replace(request, headers=twice))
    for link in youtube_hostile_links(fuzz.rng):
        request = fuzz.sign("youtube", fuzz.template("youtube"))
        yield probe_of("signature_headers", replace(request, headers={**request.headers, "Link": link}))


def youtube_hostile_links(rng: random.Random) -> Iterator[str]:
    """Link headers naming no topic, a garbled one, or another channel than the one signed for."""
    other = payloads_topic("UCother")
    for _ in range(20):
        yield from (
            "",
            "<>; rel=self",
            f"<{other}>; rel=self",
            f'<https://pubsubhubbub.appspot.com>; rel="hub", <{other}>; rel="self"',
            f"<{payloads_topic('UCfüzz')}>; rel=self",
            "<" * 10_000 + ">; rel=self",
            f"<{payloads_topic(YOUTUBE_CHANNEL)}>; rel=hub",
            f"<{payloads_topic(rng.randbytes(8).hex())}>; rel=self",
            "\ud800",
        )


def signed_at(fuzz: Fuzz, platform: str, stamp: str, body: bytes) -> SignedRequest:
    """A TikTok or Standard Webhooks request whose signature is right for an arbitrary stamp text."""
    if platform == "tiktok":
        return fuzz.real.tiktok(body, at=stamp)
    return fuzz.real.standard(KNOWN_SOURCE, body, webhook_id=fuzz.webhook_id(), at=stamp)


STALE_OR_FUTURE_SECONDS = (-310, -3_600, -86_400, -(10**9), 310, 3_600, 10**9, 10**11)
ABSOLUTE_STAMPS = (0, 1, 999_999_999_999)


def hostile_stamps(now: int) -> list[str]:
    """Stamp texts that are not fresh Unix seconds, though some read like the current time."""
    digits = str(now)
    return [
        "".join(chr(0x0660 + int(d)) for d in digits),  # Arabic-Indic digits: int() reads them
        "".join(chr(0xFF10 + int(d)) for d in digits),  # full-width digits: int() reads them too
        f"+{digits}",
        f"-{digits}",
        f" {digits}",
        f"{digits}.0",
        digits.zfill(13),
        f"{now:#x}",
        "1e9",
        "",
        str(10**12),
        "9" * 400,
    ]


def timestamps(fuzz: Fuzz) -> Iterator[Probe]:
    """Right signatures over stale, future or malformed timestamps (TikTok, Standard Webhooks)."""
    for _ in range(20):
        for platform in ("tiktok", "standard"):
            body = fuzz.template(platform)
            now = int(time.time())
            for offset in STALE_OR_FUTURE_SECONDS:
                yield probe_of("timestamps", fuzz.sign(platform, body, at=now + offset))
            for stamp in ABSOLUTE_STAMPS:
                yield probe_of("timestamps", fuzz.sign(platform, body, at=stamp))
            for text in hostile_stamps(now):
                yield probe_of("timestamps", signed_at(fuzz, platform, text, body))


def hostile_sources(rng: random.Random) -> list[str]:
    return [
        "nobody",
        "DEMO",
        "Demo",
        "demo.",
        "demo%20",
        "demo ",
        " demo",
        "démo",
        "demo\x00",
        "\ud800",
        "a" * 10_000,
        "..",
        ".",
        "%2e%2e",
        "demo,x",  # (not "demo;x": the test gateway's urlparse would cut ";x" off as path parameters)
        "standard",
        "*",
        "demo=whsec_x",
        rng.randbytes(12).hex(),
        "".join(chr(rng.randint(0x21, 0x2FFF)) for _ in range(12)).translate({ord(c): None for c in "/?;"}),
    ]


def standard_sources(fuzz: Fuzz) -> Iterator[Probe]:
    """Deliveries to sources nobody registered, some signed with the registered source's key."""
    for _ in range(20):
        for source in hostile_sources(fuzz.rng):
            body = fuzz.template("standard")
            request = fuzz.sign("standard", body, forged=fuzz.rng.random() < 0.3)
            request = replace(request, path=f"/webhooks/standard/{source}".replace("#", "%23"))
            yield probe_of("standard_sources", request)


def unknown_routes(fuzz: Fuzz) -> Iterator[Probe]:
    names = ["myspace", "META", "Meta", "standard", "x ", "ÿoutube", "a" * 5_000, "\ud800", "%00"]
    for name in names:
        for _ in range(6):
            body = fuzz.template(fuzz.rng.choice(PLATFORMS))
            yield Probe.of(
                "unknown_routes", "POST", f"/webhooks/{name}", {"Content-Type": "application/json"}, body
            )
            yield Probe.of("unknown_routes", "GET", f"/webhooks/{name}?hub.challenge=1&crc_token=1")
    for path in ("/webhooks/tiktok", f"/webhooks/standard/{KNOWN_SOURCE}", "/webhooks/standard/nobody"):
        for _ in range(10):
            yield Probe.of("unknown_routes", "GET", f"{path}?hub.mode=subscribe&hub.challenge=1")


def hostile_query_values(rng: random.Random, secrets: dict[str, str]) -> list[str]:
    """Raw query-string values: percent-escaped or not, so some reach the handler undecodable."""
    return [
        "",
        "x",
        quote(secrets["META_VERIFY_TOKEN"]),
        quote("subscribe"),
        "a" * 100_000,
        quote("ünïcødé 🔥"),
        "ünïcødé",  # raw non-ASCII in the URL
        "\ud800",  # a raw lone surrogate
        "%ED%A0%80",  # an escaped surrogate
        "%FF%FE",
        "%00",
        "%",
        "%zz",
        "+",
        "&",
        "==",
        "-1",
        "0",
        "4294967296",
        "1" + "0" * 5000,
        "١٢٣",
        quote(payloads_topic(rng.randbytes(6).hex())),
        quote(rng.randbytes(rng.randint(1, 40)), safe=""),
    ]


HANDSHAKE_PARAMETERS = {
    "meta": ("hub.mode", "hub.verify_token", "hub.challenge"),
    "x": ("crc_token", "nonce"),
    "youtube": ("hub.mode", "hub.topic", "hub.challenge", "hub.lease_seconds"),
}


def handshake_queries(fuzz: Fuzz) -> Iterator[Probe]:
    """GET handshakes with parameters missing, repeated, empty, huge, non-ASCII or undecodable."""
    rng = fuzz.rng
    values = hostile_query_values(rng, fuzz.secrets)
    token = quote(fuzz.secrets["META_VERIFY_TOKEN"])
    for value in values:  # each hostile value where it gets furthest: past the token, the mode, ...
        yield Probe.of(
            "handshake_queries",
            "GET",
            f"/webhooks/meta?hub.mode=subscribe&hub.verify_token={token}&hub.challenge={value}",
        )
        yield Probe.of("handshake_queries", "GET", f"/webhooks/x?crc_token={value}")
        for lease in [*rng.sample(values, 4), "432000"]:
            yield Probe.of(
                "handshake_queries",
                "GET",
                f"/webhooks/youtube?hub.mode=subscribe&hub.topic={value}&hub.challenge=c&hub.lease_seconds={lease}",
            )
    for _ in range(450):
        for platform, names in HANDSHAKE_PARAMETERS.items():
            pairs = [(name, rng.choice(values)) for name in names if rng.random() < 0.8]
            if platform == "meta" and rng.random() < 0.5:
                pairs.append(("hub.verify_token", token))  # the right token: the challenge is echoed
            if pairs and rng.random() < 0.3:
                pairs.append((rng.choice(pairs)[0], rng.choice(values)))  # a repeated parameter
            if rng.random() < 0.1:
                pairs.append((rng.choice(values), rng.choice(values)))  # a hostile parameter name
            rng.shuffle(pairs)
            query = "&".join(f"{name}={value}" if rng.random() < 0.95 else name for name, value in pairs)
            yield Probe.of("handshake_queries", "GET", f"/webhooks/{platform}?{query}")


UNSIGNED_CATEGORIES: list[Callable[[Fuzz], Iterator[Probe]]] = [
    random_bodies,
    invalid_utf8_bodies,
    deep_nesting,
    huge_numbers,
    wrong_types,
    empty_bodies,
    size_limits,
    content_types,
    missing_headers,
    signature_headers,
    timestamps,
    standard_sources,
    unknown_routes,
    handshake_queries,
]


# Checks -----------------------------------------------------------------------------------------------


def contract_problem(response: Any) -> str | None:
    """Why the answer breaks the contract (a 5xx, or an error without the error body), or None."""
    if response.status_code >= 500:
        return f"answered {response.status_code}"
    if response.status_code < 300:
        return None
    try:
        body = json.loads(response.body)
    except ValueError:
        return f"answered {response.status_code} with a non-JSON body"
    error = body.get("error") if isinstance(body, dict) else None
    if (
        set(body) != {"error"}
        or not isinstance(error, dict)
        or not {"code", "message"} <= set(error) <= {"code", "message", "fields"}
        or not isinstance(error["code"], str)
        or not SNAKE_CASE.fullmatch(error["code"])
        or not isinstance(error["message"], str)
    ):
        return f"answered {response.status_code} without the contract's error body"
    return None


def stored_anything(stack: Stack) -> list[str]:
    """What the stack holds that a rejected request may not have left: queue, items, bucket keys."""
    stored = [f"{queue_depth(stack.queue_url)} queued"] if queue_depth(stack.queue_url) else []
    stored += [
        f"item {item['pk']['S']}"
        for item in table_items(stack.table_name)
        if item["pk"]["S"].startswith(STORED_PREFIXES)
    ]
    return stored + [f"object {key}" for key in bucket_keys(stack.bucket)]


def test_hostile_requests_never_5xx_and_unverified_ones_store_nothing(client: Client, stack: Stack) -> None:
    # Given deterministic hostile requests of every category, none of them validly signed
    fuzz = Fuzz(stack.secrets, SEED)
    sent: Counter[str] = Counter()
    problems: list[str] = []
    started = time.monotonic()
    for generate in UNSIGNED_CATEGORIES:
        for probe in generate(fuzz):
            # When each is sent
            sent[probe.category] += 1
            try:
                response = send(client, probe)
            except Exception as error:  # an exception is a finding, not the end of the run
                problems.append(f"{probe.describe()} raised {type(error).__name__}: {error}"[:400])
                continue
            # Then it is never a 5xx, every error has the contract's body, no POST is accepted
            problem = contract_problem(response)
            if problem is None and probe.method == "POST" and response.status_code < 300:
                problem = f"accepted with {response.status_code}"
            if problem is not None:
                problems.append(f"{probe.describe()} {problem}: {response.body[:200]!r}")
        # and nothing is stored (checked per category, so a leak names where it came from)
        problems += [f"[{generate.__name__}] left {what}" for what in stored_anything(stack)]
    print(f"\nfuzzed {sum(sent.values())} requests in {time.monotonic() - started:.1f} s: {dict(sent)}")

    assert not problems, f"{len(problems)} problems, the first ones:\n" + "\n".join(problems[:25])
    assert sum(sent.values()) >= MIN_REQUESTS, sent
    assert queue_depth(stack.queue_url) == 0
    assert not [i for i in table_items(stack.table_name) if i["pk"]["S"].startswith(STORED_PREFIXES)]
    assert bucket_keys(stack.bucket) == []


# Validly signed hostile bodies --------------------------------------------------------------------------

YOUTUBE_FIELDS = ("yt:videoId", "yt:channelId", "published", "updated", "id")


def hostile_feeds(rng: random.Random) -> Iterator[bytes]:
    """Atom feeds with hostile field values, DTDs and entities, foreign roots and odd encodings."""
    entry = YOUTUBE_TEMPLATES[0].decode()
    texts = ["", " ", "not a date", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "1" * 5000]
    texts += ["&amp;&lt;", "<![CDATA[x]]>", "x" * 3_000, "🔥", "&#xD800;", "2026-13-45T99:99:99Z"]
    for name in YOUTUBE_FIELDS:
        for text in texts:
            yield re.sub(rf"<{name}>[^<]*</{name}>", f"<{name}>{text}</{name}>", entry, count=2).encode()
        yield re.sub(rf"<{name}>[^<]*</{name}>", "", entry).encode()
    tombstone = YOUTUBE_TEMPLATES[1].decode()
    for attribute in ('ref="yt:video:vidfuzz"', f'when="{AT.isoformat()}"'):
        for text in ("", "yt:video:", "x" * 3_000, "9999-12-31T23:59:59-01:00"):
            yield tombstone.replace(attribute, f'{attribute.split("=")[0]}="{text}"').encode()
    laughs = b'<!DOCTYPE feed [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    yield b'<?xml version="1.0"?>' + laughs + b"<feed>&b;</feed>"
    yield b'<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY x SYSTEM "file:///etc/passwd">]><feed>&x;</feed>'
    yield b'<?xml version="1.0" encoding="utf-16"?><feed xmlns="http://www.w3.org/2005/Atom"/>'
    yield b'<?xml version="1.0" encoding="bogus-8"?><feed xmlns="http://www.w3.org/2005/Atom"/>'
    yield b"<rss><channel/></rss>"
    yield b"<feed/>"
    yield entry.encode("utf-16")
    yield b'<feed xmlns="http://www.w3.org/2005/Atom">' + b"<entry/>" * 20_000 + b"</feed>"
    yield from deep_bodies("youtube", DEEP)
    yield with_invalid_utf8(rng, YOUTUBE_TEMPLATES[0])


def hostile_json_bodies(rng: random.Random, platform: str) -> Iterator[bytes]:
    documents = list(wrong_type_documents(platform))
    for document in rng.sample(documents, min(len(documents), 60)):
        yield payloads.dumps(document)
    templates = JSON_TEMPLATES[platform]
    for _ in range(10):
        template = rng.choice(templates)
        yield with_number(template, rng.choice(list(paths(template))), rng.choice(HUGE_NUMBERS))
    for document in templates:  # a string far beyond what one stored item may hold (400 KB)
        for path in rng.sample(string_paths(document), 3):
            yield payloads.dumps(replaced(document, path, "s" * 450_000))
    yield from deep_bodies(platform, DEEP)[:3]
    template = payloads.dumps(templates[0])
    for _ in range(3):
        yield with_invalid_utf8(rng, template)
    yield from (
        b"",
        b"null",
        b'"\\ud800"',
        b"NaN",
        b"[Infinity]",
        b"\xef\xbb\xbf" + template,  # a BOM
        template + b" trailing",
        template.replace(b"{", b'{"object":"instagram","data":1,', 1),  # keys repeated
        rng.randbytes(200),
    )


def signed_hostile_bodies(fuzz: Fuzz) -> Iterator[tuple[str, SignedRequest]]:
    """A few hundred hostile bodies, each validly signed for its route at the moment it is sent."""
    for platform in JSON_PLATFORMS:
        for body in hostile_json_bodies(fuzz.rng, platform):
            yield platform, fuzz.sign(platform, body)
    for body in hostile_feeds(fuzz.rng):
        yield "youtube", fuzz.sign("youtube", body)


def consume_all(stack: Stack) -> tuple[list[Any], list[str]]:
    """Run the ingest consumer over the whole queue as the event source mapping would; returns its
    answers and the exceptions it raised (the poller itself swallows them, as Lambda would retry)."""
    answers: list[Any] = []
    raised: list[str] = []

    def handler(event: dict[str, Any], context: Any) -> Any:
        try:
            answer = app_module.ingest_consumer(event, context)
        except Exception as error:
            raised.append(f"{type(error).__name__}: {error}"[:300])
            raise
        answers.append(answer)
        return answer

    poller = QueuePoller(
        sqs=boto3.client("sqs"),
        queue_url=stack.queue_url,
        function_name="ingest_consumer",
        handler=handler,
        stop=threading.Event(),
        batch_size=10,
        wait_seconds=0,
    )
    while poller.poll_once():
        pass
    return answers, raised


def test_validly_signed_hostile_bodies_answer_200_or_400_and_accepted_ones_normalise(
    client: Client, stack: Stack
) -> None:
    # Given a few hundred hostile bodies, each validly signed for its route
    fuzz = Fuzz(stack.secrets, SEED + 2)
    answered: Counter[tuple[str, int]] = Counter()
    problems: list[str] = []
    for platform, request in signed_hostile_bodies(fuzz):
        # When each is sent
        try:
            response = send(client, probe_of(f"signed_{platform}", request))
        except Exception as error:
            problems.append(f"{platform} {request.body[:80]!r} raised {type(error).__name__}: {error}"[:400])
            continue
        answered[platform, response.status_code] += 1
        # Then it is accepted or refused as malformed, never anything else
        if response.status_code not in (200, 400) or contract_problem(response):
            problems.append(
                f"{platform} {request.body[:80]!r} -> {response.status_code}: {response.body[:200]!r}"
            )
    accepted = sum(n for (_, status), n in answered.items() if status == 200)
    print(f"\nsigned hostile bodies: {sorted(answered.items())}")
    assert not problems, "\n".join(problems[:25])
    assert sum(answered.values()) >= 300
    assert 0 < accepted < sum(answered.values())
    # and only the accepted ones were queued
    assert queue_depth(stack.queue_url) == accepted

    # When the ingest consumer runs over everything accepted
    answers, raised = consume_all(stack)

    # Then it raises nothing, reports no batch item failure, and leaves nothing behind
    assert raised == []
    assert [a for a in answers if a["batchItemFailures"]] == []
    assert queue_depth(stack.queue_url) == 0


# Handshakes that must never sign a caller's string, and bodies that are no envelope ------------------

CRC_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_-"


def hostile_crc_tokens(rng: random.Random) -> list[str]:
    """Tokens outside X's shape: every body a platform could sign, every other ASCII character at the
    start, middle and end of a good token, line ends, a token one character too long, non-ASCII."""
    good = "".join(rng.choice(CRC_ALPHABET) for _ in range(40))
    bodies = [payloads.dumps(t).decode() for templates in JSON_TEMPLATES.values() for t in templates]
    others = [chr(c) for c in range(128) if chr(c) not in CRC_ALPHABET]
    placed = [t for c in others for t in (c + good, good[:20] + c + good[20:], good + c)]
    endings = [good + "\n", good + "\r\n", good + "\r", "\n" + good, good + "\n\n", good + "\x00"]
    return [*bodies, *placed, *endings, "a" * 256, CRC_ALPHABET * 4, "é" + good, good + "🔥", "\uff21" * 10]


class HmacSpy:
    """Stands in for the hmac module inside chalicelib.platforms.x, recording every HMAC computed."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []

    def new(self, key: bytes, message: bytes, digestmod: Any) -> Any:
        self.messages.append(message)
        return hmac.new(key, message, digestmod)

    compare_digest = staticmethod(hmac.compare_digest)


def test_crc_tokens_of_every_bad_shape_are_400_and_sign_nothing(
    client: Client, stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given X's CRC handshake, watched for every HMAC it computes
    from chalicelib.platforms.x import webhook as x

    spy = HmacSpy()
    monkeypatch.setattr(x, "hmac", spy)
    rng = random.Random(SEED + 3)
    problems: list[str] = []
    tokens = hostile_crc_tokens(rng)
    for token in tokens:
        # When a token outside X's shape is sent (percent-encoded, so the handler gets it exactly)
        response = client.http.get(f"/webhooks/x?crc_token={quote(token, safe='')}")
        # Then it is a 400 in the contract's shape
        problem = contract_problem(response)
        if response.status_code != 400 or problem:
            problems.append(
                f"{token[:60]!r} -> {response.status_code} {problem or ''} {response.body[:120]!r}"
            )
    # Also tokens that are not even UTF-8, or a lone surrogate, raw in the URL
    for raw in ("%ED%A0%80", "%FF%FE", "%C0%80", "abc%0A", "%"):
        response = client.http.get(f"/webhooks/x?crc_token={raw}")
        if response.status_code != 400 or contract_problem(response):
            problems.append(f"raw {raw!r} -> {response.status_code} {response.body[:120]!r}")
    # and no HMAC was computed for any of them
    assert not problems, "\n".join(problems[:25])
    assert spy.messages == []
    assert len(tokens) >= 200


def test_crc_tokens_of_xs_shape_are_all_answered(client: Client, stack: Stack) -> None:
    # Given tokens of X's alphabet, of every length from 1 to 255
    rng = random.Random(SEED + 4)
    secret = stack.secrets["X_CONSUMER_SECRET"].encode()
    for length in range(1, 256):
        token = "".join(rng.choice(CRC_ALPHABET) for _ in range(length))
        # When each is sent
        response = client.http.get(f"/webhooks/x?crc_token={quote(token, safe='')}")
        # Then it is answered with the HMAC X expects
        expected = base64.b64encode(hmac.new(secret, token.encode(), hashlib.sha256).digest()).decode()
        assert response.status_code == 200, (token, response.body)
        assert json.loads(response.body) == {"response_token": f"sha256={expected}"}


NOT_AN_ENVELOPE: dict[str, list[Any]] = {
    "meta": [
        [],
        {},
        {"object": "page"},
        {"entry": []},
        {"object": "", "entry": []},
        {"object": 1, "entry": []},
        {"object": "page", "entry": {}},
        [1],
        [None],
        [[]],
        [{}],
        [{"object": "instagram"}],
        [{"object": "instagram", "entry": None}],
        [{"field": None, "value": {}}],
        [INSTAGRAM_COMMENTS, INSTAGRAM_CHANGES[0]],  # envelopes and changes mixed
        [INSTAGRAM_COMMENTS, 1],
        [INSTAGRAM_CHANGES[0], "x"],
        "instagram",
        1,
        None,
        True,
    ],
    "x": [
        {},
        [],
        [X_LIKES],
        {"favorite_events": X_LIKES["favorite_events"]},
        {"user_event": {"revoke": {"source": {"user_id": "1234"}}}},
        {"data": None},
        {"data": []},
        {"data": {}},
        {"for_user_id": None},
        {"for_user_id": ""},
        "x",
        1,
        None,
    ],
}
UNCOUNTED_ENVELOPES: dict[str, list[Any]] = {
    "meta": [
        {"object": "user", "entry": [{"id": "1", "changes": [{"field": "name", "value": {}}]}]},
        {"object": "permissions", "entry": [{"id": "1", "changes": [{"field": "x", "value": {}}]}]},
        [{"object": "user", "entry": [{"id": "1", "changes": [{"field": "name", "value": {}}]}]}],
        {
            "object": "instagram",
            "entry": [{"id": "178", "changes": [{"field": "story_insights", "value": {}}]}],
        },
        [{"field": "live_comments", "value": {"id": "1"}}],
    ],
    "x": [
        {"for_user_id": "1234", "direct_message_events": [{"id": "1"}]},
        {"for_user_id": "1234", "tweet_create_events": [], "user_event": {"revoke": {}}},
        {"for_user_id": "1234", "block_events": [{"id": "1"}], "mute_events": [{"id": "2"}]},
        {"data": {"event_uuid": "u-uncounted", "event_type": "profile.update.bio", "payload": {}}},
    ],
}


def test_signed_bodies_that_are_no_envelope_are_400_and_store_nothing(client: Client, stack: Stack) -> None:
    # Given validly signed bodies that are not the platform's envelope at all
    fuzz = Fuzz(stack.secrets, SEED + 5)
    problems: list[str] = []
    for platform, documents in NOT_AN_ENVELOPE.items():
        for document in documents:
            # When each is delivered
            response = send(
                client, probe_of("not_an_envelope", fuzz.sign(platform, payloads.dumps(document)))
            )
            # Then it is refused as malformed
            if response.status_code != 400 or contract_problem(response):
                problems.append(f"{platform} {document!r:.80} -> {response.status_code}")
    assert not problems, "\n".join(problems)
    # and nothing is stored
    assert stored_anything(stack) == []


def test_signed_envelopes_of_what_is_not_counted_are_accepted_and_ignored(
    client: Client, stack: Stack
) -> None:
    # Given validly signed, well-formed envelopes of things the tracker does not count
    fuzz = Fuzz(stack.secrets, SEED + 6)
    sent = 0
    for platform, documents in UNCOUNTED_ENVELOPES.items():
        for document in documents:
            # When each is delivered
            response = send(client, probe_of("uncounted", fuzz.sign(platform, payloads.dumps(document))))
            # Then it is accepted (the platform has nothing to retry)
            assert response.status_code == 200, (platform, document, response.body)
            sent += 1
    # and the consumer takes them all without a failure, storing no event
    answers, raised = consume_all(stack)
    assert raised == []
    assert [a for a in answers if a["batchItemFailures"]] == []
    assert not [i for i in table_items(stack.table_name) if i["pk"]["S"].startswith("EV#")]
    assert sent == len(UNCOUNTED_ENVELOPES["meta"]) + len(UNCOUNTED_ENVELOPES["x"])
    assert queue_depth(stack.queue_url) == 0
