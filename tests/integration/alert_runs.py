"""Runs of a job that publishes alerts (the radar, abuse waves), put through what the tests show it
survives with one alert out: two runs at once, both past their read before either writes; a run that
dies right after SNS took its message; a run whose publish SNS refuses."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from botocore.client import BaseClient

from chalicelib.errors import DependencyFailed


def run_twice_at_once(
    monkeypatch: pytest.MonkeyPatch, reader: type, read: str, label: str, new_job: Callable[[], Any]
) -> list[BaseException]:
    """What two threads running one job (`new_job()`, built once the patches are in) raised, each held
    after its `reader.read` of `label` until the other made that read too. Each AWS call goes alone,
    as DynamoDB serialises a transaction (moto's in-process calls are not thread-safe). The patches
    are undone before it returns."""
    both_read = threading.Barrier(2, timeout=20)
    one_call_at_a_time = threading.Lock()
    make_call, read_unpatched = BaseClient._make_api_call, getattr(reader, read)

    def call_alone(self: Any, *args: Any, **kwargs: Any) -> Any:
        with one_call_at_a_time:
            return make_call(self, *args, **kwargs)

    def read_then_wait(self: Any, read_label: str, *args: Any) -> Any:
        found = read_unpatched(self, read_label, *args)
        if read_label == label:
            both_read.wait()
        return found

    monkeypatch.setattr(BaseClient, "_make_api_call", call_alone)
    monkeypatch.setattr(reader, read, read_then_wait)
    job = new_job()
    errors: list[BaseException] = []

    def run() -> None:
        try:
            job.run()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    monkeypatch.undo()
    return errors


# A run of a job that fails as one of the two below do.
FailedRun = Callable[[pytest.MonkeyPatch, Any], None]


def crash_right_after_publishing(monkeypatch: pytest.MonkeyPatch, job: Any) -> None:
    """A run of the job that dies right after SNS took its message, before recording it."""

    def crash(alert: Any, at: Any) -> None:
        raise RuntimeError("the container died")

    monkeypatch.setattr(job._publisher._alerts, "published", crash)
    with pytest.raises(RuntimeError):
        job.run()
    monkeypatch.undo()


def run_with_sns_refusing(monkeypatch: pytest.MonkeyPatch, job: Any) -> None:
    """A run of the job whose every publish SNS refuses."""

    def refused() -> Any:
        def publish(message: dict[str, Any]) -> None:
            raise DependencyFailed("SNS refused")

        return publish

    monkeypatch.setattr(job._publisher, "_publish_alert", refused)
    job.run()
    monkeypatch.undo()
