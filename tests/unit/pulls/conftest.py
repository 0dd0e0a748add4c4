"""Fixtures of the pull tests: the loopback fake platform, a fake clock, an HTTP client on both."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from chalicelib.pulls.http import PlatformHttp
from tests.fakes.platform_server import platform_server

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
