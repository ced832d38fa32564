"""`python -m bot plan`: the whole pipeline on a saved payload, without GitHub."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot import settings as bot_settings
from bot.intake.events import issue_snapshot
from bot.intake.request import COMMENT, PlanRequest
from bot.run.wiring import run_for


def request_from_payload(payload: dict[str, Any]) -> PlanRequest:
    """A `/plan` by the owner for the payload's issue, whatever event delivered it."""
    issue = payload.get("issue") or payload.get("pull_request")
    repo = (payload.get("repository") or {}).get("full_name")
    if not issue or not repo:
        raise ValueError("the payload holds no issue and repository to plan")
    return PlanRequest(delivery_id="cli", repo=repo, issue_number=int(issue["number"]),
                       trigger=COMMENT, commands=(("plan", ""),), sender="cli",
                       association="OWNER", issue=issue_snapshot(issue))


def plan_from_payload(payload_path: Path, repo_dir: Path | None, out: Path | None) -> Path:
    settings = replace(bot_settings.from_env(), app_id="")  # never touches GitHub
    request = request_from_payload(json.loads(payload_path.read_text()))
    folder = out or settings.dry_run_folder(request.repo, request.issue_number)
    run_for(settings, request, repo_dir=repo_dir, folder=folder).handle()
    return folder
