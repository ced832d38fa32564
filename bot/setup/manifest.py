"""The App manifest (`app.yml`) with this installation's URLs filled in (pure)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml

MANIFEST = Path(__file__).resolve().parents[2] / "app.yml"
CALLBACK = "/setup/callback"


def manifest(base_url: str, name: str = "") -> dict[str, Any]:
    """app.yml, pointing GitHub at `base_url` (where this web tier is reachable)."""
    data: dict[str, Any] = yaml.safe_load(MANIFEST.read_text())
    base = base_url.rstrip("/")
    data["name"] = name or data["name"]
    data["hook_attributes"] = {"url": f"{base}/webhook", "active": True}
    # GitHub sends the browser back here with a one-hour code to exchange for the App's
    # id, key and webhook secret.
    data["redirect_url"] = f"{base}{CALLBACK}"
    data["setup_url"] = f"{base}/setup/installed"
    return data


def registration_url(github_url: str, organization: str = "") -> str:
    """Where the manifest is posted: GitHub's "new App" page for a user or an organization."""
    base = github_url.rstrip("/")
    if organization:
        return f"{base}/organizations/{quote(organization, safe='')}/settings/apps/new"
    return f"{base}/settings/apps/new"
