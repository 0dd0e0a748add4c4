"""What the S3 adapters of published pages share: an object's head, or None when there is none."""

from __future__ import annotations

from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.errors import DependencyFailed

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import HeadObjectOutputTypeDef

MISSING = frozenset({"NoSuchKey", "404", "NotFound"})


def head_or_none(s3: S3Client, bucket: str, key: str, failure: str) -> HeadObjectOutputTypeDef | None:
    """HeadObject; None for a missing object, `DependencyFailed(failure)` for any other error."""
    try:
        return s3.head_object(Bucket=bucket, Key=key)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in MISSING:
            return None
        raise DependencyFailed(failure) from error
    except BotoCoreError as error:
        raise DependencyFailed(failure) from error
