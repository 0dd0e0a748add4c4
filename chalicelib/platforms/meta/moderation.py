"""Hiding a Facebook or Instagram comment through the Graph API (contract section 11), with the Page's
token (`META_ACCESS_TOKEN`, the page / IG user token the pulls use):

- Instagram: `POST {META_GRAPH_BASE}/{comment id}?hide=true|false`
- Facebook: `POST {META_GRAPH_BASE}/{comment id}?is_hidden=true|false`

Graph answers `{"success": true}`; anything else in a 2xx is taken as not done (a refusal), never
guessed as hidden. The token goes in `Authorization: Bearer`, never in the URL.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlencode

from chalicelib.platforms._moderation import CALL, bearer_client
from chalicelib.platforms.capabilities import ModerationContext, SetHidden
from chalicelib.pulls.errors import Rejected

_ID = re.compile(r"[0-9]{1,32}(?:_[0-9]{1,32})?")


def _client(context: ModerationContext, parameter: str) -> SetHidden:
    base = context.settings.endpoints.meta_graph_base

    def post_hidden(comment_id: str, hidden: bool, headers: Mapping[str, str]) -> str:
        query = urlencode({parameter: "true" if hidden else "false"})
        body = context.http.post_form(f"{base}/{comment_id}?{query}", {}, headers, call=CALL)
        if not (isinstance(body, dict) and body.get("success") is True):
            raise Rejected(f"POST /{{id}} did not confirm {parameter}", status=200, reason="not_confirmed")
        return "success"

    return bearer_client(context, "META_ACCESS_TOKEN", _ID, "a Graph comment id", post_hidden)


def instagram(context: ModerationContext) -> SetHidden:
    return _client(context, "hide")


def facebook(context: ModerationContext) -> SetHidden:
    return _client(context, "is_hidden")
