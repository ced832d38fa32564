"""Recorded GitHub deliveries for tests: load a payload, sign it as GitHub would."""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from werkzeug.test import TestResponse

from bot.intake.signature import sign

PAYLOADS = Path(__file__).parent / "payloads"
SECRET = "test-webhook-secret"

# The `deliver` fixture: deliver(event, payload_or_bytes, delivery=, secret=, headers=).
Deliver = Callable[..., TestResponse]


def load_payload(name: str) -> dict[str, Any]:
    """A fresh copy of tests/payloads/<name>.json, e.g. load_payload("issues.labeled")."""
    data: dict[str, Any] = json.loads((PAYLOADS / f"{name}.json").read_text())
    return copy.deepcopy(data)


def github_headers(event: str, body: bytes, delivery: str | None = None,
                   secret: str = SECRET) -> dict[str, str]:
    """The headers GitHub sends with a delivery of `body`."""
    return {
        "Content-Type": "application/json",
        "User-Agent": "GitHub-Hookshot/test",
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery or str(uuid.uuid4()),
        "X-Hub-Signature-256": sign(secret, body),
    }
