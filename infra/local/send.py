"""Send one signed delivery to the running local stack, as the platform would:

    .venv/bin/python -m infra.local.send standard --source demo < body.json
    .venv/bin/python -m infra.local.send youtube --channel UCxxxx < feed.xml

The running stack (`make run` or `make demo`) says where it listens and what it signs with in
`.local/stack.json` and `.local/secrets.env`; a secret exported in the environment wins.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from chalicelib.adapters.secret_names import ALL_SECRET_NAMES
from infra.local.senders import Senders, SignedRequest, UnknownSource
from infra.local.stack import read_env_file

LOCAL_DIR = Path(os.environ.get("LOCAL_DIR") or Path(__file__).resolve().parents[2] / ".local")
PLATFORMS = ("meta", "x", "youtube", "tiktok", "standard")


class SendError(Exception):
    """Said to the user in one line; the command exits 2."""


@dataclass(frozen=True)
class RunningStack:
    base_url: str
    secrets_file: Path


def running_stack(local_dir: Path | None = None) -> RunningStack | None:
    """The stack `.local/stack.json` describes, when its process is still alive."""
    try:
        description = json.loads(((local_dir or LOCAL_DIR) / "stack.json").read_text())
        os.kill(int(description["pid"]), 0)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return RunningStack(str(description["base_url"]), Path(description["secrets_file"]))


def load_secrets(secrets_file: Path) -> dict[str, str]:
    values = read_env_file(secrets_file)
    values.update({name: os.environ[name] for name in ALL_SECRET_NAMES if os.environ.get(name)})
    return values


def sign(platform: str, body: bytes, senders: Senders, source: str, channel: str) -> SignedRequest:
    try:
        return senders.signed(platform, body, channel_id=channel, source=source)
    except UnknownSource as unknown:
        known = ", ".join(unknown.known) or "none"
        pairs = ",".join(
            [*(f"{name}=whsec_..." for name in unknown.known), f"{unknown.source}=whsec_<base64 key>"]
        )
        raise SendError(
            f"The local stack has no Standard Webhooks source {unknown.source!r} (it has: {known})."
            f' To add one, start it with STANDARD_WEBHOOK_SECRETS="{pairs}" (keep the sources you use).'
        ) from None
    except KeyError as missing:
        raise SendError(
            f"No {missing.args[0]} to sign with: start the stack with `make run` (it writes"
            f" .local/secrets.env) or export {missing.args[0]}."
        ) from None


def post(url: str, request: SignedRequest) -> tuple[int, str]:
    http = urllib.request.Request(  # noqa: S310 (the local stack's own URL)
        url + request.path, data=request.body, headers=request.headers, method="POST"
    )
    try:
        with urllib.request.urlopen(http, timeout=10) as response:  # noqa: S310 (the local stack)
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise SendError(f"Nothing answers at {url} ({reason}): is the local stack still running?") from None


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("platform", choices=PLATFORMS)
    parser.add_argument("--source", default="demo", help="Standard Webhooks source (default: demo)")
    parser.add_argument("--channel", default="", help="YouTube channel id the feed is for")
    parser.add_argument(
        "--url", help="the stack's base URL (default: the running stack's, from .local/stack.json)"
    )
    args = parser.parse_args()
    try:
        stack = running_stack()
        if stack is None and not args.url:
            raise SendError(
                "No local stack is running: start one with `make run` (or `make demo`), then send again."
            )
        secrets_file = stack.secrets_file if stack else LOCAL_DIR / "secrets.env"
        request = sign(
            args.platform,
            sys.stdin.buffer.read(),
            Senders(load_secrets(secrets_file)),
            args.source,
            args.channel,
        )
        status, answer = post(args.url or (stack.base_url if stack else ""), request)
    except SendError as error:
        print(error, file=sys.stderr)
        return 2
    print(status, answer)
    return 0 if status < 300 else 1


if __name__ == "__main__":
    sys.exit(main())
