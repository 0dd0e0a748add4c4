"""Loopback stand-ins for the platform APIs the pull job reads, for `make demo` (never a real
platform): YouTube, X and Deezer answer with counters that grow with time; Spotify answers 403 as
it does for apps without extended quota; a WebSub hub accepts subscriptions and verifies the
subscriber's intent as the reference hub does (after its 202). Listens on 127.0.0.1 only."""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

HUB_PATH = "/hub/subscribe"


def count(item_id: str, metric: str, scale: int) -> int:
    """A plausible counter: stable per item and metric, growing a little every minute."""
    seed = int(hashlib.sha256(f"{item_id}/{metric}".encode()).hexdigest()[:8], 16)
    return scale + seed % scale + int(time.time() // 60) % 1000 * max(1, scale // 1000)


def _youtube(path: str, query: dict[str, list[str]]) -> tuple[int, Any]:
    ids = query.get("id", [""])[0].split(",")
    if path.endswith("/videos"):
        items = [
            {
                "id": i,
                "snippet": {"title": f"Clip {i}"},
                "statistics": {
                    "viewCount": str(count(i, "views", 100_000)),
                    "likeCount": str(count(i, "likes", 5_000)),
                    "commentCount": str(count(i, "comments", 300)),
                },
            }
            for i in ids
        ]
    else:
        items = [
            {
                "id": i,
                "statistics": {
                    "subscriberCount": str(count(i, "followers", 200_000)),
                    "viewCount": str(count(i, "views", 10_000_000)),
                    "hiddenSubscriberCount": False,
                },
            }
            for i in ids
        ]
    return 200, {"items": items}


def _x(path: str, query: dict[str, list[str]]) -> tuple[int, Any]:
    ids = query.get("ids", [""])[0].split(",")
    if path.endswith("/tweets"):
        names = {
            "like_count": 2_000,
            "retweet_count": 300,
            "reply_count": 150,
            "quote_count": 40,
            "impression_count": 90_000,
            "bookmark_count": 60,
        }
        return 200, {
            "data": [
                {
                    "id": i,
                    "text": f"Post {i}",
                    "public_metrics": {k: count(i, k, v) for k, v in names.items()},
                }
                for i in ids
            ]
        }
    return 200, {
        "data": [{"id": i, "public_metrics": {"followers_count": count(i, "followers", 50_000)}} for i in ids]
    }


def _moderation(method: str, path: str, query: dict[str, list[str]]) -> tuple[int, Any] | None:
    """Hiding a comment (contract section 11): Graph's `?hide=` / `?is_hidden=`, YouTube's
    setModerationStatus (204), X's PUT /tweets/{id}/hidden. A comment id ending in 9 is refused (403),
    so the demo shows a refusal recorded."""
    if method == "PUT" and path.startswith("/2/tweets/") and path.endswith("/hidden"):
        tweet = path.split("/")[3]
        if tweet.endswith("9"):
            return 403, {"title": "Forbidden", "detail": "not the conversation's owner"}
        return 200, {"data": {"hidden": True}}
    if method == "POST" and path == "/youtube/v3/comments/setModerationStatus":
        return (
            (403, {"error": {"errors": [{"reason": "forbidden"}]}})
            if query.get("id", [""])[0].endswith("9")
            else (204, None)
        )
    if method == "POST" and path.startswith("/graph/") and ("hide" in query or "is_hidden" in query):
        if path.endswith("9"):
            return 400, {"error": {"type": "GraphMethodException", "message": "cannot hide"}}
        return 200, {"success": True}
    return None


def _answer(path: str, query: dict[str, list[str]]) -> tuple[int, Any]:
    if path.startswith("/youtube/v3/"):
        return _youtube(path, query)
    if path.startswith("/2/"):
        return _x(path, query)
    if path.startswith("/artist/"):
        artist = path.rsplit("/", 1)[-1]
        return 200, {"id": int(artist) if artist.isdigit() else 0, "nb_fan": count(artist, "fans", 300_000)}
    if path == "/api/token":
        return 200, {"access_token": "demo-token", "token_type": "Bearer", "expires_in": 3600}
    if path.startswith("/v1/artists"):
        return 403, {"error": {"status": 403, "message": "Active premium subscription required"}}
    return 404, {"error": "not a demo endpoint"}


class FakeHub:
    """The hub's side of WebSub: a subscription request is answered 202, then verified by a GET to
    the callback whose answer must echo the challenge; `verified` holds the topics that passed."""

    def __init__(self) -> None:
        self.verified: set[str] = set()
        self._changed = threading.Condition()

    def subscribe(self, form: dict[str, list[str]]) -> None:
        threading.Thread(target=self._verify, args=(form,), daemon=True).start()

    def _verify(self, form: dict[str, list[str]]) -> None:
        field = {name: values[0] for name, values in form.items() if values}
        challenge = secrets.token_urlsafe(16)
        query = urlencode(
            {
                "hub.mode": field.get("hub.mode", ""),
                "hub.topic": field.get("hub.topic", ""),
                "hub.challenge": challenge,
                "hub.lease_seconds": field.get("hub.lease_seconds", "432000"),
            }
        )
        try:
            with urllib.request.urlopen(f"{field['hub.callback']}?{query}", timeout=10) as response:  # noqa: S310
                echoed = response.read().decode()
        except (urllib.error.URLError, OSError, KeyError):
            return
        if echoed == challenge and field.get("hub.mode") == "subscribe":
            with self._changed:
                self.verified.add(field["hub.topic"])
                self._changed.notify_all()

    def wait_for(self, topics: set[str], timeout_seconds: float = 10) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: topics <= self.verified, timeout_seconds)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    hub: FakeHub

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw_body = self.rfile.read(length) if length else b""
        url = urlparse(self.path)
        body: Any
        if url.path == HUB_PATH and self.command == "POST":
            self.hub.subscribe(parse_qs(raw_body.decode("utf-8", "replace")))
            status, body = 202, {}
        else:
            moderated = _moderation(self.command, url.path, parse_qs(url.query))
            status, body = moderated or _answer(url.path, parse_qs(url.query))
        raw = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    do_GET = do_POST = do_PUT = _serve

    def log_message(self, format: str, *args: Any) -> None:
        return


class FakePlatforms:
    def __init__(self) -> None:
        self.hub = FakeHub()
        handler = type("Handler", (_Handler,), {"hub": self.hub})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def environment(self) -> dict[str, str]:
        """What the local stack needs to pull from these fakes."""
        base = self.base_url
        return {
            "YOUTUBE_API_BASE": f"{base}/youtube/v3",
            "YOUTUBE_API_KEY": "demo-youtube-key",
            "X_API_BASE": f"{base}/2",
            "X_BEARER_TOKEN": "demo-x-token",
            "X_USER_ACCESS_TOKEN": "demo-x-user-token",
            "YOUTUBE_OAUTH_TOKEN": "demo-youtube-oauth",
            "DEEZER_API_BASE": base,
            "SPOTIFY_API_BASE": f"{base}/v1",
            "SPOTIFY_AUTH_BASE": base,
            "SPOTIFY_CLIENT_ID": "demo-spotify-app",
            "SPOTIFY_CLIENT_SECRET": "demo-spotify-secret",
            "WEBSUB_HUB_URL": f"{base}{HUB_PATH}",
        }

    def start(self) -> FakePlatforms:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
