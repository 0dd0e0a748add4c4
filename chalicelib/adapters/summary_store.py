"""Published summaries on S3, and presigned links to them.

`summaries/<label>/<campaign_id>/<generated_at>/summary.{json,csv,html}` per run, and
`summaries/<label>/<campaign_id>/latest.json` pointing at the newest run. A run a newer one
supersedes is tagged `retention=superseded`, which the bucket's lifecycle expires; the latest run
is kept as long as its campaign.
"""

from __future__ import annotations

import json

from chalicelib.adapters.s3 import S3Objects, failing_as
from chalicelib.domain.stored import PublishedRun

ARTEFACTS = {
    "json": ("summary.json", "application/json"),
    "csv": ("summary.csv", "text/csv; charset=utf-8"),
    "html": ("summary.html", "text/html; charset=utf-8"),
}


def campaign_prefix(label: str, campaign_id: str) -> str:
    return f"summaries/{label}/{campaign_id}/"


class S3SummaryStore(S3Objects):
    def publish(
        self, label: str, campaign_id: str, generated_at: str, bodies: dict[str, bytes]
    ) -> PublishedRun:
        prefix = campaign_prefix(label, campaign_id)
        keys = {name: f"{prefix}{generated_at}/{ARTEFACTS[name][0]}" for name in ARTEFACTS}
        previous = self.latest(label, campaign_id)
        with failing_as("The summary could not be published; retry."):
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
        return PublishedRun(generated_at, keys)

    def latest(self, label: str, campaign_id: str) -> PublishedRun | None:
        key = f"{campaign_prefix(label, campaign_id)}latest.json"
        body = self._read(key, "The latest summary could not be read.")
        if body is None:
            return None
        pointer = json.loads(body)
        return PublishedRun(
            str(pointer["generated_at"]), {str(k): str(v) for k, v in pointer["keys"].items()}
        )

    def presign(self, key: str, expires_in_seconds: int) -> str:
        return self._link(key, expires_in_seconds)
