"""Import files on S3 (read as a stream from a byte offset, by ranged GET) and the imports queue."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.domain.consumption.reports import Read
from chalicelib.errors import ConfigurationError, DependencyFailed

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sqs import SQSClient


class S3ImportFiles:
    def __init__(self, s3: S3Client, bucket: str) -> None:
        self._s3 = s3
        self._bucket = bucket

    def put(self, key: str, body: bytes, content_type: str) -> None:
        try:
            self._s3.put_object(Bucket=self._bucket, Key=key, Body=body, ContentType=content_type)
        except (BotoCoreError, ClientError) as error:
            raise DependencyFailed("The report could not be stored; retry.") from error

    def reader(self, key: str, offset: int) -> Read:
        """The object's bytes from `offset` on, as a `read(size)`; nothing is read before it is asked."""
        try:
            answer = self._s3.get_object(Bucket=self._bucket, Key=key, Range=f"bytes={offset}-")
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "InvalidRange":  # offset at the end
                return lambda size: b""
            raise DependencyFailed("The report could not be read.") from error
        except BotoCoreError as error:
            raise DependencyFailed("The report could not be read.") from error
        body = answer["Body"]

        def read(size: int) -> bytes:
            try:
                return body.read(size)
            except (BotoCoreError, ClientError) as error:
                raise DependencyFailed("The report could not be read.") from error

        return read


class SqsImportQueue:
    def __init__(self, sqs: SQSClient, queue_url: str | None) -> None:
        self._sqs = sqs
        self._url = queue_url

    def send(self, message: dict[str, str]) -> None:
        if not self._url:
            raise ConfigurationError("environment variable IMPORTS_QUEUE_URL is required to import reports")
        try:
            self._sqs.send_message(QueueUrl=self._url, MessageBody=json.dumps(message))
        except (BotoCoreError, ClientError) as error:
            raise DependencyFailed("The import could not be queued; retry.") from error
