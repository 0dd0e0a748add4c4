"""Weekly radar reports on S3: `radar/<label>/radar.html` and `radar.csv`, overwritten by the radar job,
the report's ISO week and time in the page's metadata; presigned links signed like summary links."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.adapters.event_store import iso
from chalicelib.adapters.s3_objects import head_or_none
from chalicelib.errors import DependencyFailed

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

CONTENT_TYPES = {"radar.html": "text/html; charset=utf-8", "radar.csv": "text/csv; charset=utf-8"}


def report_key(label: str, name: str) -> str:
    return f"radar/{label}/{name}"


class S3RadarReports:
    def __init__(self, s3: S3Client, bucket: str, signer: Callable[[], S3Client] | None = None) -> None:
        self._s3 = s3
        self._bucket = bucket
        self._signer = signer or (lambda: s3)

    def put(self, label: str, html: bytes, csv: bytes, week: str, generated_at: datetime) -> None:
        metadata = {"week": week, "generated-at": iso(generated_at)}
        try:
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
        except (BotoCoreError, ClientError) as error:
            raise DependencyFailed("The radar report could not be written; retry.") from error

    def state(self, label: str) -> tuple[str, str] | None:
        """(week, generated_at) of the label's report, or None before its first."""
        key = report_key(label, "radar.html")
        head = head_or_none(self._s3, self._bucket, key, "The radar report could not be read.")
        if head is None:
            return None
        metadata = head.get("Metadata", {})
        return metadata.get("week", ""), metadata.get("generated-at", "")

    def presign(self, label: str, name: str, expires_in_seconds: int) -> str:
        return self._signer().generate_presigned_url(
            "get_object",
            Params={"Bucket": self._bucket, "Key": report_key(label, name)},
            ExpiresIn=expires_in_seconds,
        )
