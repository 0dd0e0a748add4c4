"""Wiring only: routes, queue consumers and schedules. Each handler parses, calls one service, maps."""

from __future__ import annotations

import os
from typing import Any

from chalice.app import Chalice

from chalicelib import observability, web
from chalicelib.services import health as health_service

app = Chalice(app_name="engagement-tracker")
# Debug answers carry stack traces: only ever on the local stack.
app.debug = os.environ.get("STAGE") == "local"
observability.register(app)
app.register_middleware(web.contract_error_shape, "http")


@app.route("/health", methods=["GET"])
@web.handles_domain_errors
def health() -> dict[str, Any]:
    return health_service.status()
