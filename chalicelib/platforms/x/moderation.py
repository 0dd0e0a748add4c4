"""Hiding a reply on X (contract section 11): `PUT {X_API_BASE}/tweets/{id}/hidden` with
`{"hidden": true|false}` and the conversation owner's user token (`X_USER_ACCESS_TOKEN`) as a bearer.
X answers `{"data": {"hidden": <bool>}}`: an answer that does not say what was asked is not done."""

from __future__ import annotations

import re
from collections.abc import Mapping

from chalicelib.platforms._moderation import CALL, bearer_client
from chalicelib.platforms.capabilities import ModerationContext, SetHidden
from chalicelib.pulls.errors import Rejected

_ID = re.compile(r"[0-9]{1,32}")


def client(context: ModerationContext) -> SetHidden:
    base = context.settings.endpoints.x_api_base

    def put_hidden(comment_id: str, hidden: bool, headers: Mapping[str, str]) -> str:
        body = context.http.put_json(
            f"{base}/tweets/{comment_id}/hidden", {"hidden": hidden}, headers, call=CALL
        )
        data = body.get("data") if isinstance(body, dict) else None
        if not (isinstance(data, dict) and data.get("hidden") is hidden):
            raise Rejected("PUT /tweets/{id}/hidden did not confirm", status=200, reason="not_confirmed")
        return f"hidden {'true' if hidden else 'false'}"

    return bearer_client(context, "X_USER_ACCESS_TOKEN", _ID, "an X post id", put_hidden)
