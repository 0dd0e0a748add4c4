"""summary.json (`schema_version` 1, contract sections 6 and 10) as a pydantic model.

The summary is what the tracker publishes: leads read it through its JSON, CSV and HTML, and scripts
read the JSON. The model is the one definition of that shape. `summary.model_dump(mode="json")` is
exactly the published JSON (every time ISO 8601 with its offset, a zero offset written `Z`), and
`docs/summary.schema.json` is generated from it (`make schema`; `summary_json_schema()` below), so the
document cannot drift from what is written. Rules the types alone do not say (an unavailable counter
has all four figures null; a null rate has its reason) are validators here and `if`/`then` clauses in
the generated schema, side by side.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    WithJsonSchema,
    model_validator,
)
from pydantic.config import JsonDict
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from chalicelib.domain.attention import AttentionCode, Severity
from chalicelib.domain.events import KIND_ORDER, KINDS, PLATFORM_ORDER
from chalicelib.domain.moderation.lexicon import CATEGORIES

SCHEMA_VERSION: Literal[1] = 1
SCHEMA_ID = "urn:engagement-tracker:summary:v1"

TIME_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"
STANDARD_SOURCE = r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}"
PLATFORM_PATTERN = rf"^({'|'.join(PLATFORM_ORDER)}|standard:{STANDARD_SOURCE})$"
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"

# Definitions the generated schema shares by reference (pydantic defines only models there).
SHARED_DEFS: dict[str, Any] = {
    "time": {"type": "string", "format": "date-time", "pattern": TIME_PATTERN},
    "platform": {"type": "string", "pattern": PLATFORM_PATTERN},
    "kind": {"enum": list(KIND_ORDER)},
    "category": {"enum": list(CATEGORIES)},
}

_PLATFORM = re.compile(PLATFORM_PATTERN)


# Pydantic resolves every `$ref` it meets, so a shared definition is marked here and made a `$ref` once
# the schema is generated.
_SHARED = "x-shared"


def _ref(name: str) -> WithJsonSchema:
    return WithJsonSchema({_SHARED: name})


def _platform(value: str) -> str:
    if not _PLATFORM.fullmatch(value):
        raise ValueError(f"Not a platform of the contract: {value!r}.")
    return value


def _kind(value: str) -> str:
    if value not in KINDS:
        raise ValueError(f"Not a kind of the contract: {value!r}.")
    return value


def _category(value: str) -> str:
    if value not in CATEGORIES:
        raise ValueError(f"Not a moderation category of the contract: {value!r}.")
    return value


def _day(value: str) -> str:
    if not re.fullmatch(DATE_PATTERN, value):
        raise ValueError("Must be YYYY-MM-DD.")
    date.fromisoformat(value)
    return value


def _absent_when_none(value: object) -> bool:
    return value is None


# A time the summary computed: serialised with its own offset, `Z` for a zero one, which is what
# `chalicelib.domain.times.iso` writes and what pydantic's own serializer writes natively (a test keeps
# them equal); a Python serializer here cost 2.6 us for each of a year-long summary's 48,000 times.
Time = Annotated[AwareDatetime, _ref("time")]
# A campaign's own time, serialised as the campaign API serialises it.
CampaignTime = Annotated[AwareDatetime, _ref("time")]
Platform = Annotated[str, AfterValidator(_platform), _ref("platform")]
Kind = Annotated[str, AfterValidator(_kind), _ref("kind")]
Category = Annotated[str, AfterValidator(_category), _ref("category")]
Text = Annotated[str, Field(min_length=1)]
# JSON numbers: an integer stays an integer (a bool is neither).
Number = Annotated[StrictInt | StrictFloat, WithJsonSchema({"type": "number"})]
Count = StrictInt
Day = Annotated[
    str, AfterValidator(_day), WithJsonSchema({"type": "string", "format": "date", "pattern": DATE_PATTERN})
]


def _keys(name: str) -> dict[str, Any]:
    """The `propertyNames` of a map whose keys are platforms or kinds (pydantic does not emit them)."""
    return {"propertyNames": {_SHARED: name}}


class _Part(BaseModel):
    """Every part of a summary: unknown fields are refused, `from` and `to` are written as such."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        serialize_by_alias=True,
        validate_by_name=True,
        validate_by_alias=True,
        json_schema_serialization_defaults_required=True,
    )


# The campaign -------------------------------------------------------------------------------------


class TrackedItem(_Part):
    accounts: list[str] = Field(default_factory=list)
    content: list[str] = Field(default_factory=list)

    model_config = ConfigDict(json_schema_extra={"required": []})


class SummaryCampaign(_Part):
    """The campaign's fields a summary shows (not its bookkeeping)."""

    campaign_id: Text
    name: Text
    label: Text
    artist: Text
    starts_at: CampaignTime
    ends_at: CampaignTime
    timezone: Text
    tracked: Annotated[dict[Platform, TrackedItem], Field(json_schema_extra=_keys("platform"))]
    archived: StrictBool


class Window(_Part):
    from_: Time = Field(alias="from")
    to: Time


# Per platform ---------------------------------------------------------------------------------------

_UNAVAILABLE_MEANS_NULL: JsonDict = {
    "if": {"required": ["unavailable"]},
    "then": {
        "properties": {name: {"type": "null"} for name in ("first", "last", "delta", "as_of")},
    },
}


class Counter(_Part):
    """A counter over the campaign's items in the window: first and last readings summed (popularity
    averaged), delta = last - first, as_of the newest reading's time. When no item gave a value (the
    platform refused), first, last, delta and as_of are all null and unavailable says why."""

    model_config = ConfigDict(json_schema_extra=_UNAVAILABLE_MEANS_NULL)

    first: Number | None
    last: Number | None
    delta: Number | None
    as_of: Time | None
    unavailable: Annotated[str | None, WithJsonSchema({"type": "string", "minLength": 1})] = Field(
        default=None, exclude_if=_absent_when_none
    )

    @model_validator(mode="after")
    def _unavailable_means_null(self) -> Counter:
        if self.unavailable is not None:
            if not self.unavailable:
                raise ValueError("unavailable must say why.")
            if (self.first, self.last, self.delta, self.as_of) != (None, None, None, None):
                raise ValueError("An unavailable counter has first, last, delta and as_of null.")
        return self


class Freshness(_Part):
    """How current the platform's figures are for this campaign's items (contract section 6)."""

    last_event_at: Time | None = Field(
        description="The newest event attributed to the campaign on this platform."
    )
    last_pull_at: Time | None = Field(
        description="The latest pull that reached the platform (got any answer from it); null when "
        "none did, e.g. without credentials."
    )
    last_error: str | None = Field(
        description="Null, or the sentence naming the latest failure newer than the latest good reading "
        "of the campaign's items: the HTTP status or the platform's own error, a refusal, a spent "
        "budget, a rate limit, a timeout, an unreachable platform, or exactly 'no credentials "
        "configured (<VARIABLE>)'. Cleared by a pull that reads them well."
    )


class PlatformSummary(_Part):
    """One platform's figures: net events per kind (a kind with no events may be absent), counters
    per metric, freshness."""

    events: Annotated[dict[Kind, Count], Field(json_schema_extra=_keys("kind"))]
    counters: Annotated[dict[Text, Counter], Field(json_schema_extra={"propertyNames": {"minLength": 1}})]
    freshness: Freshness


# Figures over every platform ------------------------------------------------------------------------


class Totals(_Part):
    events: Count
    engagement_units: Number


class Weights(_Part):
    """The versioned, dated weight table engagement units were computed with."""

    version: Text
    effective_from: Day
    source: Text
    kinds: Annotated[dict[Kind, Number], Field(json_schema_extra=_keys("kind"))]


class ExcludedPlatform(_Part):
    """A platform left out of the engagement rate, and why (it has no known follower count)."""

    platform: Platform
    reason: Text


_RATE_HAS_ITS_PARTS: JsonDict = {
    "if": {"properties": {"value": {"type": "number"}}},
    "then": {
        "properties": {
            "denominator": {"type": "string", "minLength": 1},
            "denominator_value": {"type": "number"},
        }
    },
    "else": {"properties": {"reason": {"type": "string", "minLength": 1}}},
}


class EngagementRate(_Part):
    """Engagement units per follower, numerator and denominator over the same platforms: those with a
    known follower count (`platforms`); the others are listed in `excluded` with why. `value` is null,
    with its `reason`, when no follower count is known. `numerator`, `denominator` and
    `denominator_value` (= `followers`, null when none is known) name the same figures as before."""

    model_config = ConfigDict(json_schema_extra=_RATE_HAS_ITS_PARTS)

    value: Number | None
    units: Annotated[Number, Field(description="The engagement units of `platforms` only.")]
    followers: Annotated[Number, Field(description="The latest follower counts of `platforms`, summed.")]
    platforms: list[Platform]
    excluded: list[ExcludedPlatform]
    numerator: Literal["engagement_units"]
    denominator: str | None
    denominator_value: Number | None
    reason: str | None

    @model_validator(mode="after")
    def _has_its_parts(self) -> EngagementRate:
        if self.value is not None and (not self.denominator or self.denominator_value is None):
            raise ValueError("A rate names its denominator and its value.")
        if self.value is None and not self.reason:
            raise ValueError("A null rate says why.")
        return self


class SeriesPoint(_Part):
    start: Time
    events: Annotated[dict[Platform, Count], Field(json_schema_extra=_keys("platform"))]


class CounterPoint(_Part):
    at: Time
    value: Number


class CounterSeries(_Part):
    platform: Platform
    metric: Text
    points: list[CounterPoint]


class Series(_Part):
    """Net events per local hour (windows up to 7 days) or local day, in the campaign's time zone,
    DST included; and each counter's daily points."""

    granularity: Literal["hour", "day"]
    timezone: Text
    points: list[SeriesPoint]
    counters: list[CounterSeries]


class TopContent(_Part):
    """A content by net events in the window; its title and link when known (null otherwise)."""

    platform: Platform
    content_id: Text
    events: Count
    url: str | None
    title: str | None


class Shared(_Part):
    platform: Platform
    type: Literal["account", "content"]
    id: Text


class Collision(_Part):
    """Another campaign of the label whose window overlaps and that tracks some of the same accounts
    or content (contract section 5): `from` and `to` are the overlap."""

    campaign_id: Text
    name: str
    from_: Time = Field(alias="from")
    to: Time
    shared: list[Shared]


class PushClash(_Part):
    """A push of this campaign less than PUSH_SPACING_HOURS from a push of another campaign (any
    label) on a shared platform (contract section 9). The other push's campaign_id and title only when
    it is of the same label."""

    type: Literal["push_clash"]
    push_id: Text
    label: Text
    at: Time
    platforms: Annotated[list[Platform], Field(min_length=1)]
    hours_apart: Annotated[Number, Field(ge=0), WithJsonSchema({"type": "number", "minimum": 0})]
    campaign_id: Annotated[str | None, WithJsonSchema({"type": "string", "minLength": 1})] = Field(
        default=None, exclude_if=_absent_when_none
    )
    title: Annotated[str | None, WithJsonSchema({"type": "string"})] = Field(
        default=None, exclude_if=_absent_when_none
    )


class Attention(_Part):
    """Something a lead should look at (chalicelib.domain.attention says when each code is raised):
    `abuse_wave` high; `source_refused`, `no_credentials`, `source_stale`, `spike` medium;
    `budget_spent`, `collision`, `push_clash` low."""

    severity: Severity
    code: AttentionCode
    platform: Annotated[Platform | None, _ref("platform")] = Field(default=None, exclude_if=_absent_when_none)
    message: Text


class ComparedPlatform(_Part):
    events: Annotated[dict[Kind, Count], Field(json_schema_extra=_keys("kind"))]


class Change(_Part):
    """Percent change of each total against the previous window; null when the previous figure is 0."""

    events: Number | None
    engagement_units: Number | None


class Comparison(_Part):
    """The window of equal length (in hours) just before `window.from`, counted from the same rollups:
    its net events per platform and kind, its totals, and the change of this window's totals."""

    window: Window
    platforms: Annotated[dict[Platform, ComparedPlatform], Field(json_schema_extra=_keys("platform"))]
    totals: Totals
    change: Change


# Consumption (contract section 12) --------------------------------------------------------------------


class Certification(_Part):
    """A release's SNEP certification: the level its units reach since its release (up to the window's
    end) and the progress to the next; an album or EP counts album units, a single stream equivalents."""

    scheme: Literal["snep"]
    unit: Literal["album_units", "stream_equivalents"]
    units: Annotated[Number, Field(ge=0)]
    level: Annotated[str | None, WithJsonSchema({"type": ["string", "null"]})]
    next_level: Annotated[str | None, WithJsonSchema({"type": ["string", "null"]})]
    next_units: Annotated[int | None, WithJsonSchema({"type": ["integer", "null"]})]
    progress: Annotated[Number, Field(ge=0, le=1)]
    source: Text


class ReleaseConsumption(_Part):
    """One release of the campaign's artist over the window: its tracks' and its own rows' totals, and
    its equivalents by each rule set in force on some day of the window (rule set id -> units)."""

    upc: Text
    title: Text
    type: Literal["album", "ep", "single"]
    release_date: Day
    streams_premium: Annotated[Count, Field(ge=0)]
    streams_ad: Annotated[Count, Field(ge=0)]
    downloads: Annotated[Count, Field(ge=0)]
    physical_units: Annotated[Count, Field(ge=0)]
    equivalents: dict[str, Number]
    certification: Certification


class Consumption(_Part):
    """Imported consumption of the campaign artist's releases over the window's days (in the campaign's
    timezone, both included): the sums over its releases, then each release."""

    from_: Day = Field(alias="from")
    to: Day
    streams_premium: Annotated[Count, Field(ge=0)]
    streams_ad: Annotated[Count, Field(ge=0)]
    downloads: Annotated[Count, Field(ge=0)]
    physical_units: Annotated[Count, Field(ge=0)]
    releases: list[ReleaseConsumption]


# Moderation (contract section 11): counts of classified texts, never a text -------------------------


class ModerationFigures(_Part):
    """Classified texts (comments, replies, quotes, mentions) attributed to the campaign in the window,
    the abusive ones, those per category, and the abusive share (null without texts)."""

    texts: Count = 0
    abusive: Count = 0
    by_category: Annotated[dict[Category, Count], Field(json_schema_extra=_keys("category"))] = Field(
        default_factory=dict
    )
    abusive_share: Number | None = None


class Wave(_Part):
    """An abuse wave against the campaign's artist (or a tracked account) on one platform that overlaps
    the window; `ended_at` null while it is live."""

    wave_id: Text
    platform: Annotated[Platform, _ref("platform")]
    subject: Text  # artist:<artist_id> or account:<account_id>
    started_at: Time
    ended_at: Time | None
    live: StrictBool
    abusive: Count
    by_category: Annotated[dict[Category, Count], Field(json_schema_extra=_keys("category"))]


class Moderation(_Part):
    platforms: Annotated[dict[Platform, ModerationFigures], Field(json_schema_extra=_keys("platform"))] = (
        Field(default_factory=dict)
    )
    overall: ModerationFigures = Field(default_factory=ModerationFigures)
    waves: list[Wave] = Field(default_factory=list)


# The summary --------------------------------------------------------------------------------------


class Summary(_Part):
    """Per-campaign engagement summary published to S3 (contract sections 6 and 10). Every time is an
    ISO 8601 date-time with an offset or Z."""

    schema_version: Literal[1] = SCHEMA_VERSION
    campaign: SummaryCampaign
    generated_at: Time
    window: Window
    timezone: Text
    language: Annotated[
        Literal["fr", "en"],
        Field(description="The language of the summary's words: the campaign's, else its artist's, else en."),
    ]
    platforms: Annotated[dict[Platform, PlatformSummary], Field(json_schema_extra=_keys("platform"))]
    totals: Totals
    comparison: Comparison
    weights: Weights
    engagement_rate: EngagementRate
    series: Series
    top_content: list[TopContent]
    collisions: list[Collision | PushClash]
    attention: Annotated[
        list[Attention],
        Field(description="What a lead should look at, most severe first."),
    ]
    consumption: Consumption
    moderation: Annotated[
        Moderation,
        Field(description="Classified texts and abuse waves (contract section 11); never a text."),
    ] = Field(default_factory=Moderation)


# The generated JSON schema --------------------------------------------------------------------------


class _Generator(GenerateJsonSchema):
    """Draft 2020-12, without the titles pydantic derives from field names (noise for a reader)."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False

    def model_schema(self, schema: core_schema.ModelSchema) -> JsonSchemaValue:
        value = super().model_schema(schema)
        value.pop("title", None)
        return value


def _finished(value: Any) -> Any:
    """Shared definitions referenced, and no `default`: serialised output has every field."""
    if isinstance(value, dict):
        value = {k: v for k, v in value.items() if k != "default"}
        if set(value) == {_SHARED}:
            return {"$ref": f"#/$defs/{value[_SHARED]}"}
        return {k: _finished(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finished(v) for v in value]
    return value


def summary_json_schema() -> dict[str, Any]:
    """docs/summary.schema.json: the JSON `Summary` serialises to, as JSON Schema draft 2020-12."""
    generated = Summary.model_json_schema(mode="serialization", schema_generator=_Generator)
    defs = {**SHARED_DEFS, **generated.pop("$defs", {})}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Campaign summary (summary.json, schema_version 1)",
        **_finished(generated),
        "$defs": _finished(defs),
    }
