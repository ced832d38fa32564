"""The plain-valued job a delivery becomes: what the web tier enqueues and the worker runs."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any

from bot.domain import Issue

# RQ accepts job ids of [A-Za-z0-9_-] only. GitHub's delivery ids are UUIDs and are kept
# readable; any other header value is hashed under another prefix, so no two deliveries
# share a job id and no header value can make an invalid one.
_READABLE_DELIVERY = re.compile(r"[A-Za-z0-9_-]{1,100}")
_READABLE_JOB = "planbot-"


class Trigger(StrEnum):
    """What happened on GitHub; the worker's answer depends on it."""

    LABEL = "label"  # issues.labeled: runs the configured stages if it is a trigger label
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
    # The repository as the delivery saw it (default_branch, html_url): no GET to learn it.
    repository: dict[str, Any] = field(default_factory=dict)

    @property
    def job_id(self) -> str:
        return job_id(self.delivery_id)

    def issue_seen(self) -> Issue:
        """The issue as the delivery described it (dry runs, and runs that need no fresher
        copy from GitHub)."""
        seen = self.issue
        return Issue(number=self.issue_number, title=str(seen.get("title") or ""),
                     body=str(seen.get("body") or ""), author=str(seen.get("author") or ""),
                     url=str(seen.get("url") or ""), labels=tuple(seen.get("labels") or ()))

    def to_job(self) -> dict[str, Any]:
        """Keyword arguments for workers.jobs.run_plan: JSON-friendly plain values."""
        # Not dataclasses.asdict: its deep copy is a third of the web tier's enqueue cost,
        # and every field is already a plain value (`issue` is built fresh per delivery).
        data = {f.name: getattr(self, f.name) for f in fields(self)}
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


def job_id(delivery_id: str) -> str:
    """The job id of a delivery: GitHub redelivers with the same X-GitHub-Delivery, so a
    redelivery maps to the same job and is recognised as a duplicate."""
    if _READABLE_DELIVERY.fullmatch(delivery_id):
        return f"{_READABLE_JOB}{delivery_id}"
    digest = hashlib.sha256(delivery_id.encode("utf-8", "surrogatepass")).hexdigest()
    return f"planbot_{digest}"  # "_" never follows "planbot" in the readable form


def delivery_of(job: str) -> str:
    """The delivery a job id names, "" when it names none readably (a hashed one)."""
    delivery = job.removeprefix(_READABLE_JOB)
    return delivery if delivery != job and _READABLE_DELIVERY.fullmatch(delivery) else ""
