"""Per-label reports on S3, overwritten by a job: `<folder>/<label>/<name>` (consumption.html and .csv,
...), what the job wants to know of the last one in the objects' metadata, and presigned links signed
like summary links (chalicelib.wiring.link_signer)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.errors import DependencyFailed

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

CONTENT_TYPES = {"html": "text/html; charset=utf-8", "csv": "text/csv; charset=utf-8"}
MISSING = frozenset({"NoSuchKey", "404", "NotFound"})


class S3LabelReports:
    def __init__(
        self, s3: S3Client, bucket: str, folder: str, signer: Callable[[], S3Client] | None = None
    ) -> None:
        self._s3 = s3
        self._bucket = bucket
        self._folder = folder
        self._signer = signer or (lambda: s3)

    def key(self, label: str, name: str) -> str:
        return f"{self._folder}/{label}/{name}"

    def put(self, label: str, bodies: Mapping[str, bytes], metadata: Mapping[str, str]) -> None:
        """Each body in the order given (the page last, so that the page's metadata vouches for the
        files written before it)."""
        try:
            for name, body in bodies.items():
                html = name.endswith(".html")
                self._s3.put_object(
                    Bucket=self._bucket,
                    Key=self.key(label, name),
                    Body=body,
                    ContentType=CONTENT_TYPES[name.rsplit(".", 1)[-1]],
                    ContentDisposition="inline" if html else "attachment",
                    CacheControl="no-cache",
                    Metadata=dict(metadata),
                )
        except (BotoCoreError, ClientError) as error:
            raise DependencyFailed(f"The {self._folder} report could not be written; retry.") from error

    def metadata(self, label: str, name: str) -> dict[str, str] | None:
        """The object's metadata, or None before the label's first report."""
        try:
            head = self._s3.head_object(Bucket=self._bucket, Key=self.key(label, name))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in MISSING:
                return None
            raise DependencyFailed(f"The {self._folder} report could not be read.") from error
        except BotoCoreError as error:
            raise DependencyFailed(f"The {self._folder} report could not be read.") from error
        return dict(head.get("Metadata", {}))

    def presign(self, label: str, name: str, expires_in_seconds: int) -> str:
        """A SigV4 presigned GET (signing is local: no request is made)."""
        return self._signer().generate_presigned_url(
            "get_object",
            Params={"Bucket": self._bucket, "Key": self.key(label, name)},
            ExpiresIn=expires_in_seconds,
        )
