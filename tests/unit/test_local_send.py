"""`python -m infra.local.send`: a missing secret is a clear message, never a traceback."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from chalicelib.adapters.secret_names import ALL_SECRET_NAMES
from infra.local import send


def test_a_missing_secret_says_where_secrets_come_from(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given no secrets file and no secret in the environment
    monkeypatch.setattr(send, "SECRETS_FILE", tmp_path / "secrets.env")
    for name in ALL_SECRET_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "argv", ["send", "meta"])
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"{}")))
    # When a delivery is to be signed
    status = send.main()
    # Then it stops with a message naming the secret and how to get it
    assert status == 2
    assert "No META_APP_SECRET to sign with" in capsys.readouterr().err
