"""The stage's secrets store: read from SSM once per cache period, kept as built in between.

Every webhook delivery asks for the secrets; a stub SSM client counts what reaches SSM.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from chalicelib.adapters import secrets as secrets_module
from chalicelib.adapters.secret_names import ALL_SECRET_NAMES
from chalicelib.adapters.secrets import SsmSecrets
from chalicelib.errors import DependencyFailed

PATH = "/engagement-tracker/unit"
MAX_AGE_SECONDS = 300


class CountingSsm:
    """GetParametersByPath through the paginator Powertools uses; each page read is counted."""

    def __init__(self) -> None:
        self.reads = 0
        self.down = False
        self.meta_app_secret = ""
        self.rotate()

    def rotate(self) -> None:
        self.meta_app_secret = f"meta-{uuid.uuid4().hex}"

    def get_paginator(self, _operation: str) -> CountingSsm:
        return self

    def paginate(self, **_: Any) -> list[dict[str, Any]]:
        self.reads += 1
        if self.down:
            raise ClientError({"Error": {"Code": "ThrottlingException"}}, "GetParametersByPath")
        values = {**dict.fromkeys(ALL_SECRET_NAMES, "value"), "META_APP_SECRET": self.meta_app_secret}
        return [
            {"Parameters": [{"Name": f"{PATH}/{name}", "Value": value} for name, value in values.items()]}
        ]


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(secrets_module.time, "monotonic", clock)
    return clock


def _store(ssm: CountingSsm) -> SsmSecrets:
    return SsmSecrets(ssm, PATH, MAX_AGE_SECONDS)  # type: ignore[arg-type]


def _read_once_then_rotated() -> tuple[CountingSsm, SsmSecrets]:
    ssm = CountingSsm()
    store = _store(ssm)
    store.load()
    ssm.rotate()
    return ssm, store


def test_within_the_cache_period_the_secrets_are_the_ones_built_at_the_first_read(clock: Clock) -> None:
    # Given a store that has read its secrets once
    ssm = CountingSsm()
    store = _store(ssm)
    first = store.load()
    # When they are asked for again before the period ends
    clock.now += MAX_AGE_SECONDS - 1
    again = store.load()
    # Then SSM is not read and nothing is rebuilt
    assert again is first
    assert ssm.reads == 1


def test_after_the_cache_period_the_secrets_are_read_from_ssm_again(clock: Clock) -> None:
    # Given secrets read once, then rotated in SSM
    ssm, store = _read_once_then_rotated()
    # When the period has passed
    clock.now += MAX_AGE_SECONDS
    # Then the rotated value is read
    assert store.load().meta_app_secret == ssm.meta_app_secret
    assert ssm.reads == 2


def test_a_fresh_read_reaches_ssm_and_is_what_later_reads_get(clock: Clock) -> None:
    # Given secrets read once, then rotated in SSM
    ssm, store = _read_once_then_rotated()
    # When a caller asks for fresh secrets
    fresh = store.load(fresh=True)
    # Then SSM is read, and the cached reads that follow see the same value
    assert fresh.meta_app_secret == ssm.meta_app_secret
    assert store.load() is fresh
    assert ssm.reads == 2


def test_a_failed_read_is_not_kept_and_the_next_delivery_asks_ssm_again(clock: Clock) -> None:
    # Given SSM down at the first read
    ssm = CountingSsm()
    ssm.down = True
    store = _store(ssm)
    with pytest.raises(DependencyFailed):
        store.load()
    # When it is back
    ssm.down = False
    # Then the next read reaches it, within the same period
    assert store.load().meta_app_secret == ssm.meta_app_secret
    assert ssm.reads == 2
