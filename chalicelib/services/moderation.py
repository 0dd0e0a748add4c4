"""Hiding and unhiding comments on the platforms (contract section 11): by a moderator's request, or
automatically when a label's policy matches a new text's verdict; every action recorded.

A manual request, in order: the caller's role (403), the platform's capability (404 unknown name, 400
a platform that cannot hide), the stored comment of an account registered to one of the caller's labels
(404 otherwise, the same for another label's comment as for none), the platform's credentials (503
`no_credentials`). Only then is the action recorded (`pending`), the platform called once (the shared
HTTP client retries a 429 or a 5xx at most once, never sooner than its `Retry-After` and only within a
few seconds), and its answer recorded: `done`, `refused` (the comment stays as it was),
`rate_limited` (with `retry_at`: a person or the next verdict decides, nothing retries it later) or
`unavailable`.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import KW_ONLY, dataclass, field, replace
from datetime import UTC, datetime
from typing import Literal, Protocol

from chalicelib.domain.access import Action, Principal, require
from chalicelib.domain.moderation_actions import (
    AUTO_HIDE_BY,
    MAX_COMMENT_ID_CHARS,
    OFF,
    AutoHideCandidate,
    AutoHidePolicy,
    ModerationAction,
    Outcome,
    StoredComment,
    parse_policy,
)
from chalicelib.domain.roster import AccountKey
from chalicelib.errors import CredentialsMissing, NotFound, UnsupportedPlatform, ValidationFailed
from chalicelib.observability import logger
from chalicelib.platforms.capabilities import SetHidden
from chalicelib.pulls.errors import (
    Forbidden,
    MalformedResponse,
    NoCredentials,
    PullError,
    RateLimited,
    Rejected,
    Unauthorized,
    Unavailable,
)

POLICY_CACHE_SECONDS = 60.0
DEFAULT_LIST_LIMIT = 100
MAX_LIST_LIMIT = 1000


class ModerationStore(Protocol):
    def find_comment(self, platform: str, comment_id: str) -> StoredComment | None: ...

    def policies(self) -> dict[str, AutoHidePolicy]: ...

    def put_policy(self, label: str, policy: AutoHidePolicy, by: str, at: datetime) -> None: ...

    def start(self, action: ModerationAction) -> None: ...

    def claim(self, action: ModerationAction) -> bool: ...

    def finish(self, action: ModerationAction) -> None: ...

    def list_label(self, label: str, limit: int) -> list[ModerationAction]: ...


# The label owning each of these accounts (those registered to an artist).
Owners = Callable[[Iterable[AccountKey]], Mapping[AccountKey, str]]
# A moderated platform's client, built with its credentials; raises NoCredentials when they are not set.
Clients = Callable[[str], SetHidden]
# Whether a platform name exists at all (the registry's), and whether the tracker can hide its comments.
Known = Callable[[str], bool]


def _who(principal: Principal) -> str:
    return f"{principal.name} ({principal.token_id})"


def answer_of(error: PullError) -> tuple[Outcome, dict[str, object]]:
    """What the platform's failure is recorded as: never a token or a body (errors carry neither)."""
    answer: dict[str, object] = {"status": error.status, "reason": error.reason, "message": error.message}
    if isinstance(error, RateLimited):
        answer["retry_at"] = datetime.fromtimestamp(error.retry_at, UTC).isoformat()
        return "rate_limited", answer
    if isinstance(error, Unavailable):
        if error.retry_at is not None:
            answer["retry_at"] = datetime.fromtimestamp(error.retry_at, UTC).isoformat()
        return "unavailable", answer
    if isinstance(error, Unauthorized | Forbidden | Rejected | MalformedResponse):
        return "refused", answer
    return "failed", answer


@dataclass(slots=True)
class ModerationActions:
    store: ModerationStore
    _: KW_ONLY
    owners: Owners
    clients: Clients
    known: Known
    moderated: Known
    authenticate: Callable[[str | None], Principal]
    clock: Callable[[], datetime]
    new_id: Callable[[], str] = lambda: uuid.uuid4().hex
    monotonic: Callable[[], float] = time.monotonic
    _policies: tuple[float, dict[str, AutoHidePolicy]] | None = field(default=None, init=False)

    # --- manual actions -------------------------------------------------------------------------------

    def act(
        self, bearer: str | None, platform: str, comment_id: str, action: Literal["hide", "unhide"]
    ) -> ModerationAction:
        principal = self.authenticate(bearer)
        require(principal, Action.MODERATE)
        set_hidden = self._client(platform)
        missing = f"No stored comment {comment_id} on {platform}."
        if not comment_id or len(comment_id) > MAX_COMMENT_ID_CHARS:
            raise NotFound(missing)
        comment = self.store.find_comment(platform, comment_id)
        label = (
            None
            if comment is None
            else self.owners([(platform, comment.account_id)]).get((platform, comment.account_id))
        )
        if comment is None or label is None or not principal.covers(label):
            raise NotFound(missing)
        try:
            call = set_hidden()
        except NoCredentials as error:
            raise CredentialsMissing(
                f"{platform} cannot {action} comments: {error.message}.",
                details={"variables": list(error.variables)},
            ) from None
        record = ModerationAction(
            action_id=self.new_id(),
            label=label,
            platform=platform,
            comment_id=comment_id,
            account_id=comment.account_id,
            content_id=comment.content_id,
            action=action,
            trigger="manual",
            by=_who(principal),
            requested_at=self.clock(),
        )
        self.store.start(record)
        return self._call(record, call)

    def _client(self, platform: str) -> Callable[[], SetHidden]:
        """A thunk building the platform's client (so credentials are read after the comment is
        found); NotFound for an unknown platform, UnsupportedPlatform for one that cannot hide."""
        if not self.known(platform):
            raise NotFound(f"No platform {platform}.")
        if not self.moderated(platform):
            raise UnsupportedPlatform(f"The tracker cannot hide {platform} comments.")
        return lambda: self.clients(platform)

    def _call(self, record: ModerationAction, set_hidden: SetHidden) -> ModerationAction:
        hidden = record.action == "hide"
        try:
            confirmation = set_hidden(record.comment_id, hidden)
        except PullError as error:
            outcome, answer = answer_of(error)
        else:
            outcome, answer = "done", {"confirmation": confirmation}
        done = replace(record, outcome=outcome, answer=answer, answered_at=self.clock())
        self.store.finish(done)
        logger.info(
            "moderation action",
            extra={
                "platform": done.platform,
                "action": done.action,
                "trigger": done.trigger,
                "outcome": done.outcome,
                "status": answer.get("status"),
                "label": done.label,
            },
        )
        return done

    # --- automatic hiding -----------------------------------------------------------------------------

    def auto_hide(self, candidates: Sequence[AutoHideCandidate]) -> list[ModerationAction]:
        """Hide the candidates their label's policy matches: what the consumer calls after classifying
        a batch, with the texts it stored and their verdicts. Costs one Query a minute (the policies,
        cached) while no label has auto-hide on; otherwise one roster read per call, and per hidden
        comment a claim, a call and an update. A comment is hidden automatically at most once, whatever
        the retries (its claim); a platform without credentials is skipped (logged, not recorded)."""
        policies = {label: p for label, p in self._cached_policies().items() if p.enabled}
        if not policies:
            return []
        wanted = [c for c in candidates if c.comment_id and self.moderated(c.platform)]
        if not wanted:
            return []
        owners = self.owners({(c.platform, c.account_id) for c in wanted})
        done: list[ModerationAction] = []
        for candidate in wanted:
            label = owners.get((candidate.platform, candidate.account_id))
            policy = policies.get(label, OFF) if label is not None else OFF
            if label is None or not policy.matches(candidate.categories, candidate.severity):
                continue
            try:
                set_hidden = self.clients(candidate.platform)
            except NoCredentials as error:
                logger.warning(
                    "auto-hide skipped: no credentials",
                    extra={"platform": candidate.platform, "variables": list(error.variables)},
                )
                continue
            record = ModerationAction(
                action_id=self.new_id(),
                label=label,
                platform=candidate.platform,
                comment_id=candidate.comment_id,
                account_id=candidate.account_id,
                content_id=candidate.content_id,
                action="hide",
                trigger="auto",
                by=AUTO_HIDE_BY,
                requested_at=self.clock(),
                verdict={"categories": list(candidate.categories), "severity": candidate.severity},
            )
            if self.store.claim(record):
                done.append(self._call(record, set_hidden))
        return done

    def _cached_policies(self) -> dict[str, AutoHidePolicy]:
        now = self.monotonic()
        if self._policies is None or now - self._policies[0] >= POLICY_CACHE_SECONDS:
            self._policies = (now, self.store.policies())
        return self._policies[1]

    # --- policies and the audit trail -----------------------------------------------------------------

    def policy(self, bearer: str | None, label: str) -> AutoHidePolicy:
        principal = self.authenticate(bearer)
        require(principal, Action.MODERATION_POLICY, label)
        return self.store.policies().get(label, OFF)

    def set_policy(self, bearer: str | None, label: str, raw: bytes) -> AutoHidePolicy:
        principal = self.authenticate(bearer)
        require(principal, Action.MODERATION_POLICY, label)
        policy = parse_policy(raw)
        self.store.put_policy(label, policy, _who(principal), self.clock())
        self._policies = None
        return policy

    def list_actions(
        self, bearer: str | None, label: str | None, limit: str | None
    ) -> list[ModerationAction]:
        principal = self.authenticate(bearer)
        if not label:
            raise ValidationFailed("label is required.", fields={"label": "Required."})
        require(principal, Action.READ_MODERATION_ACTIONS, label)
        count = DEFAULT_LIST_LIMIT
        if limit is not None:
            if not limit.isdigit() or not 1 <= int(limit) <= MAX_LIST_LIMIT:
                raise ValidationFailed(
                    f"limit must be an integer from 1 to {MAX_LIST_LIMIT}.",
                    fields={"limit": f"An integer from 1 to {MAX_LIST_LIMIT}."},
                )
            count = int(limit)
        return self.store.list_label(label, count)
