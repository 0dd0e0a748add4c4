"""Calendar pages on S3: `calendar/<label>/calendar.html`, overwritten by each publish run, and
presigned links to them (signed like summary links, see chalicelib.wiring.link_signer)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.adapters.s3_objects import head_or_none
from chalicelib.errors import DependencyFailed

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


def page_key(label: str) -> str:
    return f"calendar/{label}/calendar.html"


class S3CalendarPages:
    def __init__(self, s3: S3Client, bucket: str, signer: Callable[[], S3Client] | None = None) -> None:
        self._s3 = s3
        self._bucket = bucket
        self._signer = signer or (lambda: s3)

    def put(self, label: str, body: bytes) -> None:
        try:
            self._s3.put_object(
                Bucket=self._bucket,
                Key=page_key(label),
                Body=body,
                ContentType="text/html; charset=utf-8",
                ContentDisposition="inline",
                CacheControl="no-cache",
            )
        except (BotoCoreError, ClientError) as error:
            raise DependencyFailed("The calendar page could not be written; retry.") from error

    def exists(self, label: str) -> bool:
        return (
            head_or_none(self._s3, self._bucket, page_key(label), "The calendar page could not be read.")
            is not None
        )

    def presign(self, label: str, expires_in_seconds: int) -> str:
        """A SigV4 presigned GET (signing is local: no request is made)."""
        return self._signer().generate_presigned_url(
            "get_object",
            Params={"Bucket": self._bucket, "Key": page_key(label)},
            ExpiresIn=expires_in_seconds,
        )
