"""Holding a YouTube comment for review, or publishing it again (contract section 11):
`POST {YOUTUBE_API_BASE}/comments/setModerationStatus?id=<id>&moderationStatus=heldForReview|published`
with the channel owner's OAuth token (`YOUTUBE_OAUTH_TOKEN`) as a bearer. YouTube answers 204."""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlencode

from chalicelib.platforms._moderation import CALL, bearer_client
from chalicelib.platforms.capabilities import ModerationContext, SetHidden

_ID = re.compile(r"[A-Za-z0-9_.-]{1,128}")


def client(context: ModerationContext) -> SetHidden:
    url = f"{context.settings.endpoints.youtube_api_base}/comments/setModerationStatus"

    def set_status(comment_id: str, hidden: bool, headers: Mapping[str, str]) -> str:
        status = "heldForReview" if hidden else "published"
        query = urlencode({"id": comment_id, "moderationStatus": status})
        context.http.post_form(f"{url}?{query}", {}, headers, call=CALL)
        return f"moderationStatus {status}"

    return bearer_client(context, "YOUTUBE_OAUTH_TOKEN", _ID, "a YouTube comment id", set_status)
