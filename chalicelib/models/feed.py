"""The body of `POST /calendar/feeds`: a name and the labels the feed shows."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from chalicelib.models.campaign import Artist, Slug
from chalicelib.models.token import MAX_LABELS, _distinct


class FeedRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Artist  # free text, 1 to 100 characters
    labels: Annotated[list[Slug], Field(min_length=1, max_length=MAX_LABELS), AfterValidator(_distinct)]
