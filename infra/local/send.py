"""Send one signed delivery to the running local stack, as the platform would:

    .venv/bin/python -m infra.local.send standard --source demo < body.json
    .venv/bin/python -m infra.local.send youtube --channel UCxxxx < feed.xml

Secrets come from the environment, else from `.local/secrets.env` (written by `make run`).
"""

from __future__ import annotations

import argparse
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path

from chalicelib.adapters.secret_names import ALL_SECRET_NAMES
from infra.local.senders import Senders, SignedRequest

SECRETS_FILE = Path(__file__).resolve().parents[2] / ".local" / "secrets.env"


def load_secrets() -> dict[str, str]:
    values: dict[str, str] = {}
    if SECRETS_FILE.exists():
        for line in SECRETS_FILE.read_text().splitlines():
            name, separator, value = line.partition("=")
            if separator and not line.startswith("#"):
                values[name] = value
    values.update({name: os.environ[name] for name in ALL_SECRET_NAMES if os.environ.get(name)})
    return values


def sign(platform: str, body: bytes, senders: Senders, source: str, channel: str) -> SignedRequest:
    if platform == "meta":
        return senders.meta(body)
    if platform == "x":
        return senders.x(body)
    if platform == "youtube":
        return senders.youtube(body, channel)
    if platform == "tiktok":
        return senders.tiktok(body)
    return senders.standard(source, body)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("platform", choices=["meta", "x", "youtube", "tiktok", "standard"])
    parser.add_argument("--source", default="demo", help="Standard Webhooks source (default: demo)")
    parser.add_argument("--channel", default="", help="YouTube channel id the feed is for")
    parser.add_argument("--url", default=f"http://127.0.0.1:{os.environ.get('PORT', '8000')}")
    args = parser.parse_args()
    body = sys.stdin.buffer.read()
    try:
        request = sign(args.platform, body, Senders(load_secrets()), args.source, args.channel)
    except KeyError as missing:
        print(
            f"No {missing.args[0]} to sign with: start the stack with `make run` (it writes {SECRETS_FILE})"
            f" or export {missing.args[0]}.",
            file=sys.stderr,
        )
        return 2
    http = urllib.request.Request(  # noqa: S310 (the local stack's own URL)
        args.url + request.path, data=request.body, headers=request.headers, method="POST"
    )
    try:
        with urllib.request.urlopen(http, timeout=10) as response:  # noqa: S310 (the local stack)
            print(response.status, response.read().decode())
            return 0
    except urllib.error.HTTPError as error:
        print(error.code, error.read().decode())
        return 1


if __name__ == "__main__":
    sys.exit(main())
