"""What the platforms' moderation clients share: the bearer credential they act with, the check of a
comment id's shape before anything is sent, and the call's name in the shared client's log lines."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from chalicelib.platforms.capabilities import ModerationContext, SetHidden
from chalicelib.pulls.errors import Rejected

CALL = "moderation"

# (comment id of the right shape, hidden, the Authorization header) -> the platform's confirmation
Act = Callable[[str, bool, Mapping[str, str]], str]


def bearer_client(
    context: ModerationContext, credential: str, ids: re.Pattern[str], what: str, act: Act
) -> SetHidden:
    """A `SetHidden` acting with the `credential` secret as a bearer token on ids matching `ids`
    (another is `Rejected` as "not <what>", unsent)."""
    (token,) = context.credentials(credential)
    headers = {"Authorization": f"Bearer {token}"}

    def set_hidden(comment_id: str, hidden: bool) -> str:
        if not ids.fullmatch(comment_id):
            raise Rejected(f"not {what}", reason="invalid_id")
        return act(comment_id, hidden, headers)

    return set_hidden
