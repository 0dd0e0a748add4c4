"""Hiding a reply on X (contract section 11): `PUT {X_API_BASE}/tweets/{id}/hidden` with
`{"hidden": true|false}` and the conversation owner's user token (`X_USER_ACCESS_TOKEN`) as a bearer.
X answers `{"data": {"hidden": <bool>}}`: an answer that does not say what was asked is not done."""

from __future__ import annotations

import re

from chalicelib.platforms.capabilities import ModerationContext, SetHidden
from chalicelib.pulls.errors import Rejected

CALL = "moderation"
_ID = re.compile(r"[0-9]{1,32}")


def client(context: ModerationContext) -> SetHidden:
    (token,) = context.credentials("X_USER_ACCESS_TOKEN")
    base = context.settings.endpoints.x_api_base
    headers = {"Authorization": f"Bearer {token}"}

    def set_hidden(comment_id: str, hidden: bool) -> str:
        if not _ID.fullmatch(comment_id):
            raise Rejected("not an X post id", reason="invalid_id")
        body = context.http.put_json(
            f"{base}/tweets/{comment_id}/hidden", {"hidden": hidden}, headers, call=CALL
        )
        data = body.get("data") if isinstance(body, dict) else None
        if not (isinstance(data, dict) and data.get("hidden") is hidden):
            raise Rejected("PUT /tweets/{id}/hidden did not confirm", status=200, reason="not_confirmed")
        return f"hidden {'true' if hidden else 'false'}"

    return set_hidden
