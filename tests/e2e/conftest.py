"""One local stack per e2e module, on free ports, with secrets chosen by the test, stopped at the end."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chalicelib.adapters.secret_names import ALL_SECRET_NAMES
from infra.local.harness import LocalStack, start
from infra.local.stack import resolve_secrets


@pytest.fixture(scope="module")
def local_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    secrets, _ = resolve_secrets({})
    stack = start(tmp_path_factory.mktemp("stack") / "run.log", secrets)
    yield stack
    assert stack.stop() == 0, stack.output()


def secrets_of(stack: LocalStack) -> dict[str, str]:
    return {name: stack.env[name] for name in ALL_SECRET_NAMES}
