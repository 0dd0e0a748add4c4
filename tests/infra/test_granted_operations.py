"""Each function's role grants exactly what its code asks of AWS: every route, the queue consumer
and the three jobs run against moto with every botocore call recorded as the IAM action and ARN it
is authorised against, then judged by the packaged role of the function that made it.

A call the role does not grant would fail in production only, as a 5xx, a retried batch or a job
that dies every run; a grant no call uses is privilege nobody needs. Both fail here."""

from __future__ import annotations

import ast
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import boto3
import pytest
from chalice.test import Client
from moto import mock_aws

from infra.local import senders as payloads
from infra.local.lambda_runtime import LambdaContext, scheduled_event, sqs_event
from infra.local.senders import Senders, SignedRequest
from infra.local.stack import in_process, store_secrets
from tests.campaigns import campaign_dict, open_window
from tests.fakes.platform_server import PlatformServer, Reply
from tests.infra.aws_calls import FUNCTIONS, Call, CallRecorder, Grant, for_stage, role_grants
from tests.integration.function_url_client import front_doors

ROOT = Path(__file__).resolve().parents[2]
REGION = "us-east-1"
JOBS = ("publish", "pull", "renew-subscriptions", "radar", "moderation")
LOCAL = f"{REGION}:123456789012"

# What Lambda itself does with a function's role, which no line of our code calls.
RUNTIME_CALLS = {
    "logs": [
        Call("logs:CreateLogGroup", f"arn:aws:logs:{LOCAL}:log-group:/aws/lambda/fn"),
        Call("logs:CreateLogStream", f"arn:aws:logs:{LOCAL}:log-group:/aws/lambda/fn:log-stream:s"),
        Call("logs:PutLogEvents", f"arn:aws:logs:{LOCAL}:log-group:/aws/lambda/fn:log-stream:s"),
    ],
    "traces": [Call("xray:PutTraceSegments", "*"), Call("xray:PutTelemetryRecords", "*")],
    # the SQS event source mapping polls and deletes with the consumer's role
    "queue poller": [
        Call(f"sqs:{action}", f"arn:aws:sqs:{LOCAL}:engagement-tracker-local-ingest")
        for action in ("ReceiveMessage", "DeleteMessage", "GetQueueAttributes")
    ],
    "imports poller": [
        Call(f"sqs:{action}", f"arn:aws:sqs:{LOCAL}:engagement-tracker-local-imports")
        for action in ("ReceiveMessage", "DeleteMessage", "GetQueueAttributes")
    ],
    # a job invocation that failed every retry lands in the jobs' dead-letter queue
    "job dead letters": [Call("sqs:SendMessage", f"arn:aws:sqs:{LOCAL}:engagement-tracker-local-jobs-dlq")],
}


def runtime_calls(function: str) -> list[Call]:
    calls = RUNTIME_CALLS["logs"] + RUNTIME_CALLS["traces"]
    if function == "ingest_consumer":
        calls += RUNTIME_CALLS["queue poller"]
    if function == "import_worker":
        calls += RUNTIME_CALLS["imports poller"]
    if function in JOBS:
        calls += RUNTIME_CALLS["job dead letters"]
    return calls


# The scenario: every function, every kind of call --------------------------------------------------

NOW = datetime.now(UTC).replace(microsecond=0)
AT = NOW - timedelta(hours=2)
CHANNEL, VIDEO, NEW_VIDEO = "UCaaaaaaaaaaaaaaaaaaaaaa", "dQw4w9WgXcQ", "aaaaaaaaaaa"
GONE_CHANNEL = "UC" + "g" * 22
PAGE, POST = "104512345678901", "104512345678901_998877665544332"
ARTIST, TWEET = "1234", "1790000000000000001"
TOPIC = f"https://www.youtube.com/xml/feeds/videos.xml?channel_id={CHANNEL}"
UPC, OTHER_UPC, ISRC, OTHER_ISRC = "000000000017", "000000000024", "FRZ032600001", "FRZ032600002"
REPORT = (
    "date,isrc,upc,platform,country,streams_premium,streams_ad,downloads,physical_units\n"
    f"2026-01-09,{ISRC},,spotify,FR,120,30,0,0\n"
    f"2026-01-10,{ISRC},,spotify,FR,90,10,0,0\n"
    f"2026-01-10,,{UPC},fnac,FR,0,0,0,3\n"
).encode()


class Clock:
    """The functions' clock (wiring.utc_now), moved forward so that markers age and runs differ."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


class Scenario:
    def __init__(
        self, recorder: CallRecorder, clock: Clock, secrets: dict[str, str], outputs: dict[str, str]
    ) -> None:
        import app as app_module

        self.app = app_module
        self.recorder = recorder
        self.clock = clock
        self.secrets = secrets
        self.senders = Senders(secrets)
        self.queue_url = outputs["IngestQueueUrl"]
        self.imports_url = outputs["ImportsQueueUrl"]
        self.bucket = outputs["SummaryBucketName"]
        self.admin = secrets["ADMIN_TOKEN"]
        self.campaign_id = "permissions-check"
        self._container: str | None = None
        self.pulls = 0
        self.release: dict[str, Any] = {}

    def running(self, function: str) -> Any:
        """Record as `function`; a switch of function starts from cold caches, as a new container
        would (a secret the API read must not spare the consumer its own read)."""
        if function != self._container:
            _reset_caches()
            self._container = function
        return self.recorder.running(function)

    def run(self, client: Client) -> None:
        self.management(client)
        self.catalogue_and_imports(client)
        self.webhooks(client)
        self.consume()
        self.moderation(client)
        renewed = self.job("renew-subscriptions", self.app.renew_subscriptions_job)
        assert renewed["subscribed"] == [TOPIC]
        self.websub(client)
        self.consume()
        self.pull()
        self.clock.offset = timedelta(minutes=2)  # the consumer's markers are now old enough to clear
        published = self.job("publish", self.app.publish_job)
        assert published["published"] == [self.campaign_id]
        assert published["markers_cleared"] > 0
        assert published["calendars"] == ["l"]
        assert published["moderation_reports"] == [f"l/{AT.date().isoformat()}"]
        self.http(client, "GET", f"/moderation/links?label=l&day={AT.date().isoformat()}")
        assert published["consumption_reports"] == ["l"]
        self.clock.offset = timedelta(minutes=3)
        self.pull()  # new snapshots make the campaign due again
        self.clock.offset = timedelta(minutes=4)
        republished = self.job("publish", self.app.publish_job)  # this run supersedes the first
        assert republished["published"] == [self.campaign_id]
        waves = self.job("moderation", self.app.moderation_job)
        assert [wave["alerted"] for wave in waves["started"]] == [True], waves
        self.webhooks(client)
        self.consume()
        self.clock.offset = timedelta(minutes=6)
        self.on_demand(client)

    def http(
        self, client: Client, method: str, path: str, body: Any = None, expect: int = 200, token: str = ""
    ) -> Any:
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token or self.admin}"}
        raw = b"" if body is None else json.dumps(body).encode()
        with self.running("api_handler"):
            response = client.http.request(method, path, headers=headers, body=raw)
        assert response.status_code == expect, (method, path, response.status_code, response.body)
        return json.loads(response.body) if response.body else None

    def send(self, client: Client, request: SignedRequest) -> None:
        with self.running("webhooks"):  # through the webhook function's Function URL
            if request.method == "POST":
                response = client.http.post(request.path, headers=request.headers, body=request.body)
            else:
                response = client.http.get(request.path, headers=request.headers)
        assert response.status_code == 200, (request.path, response.status_code, response.body)

    def feed(self, client: Client, path: str, expect: int, etag: str = "") -> Any:
        """A calendar application's poll: no bearer, maybe an If-None-Match."""
        with self.running("api_handler"):
            response = client.http.get(path, headers={"If-None-Match": etag} if etag else {})
        assert response.status_code == expect, (path, response.status_code, response.body)
        return response

    def management(self, client: Client) -> None:
        self.http(client, "GET", "/health")
        editor = {"name": "e", "role": "editor", "labels": ["l"]}
        issued = self.http(client, "POST", "/admin/tokens", editor, expect=201)
        self.http(client, "GET", "/campaigns", token=issued["token"])  # a token of the table, read
        self.http(client, "DELETE", f"/admin/tokens/{issued['token_id']}", expect=204)
        # a feed made first, so that every campaign change below bumps its version
        self.feed_url = self.http(
            client, "POST", "/calendar/feeds", {"name": "f", "labels": ["l"]}, expect=201
        )["url"]
        push = {
            "push_id": "clip",
            "at": AT.isoformat(),
            "platforms": ["youtube"],
            "kind": "video",
            "title": "t",
        }
        campaign = campaign_dict(
            campaign_id=self.campaign_id,
            name="Permissions",
            label="l",
            artist="Indochine",
            tracked={
                "youtube": {"accounts": [CHANNEL], "content": [VIDEO, NEW_VIDEO]},
                # accounts too: the moderation job's waves are per account when no artist holds it
                "facebook": {"accounts": [PAGE], "content": [POST]},
                "x": {"accounts": [ARTIST], "content": [TWEET]},
                "standard:demo": {"content": ["album-1"]},
            },
            pushes=[push],
            **open_window(NOW),
        )
        self.http(client, "POST", "/campaigns", campaign, expect=201)  # index put, feed bumped
        self.http(client, "GET", "/campaigns?active=true")
        moved = {**push, "at": (AT + timedelta(days=1)).isoformat()}  # the old index entry deleted
        self.http(
            client, "PUT", f"/campaigns/{self.campaign_id}", {**campaign, "name": "P 2", "pushes": [moved]}
        )
        self.http(client, "GET", f"/campaigns/{self.campaign_id}")
        # no summary yet: S3 must say "no such key" (404), not "access denied" (a 5xx here)
        self.http(client, "GET", f"/campaigns/{self.campaign_id}/links", expect=404)
        self.http(client, "GET", "/calendar/links?label=l", expect=404)  # no calendar page yet either
        self.http(client, "GET", "/calendar?label=l")
        path = "/" + self.feed_url.split("/", 3)[3]
        etag = self.feed(client, path, 200).headers["ETag"]
        self.feed(client, path, 304, etag)
        revoked = self.http(client, "POST", "/calendar/feeds", {"name": "g", "labels": ["l"]}, expect=201)
        self.http(client, "DELETE", f"/calendar/feeds/{revoked['feed_id']}", expect=204)
        self.artists(client)
        self.radar(client)

    def artists(self, client: Client) -> None:
        """The roster: a registration, a change that claims one account and releases another, an
        archive that releases the rest (each one transaction), and the reads."""
        artist = {"artist_id": "permissions", "label": "l", "name": "P", "accounts": {"x": [ARTIST, "5"]}}
        self.http(client, "POST", "/artists", artist, expect=201)
        self.http(client, "GET", "/artists?label=l")
        self.http(client, "PUT", "/artists/permissions", {**artist, "accounts": {"x": [ARTIST, "6"]}})
        self.http(client, "GET", "/artists/permissions")
        self.http(client, "DELETE", "/artists/permissions", expect=204)

    def radar(self, client: Client) -> None:
        """The talent radar: six watched artists with 40 days of readings, one breaking out, so that a
        run scores, alerts (SNS) and writes the report; the job, then (a label watched later) the API."""
        self.watchlist(client, "l")
        self.http(client, "GET", "/radar/links?label=l", expect=404)  # no report yet
        from chalicelib.adapters.alerts import SnsAlertTopic

        with pytest.MonkeyPatch.context() as patch:  # SNS refuses once: the next run retries
            patch.setattr(SnsAlertTopic, "publish", _refuse)
            ran = self.job("radar", self.app.radar_job)
        assert ran["alerts"], ran
        assert ran["reports"] == ["l"], ran
        retried = self.job("radar", self.app.radar_job)["alerts"]
        assert [alert["type"] for alert in retried] == ["talent_breakout"]
        self.http(client, "GET", "/radar/artists?label=l")
        self.http(client, "GET", "/radar/links?label=l")
        self.http(client, "GET", "/alerts?label=l")
        self.watchlist(client, "m")
        assert self.http(client, "POST", "/admin/jobs/radar")["alerts"]
        self.http(client, "DELETE", "/radar/artists/l-radar-0", expect=204)
        # watched on a YouTube channel the platform does not return: the pull job marks it gone
        gone = {"radar_id": "w-radar", "label": "w", "name": "n", "accounts": {"youtube": [GONE_CHANNEL]}}
        self.http(client, "POST", "/radar/artists", gone, expect=201)

    def moderation(self, client: Client) -> None:
        """Contract section 11: the Page's stored comment hidden through the API (the by_comment index,
        the roster, the action recorded then answered), the policy set and read, the actions listed;
        then the auto-hide the consumer will call after classifying (claim, call, record), run with
        the consumer's role."""
        from chalicelib import wiring
        from chalicelib.domain.moderation_actions import AutoHideCandidate

        artist = {"artist_id": "moderated", "label": "l", "name": "M", "accounts": {"facebook": [PAGE]}}
        self.http(client, "POST", "/artists", artist, expect=201)
        policy = {"auto_hide": {"enabled": True, "categories": ["insult"], "min_severity": 2}}
        self.http(client, "PUT", "/labels/l/moderation-policy", policy)
        self.http(client, "GET", "/labels/l/moderation-policy")
        hidden = self.http(
            client, "POST", f"/moderation/facebook/comments/{self.comment_id}/hide", expect=202
        )
        assert hidden["action"]["outcome"] == "done", hidden
        self.http(client, "GET", "/moderation/actions?label=l")
        with self.running("ingest_consumer"):
            verdict = AutoHideCandidate("facebook", f"{self.comment_id}1", PAGE, POST, ("insult",), 3)
            (auto,) = wiring.moderation_service().auto_hide([verdict])
        assert auto.outcome == "done", auto

    def watchlist(self, client: Client, label: str) -> None:
        readings = []
        for n in range(6):
            radar_id = f"{label}-radar-{n}"
            accounts = {"deezer": [str(900 + n)]}
            body = {"radar_id": radar_id, "label": label, "name": "n", "accounts": accounts}
            self.http(client, "POST", "/radar/artists", body, expect=201)
            rate = 1.5 if n == 5 else 1.0 + n / 100
            readings += [
                {
                    "radar_id": radar_id,
                    "platform": "deezer",
                    "at": (NOW - timedelta(days=40 - day)).isoformat(),
                    "audience": round(1000 * rate ** (day / 10)),
                }
                for day in range(0, 41, 5)
            ]
        self.http(client, "POST", "/radar/readings", {"readings": readings})

    def catalogue_and_imports(self, client: Client) -> None:
        """Releases (registered, listed, changed, removed), a report posted and one dropped on S3, run
        by the import worker; the posted one runs out of time once and continues from its offset."""
        artist = {"artist_id": "catalogue", "label": "l", "name": "C", "accounts": {"x": ["7"]}}
        self.http(client, "POST", "/artists", artist, expect=201)
        release = {
            "upc": UPC,
            "label": "l",
            "artist_id": "catalogue",
            "title": "Album",
            "type": "album",
            "release_date": "2026-01-09",
            "tracks": [{"isrc": ISRC, "title": "One", "position": 1}],
        }
        self.http(client, "POST", "/releases", release, expect=201)
        self.http(client, "GET", "/releases?label=l")
        self.http(client, "GET", "/consumption/links?label=l", expect=404)  # no report yet
        self.http(client, "PUT", f"/releases/{UPC}", {**release, "title": "Album (deluxe)"})
        self.release = release
        other = {**release, "upc": OTHER_UPC, "tracks": [{"isrc": OTHER_ISRC, "title": "Two", "position": 1}]}
        self.http(client, "POST", "/releases", other, expect=201)
        self.http(client, "DELETE", f"/releases/{OTHER_UPC}", expect=204)
        headers = {"Content-Type": "text/csv", "Authorization": f"Bearer {self.admin}"}
        with self.running("api_handler"):
            posted = client.http.post("/imports?label=l&format=generic", headers=headers, body=REPORT)
        assert posted.status_code == 202, posted.body
        import_id = json.loads(posted.body)["import_id"]
        # a file dropped by the label (the test's own put): S3 notifies the imports queue
        boto3.client("s3", region_name=REGION).put_object(
            Bucket=self.bucket, Key="imports/l/generic/drop.csv", Body=REPORT
        )
        self.consume_imports()
        assert self.http(client, "GET", f"/imports/{import_id}")["status"] == "done"
        assert len(self.http(client, "GET", "/imports?label=l")["imports"]) == 2

    def consume_imports(self) -> None:
        """The imports queue's event source mapping, with invocations of 10 s and chunks of 2 rows:
        an import stops after its first chunk and queues its continuation."""
        from chalicelib.services import consumption

        sqs = boto3.client("sqs", region_name=REGION)
        arn = sqs.get_queue_attributes(QueueUrl=self.imports_url, AttributeNames=["QueueArn"])
        continued = 0
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(consumption, "CHUNK_ROWS", 2)
            while messages := sqs.receive_message(QueueUrl=self.imports_url).get("Messages"):
                event = sqs_event(messages, arn["Attributes"]["QueueArn"], REGION)
                with self.running("import_worker"):
                    outcome = self.app.import_worker(event, LambdaContext("import_worker", 10))
                assert outcome == {"batchItemFailures": []}
                sqs.delete_message(QueueUrl=self.imports_url, ReceiptHandle=messages[0]["ReceiptHandle"])
                continued += '"import_id"' in messages[0]["Body"]
        assert continued >= 2  # the posted import, and its continuation

    def webhooks(self, client: Client) -> None:
        verify = self.secrets["META_VERIFY_TOKEN"]
        handshake = f"/webhooks/meta?hub.mode=subscribe&hub.verify_token={verify}&hub.challenge=1"
        self.send(client, SignedRequest("GET", handshake, b""))
        self.send(client, SignedRequest("GET", "/webhooks/x?crc_token=abc", b""))
        comment = payloads.facebook_comment(POST, AT, text="Quand la tournée ?")
        self.comment_id = str(comment["comment_id"])
        self.send(client, self.senders.meta(payloads.facebook_feed(PAGE, [comment])))
        self.send(client, self.senders.x(payloads.x_likes(ARTIST, TWEET, AT, count=2)))
        stamp = int(self.clock.now().timestamp())  # signed "now" by the functions' clock
        self.send(client, self.senders.tiktok(payloads.tiktok_publish("open-1", "v-1", AT), at=stamp))
        presave = payloads.standard_engagement("presave", "album-1", AT)
        self.send(client, self.senders.standard("demo", presave, at=stamp))
        # over 180 KiB: the body goes to S3 and the message carries its key (claim check)
        # an abuse wave on the Page (the moderation job alerts), and one abusive reply on X (no wave)
        abusive = [payloads.facebook_comment(POST, AT, text="sale p.d") for _ in range(8)]
        self.send(client, self.senders.meta(payloads.facebook_feed(PAGE, abusive)))
        self.send(client, self.senders.x(payloads.x_reply(ARTIST, TWEET, AT, text="sale p.d")))
        large = [payloads.facebook_comment(POST, AT, text="x" * 400) for _ in range(600)]
        body = payloads.facebook_feed(PAGE, large)
        assert len(body) > 180 * 1024
        self.send(client, self.senders.meta(body))

    def websub(self, client: Client) -> None:
        query = (
            f"hub.mode=subscribe&hub.topic={quote(TOPIC, safe='')}&hub.challenge=c&hub.lease_seconds=432000"
        )
        self.send(client, SignedRequest("GET", f"/webhooks/youtube?{query}", b""))
        upload = payloads.youtube_entry(CHANNEL, NEW_VIDEO, AT, AT)
        self.send(client, self.senders.youtube(upload, CHANNEL))

    def consume(self) -> None:
        """What the event source mapping does: receive (not recorded), invoke (recorded), delete."""
        sqs = boto3.client("sqs", region_name=REGION)
        arn = sqs.get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=["QueueArn"])
        while True:
            messages = sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10).get("Messages")
            if not messages:
                return
            event = sqs_event(messages, arn["Attributes"]["QueueArn"], REGION)
            with self.running("ingest_consumer"):
                outcome = self.app.ingest_consumer(event, LambdaContext("ingest_consumer"))
            assert outcome == {"batchItemFailures": []}
            for message in messages:
                sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])

    def pull(self) -> None:
        report = self.job("pull", self.app.pull_job)
        assert report["platforms"]["youtube"]["snapshots"] > 0, report
        if self.pulls == 0:  # the day's radar reading: the watchlists' accounts, one channel gone
            assert report["radar"]["readings"] == 11, report  # 5 artists of l, 6 of m
            assert report["radar"]["marked_gone"] == 1, report
        else:  # later runs of the day find the day's marker and read nothing
            assert report["radar"]["skipped"], report
        self.pulls += 1

    def job(self, name: str, handler: Any) -> Any:
        with self.running(name):
            return handler(scheduled_event(name, self.clock.now()), LambdaContext(name, 300))

    def on_demand(self, client: Client) -> None:
        published = self.http(client, "POST", f"/campaigns/{self.campaign_id}/publish")
        assert published["links"]["json"].startswith("https://")
        self.http(client, "GET", f"/campaigns/{self.campaign_id}/links?expires_in=600")
        assert "calendar.html" in self.http(client, "GET", "/calendar/links?label=l")["html"]
        assert "consumption.csv" in self.http(client, "GET", "/consumption/links?label=l")["csv"]
        # a changed release: the publish job run through the API rewrites the label's report
        self.http(client, "PUT", f"/releases/{UPC}", {**self.release, "title": "Album (remaster)"})
        for job in ("publish", "pull", "renew-subscriptions", "radar", "moderation"):
            self.http(client, "POST", f"/admin/jobs/{job}")
        self.http(client, "DELETE", f"/campaigns/{self.campaign_id}", expect=204)


def _refuse(self: Any, message: Any) -> None:
    from chalicelib.errors import DependencyFailed

    raise DependencyFailed("refused")


def _reset_caches() -> None:
    from chalicelib import wiring
    from chalicelib.aws import get_clients
    from chalicelib.settings import get_settings

    for clear in (get_settings.cache_clear, get_clients.cache_clear, wiring.reset):
        clear()


@pytest.fixture(scope="module")
def recording() -> CallRecorder:
    """Run the scenario once for the module: the calls each function made (in local-stage names)
    and the lines of chalicelib/ that made them."""
    from chalicelib import wiring

    recorder = CallRecorder()
    clock = Clock()
    with pytest.MonkeyPatch.context() as patch:
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
            patch.delenv(name, raising=False)
        for name, value in {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
        }.items():
            patch.setenv(name, value)
        _reset_caches()
        server = PlatformServer().start()
        try:
            with mock_aws():
                outputs, secrets, environment = in_process(REGION)
                store_secrets(
                    boto3.client("ssm", region_name=REGION),
                    "local",
                    {"YOUTUBE_API_KEY": "k", "META_ACCESS_TOKEN": "m"},
                )
                for name, value in {
                    **environment,
                    "META_GRAPH_BASE": f"{server.base_url}/graph",
                    "YOUTUBE_API_BASE": f"{server.base_url}/youtube/v3",
                    "WEBSUB_HUB_URL": f"{server.base_url}/subscribe",
                    "DEEZER_API_BASE": server.base_url,
                }.items():
                    patch.setenv(name, value)
                _youtube_and_hub(server)
                server.handle_prefix("/graph/", lambda _request: Reply(200, {}, {"success": True}))
                patch.setattr(wiring, "utc_now", clock.now)
                recorder.install(patch)
                scenario = Scenario(recorder, clock, secrets, outputs)
                with front_doors(scenario.app.app) as client:
                    scenario.run(client)
        finally:
            server.stop()
            _reset_caches()
    return recorder


@pytest.fixture
def recorded(recording: CallRecorder) -> dict[str, set[Call]]:
    return dict(recording.calls)


def _youtube_and_hub(server: PlatformServer) -> None:
    video = {"viewCount": "1200", "likeCount": "80", "commentCount": "7"}
    channel = {"subscriberCount": "5000", "viewCount": "990000", "hiddenSubscriberCount": False}
    videos = {"items": [{"id": VIDEO, "statistics": video}]}
    channels = {"items": [{"id": CHANNEL, "statistics": channel}]}
    server.handle("/youtube/v3/videos", lambda _request: Reply(200, {}, videos))
    server.handle("/youtube/v3/channels", lambda _request: Reply(200, {}, channels))
    server.handle("/subscribe", lambda _request: Reply(202, {}, None))
    for artist in range(900, 906):  # the watchlists' Deezer artists
        server.handle(f"/artist/{artist}", lambda _request: Reply(200, {}, {"id": 1, "nb_fan": 1500}))


# The judgements --------------------------------------------------------------------------------------


@pytest.mark.parametrize("function", FUNCTIONS)
def test_every_call_a_function_makes_is_granted_to_its_role(
    function: str, recorded: dict[str, set[Call]], resources: dict[str, Any]
) -> None:
    # Given the calls the function's code made through the scenario, named as in the prod stage
    grants = role_grants(resources, FUNCTIONS[function])
    calls = {for_stage(call, "prod") for call in recorded[function]}
    assert calls, f"the scenario never ran {function}"
    # Then its packaged role allows each of them (and what Lambda does with the role)
    calls |= {for_stage(call, "prod") for call in runtime_calls(function)}
    denied = [call for call in sorted(calls) if not any(grant.allows(call) for grant in grants)]
    assert denied == [], "\n".join(map(str, denied))


@pytest.mark.parametrize("function", FUNCTIONS)
def test_no_function_is_granted_an_action_it_never_uses(
    function: str, recorded: dict[str, set[Call]], resources: dict[str, Any]
) -> None:
    # Given everything the function did, and what Lambda does with its role
    used = {for_stage(call, "prod") for call in [*recorded[function], *runtime_calls(function)]}
    # Then every action of every statement of its role is used on that statement's resources
    unused = [
        (grant.sid, action)
        for grant in role_grants(resources, FUNCTIONS[function])
        for action in grant.actions
        if not any(Grant(grant.sid, (action,), grant.resources).allows(call) for call in used)
    ]
    assert unused == []


def _client_operations(service: str) -> dict[str, str]:
    """snake_case method -> API operation of a botocore client (no request is made)."""
    client = boto3.client(service, region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
    return dict(client.meta.method_to_api_mapping)


def test_the_scenario_makes_every_aws_call_the_code_contains(recording: CallRecorder) -> None:
    # Given every call in chalicelib/ of a DynamoDB, S3, SQS or SSM client method (a presigned URL
    # included), found in the source
    methods = set().union(*(_client_operations(s) for s in ("dynamodb", "s3", "sqs", "ssm")))
    in_code: set[tuple[str, int]] = set()
    for path in (ROOT / "chalicelib").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            called = (
                node.func.attr if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) else ""
            )
            if called in methods or called == "generate_presigned_url":
                in_code.add((str(path.relative_to(ROOT)), node.lineno))
    assert len(in_code) >= 20, sorted(in_code)  # the scan does find the adapters' calls
    # Then the scenario made each of them (so the grants above were judged on all of them)
    missing = sorted(in_code - recording.sites)
    assert missing == [], f"extend the scenario to reach these calls: {missing}"


def test_the_scenario_runs_every_function(recorded: dict[str, set[Call]]) -> None:
    # Then no function is judged on nothing (a scenario that stopped early would pass the above)
    assert set(recorded) == set(FUNCTIONS)
