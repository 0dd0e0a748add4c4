"""Hiding a Facebook or Instagram comment through the Graph API (contract section 11), with the Page's
token (`META_ACCESS_TOKEN`, the page / IG user token the pulls use):

- Instagram: `POST {META_GRAPH_BASE}/{comment id}?hide=true|false`
- Facebook: `POST {META_GRAPH_BASE}/{comment id}?is_hidden=true|false`

Graph answers `{"success": true}`; anything else in a 2xx is taken as not done (a refusal), never
guessed as hidden. The token goes in `Authorization: Bearer`, never in the URL.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from chalicelib.platforms.capabilities import ModerationContext, SetHidden
from chalicelib.pulls.errors import Rejected

CALL = "moderation"
_ID = re.compile(r"[0-9]{1,32}(?:_[0-9]{1,32})?")


def _client(context: ModerationContext, parameter: str) -> SetHidden:
    (token,) = context.credentials("META_ACCESS_TOKEN")
    base = context.settings.endpoints.meta_graph_base
    headers = {"Authorization": f"Bearer {token}"}

    def set_hidden(comment_id: str, hidden: bool) -> str:
        if not _ID.fullmatch(comment_id):
            raise Rejected("not a Graph comment id", reason="invalid_id")
        query = urlencode({parameter: "true" if hidden else "false"})
        body = context.http.post_form(f"{base}/{comment_id}?{query}", {}, headers, call=CALL)
        if not (isinstance(body, dict) and body.get("success") is True):
            raise Rejected(f"POST /{{id}} did not confirm {parameter}", status=200, reason="not_confirmed")
        return "success"

    return set_hidden


def instagram(context: ModerationContext) -> SetHidden:
    return _client(context, "hide")


def facebook(context: ModerationContext) -> SetHidden:
    return _client(context, "is_hidden")
