"""Fixtures shared by every layer of tests."""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Iterator

import pytest

_counter = itertools.count(1)


def unique(prefix: str) -> str:
    """A readable id that no other test will use."""
    return f"{prefix}-{next(_counter)}-{uuid.uuid4().hex[:8]}"


@pytest.fixture(autouse=True)
def _fresh_process_caches() -> Iterator[None]:
    """Settings and clients are cached per process; every test starts from its own environment."""
    from chalicelib import wiring
    from chalicelib.aws import get_clients
    from chalicelib.settings import get_settings

    for cached in (get_settings.cache_clear, get_clients.cache_clear, wiring.reset):
        cached()
    yield
    for cached in (get_settings.cache_clear, get_clients.cache_clear, wiring.reset):
        cached()


@pytest.fixture(autouse=True)
def _no_real_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may reach AWS: fake credentials, and a region so that clients can be built."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", os.environ.get("TEST_AWS_REGION", "us-east-1"))
    monkeypatch.setenv("AWS_REGION", os.environ.get("TEST_AWS_REGION", "us-east-1"))
