"""Calendar pages on S3: `calendar/<label>/calendar.html`, overwritten by each publish run, and
presigned links to them (signed like summary links, see chalicelib.wiring.link_signer)."""

from __future__ import annotations

from chalicelib.adapters.s3 import S3Objects, failing_as


def page_key(label: str) -> str:
    return f"calendar/{label}/calendar.html"


class S3CalendarPages(S3Objects):
    def put(self, label: str, body: bytes) -> None:
        with failing_as("The calendar page could not be written; retry."):
            self._s3.put_object(
                Bucket=self._bucket,
                Key=page_key(label),
                Body=body,
                ContentType="text/html; charset=utf-8",
                ContentDisposition="inline",
                CacheControl="no-cache",
            )

    def exists(self, label: str) -> bool:
        return self._head(page_key(label), "The calendar page could not be read.") is not None

    def presign(self, label: str, expires_in_seconds: int) -> str:
        return self._link(page_key(label), expires_in_seconds)
