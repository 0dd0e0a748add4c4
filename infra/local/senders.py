"""Sign and shape deliveries exactly as each platform does: the test suites, the benchmarks and
`make demo` use these to talk to the tracker like Meta, X, YouTube's hub, TikTok or a Standard
Webhooks sender would. Not shipped to Lambda."""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

_sequence = itertools.count(1)


class UnknownSource(LookupError):
    """No Standard Webhooks key is registered under this source."""

    def __init__(self, source: str, known: list[str]) -> None:
        super().__init__(f"no Standard Webhooks key for source {source!r}")
        self.source = source
        self.known = sorted(set(known))


def _next_id() -> int:
    return next(_sequence) * 1_000 + uuid.uuid4().int % 1_000


@dataclass(frozen=True)
class SignedRequest:
    method: str
    path: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


class Senders:
    """Holds the stage's webhook secrets and signs like the platforms."""

    def __init__(self, secrets: dict[str, str]) -> None:
        self.secrets = secrets

    def meta(self, body: bytes) -> SignedRequest:
        digest = hmac.new(self.secrets["META_APP_SECRET"].encode(), body, hashlib.sha256).hexdigest()
        headers = {"Content-Type": "application/json", "X-Hub-Signature-256": f"sha256={digest}"}
        return SignedRequest("POST", "/webhooks/meta", body, headers)

    def x(self, body: bytes) -> SignedRequest:
        digest = hmac.new(self.secrets["X_CONSUMER_SECRET"].encode(), body, hashlib.sha256).digest()
        signature = "sha256=" + base64.b64encode(digest).decode()
        headers = {"Content-Type": "application/json", "x-twitter-webhooks-signature": signature}
        return SignedRequest("POST", "/webhooks/x", body, headers)

    def youtube(self, body: bytes, channel_id: str) -> SignedRequest:
        topic = f"https://www.youtube.com/xml/feeds/videos.xml?channel_id={channel_id}"
        secret = hmac.new(
            self.secrets["YOUTUBE_HUB_SECRET"].encode(), topic.encode(), hashlib.sha256
        ).hexdigest()
        digest = hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()
        headers = {
            "Content-Type": "application/atom+xml",
            "X-Hub-Signature": f"sha1={digest}",
            "Link": f'<https://pubsubhubbub.appspot.com>; rel="hub", <{topic}>; rel="self"',
        }
        return SignedRequest("POST", "/webhooks/youtube", body, headers)

    def signed(
        self,
        platform: str,
        body: bytes,
        *,
        channel_id: str,
        source: str,
        at: int | str | None = None,
        webhook_id: str | None = None,
    ) -> SignedRequest:
        """The body as `platform` delivers it: `channel_id` is YouTube's topic, `source` the Standard
        Webhooks source; TikTok and Standard Webhooks sign the stamp `at` (now by default)."""
        if platform == "meta":
            return self.meta(body)
        if platform == "x":
            return self.x(body)
        if platform == "youtube":
            return self.youtube(body, channel_id)
        if platform == "tiktok":
            return self.tiktok(body, at=at)
        return self.standard(source, body, webhook_id=webhook_id, at=at)

    def tiktok(self, body: bytes, at: int | str | None = None) -> SignedRequest:
        stamp = str(at if at is not None else int(time.time()))
        signed = f"{stamp}.".encode() + body
        digest = hmac.new(self.secrets["TIKTOK_CLIENT_SECRET"].encode(), signed, hashlib.sha256).hexdigest()
        headers = {"Content-Type": "application/json", "TikTok-Signature": f"t={stamp},s={digest}"}
        return SignedRequest("POST", "/webhooks/tiktok", body, headers)

    def standard(
        self, source: str, body: bytes, webhook_id: str | None = None, at: int | str | None = None
    ) -> SignedRequest:
        key = self._standard_key(source)
        message_id = webhook_id or f"msg_{uuid.uuid4().hex}"
        stamp = str(at if at is not None else int(time.time()))
        signed = f"{message_id}.{stamp}.".encode() + body
        signature = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
        headers = {
            "Content-Type": "application/json",
            "webhook-id": message_id,
            "webhook-timestamp": stamp,
            "webhook-signature": f"v1,{signature}",
        }
        return SignedRequest("POST", f"/webhooks/standard/{source}", body, headers)

    def _standard_key(self, source: str) -> bytes:
        known = []
        for entry in self.secrets["STANDARD_WEBHOOK_SECRETS"].split(","):
            name, _, key = entry.strip().partition("=")
            if name == source:
                return base64.b64decode(key.removeprefix("whsec_"))
            known.append(name)
        raise UnknownSource(source, known)


# Payloads in each platform's documented shape -------------------------------------------------------


def dumps(document: Any) -> bytes:
    return json.dumps(document, separators=(",", ":")).encode()


def unix(moment: datetime) -> int:
    return int(moment.timestamp())


def facebook_feed(page_id: str, changes: list[dict[str, Any]], sent_at: datetime | None = None) -> bytes:
    sent = unix(sent_at or datetime.now(UTC))
    entry = {"id": page_id, "time": sent, "changes": [{"field": "feed", "value": c} for c in changes]}
    return dumps({"object": "page", "entry": [entry]})


def facebook_comment(
    post_id: str, at: datetime, *, verb: str = "add", parent_id: str | None = None, text: str = "Great!"
) -> dict[str, Any]:
    comment_id = f"{post_id.rsplit('_', maxsplit=1)[-1]}_{_next_id()}"
    return {
        "item": "comment",
        "verb": verb,
        "post_id": post_id,
        "comment_id": comment_id,
        "parent_id": parent_id or post_id,
        "from": {"id": str(_next_id()), "name": "A fan"},
        "created_time": unix(at),
        "message": text,
    }


def facebook_reaction(
    post_id: str, at: datetime, *, verb: str = "add", user_id: str | None = None, reaction_type: str = "love"
) -> dict[str, Any]:
    return {
        "item": "reaction",
        "verb": verb,
        "post_id": post_id,
        "reaction_type": reaction_type,
        "from": {"id": user_id or str(_next_id())},
        "created_time": unix(at),
    }


def instagram_comments(account_id: str, media_id: str, count: int = 1, text: str = "🔥") -> bytes:
    return instagram_texts(account_id, media_id, [text] * count)


def instagram_texts(account_id: str, media_id: str, texts: list[str]) -> bytes:
    """One delivery of Instagram comments on a media, one change per text."""
    changes = [
        {
            "field": "comments",
            "value": {
                "id": str(_next_id()),
                "from": {"id": str(_next_id()), "username": "fan"},
                "media": {"id": media_id, "media_product_type": "FEED"},
                "text": text,
            },
        }
        for text in texts
    ]
    return dumps(
        {
            "object": "instagram",
            "entry": [{"id": account_id, "time": unix(datetime.now(UTC)), "changes": changes}],
        }
    )


def x_likes(for_user_id: str, tweet_id: str, at: datetime, count: int = 1) -> bytes:
    events = [
        {
            "id": uuid.uuid4().hex,
            "created_at": at.strftime("%a %b %d %H:%M:%S +0000 %Y"),
            "timestamp_ms": str(unix(at) * 1000),
            "favorited_status": {"id_str": tweet_id, "user": {"id_str": for_user_id}},
            "user": {"id_str": str(_next_id())},
        }
        for _ in range(count)
    ]
    return dumps({"for_user_id": for_user_id, "favorite_events": events})


def x_reply(for_user_id: str, tweet_id: str, at: datetime, text: str = "Tour dates?") -> bytes:
    tweet = {
        "id_str": str(_next_id()),
        "created_at": at.strftime("%a %b %d %H:%M:%S +0000 %Y"),
        "timestamp_ms": str(unix(at) * 1000),
        "text": text,
        "in_reply_to_status_id_str": tweet_id,
        "in_reply_to_user_id_str": for_user_id,
        "user": {"id_str": str(_next_id())},
        "entities": {"user_mentions": [{"id_str": for_user_id}]},
    }
    return dumps({"for_user_id": for_user_id, "tweet_create_events": [tweet]})


def youtube_entry(channel_id: str, video_id: str, published: datetime, updated: datetime) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns="http://www.w3.org/2005/Atom">
  <link rel="hub" href="https://pubsubhubbub.appspot.com"/>
  <link rel="self" href="https://www.youtube.com/xml/feeds/videos.xml?channel_id={channel_id}"/>
  <title>YouTube video feed</title>
  <updated>{updated.isoformat()}</updated>
  <entry>
    <id>yt:video:{video_id}</id>
    <yt:videoId>{video_id}</yt:videoId>
    <yt:channelId>{channel_id}</yt:channelId>
    <title>New video</title>
    <link rel="alternate" href="https://www.youtube.com/watch?v={video_id}"/>
    <author><name>Artist</name><uri>https://www.youtube.com/channel/{channel_id}</uri></author>
    <published>{published.isoformat()}</published>
    <updated>{updated.isoformat()}</updated>
  </entry>
</feed>
""".encode()


def youtube_tombstone(channel_id: str, video_id: str, when: datetime) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns:at="http://purl.org/atompub/tombstones/1.0" xmlns="http://www.w3.org/2005/Atom">
  <at:deleted-entry ref="yt:video:{video_id}" when="{when.isoformat()}">
    <link href="https://www.youtube.com/watch?v={video_id}"/>
    <at:by><name>Artist</name><uri>https://www.youtube.com/channel/{channel_id}</uri></at:by>
  </at:deleted-entry>
</feed>
""".encode()


def tiktok_publish(open_id: str, video_id: str, at: datetime) -> bytes:
    content = json.dumps({"post_id": video_id, "share_id": f"share-{video_id}"})
    return dumps(
        {
            "client_key": "demo-client",
            "event": "post.publish.publicly_available",
            "create_time": unix(at),
            "user_openid": open_id,
            "content": content,
        }
    )


def standard_engagement(kind: str, content_id: str, at: datetime, **data: str) -> bytes:
    return dumps(
        {
            "type": f"engagement.{kind}",
            "timestamp": at.isoformat(),
            "data": {"content_id": content_id, **data},
        }
    )
