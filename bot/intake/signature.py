"""GitHub webhook signatures: X-Hub-Signature-256 over the raw request body (pure)."""

from __future__ import annotations

import hashlib
import hmac

SCHEME = "sha256="


class InvalidSignature(ValueError):
    """The delivery is not provably from GitHub: answer 401 and do nothing else."""


def sign(secret: str, body: bytes) -> str:
    """The header value GitHub would send for `body`; used by replay and tests."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return SCHEME + digest


def verify(secret: str, body: bytes, header: str | None) -> None:
    """Raise InvalidSignature unless `header` is the HMAC-SHA256 of `body` under `secret`.

    GitHub signs the exact bytes it sends, so this must run on the raw body,
    before any JSON parsing or re-encoding.
    """
    if not secret:
        # An empty key would make every forged signature trivially computable.
        raise InvalidSignature("no webhook secret is configured")
    if not header:
        raise InvalidSignature("missing X-Hub-Signature-256 header")
    if not header.startswith(SCHEME):
        raise InvalidSignature("X-Hub-Signature-256 must use the sha256= scheme")
    # compare_digest: a plain == leaks how many leading characters matched. It
    # only takes ASCII str, so compare bytes: a junk header must fail, not crash.
    expected = sign(secret, body).encode()
    if not hmac.compare_digest(expected, header.strip().encode("utf-8", "replace")):
        raise InvalidSignature("X-Hub-Signature-256 does not match the body")
