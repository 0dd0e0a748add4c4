"""How the roster adapter reads a cancelled transaction's reasons (one per item: the artist, its
claims, its releases) into domain errors. Pure: the ClientError is built here."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from chalicelib.adapters.roster import _cancelled
from chalicelib.errors import AccountTaken, Conflict, Contended, DependencyFailed

CLAIMS = [("x", "1"), ("x", "2")]
NONE: dict[str, Any] = {"Code": "None"}
FAILED: dict[str, Any] = {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"}


def cancelled(*reasons: dict[str, Any]) -> ClientError:
    response: Any = {
        "Error": {"Code": "TransactionCanceledException", "Message": "Transaction cancelled"},
        "CancellationReasons": list(reasons),
    }
    return ClientError(response, "TransactWriteItems")


def held_by(label: str) -> dict[str, Any]:
    return {**FAILED, "Item": {"label": {"S": label}, "artist_id": {"S": "never-shown"}}}


def test_an_existing_artist_id_is_a_conflict_first() -> None:
    error = _cancelled(cancelled(FAILED, held_by("sony-fr"), NONE), "indochine", creating=True, claims=CLAIMS)
    assert type(error) is Conflict


def test_claims_that_failed_name_the_label_holding_each_account() -> None:
    error = _cancelled(cancelled(NONE, NONE, held_by("sony-fr")), "indochine", creating=True, claims=CLAIMS)
    assert isinstance(error, AccountTaken)
    assert error.taken == {("x", "2"): "sony-fr"}
    assert "never-shown" not in error.message


@pytest.mark.parametrize(
    "reasons",
    [
        (FAILED, NONE, NONE),  # the version read moved on
        (NONE, NONE, NONE, FAILED),  # a released account was no longer this artist's
        (NONE, {"Code": "TransactionConflict"}, NONE),  # another transaction on the same item
    ],
)
def test_a_change_that_lost_to_a_concurrent_one_is_contended(reasons: tuple[dict[str, Any], ...]) -> None:
    error = _cancelled(cancelled(*reasons), "indochine", creating=False, claims=CLAIMS)
    assert isinstance(error, Contended)


def test_any_other_reason_is_a_dependency_failure() -> None:
    error = _cancelled(cancelled(NONE, {"Code": "ThrottlingError"}, NONE), "a", creating=True, claims=CLAIMS)
    assert type(error) is DependencyFailed
