"""Contract sections 4 and 8 through Chalice's test client: each route of a label's campaigns and
artists answers every kind of caller as the matrix says, and a record of another label answers
exactly as a missing one."""

from __future__ import annotations

import pytest

from tests.integration.management_client import (
    ARTISTS,
    CAMPAIGNS,
    LABEL_RECORDS_MATRIX,
    Api,
    Callers,
    LabelRecords,
    body_of,
)

RECORDS: dict[str, LabelRecords] = {"campaigns": CAMPAIGNS, "artists": ARTISTS}


@pytest.mark.parametrize("route", list(LABEL_RECORDS_MATRIX))
@pytest.mark.parametrize("records", list(RECORDS))
def test_each_route_answers_each_caller_as_the_matrix_says(
    api: Api, who: Callers, records: str, route: str
) -> None:
    # Given a token (or none) for every kind of caller; When each calls the route
    # Then each gets the matrix's answer
    assert RECORDS[records].answers(api, who, route) == LABEL_RECORDS_MATRIX[route]


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
@pytest.mark.parametrize("records", list(RECORDS))
def test_a_record_of_another_label_answers_exactly_as_a_missing_one(
    api: Api, who: Callers, records: str, method: str
) -> None:
    # Given a record of the label, and an editor of another label
    # When the editor touches it, and a record that does not exist
    hidden, missing = RECORDS[records].touched_from_another_label(api, who, method)
    # Then both answers are the same 404
    assert hidden.status_code == missing.status_code == 404
    assert hidden.body == missing.body
    assert body_of(hidden)["error"]["code"] == "not_found"
