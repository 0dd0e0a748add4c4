"""ISRC shape and UPC check digit (contract section 12)."""

from __future__ import annotations

import pytest

from chalicelib.domain.consumption.ids import (
    is_isrc,
    is_upc,
    isrc_problem,
    normalise_isrc,
    upc_check_digit,
    upc_problem,
)


@pytest.mark.parametrize("isrc", ["FRZ032600001", "USRC17607839", "GBAYE0601498", "FR9W11234567"])
def test_isrcs_of_the_standard_shape_are_valid(isrc: str) -> None:
    # Given a 12-character ISRC (country, registrant, year, designation) / Then it is valid
    assert is_isrc(isrc)
    assert isrc_problem(isrc) is None


@pytest.mark.parametrize(
    "isrc",
    ["FR-Z03-26-00001", "FRZ03260000", "FRZ0326000012", "F1Z032600001", "FRZ03AB00001", "frz032600001", ""],
)
def test_isrcs_of_another_shape_are_not(isrc: str) -> None:
    # Given dashes, a wrong length, a digit in the country, letters in the year, lower case / Then refused
    assert not is_isrc(isrc)
    assert isrc_problem(isrc) is not None


def test_an_isrc_written_with_dashes_normalises_to_its_twelve_characters() -> None:
    # Given the contract's example written with dashes / When normalised / Then it is the valid form
    assert normalise_isrc(" fr-z03-26-00001 ") == "FRZ032600001"


def test_the_check_digit_of_a_upc_a_is_computed_by_hand() -> None:
    # Given UPC-A 03600029145_: odd positions from the left 0+6+0+2+1+5 = 14, x3 = 42; even 3+0+0+9+4 = 16;
    # 42 + 16 = 58; (10 - 8) % 10 = 2
    # Then the check digit is 2, and the 12 digits with it are a valid UPC
    assert upc_check_digit("03600029145") == 2
    assert is_upc("036000291452")


def test_an_ean_13_with_its_check_digit_is_valid() -> None:
    # Given EAN-13 400638133393_: weights 1 and 3 from the left: (4+0+3+1+3+9) + 3 x (0+6+8+3+3+3) = 20 + 69
    # = 89, so the check digit is (10 - 9) % 10 = 1
    assert upc_check_digit("400638133393") == 1
    assert is_upc("4006381333931")


@pytest.mark.parametrize("upc", ["036000291453", "4006381333932"])
def test_a_wrong_check_digit_is_refused_naming_the_expected_one(upc: str) -> None:
    problem = upc_problem(upc)
    assert problem is not None
    assert "check digit" in problem
    assert not is_upc(upc)


@pytest.mark.parametrize("upc", ["03600029145", "36000291452123", "03600029145A", ""])
def test_a_upc_of_neither_12_nor_13_digits_is_refused(upc: str) -> None:
    assert upc_problem(upc) == "A UPC is 12 or 13 digits."
