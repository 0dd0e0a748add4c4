"""Domain errors become the contract's JSON error body in one place, with the right status."""

import pytest
from chalice.app import Response

from chalicelib import errors
from chalicelib.web import contract_error_shape, error_response, handles_domain_errors


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (errors.PayloadTooLarge("too big"), 413),
        (errors.UnsupportedMediaType("xml"), 415),
        (errors.NotFound("none"), 404),
        (errors.Forbidden("no"), 403),
        (errors.Unauthorized("who"), 401),
        (errors.InvalidSignature("bad"), 401),
        (errors.ValidationFailed("bad"), 400),
        (errors.Conflict("exists"), 409),
        (errors.DependencyFailed("down"), 503),
        (errors.ConfigurationError("unset"), 500),
    ],
)
def test_each_domain_error_maps_to_its_status(error: errors.DomainError, status: int) -> None:
    response = error_response(error)
    assert response.status_code == status
    assert response.body == {"error": {"code": error.code, "message": error.message}}


def test_validation_errors_carry_their_fields() -> None:
    response = error_response(errors.ValidationFailed("Invalid campaign.", fields={"ends_at": "too early"}))
    assert response.body["error"]["fields"] == {"ends_at": "too early"}


def test_a_view_raising_a_domain_error_answers_it() -> None:
    @handles_domain_errors
    def view() -> dict[str, str]:
        raise errors.NotFound("No such campaign.")

    response = view()
    assert isinstance(response, Response)
    assert response.status_code == 404
    assert view.__name__ == "view"  # Chalice names routes after their function


def test_chalice_own_errors_are_rewritten_to_the_contract_shape() -> None:
    chalice_answer = Response(
        body={"Code": "UnsupportedMediaType", "Message": "Unsupported media type: a/b"}, status_code=415
    )
    response = contract_error_shape(None, lambda _event: chalice_answer)  # type: ignore[arg-type]
    assert response.status_code == 415
    assert response.body["error"]["code"] == "unsupported_media_type"


def test_internal_errors_never_leak_their_message() -> None:
    chalice_answer = Response(
        body={"Code": "InternalServerError", "Message": "KeyError 'x'"}, status_code=500
    )
    response = contract_error_shape(None, lambda _event: chalice_answer)  # type: ignore[arg-type]
    assert response.body == {"error": {"code": "internal_error", "message": "An internal error occurred."}}


def test_successful_answers_pass_through_untouched() -> None:
    ok = Response(body={"Code": "a", "Message": "b"}, status_code=200)
    assert contract_error_shape(None, lambda _event: ok) is ok  # type: ignore[arg-type]


def test_details_add_members_to_the_error_object_without_replacing_code_or_message() -> None:
    error = errors.Conflict("Collides.", details={"warnings": [{"campaign_id": "a"}], "code": "ignored"})
    response = error_response(error)
    assert response.body == {
        "error": {"code": "conflict", "message": "Collides.", "warnings": [{"campaign_id": "a"}]}
    }
