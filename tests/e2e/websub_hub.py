"""A real WebSub hub (flask-websub, from PyPI) on loopback, with its Celery tasks run by an
in-process worker thread: it verifies intent after answering 202, as YouTube's hub does (verifying
inside the subscriber's request would wait on the local stack's one-invocation-at-a-time lock)."""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from celery import Celery
from celery.contrib.testing.worker import start_worker
from flask import Flask
from flask_websub.hub import Hub, SQLite3HubStorage
from werkzeug.serving import make_server


@dataclass
class RunningHub:
    hub: Any
    url: str

    def subscribed(self, topic: str) -> list[str]:
        return [callback for callback, _secret in self.hub.storage.get_callbacks(topic)]

    def publish(self, topic: str, atom: bytes) -> None:
        """Distribute new content of the topic to its subscribers (signed with their secrets)."""
        headers = {
            "Link": f'<{self.url}>; rel="hub", <{topic}>; rel="self"',
            "Content-Type": "application/atom+xml",
        }
        self.hub.send_change_notification.delay(
            topic, {"headers": headers, "content": base64.b64encode(atom).decode()}
        )


@contextmanager
def running_hub(directory: Path) -> Iterator[RunningHub]:
    app = Flask("websub-hub")
    celery = Celery("websub-hub", broker="memory://", backend="cache+memory://")
    hub = Hub(
        SQLite3HubStorage(str(directory / "hub.sqlite3")),
        celery,
        HUB_MIN_LEASE_SECONDS=60,
        HUB_DEFAULT_LEASE_SECONDS=432_000,
        HUB_MAX_LEASE_SECONDS=864_000,
        REQUEST_TIMEOUT=10,
        SIGNATURE_ALGORITHM="sha512",
    )
    app.register_blueprint(hub.build_blueprint(url_prefix="/hub"))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with start_worker(celery, perform_ping_check=False, pool="solo", shutdown_timeout=10):
            yield RunningHub(hub, f"http://127.0.0.1:{server.server_port}/hub")
    finally:
        server.shutdown()
