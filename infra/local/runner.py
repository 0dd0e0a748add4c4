"""`make run`: the whole tracker on one machine, in one process, on loopback.

moto's server plays AWS; the infra/ template is deployed into it as a stack; the Chalice app is
served over HTTP; its queue consumers and scheduled functions run in threads as Lambda would run
them. SIGINT/SIGTERM stop everything and the process exits 0.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import shutil
import signal
import socket
import sys
import threading
import warnings
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
LOCAL_DIR = ROOT / ".local"
STAGE = "local"

log = logging.getLogger("local")


class Options:
    def __init__(self, env: dict[str, str]) -> None:
        self.port = _port(env, "PORT", 8000)
        self.aws_port = _port(env, "LOCAL_AWS_PORT", 4566)
        self.speedup = float(env.get("LOCAL_SCHEDULE_SPEEDUP") or 1)
        self.host = "127.0.0.1"
        if self.speedup <= 0:
            raise SystemExit("LOCAL_SCHEDULE_SPEEDUP must be a positive number")
        # Where the running stack says where it is (stack.json) and what it signs with (secrets.env).
        self.local_dir = Path(env.get("LOCAL_DIR") or LOCAL_DIR).resolve()
        # What survives a restart: the local AWS (snapshot + journal) and the secrets it was given.
        self.state_dir = Path(env.get("LOCAL_STATE_DIR") or self.local_dir / "state").resolve()
        self.reset = (env.get("RESET") or "").strip().lower() in {"1", "true", "yes"}


def _port(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name) or str(default)
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise SystemExit(f"{name} must be a TCP port number, got {raw!r}")
    return int(raw)


def _port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _configure_logging() -> None:
    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(name)s %(levelname)s %(message)s"
    )
    # moto's and werkzeug's per-request lines drown out the app's own structured logs, and moto
    # warns for every resource type it only records (bucket policy, alarm): known, not news.
    warnings.filterwarnings("ignore", message="Tried to parse AWS::", category=UserWarning)
    for noisy in ("werkzeug", "moto", "botocore", "boto3", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.ERROR)


def _stage_environment(outputs: dict[str, str], options: Options) -> dict[str, str]:
    """The function environment: the local stage of .chalice/config.json plus the stack outputs,
    mirroring what the merge template's Globals wire in AWS."""
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    env: dict[str, str] = dict(config.get("environment_variables", {}))
    env.update(config["stages"][STAGE].get("environment_variables", {}))
    env.update(
        {
            "TABLE_NAME": outputs["TableName"],
            "SUMMARY_BUCKET": outputs["SummaryBucketName"],
            "INGEST_QUEUE_URL": outputs["IngestQueueUrl"],
            "ALERTS_TOPIC_ARN": outputs["AlertsTopicArn"],
            "IMPORTS_QUEUE_URL": outputs["ImportsQueueUrl"],
            "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL") or f"http://{options.host}:{options.port}",
        }
    )
    return env


# The API function's containers: two are started with the stack, so that a request finds one idle
# while another publishes; more start on demand, as Lambda scales out, up to this many.
API_CONTAINERS_WARM = 2
# The stack stops within 20 s (contract section 1): a snapshot that takes longer is left out, and a
# journal this short replays in well under a second.
SNAPSHOT_AT_STOP_SECONDS = 8
SNAPSHOT_AT_STOP_MIN_REQUESTS = 200
API_CONTAINERS_MAX = 4
# The webhook function's containers (its Function URL): one warm, more on demand up to this many,
# a stand-in for its reserved concurrency (WebhookReservedConcurrency) on a small machine.
WEBHOOK_CONTAINERS_WARM = 1
WEBHOOK_CONTAINERS_MAX = 4


def _event_sources(
    app_module: Any,
    functions: dict[str, Any],
    queue_urls: dict[str, str],
    sqs: Any,
    stop: threading.Event,
    clock: Any,
) -> list[threading.Thread]:
    from chalice.app import ScheduledEventConfig, SQSEventConfig

    from infra.local.containers import Function
    from infra.local.lambda_runtime import QueuePoller, ScheduledFunction

    workers: list[threading.Thread] = []
    for source in app_module.app.event_sources:
        target = source.handler_string.rsplit(".", 1)[-1]
        function = functions.setdefault(source.name, Function(source.name, str(ROOT)))
        if isinstance(source, SQSEventConfig):
            function.warm()  # the consumer is ready before /health says the stack is
            workers.append(
                QueuePoller(
                    sqs=sqs,
                    queue_url=queue_urls[(source.queue_arn or source.queue or "").rsplit(":", 1)[-1]],
                    function_name=source.name,
                    handler=function.invoker(target),
                    stop=stop,
                    batch_size=source.batch_size,
                    # Short polls: a long one would hold the local AWS's writes (infra.local.durable).
                    wait_seconds=0,
                )
            )
        elif isinstance(source, ScheduledEventConfig):
            expression = source.schedule_expression
            text = expression if isinstance(expression, str) else expression.to_string()
            workers.append(
                ScheduledFunction(
                    function_name=source.name,
                    expression=text,
                    handler=function.invoker(target),
                    clock=clock,
                    stop=stop,
                )
            )
    return workers


class StartFailed(Exception):
    """A condition the operator can fix, said in one line (never a traceback)."""


def _restore_local_aws(options: Options) -> tuple[Any, bool]:
    """moto's application, journaling to the state folder, with what that folder held restored."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    from infra.local.durable import DurableMoto

    if options.reset and options.state_dir.exists():
        shutil.rmtree(options.state_dir)
    durable = DurableMoto(DomainDispatcherApplication(create_backend_app), options.state_dir / "aws")
    restoring = durable.has_state
    if restoring:
        print(f"Restoring the local AWS from {options.state_dir} ...", flush=True)
    try:
        report = durable.restore()
    except Exception as error:
        raise StartFailed(
            f"The local state in {options.state_dir} could not be read ({type(error).__name__}: {error});"
            " `make run RESET=1` starts empty."
        ) from None
    if restoring:
        log.info(
            "local AWS restored in %.1f s (snapshot: %s, journaled requests replayed: %d)",
            report.seconds,
            "yes" if report.snapshot_loaded else "no",
            report.replayed_requests,
        )
    return durable, restoring


def _secrets(env: dict[str, str], options: Options) -> tuple[dict[str, str], list[str]]:
    """The stack's secrets: from the environment, else those kept with the state, else new ones
    (kept with the state from now on); written for `infra.local.send` to sign with."""
    from chalicelib.adapters.secret_names import ALL_SECRET_NAMES
    from infra.local.stack import read_env_file, resolve_secrets, write_env_file

    kept_file = options.state_dir / "secrets.env"
    values, generated = resolve_secrets(env, saved=read_env_file(kept_file))
    kept = {name: values[name] for name in ALL_SECRET_NAMES if not env.get(name, "").strip()}
    write_env_file(
        kept_file, kept, "Secrets of this local state, kept across restarts (make run RESET=1 forgets them)."
    )
    write_env_file(
        options.local_dir / "secrets.env",
        values,
        "Secrets of the running local stack (written at each start); infra.local.send signs with them.",
    )
    return values, generated


def _describe_stack(options: Options, pid: int) -> Path:
    path = options.local_dir / "stack.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    description = {
        "pid": pid,
        "base_url": f"http://{options.host}:{options.port}",
        "aws_endpoint": f"http://{options.host}:{options.aws_port}",
        "secrets_file": str(options.local_dir / "secrets.env"),
        "state_dir": str(options.state_dir),
    }
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(description, indent=2) + "\n")
    os.replace(partial, path)
    return path


def _forget_stack(path: Path, pid: int) -> None:
    try:
        if json.loads(path.read_text()).get("pid") == pid:
            path.unlink()
    except (OSError, ValueError):
        pass


def run(env: dict[str, str]) -> int:
    options = Options(env)
    _configure_logging()
    stop = threading.Event()

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        log.info("received %s: stopping", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)

    for name, port in (("PORT", options.port), ("LOCAL_AWS_PORT", options.aws_port)):
        if not _port_is_free(options.host, port):
            print(f"Port {port} ({name}) is in use: stop what holds it or set {name}.", file=sys.stderr)
            return 2
    try:
        return _run(env, options, stop)
    except StartFailed as failure:
        print(failure, file=sys.stderr)
        return 2


def _run(env: dict[str, str], options: Options, stop: threading.Event) -> int:
    import boto3
    from moto.moto_server.werkzeug_app import MotoRequestHandler
    from werkzeug.serving import make_server

    from infra.local import api_server
    from infra.local.containers import ContainerBackedApp, Function
    from infra.local.durable import Snapshotter
    from infra.local.lambda_runtime import VirtualClock
    from infra.local.moto_fidelity import (
        queue_attributes_computed_when_read,
        receive_in_time_linear_in_the_queue,
        scope_queries_to_their_partition,
    )
    from infra.local.stack import (
        LOCAL_REGION,
        deploy,
        existing,
        pull_credentials,
        route_drops,
        store_secrets,
    )

    endpoint = f"http://{options.host}:{options.aws_port}"
    scope_queries_to_their_partition()  # a query costs its partition, as in DynamoDB
    receive_in_time_linear_in_the_queue()  # a receive costs the queue's length, not its square
    queue_attributes_computed_when_read()  # a send costs nothing per queued message
    durable, restoring = _restore_local_aws(options)
    moto = make_server(
        options.host, options.aws_port, durable, threaded=True, request_handler=MotoRequestHandler
    )
    threading.Thread(target=moto.serve_forever, name="local-aws", daemon=True).start()
    Snapshotter(durable, stop).start()
    server = None
    workers: list[threading.Thread] = []
    functions: dict[str, Function] = {}
    stack_file: Path | None = None
    try:
        os.environ.update(
            {
                "AWS_ENDPOINT_URL": endpoint,
                "AWS_ACCESS_KEY_ID": "local",
                "AWS_SECRET_ACCESS_KEY": "local",  # moto accepts any credentials
                "AWS_DEFAULT_REGION": LOCAL_REGION,
                "AWS_REGION": LOCAL_REGION,
            }
        )
        session = boto3.session.Session(region_name=LOCAL_REGION)
        cloudformation = session.client("cloudformation", endpoint_url=endpoint)
        outputs = existing(cloudformation) if restoring else deploy(cloudformation)
        route_drops(
            session.client("s3", endpoint_url=endpoint), session.client("sqs", endpoint_url=endpoint), outputs
        )
        values, generated = _secrets(env, options)
        store_secrets(
            session.client("ssm", endpoint_url=endpoint), STAGE, {**values, **pull_credentials(env)}
        )
        os.environ.update(_stage_environment(outputs, options))
        if stop.is_set():
            return 0

        # The stack's own process reads the app's routes and event sources; the functions run in
        # their containers, each a process of its own (infra.local.containers).
        sys.path.insert(0, str(ROOT))
        app_module = importlib.import_module("app")
        api = functions["api_handler"] = Function("api_handler", str(ROOT), max_containers=API_CONTAINERS_MAX)
        api.warm(API_CONTAINERS_WARM)
        webhooks = Function("webhooks", str(ROOT), max_containers=WEBHOOK_CONTAINERS_MAX)
        functions["webhooks"] = webhooks
        webhooks.warm(WEBHOOK_CONTAINERS_WARM)
        clock = VirtualClock(options.speedup)
        sqs = session.client("sqs", endpoint_url=endpoint)
        workers = _event_sources(
            app_module,
            functions,
            {"ingest": outputs["IngestQueueUrl"], "imports": outputs["ImportsQueueUrl"]},
            sqs,
            stop,
            clock,
        )
        for function in functions.values():
            function.wait_ready()
        for worker in workers:
            worker.start()
        config = json.loads((ROOT / ".chalice" / "config.json").read_text())
        server = api_server.serve(
            ContainerBackedApp(app_module.app, api),
            config,
            options.host,
            options.port,
            str(ROOT),
            webhooks=webhooks.invoker("webhooks"),
        )
        threading.Thread(target=server.server.serve_forever, name="http", daemon=True).start()
        stack_file = _describe_stack(options, os.getpid())
        _print_banner(options, outputs, values["ADMIN_TOKEN"], generated, restoring, workers)
        while not stop.wait(0.5):
            pass
    finally:
        if server is not None:
            server.server.shutdown()
            server.server.server_close()
        stop.set()
        for worker in workers:
            worker.join(timeout=5)
        for function in functions.values():
            function.stop()
        moto.shutdown()
        moto.server_close()
        # A clean stop leaves one file to load and nothing to replay, when there is enough to replay
        # to be worth it and the snapshot is quick.
        durable.stop_snapshots()
        if durable.journaled_since_snapshot >= SNAPSHOT_AT_STOP_MIN_REQUESTS:
            durable.snapshot_in_background(timeout_seconds=SNAPSHOT_AT_STOP_SECONDS)
        durable.close()
        if stack_file is not None:
            _forget_stack(stack_file, os.getpid())
    print("Local stack stopped.", flush=True)
    return 0


def _print_banner(
    options: Options,
    outputs: dict[str, str],
    admin_token: str,
    generated: list[str],
    restored: bool,
    workers: list[threading.Thread],
) -> None:
    base = f"http://{options.host}:{options.port}"
    lines = [
        "",
        "Engagement tracker: local stack ready",
        f"  API           {base}   (GET {base}/health)",
        "  Webhooks      (the webhook function, as its Function URL would invoke it)\n                "
        + "\n                ".join(
            f"{base}/webhooks/{name}" for name in ("meta", "x", "youtube", "tiktok", "standard/<source>")
        ),
        f"  Admin token   {admin_token}   (Authorization: Bearer {admin_token})",
        f"  Summaries     s3://{outputs['SummaryBucketName']}/summaries/  on the local AWS",
        f"  Local AWS     http://{options.host}:{options.aws_port} (moto): table {outputs['TableName']}",
        f"  State         {options.state_dir} ({'restored' if restored else 'new'};"
        " kept across restarts; `make run RESET=1` starts empty)",
        f"  Secrets       {options.local_dir / 'secrets.env'} (mode 600; infra.local.send signs with them)"
        + (f"; generated now: {', '.join(generated)}" if generated else ""),
    ]
    for worker in workers:
        expression = getattr(worker, "expression", None)
        if expression:
            lines.append(
                f"  Schedule      {worker.name.removeprefix('schedule-')}: {expression}"
                f" (speed-up x{options.speedup:g}, LOCAL_SCHEDULE_SPEEDUP)"
            )
        else:
            lines.append(f"  Consumer      {worker.name.removeprefix('poller-')} polls its queue")
    lines += ["Ctrl-C stops everything.", ""]
    print("\n".join(lines), flush=True)


def main() -> None:
    code = run(dict(os.environ))
    sys.stdout.flush()
    sys.stderr.flush()
    # Everything is stopped and on disk: skip the interpreter's teardown, which frees the local
    # AWS's objects one by one (seconds with 100,000 stored events, against a 20 s stop budget).
    os._exit(code)


if __name__ == "__main__":
    main()
