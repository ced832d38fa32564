"""Sign a saved delivery and POST it to a running receiver (like `probot receive`)."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from bot.intake.signature import sign


def event_from_name(path: Path) -> str:
    """`issues.labeled.json` → `issues`: the naming of GitHub's example payloads."""
    return path.name.split(".", 1)[0]


def replay(path: Path, event: str | None = None, url: str = "http://127.0.0.1:3000/webhook",
           secret: str | None = None, delivery: str | None = None) -> tuple[int, Any]:
    secret = secret if secret is not None else os.environ.get("WEBHOOK_SECRET", "")
    if not secret:
        raise RuntimeError("WEBHOOK_SECRET is not set: the receiver would refuse the delivery")
    body = path.read_bytes()
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json",
        "User-Agent": "GitHub-Hookshot/planbot-replay",
        "X-GitHub-Event": event or event_from_name(path),
        "X-GitHub-Delivery": delivery or str(uuid.uuid4()),
        "X-Hub-Signature-256": sign(secret, body),
    })
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as err:
        raw = err.read()
        try:
            return err.code, json.loads(raw)
        except ValueError:
            return err.code, raw.decode(errors="replace")
