"""Loopback stand-ins for the platform APIs the pull job reads, for `make demo` (never a real
platform): YouTube, X and Deezer answer with counters that grow with time; Spotify answers 403 as
it does for apps without extended quota. Listens on 127.0.0.1 only."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse


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
            "data": [{"id": i, "public_metrics": {k: count(i, k, v) for k, v in names.items()}} for i in ids]
        }
    return 200, {
        "data": [{"id": i, "public_metrics": {"followers_count": count(i, "followers", 50_000)}} for i in ids]
    }


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


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        url = urlparse(self.path)
        status, body = _answer(url.path, parse_qs(url.query))
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    do_GET = do_POST = _serve

    def log_message(self, format: str, *args: Any) -> None:
        return


class FakePlatforms:
    def __init__(self) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
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
            "DEEZER_API_BASE": base,
            "SPOTIFY_API_BASE": f"{base}/v1",
            "SPOTIFY_AUTH_BASE": base,
            "SPOTIFY_CLIENT_ID": "demo-spotify-app",
            "SPOTIFY_CLIENT_SECRET": "demo-spotify-secret",
        }

    def start(self) -> FakePlatforms:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
