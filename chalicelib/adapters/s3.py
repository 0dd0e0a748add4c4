"""What every S3 adapter of one bucket shares: a failed request is `DependencyFailed`, a missing
object is None, and links are SigV4 presigned GETs (signing is local: no request is made)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.errors import DependencyFailed

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

# What S3 answers for a key that is not there (a HEAD has no body, so only its status).
MISSING = frozenset({"NoSuchKey", "404", "NotFound"})

T = TypeVar("T")


@contextmanager
def failing_as(failure: str) -> Iterator[None]:
    """Turn any failed S3 request inside into `DependencyFailed(failure)`."""
    try:
        yield
    except (BotoCoreError, ClientError) as error:
        raise DependencyFailed(failure) from error


def _unless_missing(request: Callable[[], T], failure: str) -> T | None:
    try:
        return request()
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in MISSING:
            return None
        raise DependencyFailed(failure) from error
    except BotoCoreError as error:
        raise DependencyFailed(failure) from error


class S3Objects:
    """Objects of one bucket; `signer` gives the client that signs links (see wiring.link_signer)."""

    def __init__(self, s3: S3Client, bucket: str, signer: Callable[[], S3Client] | None = None) -> None:
        self._s3 = s3
        self._bucket = bucket
        self._signer = signer or (lambda: s3)

    def _head(self, key: str, failure: str) -> dict[str, Any] | None:
        """The object's metadata (HeadObject), None when there is no such object."""
        return _unless_missing(lambda: dict(self._s3.head_object(Bucket=self._bucket, Key=key)), failure)

    def _read(self, key: str, failure: str) -> bytes | None:
        """The object's body, None when there is no such object."""

        def body() -> bytes:
            return self._s3.get_object(Bucket=self._bucket, Key=key)["Body"].read()

        return _unless_missing(body, failure)

    def _link(self, key: str, expires_in_seconds: int) -> str:
        return self._signer().generate_presigned_url(
            "get_object", Params={"Bucket": self._bucket, "Key": key}, ExpiresIn=expires_in_seconds
        )
