"""What a Lambda Function URL does around the webhook function, rebuilt for the local stack and the
tests: an HTTP request becomes a payload format 2.0 event, and the function's result an HTTP answer.

Lambda's rules, as documented for Function URLs (payload 2.0, the format of API Gateway HTTP APIs):
- `rawPath` and `rawQueryString` as sent; `headers` with lower-case names, a repeated header's values
  joined with commas; `Cookie` headers moved to `cookies` (one entry per cookie);
- `body` as text when the content type is textual and the bytes are UTF-8, else base64 with
  `isBase64Encoded: true`; no `body` when there is none;
- a request payload over 6 MB (the invocation's limit) is refused by Lambda before any function runs:
  AWS answers 413 in its own shape; the local gateway answers it in the contract's (README, "Webhook
  URLs").
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

# Lambda's synchronous invocation payload limit, which a Function URL request counts against.
MAX_REQUEST_PAYLOAD_BYTES = 6 * 1024 * 1024
_TEXT_SUFFIXES = ("json", "xml", "javascript", "x-www-form-urlencoded")


def _is_text(content_type: str, body: bytes) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    textual = media.startswith("text/") or media.endswith(_TEXT_SUFFIXES)
    if not textual:
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def event(
    method: str,
    target: str,
    headers: Iterable[tuple[str, str]],
    body: bytes = b"",
    source_ip: str = "127.0.0.1",
) -> dict[str, Any]:
    """The payload 2.0 event of one request; `target` is the request line's path and query."""
    path, _, raw_query = target.partition("?")
    joined: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in headers:
        key = name.lower()
        if key == "cookie":
            cookies.extend(part.strip() for part in value.split(";") if part.strip())
            continue
        joined[key] = f"{joined[key]},{value}" if key in joined else value
    now = time.time()
    result: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path or "/",
        "rawQueryString": raw_query,
        "headers": joined,
        "requestContext": {
            "accountId": "anonymous",
            "apiId": "local",
            "domainName": joined.get("host", "localhost"),
            "domainPrefix": "local",
            "http": {
                "method": method.upper(),
                "path": path or "/",
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": joined.get("user-agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": "$default",
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "timeEpoch": int(now * 1000),
        },
        "isBase64Encoded": False,
    }
    if cookies:
        result["cookies"] = cookies
    if raw_query:
        from urllib.parse import parse_qsl

        parameters: dict[str, str] = {}
        for name, value in parse_qsl(raw_query, keep_blank_values=True):
            parameters[name] = f"{parameters[name]},{value}" if name in parameters else value
        result["queryStringParameters"] = parameters
    if body:
        if _is_text(joined.get("content-type", ""), body):
            result["body"] = body.decode("utf-8")
        else:
            result["body"] = base64.b64encode(body).decode("ascii")
            result["isBase64Encoded"] = True
    return result


def payload_size(request_event: Mapping[str, Any]) -> int:
    """The bytes Lambda counts against MAX_REQUEST_PAYLOAD_BYTES: the event as JSON."""
    return len(json.dumps(request_event).encode("utf-8"))


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


def answer(result: Any) -> Answer:
    """The HTTP answer Lambda makes of a function's result (payload 2.0): a dict with `statusCode`
    is a response; anything else is a 200 JSON body."""
    if not isinstance(result, dict) or "statusCode" not in result:
        return Answer(200, {"content-type": "application/json"}, json.dumps(result).encode())
    headers = {str(k): str(v) for k, v in (result.get("headers") or {}).items()}
    raw = result.get("body") or ""
    body = base64.b64decode(raw) if result.get("isBase64Encoded") else str(raw).encode("utf-8")
    return Answer(int(result["statusCode"]), headers, body)
