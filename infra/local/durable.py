"""The local AWS remembers: moto's state kept on disk, so that a restart of the local stack, clean or
after `kill -9`, finds everything it acknowledged, once.

moto keeps everything in memory. This module wraps moto's WSGI application and keeps, under a state
folder:

- `journal-<n>.jsonl`: every request that changes state and that moto answered with success,
  appended and flushed to the operating system *before* moto's answer leaves: when a function gets
  its `SendMessage` or `PutItem` answer, and so before it acknowledges anything to its own caller,
  the request is in the file, which a killed process does not lose.
- `snapshot.pickle`: every moto backend in use, pickled in one piece, and the number of the last
  journal segment it includes. Taken in a forked child (the parent pauses writes only for the fork)
  when enough was journaled since the last one, and once more on a clean stop (given a few seconds:
  the stack must stop within 20 s, and the journal is complete without it).

At start, the snapshot is loaded and the segments after it are replayed, in order, through moto's
own request handling. Writes are applied one at a time (under one lock) so that the journal's order
is the order moto applied them in, which is what makes the replay arrive at the same state.

SQS needs care, because moto draws message ids and receipt handles at random: a replayed
`SendMessage` gets its journaled message id back, and a delete is journaled as the ids of the
messages it removed (a receipt handle means nothing after a restart). Receives and visibility
changes are not journaled: after a `kill -9`, a message that was in flight is visible again at
once, as if its visibility timeout had passed, and is delivered again (the consumer is idempotent).
A message moved to the dead-letter queue since the last snapshot is back in its source queue after
a `kill -9`, and goes to the dead-letter queue again after its receives.
"""

from __future__ import annotations

import base64
import contextlib
import copyreg
import gc
import io
import json
import logging
import marshal
import os
import pickle
import signal
import sys
import threading
import time
import types
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

log = logging.getLogger("local.durable")

SNAPSHOT_FILE = "snapshot.pickle"
SNAPSHOT_EVERY_REQUESTS = int(os.environ.get("LOCAL_SNAPSHOT_EVERY_REQUESTS") or 2_000)
SNAPSHOT_EVERY_SECONDS = float(os.environ.get("LOCAL_SNAPSHOT_EVERY_SECONDS") or 30)
_READ_PREFIXES = ("Get", "Describe", "List", "Query", "Scan", "BatchGet", "TransactGet", "Head")
# Requests that change state that need not survive a restart (a message's visibility), but that
# must not run while a snapshot is taken.
_UNJOURNALED_CHANGES = {"ReceiveMessage", "ChangeMessageVisibility", "ChangeMessageVisibilityBatch"}
_SQS_SENDS = {"SendMessage", "SendMessageBatch"}
_SQS_DELETES = {"DeleteMessage", "DeleteMessageBatch"}

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def _lock_reduced(_lock: Any) -> tuple[Any, tuple[()]]:
    return threading.RLock, ()


def _plain_lock_reduced(_lock: Any) -> tuple[Any, tuple[()]]:
    return threading.Lock, ()


def _private_key_reduced(key: Any) -> tuple[Any, tuple[bytes]]:
    from cryptography.hazmat.primitives import serialization

    der = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return _private_key_from_der, (der,)


def _private_key_from_der(der: bytes) -> Any:
    from cryptography.hazmat.primitives import serialization

    return serialization.load_der_private_key(der, password=None)


def _register_reducers() -> None:
    """What pickle cannot take by itself: moto's queues hold locks (a Condition over an RLock), and
    KMS keeps its keys as OpenSSL objects. A restored queue gets new, free locks; a key, itself."""
    from cryptography.hazmat.bindings._rust import openssl

    copyreg.pickle(type(threading.RLock()), _lock_reduced)
    copyreg.pickle(type(threading.Lock()), _plain_lock_reduced)
    for key_type in (openssl.rsa.RSAPrivateKey, openssl.ec.ECPrivateKey, openssl.ed25519.Ed25519PrivateKey):
        copyreg.pickle(key_type, _private_key_reduced)


_register_reducers()


@dataclass(frozen=True)
class Operation:
    service: str
    action: str

    @property
    def journaled(self) -> bool:
        return not self.is_read and self.action not in _UNJOURNALED_CHANGES

    @property
    def is_read(self) -> bool:
        if self.service == "s3":
            return self.action in {"GET", "HEAD"}
        return self.action.startswith(_READ_PREFIXES) or self.action in {"GET", "HEAD"}


def _service(environ: dict[str, Any]) -> str:
    """The service a signed request is for, from its SigV4 credential scope."""
    scope = environ.get("HTTP_AUTHORIZATION", "")
    if "Credential=" in scope:
        scope = scope.split("Credential=", 1)[1].split(",", 1)[0]
    else:  # a presigned URL carries its scope in the query
        scope = parse_qs(environ.get("QUERY_STRING", "")).get("X-Amz-Credential", [""])[0]
    parts = scope.split("/")
    return parts[3] if len(parts) >= 5 else ""


def classify(environ: dict[str, Any], body: bytes) -> Operation:
    service = _service(environ)
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if target:
        return Operation(service, target.rsplit(".", 1)[-1])
    path = environ.get("PATH_INFO", "")
    if "/operation/" in path:  # the Smithy RPC v2 protocol (CloudWatch)
        return Operation(service, path.rsplit("/", 1)[-1])
    if environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded") and body:
        action = parse_qs(body.decode("utf-8", "replace")).get("Action", [""])[0]
        if action:
            return Operation(service, action)
    return Operation(service, environ.get("REQUEST_METHOD", "GET"))


def _read_body(environ: dict[str, Any]) -> bytes:
    stream = environ["wsgi.input"]
    length = environ.get("CONTENT_LENGTH") or ""
    if length.isdigit():
        return bytes(stream.read(int(length)))
    if environ.get("wsgi.input_terminated"):
        return bytes(stream.read())
    return b""


def _with_body(environ: dict[str, Any], body: bytes) -> dict[str, Any]:
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    environ.pop("HTTP_TRANSFER_ENCODING", None)
    environ["wsgi.input_terminated"] = False
    return environ


def _call(app: WsgiApp, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
    """Run a WSGI app to the end and return its status, headers and body."""
    answer: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        answer["status"], answer["headers"] = status, headers
        return lambda _data: None

    chunks = app(environ, start_response)
    try:
        body = b"".join(chunks)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
    return answer["status"], answer["headers"], body


# SQS: message ids survive a restart ---------------------------------------------------------------


def _sqs_queue(environ: dict[str, Any], request: dict[str, Any]) -> Any:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.sqs.models import sqs_backends

    region = "us-east-1"
    scope = environ.get("HTTP_AUTHORIZATION", "").split("Credential=", 1)[-1].split("/")
    if len(scope) >= 5:
        region = scope[2]
    name = str(request.get("QueueUrl", "")).rstrip("/").rsplit("/", 1)[-1]
    return sqs_backends[DEFAULT_ACCOUNT_ID][region].get_queue(name)


def _message_ids_of(queue: Any, receipt_handles: list[str]) -> list[str]:
    wanted = set(receipt_handles)
    return [m.id for m in queue._messages if wanted.intersection(m.all_receipt_handles)]


def _sent_ids(action: str, answer: bytes) -> list[str]:
    body = json.loads(answer)
    if action == "SendMessage":
        return [body["MessageId"]]
    return [entry["MessageId"] for entry in body.get("Successful", [])]


def _rename_messages(queue: Any, new_ids: list[str], old_ids: list[str]) -> None:
    renames = dict(zip(new_ids, old_ids, strict=False))
    for message in queue._messages:
        if message.id in renames:
            message.id = renames[message.id]


def _delete_messages(queue: Any, ids: list[str]) -> None:
    gone = set(ids)
    with queue._messages_lock:
        for message in [m for m in queue._messages if m.id in gone]:
            queue.pending_messages.discard(message)
        queue._messages = [m for m in queue._messages if m.id not in gone]


def _release_in_flight_messages() -> None:
    """A restart has new consumers: what the old ones were handling is visible again at once, as
    it would be after its visibility timeout, rather than minutes later."""
    from moto.sqs.models import sqs_backends

    for _account, _region, backend in sqs_backends.iter_backends():
        for queue in backend.queues.values():
            with queue._messages_lock:
                for message in queue._messages:
                    message.visible_at = 0.0
                queue.pending_messages.clear()


# Snapshots ----------------------------------------------------------------------------------------


def _backends_in_use() -> dict[tuple[str, str], Any]:
    """Every moto BackendDict holding data, by (module, attribute), so a restore finds the live one."""
    from moto.core.base_backend import BackendDict

    found: dict[tuple[str, str], Any] = {}
    for backend_dict in list(BackendDict._instances):
        module_name = backend_dict.backend.__module__
        module = sys.modules.get(module_name)
        for attribute, value in vars(module).items() if module else ():
            if value is backend_dict:
                found[(module_name, attribute)] = dict(backend_dict)
                break
    return found


def _restore_backends(saved: dict[tuple[str, str], Any]) -> None:
    import importlib

    from moto.core.base_backend import BackendDict

    for (module_name, attribute), accounts in saved.items():
        live = getattr(importlib.import_module(module_name), attribute)
        dict.clear(live)
        dict.update(live, accounts)
        if live not in BackendDict._instances:
            BackendDict._instances.append(live)


def _function_from_code(code: bytes, module: str, name: str, defaults: Any, cells: Any) -> Any:
    import importlib

    closure = tuple(types.CellType(value) for value in cells) if cells is not None else None
    globals_ = vars(importlib.import_module(module))
    return types.FunctionType(marshal.loads(code), globals_, name, defaults, closure)  # noqa: S302


def _defaultdict_of(cls: type, factory: Any) -> Any:
    instance = cls.__new__(cls)
    instance.default_factory = factory
    return instance


def _portable(factory: Any) -> Any:
    """A lambda made picklable: kept by its code (the snapshot is read by the same interpreter)."""
    if isinstance(factory, types.FunctionType) and "<" in factory.__qualname__:
        cells = [cell.cell_contents for cell in factory.__closure__] if factory.__closure__ else None
        code = marshal.dumps(factory.__code__)
        return _PortableFunction(code, factory.__module__, factory.__name__, factory.__defaults__, cells)
    return factory


class _PortableFunction:
    def __init__(self, code: bytes, module: str, name: str, defaults: Any, cells: Any) -> None:
        self.args = (code, module, name, defaults, cells)

    def __reduce__(self) -> tuple[Any, ...]:
        return _function_from_code, self.args


def _reduce_defaultdict(obj: Any) -> tuple[Any, ...]:
    """`defaultdict`s, their subclasses whose constructor takes other arguments (SSM's), and their
    lambda factories (SSM's `defaultdict(lambda: ...)`), which plain pickle refuses."""
    state = getattr(obj, "__dict__", None) or None
    return _defaultdict_of, (type(obj), _portable(obj.default_factory)), state, None, iter(obj.items())


def _dict_subclass(cls: type, items: dict[Any, Any]) -> Any:
    """A dict subclass rebuilt with dict's own update: moto's item dict checks the whole item's
    size on every key set, which made loading 100,000 items take 20 s instead of 2."""
    instance = cls.__new__(cls)
    dict.update(instance, items)
    return instance


def _reduce_size_checked(obj: Any) -> tuple[Any, ...]:
    return _dict_subclass, (type(obj), dict(obj)), getattr(obj, "__dict__", None) or None


def _subclasses(cls: type) -> set[type]:
    found = set()
    for subclass in cls.__subclasses__():
        found |= {subclass, *_subclasses(subclass)}
    return found


def _dispatch_table() -> dict[type, Any]:
    """Reducers looked up by exact type, in C: far cheaper than a `reducer_override`, which would be
    called for each of the millions of objects of a large state."""
    from moto.dynamodb.models.dynamo_type import LimitedSizeDict

    table: dict[type, Any] = dict(copyreg.dispatch_table)
    for cls in {defaultdict, *_subclasses(defaultdict)}:
        table[cls] = _reduce_defaultdict
    table[LimitedSizeDict] = _reduce_size_checked
    return table


def write_snapshot(path: Path, covers_segment: int) -> None:
    """Pickle every backend in use, atomically: a crash mid-write leaves the previous snapshot."""
    partial = path.with_suffix(".partial")
    with partial.open("wb") as out:
        pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
        pickler.dispatch_table = _dispatch_table()
        pickler.dump({"covers_segment": covers_segment, "backends": _backends_in_use()})
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, path)


def read_snapshot(path: Path) -> int:
    """Restore the backends of a snapshot; returns the last journal segment it includes (-1: none)."""
    if not path.exists():
        return -1
    gc.disable()  # a large object graph: collections during loading only cost time
    try:
        with path.open("rb") as source:
            state = pickle.load(source)  # noqa: S301 (our own file, under the project's .local/)
    finally:
        gc.enable()
    _restore_backends(state["backends"])
    return int(state["covers_segment"])


# The journaling application --------------------------------------------------------------------------


@dataclass
class RestoreReport:
    snapshot_loaded: bool
    replayed_requests: int
    seconds: float


class DurableMoto:
    """moto's WSGI application, with every state change journaled before its answer."""

    def __init__(self, app: WsgiApp, state_dir: Path) -> None:
        self._app = app
        self._dir = state_dir
        self._dir.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._segment = 0
        self._journal: io.TextIOWrapper | None = None
        self._since_snapshot = 0
        self._last_snapshot = time.monotonic()
        self._snapshotting = threading.Lock()
        self._child: int | None = None

    # Start: restore what is on disk ------------------------------------------------------------

    @property
    def has_state(self) -> bool:
        return (self._dir / SNAPSHOT_FILE).exists() or any(self._segments())

    def _segments(self) -> Iterator[tuple[int, Path]]:
        numbered = []
        for path in self._dir.glob("journal-*.jsonl"):
            number = path.stem.removeprefix("journal-")
            if number.isdigit():
                numbered.append((int(number), path))
        return iter(sorted(numbered))

    def restore(self) -> RestoreReport:
        """Load the snapshot and replay the journal after it; then open a new segment."""
        started = time.monotonic()
        covered = read_snapshot(self._dir / SNAPSHOT_FILE)
        replayed = 0
        last = covered
        for number, path in self._segments():
            last = max(last, number)
            if number <= covered:
                path.unlink()
                continue
            replayed += self._replay(path)
        self._open_segment(last + 1)
        self._since_snapshot = replayed
        _release_in_flight_messages()
        return RestoreReport(covered >= 0, replayed, time.monotonic() - started)

    def _replay(self, path: Path) -> int:
        count = 0
        with path.open("rb") as journal:
            for line in journal:
                try:
                    record = json.loads(line)
                except ValueError:  # the last line of a killed process may be torn: it was never answered
                    break
                self._apply(record)
                count += 1
        return count

    def _apply(self, record: dict[str, Any]) -> None:
        environ: dict[str, Any] = dict(record["environ"])
        environ.update(
            {
                "wsgi.version": (1, 0),
                "wsgi.url_scheme": "http",
                "wsgi.errors": sys.stderr,
                "wsgi.multithread": True,
                "wsgi.multiprocess": False,
                "wsgi.run_once": False,
            }
        )
        sqs = record.get("sqs")
        if sqs and "deleted" in sqs:
            _delete_messages(_sqs_queue(environ, {"QueueUrl": sqs["queue_url"]}), sqs["deleted"])
            return
        body = base64.b64decode(record["body"])
        _, _, answer = _call(self._app, _with_body(environ, body))
        if sqs and "sent" in sqs:
            action = environ.get("HTTP_X_AMZ_TARGET", "").rsplit(".", 1)[-1]
            queue = _sqs_queue(environ, {"QueueUrl": sqs["queue_url"]})
            _rename_messages(queue, _sent_ids(action, answer), sqs["sent"])

    # Serving -----------------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        body = _read_body(environ)
        operation = classify(environ, body)
        _with_body(environ, body)
        if operation.is_read:
            return self._app(environ, start_response)
        if operation.action == "ReceiveMessage":
            # Never a long poll under the lock: it would hold every write for its wait.
            body = _without_wait(body)
            _with_body(environ, body)
        saved = {k: v for k, v in environ.items() if isinstance(v, str)} if operation.journaled else None
        with self._lock:
            sqs_record = self._before_sqs(operation, environ, body)
            status, headers, answer = _call(self._app, environ)
            if saved is not None and status[:1] == "2":
                self._append(saved, body, self._after_sqs(operation, sqs_record, answer))
        start_response(status, headers)
        return [answer]

    def _before_sqs(self, operation: Operation, environ: dict[str, Any], body: bytes) -> dict[str, Any]:
        if operation.service != "sqs" or operation.action not in _SQS_SENDS | _SQS_DELETES:
            return {}
        request = json.loads(body)
        record: dict[str, Any] = {"queue_url": request.get("QueueUrl", "")}
        if operation.action in _SQS_DELETES:
            handles = (
                [request["ReceiptHandle"]]
                if operation.action == "DeleteMessage"
                else [entry["ReceiptHandle"] for entry in request.get("Entries", [])]
            )
            record["queue"] = _sqs_queue(environ, request)
            record["candidates"] = _message_ids_of(record["queue"], handles)
        return record

    def _after_sqs(
        self, operation: Operation, record: dict[str, Any], answer: bytes
    ) -> dict[str, Any] | None:
        if not record:
            return None
        if operation.action in _SQS_SENDS:
            return {"queue_url": record["queue_url"], "sent": _sent_ids(operation.action, answer)}
        remaining = {m.id for m in record["queue"]._messages}
        deleted = [i for i in record["candidates"] if i not in remaining]
        return {"queue_url": record["queue_url"], "deleted": deleted}

    def _append(self, environ: dict[str, str], body: bytes, sqs: dict[str, Any] | None) -> None:
        record: dict[str, Any] = {"environ": environ}
        if sqs is not None and "deleted" in sqs:
            record["sqs"] = sqs  # the ids are the whole change: no body to replay
            record["body"] = ""
        else:
            record["body"] = base64.b64encode(body).decode("ascii")
            if sqs is not None:
                record["sqs"] = sqs
        assert self._journal is not None
        self._journal.write(json.dumps(record, separators=(",", ":")) + "\n")
        self._journal.flush()
        self._since_snapshot += 1

    def _open_segment(self, number: int) -> None:
        if self._journal is not None:
            self._journal.close()
        self._segment = number
        self._journal = (self._dir / f"journal-{number}.jsonl").open("a", encoding="utf-8")

    # Snapshots ---------------------------------------------------------------------------------

    @property
    def journaled_since_snapshot(self) -> int:
        return self._since_snapshot

    def snapshot_due(self) -> bool:
        if self._since_snapshot == 0:
            return False
        return (
            self._since_snapshot >= SNAPSHOT_EVERY_REQUESTS
            or time.monotonic() - self._last_snapshot >= SNAPSHOT_EVERY_SECONDS
        )

    def snapshot_in_background(self, timeout_seconds: float | None = None) -> bool:
        """Fork a child that writes the snapshot while this process goes on serving: writes pause
        only for the fork. A child still writing after `timeout_seconds` is killed (the journal
        stays complete without it). Returns whether the snapshot was written."""
        # The periodic snapshot skips a turn when one is under way; the one at stop waits for it.
        waiting = timeout_seconds is not None
        if not self._snapshotting.acquire(blocking=waiting, timeout=timeout_seconds if waiting else -1):
            return False
        try:
            with self._lock:
                covered = self._segment
                self._open_segment(covered + 1)
                self._since_snapshot = 0
                self._last_snapshot = time.monotonic()
                pid = self._child = os.fork()
                if pid == 0:  # the child: a frozen copy of the state, written, then gone
                    code = 1
                    try:
                        write_snapshot(self._dir / SNAPSHOT_FILE, covered)
                        code = 0
                    except BaseException as error:  # the parent logs that it failed; say why
                        os.write(2, f"snapshot: {type(error).__name__}: {error}\n".encode())
                    finally:
                        os._exit(code)
            written = _waited(pid, timeout_seconds)
            self._child = None
            if written:
                self._drop_segments_up_to(covered)
            return written
        finally:
            self._snapshotting.release()

    def stop_snapshots(self) -> None:
        """Kill a snapshot being written (its partial file is never read) and wait for it: a
        stopped stack leaves no process behind."""
        child = self._child
        if child is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGKILL)
        with self._snapshotting:
            pass

    def _drop_segments_up_to(self, covered: int) -> None:
        for number, path in self._segments():
            if number <= covered:
                path.unlink(missing_ok=True)

    def close(self) -> None:
        with self._lock:
            if self._journal is not None:
                self._journal.close()
                self._journal = None


def _waited(pid: int, timeout_seconds: float | None) -> bool:
    """Whether the snapshot child `pid` exited 0 in time (it is killed when it did not)."""
    deadline = None if timeout_seconds is None else time.monotonic() + timeout_seconds
    while True:
        done, status = os.waitpid(pid, 0 if deadline is None else os.WNOHANG)
        if done:
            if os.waitstatus_to_exitcode(status) != 0:
                log.warning("a snapshot of the local AWS failed; its journal is kept and replayed")
                return False
            return True
        if deadline is not None and time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            log.info("a snapshot of the local AWS took too long; the journal will be replayed instead")
            return False
        time.sleep(0.05)


def _without_wait(body: bytes) -> bytes:
    try:
        request = json.loads(body)
    except ValueError:
        return body
    if isinstance(request, dict) and request.get("WaitTimeSeconds"):
        request["WaitTimeSeconds"] = 0
        return json.dumps(request).encode()
    return body


class Snapshotter(threading.Thread):
    """Takes a snapshot whenever enough has been journaled since the last one."""

    def __init__(self, durable: DurableMoto, stop: threading.Event) -> None:
        super().__init__(name="local-aws-snapshots", daemon=True)
        self._durable = durable
        self._stop_event = stop

    def run(self) -> None:
        while not self._stop_event.wait(1.0):
            if self._durable.snapshot_due():
                try:
                    self._durable.snapshot_in_background()
                except OSError as error:
                    log.warning("a snapshot of the local AWS failed: %s", error)
