"""Publishing a claimed product alert (contract sections 11 and 13): what the radar job and the
moderation job share. A publish that fails is recorded on the alert, and a later run retries it; exactly
one run takes each retry."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime, timedelta
from typing import Any, Protocol

from chalicelib.domain.stored import Alert
from chalicelib.errors import DependencyFailed
from chalicelib.observability import logger

RETRY_WITHIN = timedelta(days=7)


class AlertLog(Protocol):
    def published(self, alert: Alert, at: datetime) -> None: ...
    def failed(self, alert: Alert, reason: str) -> None: ...
    def take_retry(self, alert: Alert) -> bool: ...
    def list_label(self, label: str, since: datetime | None = None) -> list[Alert]: ...


class AlertPublisher:
    def __init__(
        self,
        alerts: AlertLog,
        publish_alert: Callable[[], Callable[[dict[str, Any]], None]],
        clock: Callable[[], datetime],
    ) -> None:
        self._alerts = alerts
        self._publish_alert = publish_alert
        self._clock = clock

    def publish(self, alert: Alert) -> None:
        try:
            self._publish_alert()(alert.message())
        except DependencyFailed as error:
            # Known not to be published: the next run retries it (exactly one run takes the retry).
            self._alerts.failed(alert, error.message)
            logger.warning("alert not published", extra={"type": alert.type, "label": alert.label})
            return
        self._alerts.published(alert, self._clock())
        logger.info("alert published", extra={"type": alert.type, "label": alert.label})

    def retry_failed(
        self, label: str, now: datetime, types: Collection[str] | None = None
    ) -> list[dict[str, Any]]:
        """Publish again the label's alerts of the last week whose publish failed (of `types` only,
        when given)."""
        retried = []
        for alert in self._alerts.list_label(label, now - RETRY_WITHIN):
            if types is not None and alert.type not in types:
                continue
            if alert.publish_error and self._alerts.take_retry(alert):
                self.publish(alert)
                retried.append({"type": alert.type, "retried": alert.key})
        return retried
