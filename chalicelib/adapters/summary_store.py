"""Published summaries on S3, and presigned links to them.

`summaries/<label>/<campaign_id>/<generated_at>/summary.{json,csv,html}` per run, and
`summaries/<label>/<campaign_id>/latest.json` pointing at the newest run. A run a newer one
supersedes is tagged `retention=superseded`, which the bucket's lifecycle expires; the latest run
is kept as long as its campaign.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.domain.stored import PublishedRun
from chalicelib.errors import DependencyFailed

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

ARTEFACTS = {
    "json": ("summary.json", "application/json"),
    "csv": ("summary.csv", "text/csv; charset=utf-8"),
    "html": ("summary.html", "text/html; charset=utf-8"),
}


def campaign_prefix(label: str, campaign_id: str) -> str:
    return f"summaries/{label}/{campaign_id}/"


class S3SummaryStore:
    def __init__(self, s3: S3Client, bucket: str, signer: Callable[[], S3Client] | None = None) -> None:
        self._s3 = s3
        self._bucket = bucket
        self._signer = signer or (lambda: s3)

    def publish(
        self, label: str, campaign_id: str, generated_at: str, bodies: dict[str, bytes]
    ) -> PublishedRun:
        prefix = campaign_prefix(label, campaign_id)
        keys = {name: f"{prefix}{generated_at}/{ARTEFACTS[name][0]}" for name in ARTEFACTS}
        try:
            previous = self.latest(label, campaign_id)
            for name, key in keys.items():
                # The CSV downloads under a readable name; JSON and HTML open in the browser.
                disposition = f'attachment; filename="{campaign_id}.csv"' if name == "csv" else "inline"
                self._s3.put_object(
                    Bucket=self._bucket,
                    Key=key,
                    Body=bodies[name],
                    ContentType=ARTEFACTS[name][1],
                    ContentDisposition=disposition,
                )
            pointer = json.dumps({"generated_at": generated_at, "keys": keys}).encode()
            self._s3.put_object(
                Bucket=self._bucket, Key=f"{prefix}latest.json", Body=pointer, ContentType="application/json"
            )
            if previous is not None and previous.generated_at != generated_at:
                for key in previous.keys.values():
                    self._s3.put_object_tagging(
                        Bucket=self._bucket,
                        Key=key,
                        Tagging={"TagSet": [{"Key": "retention", "Value": "superseded"}]},
                    )
        except (BotoCoreError, ClientError) as error:
            raise DependencyFailed("The summary could not be published; retry.") from error
        return PublishedRun(generated_at, keys)

    def latest(self, label: str, campaign_id: str) -> PublishedRun | None:
        key = f"{campaign_prefix(label, campaign_id)}latest.json"
        try:
            body = self._s3.get_object(Bucket=self._bucket, Key=key)["Body"].read()
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in {"NoSuchKey", "404"}:
                return None
            raise DependencyFailed("The latest summary could not be read.") from error
        except BotoCoreError as error:
            raise DependencyFailed("The latest summary could not be read.") from error
        pointer = json.loads(body)
        return PublishedRun(
            str(pointer["generated_at"]), {str(k): str(v) for k, v in pointer["keys"].items()}
        )

    def presign(self, key: str, expires_in_seconds: int) -> str:
        """A SigV4 presigned GET (signing is local: no request is made)."""
        return self._signer().generate_presigned_url(
            "get_object", Params={"Bucket": self._bucket, "Key": key}, ExpiresIn=expires_in_seconds
        )
