"""The signature cases of the platforms that sign the raw body with one secret (`verify(request,
secret)`), once, over a table: each writes the published HMAC vector its own way, in its own header.

Each platform's own test file keeps what only its scheme has (YouTube's choice of method, X's CRC,
Meta's handshake).
"""

from __future__ import annotations

import base64
import importlib
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.webhooks import WebhookRequest
from chalicelib.errors import InvalidSignature

# The published GitHub-style vector (docs/platforms.md).
PUBLISHED_SECRET = "It's a Secret to Everybody"
PUBLISHED_BODY = b"Hello, World!"
PUBLISHED_HEX = "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
PUBLISHED_BASE64 = base64.b64encode(bytes.fromhex(PUBLISHED_HEX)).decode()


@dataclass(frozen=True)
class Scheme:
    header: str
    published: str  # the published vector's signature as the platform writes it
    hostile: dict[str, str]  # malformed or hostile header values, by id


SCHEMES = {
    "meta": Scheme(
        "x-hub-signature-256",
        f"sha256={PUBLISHED_HEX}",
        {
            "empty": "",
            "no-digest": "sha256=",
            "no-prefix": PUBLISHED_HEX,
            "sha1": f"sha1={PUBLISHED_HEX}",
            "base64": f"sha256={PUBLISHED_BASE64}",
            "non-ascii": "sha256=é" + "0" * 63,
            "lone-surrogate": "sha256=\ud800",
            "huge": "sha256=" + "f" * 1_000_000,
        },
    ),
    "x": Scheme(
        "x-twitter-webhooks-signature",
        f"sha256={PUBLISHED_BASE64}",
        {
            "empty": "",
            "no-digest": "sha256=",
            "no-prefix": PUBLISHED_BASE64,
            "hex": f"sha256={PUBLISHED_HEX}",  # the right HMAC written Meta's way, not base64
            "truncated": "sha256=" + PUBLISHED_BASE64[:-1],
            "non-ascii": "sha256=ü",
            "lone-surrogate": "\ud800",
            "huge": "A" * 1_000_000,
        },
    ),
    "youtube": Scheme(
        "x-hub-signature",
        f"sha256={PUBLISHED_HEX}",
        {
            "empty": "",
            "no-digest": "sha1",
            "empty-digest": "sha1=",
            "md5": "md5=0123abcd",
            "not-hex": "sha1=not-hex",
            "spaces": "sha1 = abcd",
            "non-ascii": "sha1=abé",
            "surrogate": "\ud800",
        },
    ),
}

# Any text, lone surrogates included, bare or after a method's name.
any_text = st.text(st.characters(exclude_categories=()))
any_header = st.one_of(any_text, any_text.map("sha1=".__add__), any_text.map("sha256=".__add__))


def verify(platform: str, body: bytes, signature: str | None, secret: str = PUBLISHED_SECRET) -> None:
    headers = {"content-type": "application/json"}
    if signature is not None:
        headers[SCHEMES[platform].header] = signature
    request = WebhookRequest(method="POST", body=body, headers=headers)
    importlib.import_module(f"chalicelib.platforms.{platform}.webhook").verify(request, secret)


@pytest.mark.parametrize("platform", SCHEMES)
def test_the_published_vector_is_accepted(platform: str) -> None:
    # given the published vector, written the platform's way
    # when / then it verifies
    verify(platform, PUBLISHED_BODY, SCHEMES[platform].published)


@pytest.mark.parametrize("platform", SCHEMES)
@pytest.mark.parametrize(
    "body", [PUBLISHED_BODY + b" ", b"Hello, World?"], ids=["one-more-byte", "one-byte-changed"]
)
def test_a_signature_of_another_body_is_rejected(platform: str, body: bytes) -> None:
    # given the published signature over another body
    # when / then it is an invalid signature
    with pytest.raises(InvalidSignature):
        verify(platform, body, SCHEMES[platform].published)


@pytest.mark.parametrize("platform", SCHEMES)
def test_a_signature_made_with_another_secret_is_rejected(platform: str) -> None:
    # given the published vector checked with another secret
    # when / then it is an invalid signature
    with pytest.raises(InvalidSignature):
        verify(platform, PUBLISHED_BODY, SCHEMES[platform].published, secret="another secret")


@pytest.mark.parametrize("platform", SCHEMES)
def test_a_missing_signature_is_rejected(platform: str) -> None:
    # given a request without the signature header
    # when / then it is an invalid signature
    with pytest.raises(InvalidSignature):
        verify(platform, PUBLISHED_BODY, None)


@pytest.mark.parametrize(
    ("platform", "header"),
    [
        pytest.param(platform, header, id=f"{platform}-{case}")
        for platform, scheme in SCHEMES.items()
        for case, header in scheme.hostile.items()
    ],
)
def test_hostile_signature_headers_are_only_ever_invalid_signatures(platform: str, header: str) -> None:
    # given a malformed or hostile header
    # when / then the only outcome is an invalid signature
    with pytest.raises(InvalidSignature):
        verify(platform, PUBLISHED_BODY, header)


@pytest.mark.parametrize("platform", SCHEMES)
@given(body=st.binary(), header=any_header)
def test_verify_raises_nothing_but_invalid_signature(platform: str, body: bytes, header: str) -> None:
    # given any body and any header text, surrogates included
    # when / then verification fails only as an invalid signature
    with pytest.raises(InvalidSignature):
        verify(platform, body, header)
