"""X-Hub-Signature-256 checking against GitHub's published test vector."""

from __future__ import annotations

import pytest

from bot.intake.signature import InvalidSignature, sign, verify

# https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
GITHUB_SECRET = "It's a Secret to Everybody"
GITHUB_BODY = b"Hello, World!"
GITHUB_SIGNATURE = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"


def test_sign_reproduces_githubs_published_vector() -> None:
    assert sign(GITHUB_SECRET, GITHUB_BODY) == GITHUB_SIGNATURE


def test_githubs_published_vector_verifies() -> None:
    verify(GITHUB_SECRET, GITHUB_BODY, GITHUB_SIGNATURE)


@pytest.mark.parametrize(
    ("header", "complaint"),
    [
        (None, "missing"),
        ("", "missing"),
        ("sha1=" + GITHUB_SIGNATURE.removeprefix("sha256="), "sha256= scheme"),
        (GITHUB_SIGNATURE.removeprefix("sha256="), "sha256= scheme"),
        (GITHUB_SIGNATURE[:-1] + "0", "does not match"),
        ("sha256=", "does not match"),
        ("sha256=ünïcode", "does not match"),
    ],
)
def test_bad_header_is_rejected_with_its_reason(header: str | None, complaint: str) -> None:
    with pytest.raises(InvalidSignature, match=complaint):
        verify(GITHUB_SECRET, GITHUB_BODY, header)


def test_one_changed_body_byte_fails_verification() -> None:
    with pytest.raises(InvalidSignature, match="does not match"):
        verify(GITHUB_SECRET, b"Hello, World?", GITHUB_SIGNATURE)


def test_another_secret_fails_verification() -> None:
    with pytest.raises(InvalidSignature, match="does not match"):
        verify("It's a Secret to Somebody", GITHUB_BODY, GITHUB_SIGNATURE)


def test_empty_secret_never_verifies_even_a_matching_signature() -> None:
    with pytest.raises(InvalidSignature, match="no webhook secret"):
        verify("", GITHUB_BODY, sign("", GITHUB_BODY))
