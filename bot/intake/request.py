"""The plain-valued job a delivery becomes: what the web tier enqueues and the worker runs."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# Triggers
LABEL = "label"  # issues.labeled; commands = [("label", <label name>)]
COMMENT = "comment"  # issue_comment.created; commands parsed from the body, in order
REVIEW = "review"  # pull_request_review.submitted, changes_requested; commands = [("revise", body)]
MERGED = "merged"  # pull_request.closed with merged=true; commands = [("merged", "")]


@dataclass(frozen=True)
class PlanRequest:
    delivery_id: str
    repo: str  # "owner/name"
    issue_number: int  # the issue being planned (for a plan PR: the issue it refs)
    trigger: str
    commands: tuple[tuple[str, str], ...]  # (name, argument) pairs, see bot/commands.py
    installation_id: int | None = None  # None: the worker looks the installation up
    sender: str = ""
    association: str = "NONE"
    comment_id: int | None = None  # the triggering comment, for reactions
    review_id: int | None = None
    pull_number: int | None = None  # set when the trigger happened on a plan PR
    # The issue as the delivery saw it; dry-run mode has no GitHub to fetch it from.
    issue: dict[str, Any] = field(default_factory=dict)

    @property
    def job_id(self) -> str:
        # GitHub redelivers with the same X-GitHub-Delivery: same job id, no second job.
        return f"planbot-{self.delivery_id}"

    def to_job(self) -> dict[str, Any]:
        """Keyword arguments for workers.jobs.run_plan: JSON-friendly plain values."""
        data = asdict(self)
        data["commands"] = [list(c) for c in self.commands]
        return data

    @classmethod
    def from_job(cls, data: dict[str, Any]) -> PlanRequest:
        values = dict(data)
        values["commands"] = tuple((str(n), str(a)) for n, a in values.get("commands", ()))
        return cls(**values)
