"""Publishing summaries (contract sections 6 and 10), in modules that each do one thing:

- `ports`: what publishing needs of the stores and of a campaign (Protocols);
- `reads`: independent reads made a few at a time;
- `refresh`: recomputing the rollups of the buckets that changed;
- `tally`: a campaign's event counts in a window, from rollups;
- `counters`: its counters, pull freshness and counter series, from snapshots;
- `links`: presigned links to a run and the `expires_in` they take;
- `service`: what to publish and when, putting the pieces together.
"""

from chalicelib.services.publishing.links import parse_expires_in
from chalicelib.services.publishing.reads import READ_CONCURRENCY
from chalicelib.services.publishing.service import PublishingService, render_json

__all__ = ["READ_CONCURRENCY", "PublishingService", "parse_expires_in", "render_json"]
