"""Recording and product identifiers: ISRC (ISO 3901) and UPC/EAN (GS1). Pure."""

from __future__ import annotations

import re

# CC (country, letters) XXX (registrant, letters or digits) YY (year) NNNNN (designation): 12 characters
# written without the dashes of `FR-Z03-26-00001`; stored upper-case.
ISRC = re.compile(r"[A-Z]{2}[A-Z0-9]{3}[0-9]{2}[0-9]{5}")
UPC = re.compile(r"[0-9]{12,13}")


def normalise_isrc(value: str) -> str:
    """The ISRC without dashes or spaces, upper-case (not validated: see `is_isrc`)."""
    return value.strip().replace("-", "").replace(" ", "").upper()


def is_isrc(value: str) -> bool:
    return ISRC.fullmatch(value) is not None


def upc_check_digit(body: str) -> int:
    """The GS1 check digit of the digits before it: weights 3 and 1 from the right."""
    total = sum(int(digit) * (3 if i % 2 == 0 else 1) for i, digit in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def is_upc(value: str) -> bool:
    """12 digits (UPC-A) or 13 (EAN-13) whose last digit is the check digit of the others."""
    return UPC.fullmatch(value) is not None and upc_check_digit(value[:-1]) == int(value[-1])


def isrc_problem(value: str) -> str | None:
    if is_isrc(value):
        return None
    return (
        "An ISRC is 12 characters: country (2 letters), registrant (3 letters or digits), year (2 "
        "digits), designation (5 digits), e.g. FRZ032600001."
    )


def upc_problem(value: str) -> str | None:
    if UPC.fullmatch(value) is None:
        return "A UPC is 12 or 13 digits."
    if not is_upc(value):
        return f"The UPC's check digit is wrong: expected {upc_check_digit(value[:-1])}."
    return None
