"""Holding a YouTube comment for review, or publishing it again (contract section 11):
`POST {YOUTUBE_API_BASE}/comments/setModerationStatus?id=<id>&moderationStatus=heldForReview|published`
with the channel owner's OAuth token (`YOUTUBE_OAUTH_TOKEN`) as a bearer. YouTube answers 204."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from chalicelib.platforms.capabilities import ModerationContext, SetHidden
from chalicelib.pulls.errors import Rejected

CALL = "moderation"
_ID = re.compile(r"[A-Za-z0-9_.-]{1,128}")


def client(context: ModerationContext) -> SetHidden:
    (token,) = context.credentials("YOUTUBE_OAUTH_TOKEN")
    url = f"{context.settings.endpoints.youtube_api_base}/comments/setModerationStatus"
    headers = {"Authorization": f"Bearer {token}"}

    def set_hidden(comment_id: str, hidden: bool) -> str:
        if not _ID.fullmatch(comment_id):
            raise Rejected("not a YouTube comment id", reason="invalid_id")
        status = "heldForReview" if hidden else "published"
        query = urlencode({"id": comment_id, "moderationStatus": status})
        context.http.post_form(f"{url}?{query}", {}, headers, call=CALL)
        return f"moderationStatus {status}"

    return set_hidden
