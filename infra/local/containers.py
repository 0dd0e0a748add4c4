"""Lambda execution environments for the local stack: one process per container.

Lambda runs every function in containers of its own, one invocation at a time per container, and
starts another container when an invocation arrives while the others are busy. Powertools keeps
per-invocation state in module globals (the metric set, its dimensions, log keys), so two
invocations must never share a process. The local stack used to run everything in its own process
behind one lock, so a long publish froze `/health` and every webhook for its whole duration; here
each function has its containers, each a process of its own that imports `app` and runs one
invocation at a time, and an API request finds an idle container while another one publishes.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

log = logging.getLogger("local.containers")

READY_TIMEOUT_SECONDS = 60
STOP_TIMEOUT_SECONDS = 5
# The app's own Lambda handler for API Gateway events; other targets name a module attribute.
API_TARGET = "app"

Invoker = Callable[[dict[str, Any], Any], Any]


class ContainerFailed(RuntimeError):
    """The container died or could not start: Lambda would answer the invocation with an error."""


def _serve(connection: Connection) -> None:
    """A container's life: import the app once (its cold start), then run invocations one by one
    until the stack closes the pipe."""
    # Ctrl-C reaches the whole process group; the stack decides when its containers stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    import importlib

    from infra.local.lambda_runtime import LambdaContext

    app_module = importlib.import_module("app")
    connection.send(("ready", None))
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):  # the stack is gone (even by kill -9): so is the container
            return
        if message is None:
            return
        target, event, function_name, timeout_seconds = message
        handler = app_module.app if target == API_TARGET else getattr(app_module, target)
        try:
            result = handler(event, LambdaContext(function_name, timeout_seconds))
        except Exception as error:  # Lambda reports it as the invocation's error
            connection.send(("error", type(error).__name__))
        else:
            connection.send(("ok", result))


class Container:
    """One execution environment of one function."""

    def __init__(self, function_name: str, root: str) -> None:
        self.function_name = function_name
        # A fresh interpreter, as a container is (forking the stack's process would copy its
        # threads' locks in whatever state they were), talking over a socket pair.
        ours, theirs = socket.socketpair()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "infra.local.containers", str(theirs.fileno())],
            cwd=root,
            pass_fds=[theirs.fileno()],
        )
        theirs.close()
        self._connection = Connection(ours.detach())
        self._ready = False

    def wait_ready(self, timeout_seconds: float = READY_TIMEOUT_SECONDS) -> None:
        if self._ready:
            return
        if not self._connection.poll(timeout_seconds):
            self.stop()
            raise ContainerFailed(f"a {self.function_name} container did not start in {timeout_seconds:g} s")
        try:
            self._connection.recv()
        except (EOFError, OSError):
            raise ContainerFailed(f"a {self.function_name} container exited while starting") from None
        self._ready = True

    def invoke(self, target: str, event: dict[str, Any], context: Any) -> Any:
        self.wait_ready()
        remaining = context.get_remaining_time_in_millis() / 1000 if context is not None else 60
        try:
            self._connection.send((target, event, self.function_name, max(1, int(remaining))))
            status, result = self._connection.recv()
        except (EOFError, OSError, BrokenPipeError):
            raise ContainerFailed(f"a {self.function_name} container died during an invocation") from None
        if status == "error":
            raise ContainerFailed(f"{self.function_name} raised {result}")
        return result

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        with contextlib.suppress(OSError, BrokenPipeError):
            self._connection.send(None)
        try:
            self.process.wait(STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:  # busy with a long invocation: Lambda would freeze it too
            self.process.kill()
            self.process.wait(1)
        self._connection.close()


class Function:
    """The containers of one function: an invocation takes an idle one, or starts another up to
    `max_containers` (the function's concurrency), or waits for one to be free."""

    def __init__(self, name: str, root: str, *, max_containers: int = 1) -> None:
        self.name = name
        self._root = root
        self._max_containers = max_containers
        self._idle: list[Container] = []
        self._count = 0
        self._available = threading.Condition()
        self._stopped = False

    def warm(self, containers: int = 1) -> None:
        """Start containers ahead of the first invocations; they import the app meanwhile."""
        started = [self._start() for _ in range(min(containers, self._max_containers) - self._count)]
        with self._available:
            self._idle.extend(started)
            self._available.notify_all()

    def wait_ready(self) -> None:
        """Until the warm containers have imported the app (the stack is ready only then)."""
        with self._available:
            idle = list(self._idle)
        for container in idle:
            container.wait_ready()

    def _start(self) -> Container:
        with self._available:
            self._count += 1
        return Container(self.name, self._root)

    def _acquire(self) -> Container:
        with self._available:
            while True:
                if self._stopped:
                    raise ContainerFailed(f"{self.name} is stopping")
                if self._idle:
                    return self._idle.pop()
                if self._count < self._max_containers:
                    break
                self._available.wait()
        return self._start()

    def _release(self, container: Container) -> None:
        with self._available:
            if container.alive and not self._stopped:
                self._idle.append(container)
            else:
                self._count -= 1
            self._available.notify()
        if not container.alive or self._stopped:
            container.stop()

    def invoke(self, target: str, event: dict[str, Any], context: Any) -> Any:
        container = self._acquire()
        try:
            return container.invoke(target, event, context)
        finally:
            self._release(container)

    def invoker(self, target: str) -> Invoker:
        """A handler `(event, context)` that runs `target` in one of this function's containers."""
        return lambda event, context: self.invoke(target, event, context)

    def stop(self) -> None:
        with self._available:
            self._stopped = True
            idle, self._idle = self._idle, []
            self._available.notify_all()
        for container in idle:
            container.stop()


class ContainerBackedApp:
    """The Chalice app as the local gateway sees it: its routes and settings, with every invocation
    run in one of the API function's containers."""

    def __init__(self, app: Any, function: Function) -> None:
        self._app = app
        self._function = function

    def __getattr__(self, name: str) -> Any:
        return getattr(self._app, name)

    def __call__(self, event: dict[str, Any], context: Any) -> Any:
        started = time.monotonic()
        try:
            return self._function.invoke(API_TARGET, event, context)
        except ContainerFailed as failure:
            log.warning("api invocation failed after %.1f s: %s", time.monotonic() - started, failure)
            raise


if __name__ == "__main__":
    _serve(Connection(int(sys.argv[1])))
