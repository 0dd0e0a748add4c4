"""The body of `POST /admin/tokens`."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from chalicelib.domain.access import Role
from chalicelib.models.campaign import Artist, Slug

MAX_LABELS = 100


def _distinct(labels: list[str]) -> list[str]:
    for index, label in enumerate(labels):
        if label in labels[:index]:
            raise PydanticCustomError("duplicate", "Duplicate label {label}.", {"label": label, "at": index})
    return labels


class TokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Artist  # free text, 1 to 100 characters
    role: Role
    labels: Annotated[list[Slug], Field(max_length=MAX_LABELS), AfterValidator(_distinct)] = Field(
        default_factory=list
    )

    @model_validator(mode="after")
    def _scoped(self) -> TokenRequest:
        if self.role != "admin" and not self.labels:
            raise PydanticCustomError(
                "no_labels",
                "An editor, viewer or moderator token needs at least one label.",
                {"at": "labels"},
            )
        return self
