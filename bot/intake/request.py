"""The plain-valued job a delivery becomes: what the web tier enqueues and the worker runs."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Trigger(StrEnum):
    """What happened on GitHub; the worker's answer depends on it."""

    LABEL = "label"  # issues.labeled: runs the configured stages if it is the trigger label
    COMMENT = "comment"  # issue_comment.created: the comment's commands, in order
    REVIEW = "review"  # pull_request_review.submitted, changes requested: revise
    MERGED = "merged"  # pull_request.closed with merged=true: link the plan, label the issue


# Module-level names, as callers and tests spell them.
LABEL, COMMENT, REVIEW, MERGED = Trigger.LABEL, Trigger.COMMENT, Trigger.REVIEW, Trigger.MERGED


@dataclass(frozen=True)
class PlanRequest:
    delivery_id: str
    repo: str  # "owner/name"
    issue_number: int  # the issue being planned (for a plan PR: the issue it refs)
    trigger: Trigger
    commands: tuple[tuple[str, str], ...] = ()  # (name, argument) pairs, see intake/commands.py
    installation_id: int | None = None  # None: the worker looks the installation up
    sender: str = ""
    association: str = "NONE"
    comment_id: int | None = None  # the triggering comment, for reactions
    review_id: int | None = None
    pull_number: int | None = None  # set when the trigger happened on a plan PR
    label: str = ""  # Trigger.LABEL: the label that was added
    # The issue as the delivery saw it; dry-run mode has no GitHub to fetch it from.
    issue: dict[str, Any] = field(default_factory=dict)

    @property
    def job_id(self) -> str:
        # GitHub redelivers with the same X-GitHub-Delivery: same job id, no second job.
        return f"planbot-{self.delivery_id}"

    def to_job(self) -> dict[str, Any]:
        """Keyword arguments for workers.jobs.run_plan: JSON-friendly plain values."""
        data = asdict(self)
        data["trigger"] = str(self.trigger)
        data["commands"] = [list(c) for c in self.commands]
        return data

    @classmethod
    def from_job(cls, data: dict[str, Any]) -> PlanRequest:
        values = dict(data)
        values["trigger"] = Trigger(values["trigger"])
        commands = tuple((str(n), str(a)) for n, a in values.get("commands", ()))
        # Jobs queued before triggers were typed carried ("label", name) / ("merged", "").
        if commands and commands[0][0] in (LABEL, MERGED) and values["trigger"] in (LABEL, MERGED):
            values.setdefault("label", commands[0][1])
            commands = ()
        values["commands"] = commands
        return cls(**values)
