"""`python -m infra.local.send`: it finds the running stack, and every problem is one clear line,
never a traceback."""

from __future__ import annotations

import io
import json
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from chalicelib.adapters.secret_names import ALL_SECRET_NAMES
from infra.local import send
from infra.local.stack import resolve_secrets, write_env_file


@pytest.fixture
def local_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setattr(send, "LOCAL_DIR", tmp_path)
    for name in ALL_SECRET_NAMES:
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def _describe(local_dir: Path, pid: int, port: int, secrets: dict[str, str] | None = None) -> None:
    secrets_file = local_dir / "secrets.env"
    write_env_file(secrets_file, secrets if secrets is not None else resolve_secrets({})[0], "test")
    (local_dir / "stack.json").write_text(
        json.dumps({"pid": pid, "base_url": f"http://127.0.0.1:{port}", "secrets_file": str(secrets_file)})
    )


UNUSED_PORT = 9  # the tests never connect: urlopen is replaced where a request would leave


def _run(monkeypatch: pytest.MonkeyPatch, *argv: str, body: bytes = b"{}") -> int:
    monkeypatch.setattr(sys, "argv", ["send", *argv])
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(body)))
    return send.main()


def test_with_no_stack_running_it_says_so_in_one_line(
    local_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given no .local/stack.json at all
    # When a delivery is sent
    status = _run(monkeypatch, "meta")
    # Then one line says what to do
    err = capsys.readouterr().err
    assert status == 2
    assert err.strip().splitlines() == [
        "No local stack is running: start one with `make run` (or `make demo`), then send again."
    ]


def test_a_stack_whose_process_is_gone_counts_as_not_running(
    local_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given the descriptor of a stack killed with kill -9 (its pid no longer exists)
    _describe(local_dir, pid=2**22 + 12345, port=UNUSED_PORT)
    # When a delivery is sent
    status = _run(monkeypatch, "x")
    # Then it says no stack is running, without a traceback
    err = capsys.readouterr().err
    assert status == 2
    assert "No local stack is running" in err
    assert "Traceback" not in err


def test_a_stack_that_does_not_answer_is_one_line_not_a_url_error(
    local_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a descriptor naming a live process (this one) but a port nobody listens on
    port = UNUSED_PORT
    _describe(local_dir, pid=os.getpid(), port=port)

    def refused(*_args: object, **_kwargs: object) -> None:
        raise urllib.error.URLError(ConnectionRefusedError(111, "Connection refused"))

    monkeypatch.setattr(urllib.request, "urlopen", refused)
    # When a delivery is sent
    status = _run(monkeypatch, "x")
    # Then one line names the URL
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 2
    assert len(err) == 1
    assert err[0].startswith(f"Nothing answers at http://127.0.0.1:{port} (")


def test_the_running_stacks_url_and_secrets_are_used(
    local_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a running stack described in .local/ with its secrets
    secrets = resolve_secrets({})[0]
    _describe(local_dir, pid=os.getpid(), port=4321, secrets=secrets)
    sent: list[tuple[str, send.SignedRequest]] = []
    monkeypatch.setattr(send, "post", lambda url, request: sent.append((url, request)) or (200, "{}"))
    # When an X delivery is sent
    status = _run(monkeypatch, "x", body=b'{"for_user_id": "1"}')
    # Then it goes to that stack, signed with that stack's X secret
    assert status == 0
    url, request = sent[0]
    assert url == "http://127.0.0.1:4321"
    expected = send.Senders(secrets).x(b'{"for_user_id": "1"}').headers["x-twitter-webhooks-signature"]
    assert request.headers["x-twitter-webhooks-signature"] == expected


def test_an_unknown_standard_source_is_one_sentence_with_how_to_add_it(
    local_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a running stack that knows the source "demo" only
    _describe(local_dir, pid=os.getpid(), port=UNUSED_PORT)
    # When a delivery is sent for "linkfire"
    status = _run(monkeypatch, "standard", "--source", "linkfire")
    # Then it names the source, the known ones and the variable to set
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 2
    assert len(err) == 1
    assert "no Standard Webhooks source 'linkfire' (it has: demo)" in err[0]
    assert 'STANDARD_WEBHOOK_SECRETS="demo=whsec_...,linkfire=whsec_<base64 key>"' in err[0]
    assert "no no" not in err[0]


def test_a_missing_secret_says_where_secrets_come_from(
    local_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a running stack whose secrets file lacks the Meta secret
    _describe(local_dir, pid=os.getpid(), port=UNUSED_PORT, secrets={"ADMIN_TOKEN": "x"})
    # When a Meta delivery is to be signed
    status = _run(monkeypatch, "meta")
    # Then it stops with a message naming the secret and how to get it
    assert status == 2
    assert "No META_APP_SECRET to sign with" in capsys.readouterr().err
