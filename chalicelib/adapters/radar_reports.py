"""Weekly radar reports on S3: `radar/<label>/radar.html` and `radar.csv`, overwritten by the radar job,
the report's ISO week and time in the page's metadata; presigned links signed like summary links."""

from __future__ import annotations

from datetime import datetime

from chalicelib.adapters.event_store import iso
from chalicelib.adapters.s3 import S3Objects, failing_as

CONTENT_TYPES = {"radar.html": "text/html; charset=utf-8", "radar.csv": "text/csv; charset=utf-8"}


def report_key(label: str, name: str) -> str:
    return f"radar/{label}/{name}"


class S3RadarReports(S3Objects):
    def put(self, label: str, html: bytes, csv: bytes, week: str, generated_at: datetime) -> None:
        metadata = {"week": week, "generated-at": iso(generated_at)}
        with failing_as("The radar report could not be written; retry."):
            # The CSV first: a page whose metadata says "this week" always has its CSV beside it.
            for name, body in (("radar.csv", csv), ("radar.html", html)):
                self._s3.put_object(
                    Bucket=self._bucket,
                    Key=report_key(label, name),
                    Body=body,
                    ContentType=CONTENT_TYPES[name],
                    ContentDisposition="inline" if name.endswith("html") else "attachment",
                    CacheControl="no-cache",
                    Metadata=metadata,
                )

    def state(self, label: str) -> tuple[str, str] | None:
        """(week, generated_at) of the label's report, or None before its first."""
        head = self._head(report_key(label, "radar.html"), "The radar report could not be read.")
        if head is None:
            return None
        metadata = head.get("Metadata", {})
        return metadata.get("week", ""), metadata.get("generated-at", "")

    def presign(self, label: str, name: str, expires_in_seconds: int) -> str:
        return self._link(report_key(label, name), expires_in_seconds)
