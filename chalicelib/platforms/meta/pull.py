"""Facebook's and Instagram's pulls as the job calls them: one Graph client, two sets of reads."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.platforms.capabilities import PullContext, PullFunction
from chalicelib.platforms.meta.graph import MetaGraph
from chalicelib.pulls.pullers import content_and_accounts
from chalicelib.pulls.snapshots import PullResult


def _graph(context: PullContext) -> MetaGraph:
    (access_token,) = context.credentials("META_ACCESS_TOKEN")
    return MetaGraph(context.http, context.settings.endpoints.meta_graph_base, access_token)


def facebook_puller(context: PullContext) -> PullFunction:
    graph = _graph(context)

    def pull(items: Any, now: datetime, progress: dict[str, Any]) -> PullResult:
        return content_and_accounts(items, now, progress, graph.facebook_posts, graph.facebook_pages)

    return pull


def instagram_puller(context: PullContext) -> PullFunction:
    graph = _graph(context)

    def pull(items: Any, now: datetime, progress: dict[str, Any]) -> PullResult:
        return content_and_accounts(items, now, progress, graph.instagram_media, graph.instagram_accounts)

    return pull
