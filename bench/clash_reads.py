"""Issue 10 (scale and cost): a clash check reads only the pushes near the new ones, never every push.

5,000 pushes are stored across 7 labels (250 campaigns of 20 pushes over a year, each push on one to
three platforms), with their push index items. Then a campaign with 20 pushes is created through
`POST /campaigns`, as an editor would. DynamoDB items read are counted at botocore level (items
returned by Query, GetItem and BatchGetItem) against moto, by the partition they come from: the
push index (`PUSH#...`), the campaigns (`CAMPAIGN`, the collision check of section 5, which reads
every campaign and so every campaign's pushes as stored in it), and the rest (the token, feeds).
The figure is push index items read / push index items stored.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.common import report

LABELS = 7
CAMPAIGNS = 250
PUSHES_PER_CAMPAIGN = 20
START = datetime(2026, 11, 1, tzinfo=UTC)
PLATFORMS = ("facebook", "instagram", "x", "youtube", "tiktok", "spotify", "soundcloud", "deezer")
KINDS = ("release", "single", "video", "post", "ad", "live", "playlist", "presave", "other")
LIMIT = 0.05


def _campaign(n: int, label: str, rng: random.Random, prefix: str = "bench") -> dict[str, Any]:
    starts = START + timedelta(days=rng.randrange(330))
    ends = starts + timedelta(days=30)
    pushes = [
        {
            "push_id": f"push-{p}",
            "at": (starts - timedelta(days=5) + timedelta(minutes=rng.randrange(35 * 24 * 60))).isoformat(),
            "platforms": rng.sample(PLATFORMS, rng.randint(1, 3)),
            "kind": rng.choice(KINDS),
            "title": f"Push {p} of campaign {n}",
        }
        for p in range(PUSHES_PER_CAMPAIGN)
    ]
    return {
        "campaign_id": f"{prefix}-{n}",
        "name": f"Campaign {n}",
        "label": label,
        "artist": f"Artist {n % 40}",
        "starts_at": starts.isoformat(),
        "ends_at": ends.isoformat(),
        "timezone": "Europe/Paris",
        "tracked": {"youtube": {"content": [f"{n:011d}"[-11:]]}},
        "pushes": pushes,
    }


def run() -> dict[str, float]:
    os.environ.update(
        {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "us-east-1"}
    )
    import boto3
    from chalice.test import Client
    from moto import mock_aws

    from infra.local.moto_fidelity import scope_queries_to_their_partition

    scope_queries_to_their_partition()  # DynamoDB reads the queried partition; moto, every item
    with mock_aws():
        from infra.local.stack import in_process

        outputs, secrets, environment = in_process()
        os.environ.update(environment)
        import app as app_module
        from chalicelib import observability
        from chalicelib.adapters.campaigns import CampaignStore
        from chalicelib.adapters.push_index import DynamoPushIndex
        from chalicelib.aws import get_clients
        from chalicelib.domain.pushes import entries_of
        from chalicelib.models.campaign import Campaign

        observability.logger.registered_handler.setStream(io.StringIO())
        rng = random.Random(10)
        labels = [f"label-{n}" for n in range(LABELS)]
        dynamodb = get_clients().dynamodb
        started = time.perf_counter()
        store, index = (
            CampaignStore(dynamodb, outputs["TableName"]),
            DynamoPushIndex(dynamodb, outputs["TableName"]),
        )
        now = datetime(2026, 10, 1, tzinfo=UTC)
        for n in range(CAMPAIGNS):
            body = _campaign(n, labels[n % LABELS], rng)
            campaign = Campaign.model_validate({**body, "created_at": now, "updated_at": now})
            index.replace([], entries_of(campaign))
            store.create(campaign)
        load_seconds = time.perf_counter() - started
        stored = Counter(
            "push index" if item["pk"]["S"].startswith("PUSH#") else item["pk"]["S"]
            for page in boto3.client("dynamodb")
            .get_paginator("scan")
            .paginate(TableName=outputs["TableName"])
            for item in page["Items"]
        )

        read: Counter[str] = Counter()
        requests: Counter[str] = Counter()

        def source(item: dict[str, Any]) -> str:
            pk = item.get("pk", {}).get("S", "")
            return "push index" if pk.startswith("PUSH#") else "campaigns" if pk == "CAMPAIGN" else "other"

        def count(parsed: Any, model: Any, **_: Any) -> None:
            requests[model.name] += 1
            items = list(parsed.get("Items", []))
            items += [parsed["Item"]] if parsed.get("Item") else []
            items += [item for found in parsed.get("Responses", {}).values() for item in found]
            read.update(source(item) for item in items)

        new = _campaign(CAMPAIGNS, labels[0], rng, prefix="new")
        with contextlib.redirect_stdout(io.StringIO()), Client(app_module.app, stage_name="local") as client:
            headers = {
                "Content-Type": "application/json",
                "Authorization": f"Bearer {secrets['ADMIN_TOKEN']}",
            }
            warm = _campaign(CAMPAIGNS + 1, labels[1], rng, prefix="warm")
            warm["pushes"] = []  # one request first, so that the clients exist (and carry the counter)
            assert client.http.post("/campaigns", headers=headers, body=json.dumps(warm)).status_code == 201
            get_clients().dynamodb.meta.events.register("after-call.dynamodb", count)
            response = client.http.post("/campaigns", headers=headers, body=json.dumps(new))
        assert response.status_code == 201, response.body
        clashes = sum(1 for w in json.loads(response.body)["warnings"] if w.get("type") == "push_clash")

    stored_pushes = CAMPAIGNS * PUSHES_PER_CAMPAIGN
    ratio = read["push index"] / stored["push index"]
    figures = {
        "pushes_stored": stored_pushes,
        "push_index_items_stored": stored["push index"],
        "push_index_items_read": read["push index"],
        "campaign_items_read": read["campaigns"],
        "ratio_push_index_read_to_stored": ratio,
        "clashes_found": clashes,
    }
    report(
        "Clash reads: creating a campaign with 20 pushes (DynamoDB items read, counted at botocore level)",
        [
            (
                "stored",
                f"{stored_pushes} pushes of {CAMPAIGNS} campaigns, {LABELS} labels, over a year: "
                f"{stored['push index']} push index items (one per push and platform), "
                f"{stored['CAMPAIGN']} campaign items (loaded in {load_seconds:.0f} s)",
            ),
            ("push index items read by the clash check", f"{read['push index']} ({clashes} clashes found)"),
            (
                "ratio push index items read / stored",
                f"{ratio:.4f} (limit {LIMIT}: {'within' if ratio <= LIMIT else 'OVER'})",
            ),
            (
                "campaign items read (collision check, section 5)",
                f"{read['campaigns']}: every campaign, each holding its pushes",
            ),
            ("other items read (token, feeds)", str(read["other"])),
            ("requests", ", ".join(f"{name} {n}" for name, n in sorted(requests.items()))),
        ],
    )
    return figures


if __name__ == "__main__":
    print(json.dumps(run()))
