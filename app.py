"""Wiring only: routes, queue consumers and schedules. Each handler parses, calls one service, maps."""

from __future__ import annotations

import logging
from typing import Any

from chalice.app import Chalice, CloudWatchEvent, Response, SQSEvent

from chalicelib import function_url, observability, web, wiring
from chalicelib.services import health as health_service
from chalicelib.services.ingest import QueuedMessage

app = Chalice(app_name="engagement-tracker", configure_logs=False)
# Chalice's logger would share its name with the Powertools logger and set it to ERROR, silencing
# every structured line; as a child it logs through the Powertools JSON handler instead.
app.log = logging.getLogger(f"{observability.SERVICE_NAME}.chalice")
# Never Chalice's debug mode, even locally: it answers an unexpected error with a plain-text stack
# trace, where the contract wants its JSON error body (the log line keeps the trace).
app.debug = False
observability.register(app)
app.register_middleware(web.contract_error_shape, "http")


@app.route("/health", methods=["GET"])
@web.handles_domain_errors
def health() -> dict[str, Any]:
    return health_service.status()


# Webhooks (contract section 2): a function of their own behind a Lambda Function URL (payload 2.0),
# routed by chalicelib.function_url, not by Chalice and not through API Gateway (docs/decisions.md).
@app.lambda_function(name="webhooks")
def webhooks(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return function_url.handle(event, wiring.webhook_receiver)


# Management API (contract section 4): bearer tokens, campaigns. -------------------------------------


@app.route("/admin/tokens", methods=["POST"])
@web.handles_domain_errors
def create_token() -> Response:
    request = app.current_request
    issued = wiring.access_service().create_token(web.bearer_token(request), web.raw_body(request))
    return web.created({"token_id": issued.token_id, "token": issued.token})


@app.route("/admin/tokens/{token_id}", methods=["DELETE"])
@web.handles_domain_errors
def revoke_token(token_id: str) -> Response:
    wiring.access_service().revoke(web.bearer_token(app.current_request), token_id)
    return web.no_content()


@app.route("/campaigns", methods=["POST"])
@web.handles_domain_errors
def create_campaign() -> Response:
    request = app.current_request
    strict = web.flag(request, "strict") or False
    saved = wiring.campaign_service().create(web.bearer_token(request), web.raw_body(request), strict=strict)
    return web.created({"campaign": saved.campaign.public(), "warnings": saved.warnings})


@app.route("/campaigns", methods=["GET"])
@web.handles_domain_errors
def list_campaigns() -> dict[str, Any]:
    request = app.current_request
    campaigns = wiring.campaign_service().list_campaigns(
        web.bearer_token(request),
        label=web.query_param(request, "label"),
        active=web.flag(request, "active"),
        archived=web.flag(request, "archived") or False,
    )
    return {"campaigns": [campaign.public() for campaign in campaigns]}


@app.route("/campaigns/{campaign_id}", methods=["GET"])
@web.handles_domain_errors
def get_campaign(campaign_id: str) -> dict[str, Any]:
    return wiring.campaign_service().get(web.bearer_token(app.current_request), campaign_id).public()


@app.route("/campaigns/{campaign_id}", methods=["PUT"])
@web.handles_domain_errors
def replace_campaign(campaign_id: str) -> dict[str, Any]:
    request = app.current_request
    saved = wiring.campaign_service().replace(
        web.bearer_token(request),
        campaign_id,
        web.raw_body(request),
        strict=web.flag(request, "strict") or False,
    )
    return {"campaign": saved.campaign.public(), "warnings": saved.warnings}


@app.route("/campaigns/{campaign_id}", methods=["DELETE"])
@web.handles_domain_errors
def archive_campaign(campaign_id: str) -> Response:
    wiring.campaign_service().archive(web.bearer_token(app.current_request), campaign_id)
    return web.no_content()


# Artists and label ownership (contract section 8). ------------------------------------------------


@app.route("/artists", methods=["POST"])
@web.handles_domain_errors
def register_artist() -> Response:
    request = app.current_request
    saved = wiring.artist_service().register(web.bearer_token(request), web.raw_body(request))
    return web.created({"artist": saved.artist.public(), "warnings": saved.warnings})


@app.route("/artists", methods=["GET"])
@web.handles_domain_errors
def list_artists() -> dict[str, Any]:
    request = app.current_request
    artists = wiring.artist_service().list_artists(
        web.bearer_token(request),
        label=web.query_param(request, "label"),
        archived=web.flag(request, "archived") or False,
    )
    return {"artists": [artist.public() for artist in artists]}


@app.route("/artists/{artist_id}", methods=["GET"])
@web.handles_domain_errors
def get_artist(artist_id: str) -> dict[str, Any]:
    return wiring.artist_service().get(web.bearer_token(app.current_request), artist_id).public()


@app.route("/artists/{artist_id}", methods=["PUT"])
@web.handles_domain_errors
def replace_artist(artist_id: str) -> dict[str, Any]:
    request = app.current_request
    saved = wiring.artist_service().replace(web.bearer_token(request), artist_id, web.raw_body(request))
    return {"artist": saved.artist.public(), "warnings": saved.warnings}


@app.route("/artists/{artist_id}", methods=["DELETE"])
@web.handles_domain_errors
def archive_artist(artist_id: str) -> Response:
    wiring.artist_service().archive(web.bearer_token(app.current_request), artist_id)
    return web.no_content()


# Summaries (contract section 6) and jobs. --------------------------------------------------------


@app.route("/campaigns/{campaign_id}/publish", methods=["POST"])
@web.handles_domain_errors
def publish_campaign(campaign_id: str) -> dict[str, Any]:
    return wiring.summary_service().publish(web.bearer_token(app.current_request), campaign_id)


@app.route("/campaigns/{campaign_id}/links", methods=["GET"])
@web.handles_domain_errors
def campaign_links(campaign_id: str) -> dict[str, Any]:
    request = app.current_request
    expires_in = web.query_param(request, "expires_in")
    return wiring.summary_service().links(web.bearer_token(request), campaign_id, expires_in)


@app.route("/admin/jobs/{job}", methods=["POST"])
@web.handles_domain_errors
def run_job(job: str) -> dict[str, Any]:
    bearer = web.bearer_token(app.current_request)
    return wiring.summary_service().run_job(bearer, job, web.seconds_left(app.lambda_context))


# The group calendar (contract section 9). ----------------------------------------------------------


@app.route("/calendar", methods=["GET"])
@web.handles_domain_errors
def calendar() -> dict[str, Any]:
    request = app.current_request
    return wiring.calendar_service().calendar(
        web.bearer_token(request),
        web.query_param(request, "from"),
        web.query_param(request, "to"),
        web.query_param(request, "label"),
    )


@app.route("/calendar/links", methods=["GET"])
@web.handles_domain_errors
def calendar_links() -> dict[str, Any]:
    request = app.current_request
    label, expires_in = web.query_param(request, "label"), web.query_param(request, "expires_in")
    return wiring.calendar_service().links(web.bearer_token(request), label, expires_in)


@app.route("/calendar/feeds", methods=["POST"])
@web.handles_domain_errors
def create_feed() -> Response:
    request = app.current_request
    return web.created(
        wiring.calendar_service().create_feed(web.bearer_token(request), web.raw_body(request))
    )


@app.route("/calendar/feeds/{feed_id}", methods=["DELETE"])
@web.handles_domain_errors
def revoke_feed(feed_id: str) -> Response:
    wiring.calendar_service().revoke_feed(web.bearer_token(app.current_request), feed_id)
    return web.no_content()


@app.route("/feeds/{secret}/calendar.ics", methods=["GET"])
@web.handles_domain_errors
def calendar_feed(secret: str) -> Response:
    # No bearer: the path is the capability. Never log it.
    answer = wiring.calendar_service().feed(secret, web.header(app.current_request, "If-None-Match"))
    return web.calendar_response(answer.status, answer.etag, answer.body)


# The talent radar (contract section 13) and alerts (sections 11 and 13). -------------------------------


@app.route("/radar/artists", methods=["POST"])
@web.handles_domain_errors
def watch_artist() -> Response:
    request = app.current_request
    return web.created(
        wiring.radar_service().watch(web.bearer_token(request), web.raw_body(request)).public()
    )


@app.route("/radar/artists", methods=["GET"])
@web.handles_domain_errors
def list_watched_artists() -> dict[str, Any]:
    request = app.current_request
    watched = wiring.radar_service().list_watched(
        web.bearer_token(request), web.query_param(request, "label")
    )
    return {"artists": [artist.public() for artist in watched]}


@app.route("/radar/artists/{radar_id}", methods=["DELETE"])
@web.handles_domain_errors
def unwatch_artist(radar_id: str) -> Response:
    wiring.radar_service().unwatch(web.bearer_token(app.current_request), radar_id)
    return web.no_content()


@app.route("/radar/readings", methods=["POST"])
@web.handles_domain_errors
def backfill_readings() -> dict[str, int]:
    request = app.current_request
    return wiring.radar_service().backfill(web.bearer_token(request), web.raw_body(request))


@app.route("/radar/links", methods=["GET"])
@web.handles_domain_errors
def radar_links() -> dict[str, Any]:
    request = app.current_request
    label, expires_in = web.query_param(request, "label"), web.query_param(request, "expires_in")
    return wiring.radar_service().links(web.bearer_token(request), label, expires_in)


@app.route("/alerts", methods=["GET"])
@web.handles_domain_errors
def list_alerts() -> dict[str, Any]:
    request = app.current_request
    alerts = wiring.alert_service().list_alerts(
        web.bearer_token(request), web.query_param(request, "label"), web.query_param(request, "since")
    )
    return {"alerts": alerts}


# Consumption (contract section 12): the catalogue and imports of reports. ----------------------------


@app.route("/releases", methods=["POST"])
@web.handles_domain_errors
def register_release() -> Response:
    request = app.current_request
    release = wiring.catalogue_service().register(web.bearer_token(request), web.raw_body(request))
    return web.created({"release": release.public()})


@app.route("/releases", methods=["GET"])
@web.handles_domain_errors
def list_releases() -> dict[str, Any]:
    request = app.current_request
    releases = wiring.catalogue_service().list_releases(
        web.bearer_token(request),
        label=web.query_param(request, "label"),
        artist_id=web.query_param(request, "artist_id"),
    )
    return {"releases": [release.public() for release in releases]}


@app.route("/releases/{upc}", methods=["PUT"])
@web.handles_domain_errors
def replace_release(upc: str) -> dict[str, Any]:
    request = app.current_request
    release = wiring.catalogue_service().replace(web.bearer_token(request), upc, web.raw_body(request))
    return {"release": release.public()}


@app.route("/releases/{upc}", methods=["DELETE"])
@web.handles_domain_errors
def remove_release(upc: str) -> Response:
    wiring.catalogue_service().remove(web.bearer_token(app.current_request), upc)
    return web.no_content()


# Reports take any content type at the gateway: the service answers 413 (pointing to the S3 drop) and
# 415 in the contract's error shape.
@app.route("/imports", methods=["POST"], content_types=["*/*"])
@web.handles_domain_errors
def submit_import() -> Response:
    request = app.current_request
    import_id = wiring.import_service().submit(
        web.bearer_token(request),
        web.query_param(request, "label"),
        web.query_param(request, "format"),
        web.header(request, "Content-Type"),
        web.raw_body(request),
    )
    return web.accepted({"import_id": import_id})


@app.route("/imports", methods=["GET"])
@web.handles_domain_errors
def list_imports() -> dict[str, Any]:
    request = app.current_request
    label = web.query_param(request, "label")
    return {"imports": wiring.import_service().list_imports(web.bearer_token(request), label)}


@app.route("/imports/{import_id}", methods=["GET"])
@web.handles_domain_errors
def get_import(import_id: str) -> dict[str, Any]:
    return wiring.import_service().get(web.bearer_token(app.current_request), import_id)


@app.route("/consumption/links", methods=["GET"])
@web.handles_domain_errors
def consumption_links() -> dict[str, Any]:
    request = app.current_request
    return wiring.consumption_report_service().links(
        web.bearer_token(request), web.query_param(request, "label"), web.query_param(request, "expires_in")
    )


# Moderation actions (contract section 11). -------------------------------------------------------


@app.route("/moderation/{platform}/comments/{comment_id}/hide", methods=["POST"])
@web.handles_domain_errors
def hide_comment(platform: str, comment_id: str) -> Response:
    request = app.current_request
    done = wiring.moderation_service().act(web.bearer_token(request), platform, comment_id, "hide")
    return web.accepted({"action": done.public()})


@app.route("/moderation/{platform}/comments/{comment_id}/unhide", methods=["POST"])
@web.handles_domain_errors
def unhide_comment(platform: str, comment_id: str) -> Response:
    request = app.current_request
    done = wiring.moderation_service().act(web.bearer_token(request), platform, comment_id, "unhide")
    return web.accepted({"action": done.public()})


@app.route("/moderation/links", methods=["GET"])
@web.handles_domain_errors
def moderation_links() -> dict[str, Any]:
    request = app.current_request
    label, day = web.query_param(request, "label"), web.query_param(request, "day")
    expires_in = web.query_param(request, "expires_in")
    return wiring.moderation_report_service().links(web.bearer_token(request), label, day, expires_in)


@app.route("/labels/{label}/moderation-policy", methods=["PUT"])
@web.handles_domain_errors
def set_moderation_policy(label: str) -> dict[str, Any]:
    request = app.current_request
    return (
        wiring.moderation_service()
        .set_policy(web.bearer_token(request), label, web.raw_body(request))
        .public()
    )


@app.route("/labels/{label}/moderation-policy", methods=["GET"])
@web.handles_domain_errors
def get_moderation_policy(label: str) -> dict[str, Any]:
    return wiring.moderation_service().policy(web.bearer_token(app.current_request), label).public()


@app.route("/moderation/actions", methods=["GET"])
@web.handles_domain_errors
def list_moderation_actions() -> dict[str, Any]:
    request = app.current_request
    actions = wiring.moderation_service().list_actions(
        web.bearer_token(request), web.query_param(request, "label"), web.query_param(request, "limit")
    )
    return {"actions": [action.public() for action in actions]}


@app.schedule("rate(15 minutes)", name="publish")
def publish_job(event: CloudWatchEvent) -> dict[str, Any]:
    return wiring.publishing_service().publish_due()


@app.schedule("rate(1 hour)", name="pull")
def pull_job(event: CloudWatchEvent) -> dict[str, Any]:
    # The campaigns' pulls, then the watched accounts' daily reading (contract sections 7 and 13).
    return wiring.pull_job(web.seconds_left(event.context)).run()


@app.schedule("rate(12 hours)", name="renew-subscriptions")
def renew_subscriptions_job(event: CloudWatchEvent) -> dict[str, Any]:
    return wiring.subscription_service().run()


@app.schedule("rate(1 day)", name="radar")
def radar_job(event: CloudWatchEvent) -> dict[str, Any]:
    return wiring.radar_service().run()


@app.schedule("rate(1 hour)", name="moderation")
def moderation_job(event: CloudWatchEvent) -> dict[str, Any]:
    return wiring.wave_service().run()


# The ARN is a placeholder: infra/template.json replaces it with the stack's IngestQueue by
# reference (Chalice's merge would otherwise combine its Fn::Sub with our Fn::GetAtt).
INGEST_QUEUE_PLACEHOLDER_ARN = "arn:aws:sqs:us-east-1:000000000000:ingest"


@app.on_sqs_message(
    queue_arn=INGEST_QUEUE_PLACEHOLDER_ARN, batch_size=100, maximum_batching_window_in_seconds=5
)
def ingest_consumer(event: SQSEvent) -> dict[str, list[dict[str, str]]]:
    messages = [QueuedMessage(record.to_dict()["messageId"], record.body) for record in event]
    outcome = wiring.ingest_service().process(messages)
    return {"batchItemFailures": [{"itemIdentifier": i} for i in outcome.failed_message_ids]}


# The ARN is a placeholder, replaced by infra/template.json with the stack's ImportsQueue (as above).
IMPORTS_QUEUE_PLACEHOLDER_ARN = "arn:aws:sqs:us-east-1:000000000000:imports"


# One message per invocation: an import may use the whole invocation (it re-queues itself when time
# runs short); the template reserves one concurrent execution so that imports never race on a ledger.
@app.on_sqs_message(queue_arn=IMPORTS_QUEUE_PLACEHOLDER_ARN, batch_size=1)
def import_worker(event: SQSEvent) -> dict[str, list[dict[str, str]]]:
    seconds_left = web.seconds_left(event.context)
    failed = [
        record.to_dict()["messageId"]
        for record in event
        if not wiring.import_service().handle_message(record.body, seconds_left)
    ]
    return {"batchItemFailures": [{"itemIdentifier": i} for i in failed]}
