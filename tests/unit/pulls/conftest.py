"""Fixtures of the pull tests: the loopback fake platform, a fake clock, an HTTP client on both, and
the helpers the platform clients' tests share."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import TypeVar

import pytest

from chalicelib.pulls.http import PlatformHttp
from chalicelib.pulls.snapshots import Snapshot
from chalicelib.pulls.tokens import ClientCredentialsApi, MemoryTokenCache
from tests.fakes.platform_server import PlatformServer, platform_server

__all__ = ["FakeTime", "platform_server"]

START = 1_795_000_000.0  # 2026-11-18T...Z


class FakeTime:
    """A clock that only moves when something sleeps; every sleep is recorded."""

    def __init__(self, now: float = START) -> None:
        self.now = now
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


MakeHttp = Callable[..., PlatformHttp]


@pytest.fixture
def make_http(fake_time: FakeTime) -> MakeHttp:
    """`make_http(**overrides)`: a PlatformHttp on the fake clock (fast timeouts, 3 attempts)."""

    def make(**overrides: object) -> PlatformHttp:
        options: dict[str, object] = {
            "timeout_seconds": 2.0,
            "max_attempts": 3,
            "sleep": fake_time.sleep,
            "clock": fake_time.clock,
            "max_wait_seconds": 120.0,
            "jitter": lambda: 0.5,
        }
        options.update(overrides)
        return PlatformHttp(**options)  # type: ignore[arg-type]

    return make


Api = TypeVar("Api", bound=ClientCredentialsApi)


def client_credentials_api(
    api: type[Api],
    server: PlatformServer,
    make_http: MakeHttp,
    fake_time: FakeTime,
    credentials: tuple[str, str],
    *,
    api_path: str = "",
    cache: MemoryTokenCache | None = None,
) -> Api:
    """A client-credentials client of the fake platform (API below `api_path`, token endpoint at its
    root) on the fake clock, with the given (client id, secret)."""
    client_id, secret = credentials
    return api(
        make_http(),
        f"{server.base_url}{api_path}",
        server.base_url,
        client_id,
        secret,
        cache or MemoryTokenCache(),
        clock=fake_time.clock,
    )


def values(snapshots: tuple[Snapshot, ...], item_id: str) -> dict[str, float | None]:
    """The item's counters by metric."""
    return {s.metric: s.value for s in snapshots if s.item_id == item_id}


def assert_never_recorded(error: object, records: Iterable[logging.LogRecord], *credentials: str) -> None:
    """No credential is in the error's text nor in any log record (its message or its keys)."""
    for text in (str(error), *(f"{r.getMessage()} {r.__dict__}" for r in records)):
        for credential in credentials:
            assert credential not in text
