"""Every mark planbot leaves on GitHub, and how it finds its own things again (pure)."""

from __future__ import annotations

import re

# Every comment and document planbot writes carries an HTML comment starting with this;
# bot.text keeps issue and model text from forging one.
OWN_MARKER = "<!-- planbot:"
# The first line of a stage's comment in comment mode.
STAGE_MARKER = "<!-- planbot:stage={stage} -->"
# The one status comment on an issue starts with this.
STATUS_MARKER = "<!-- planbot:status -->"
# The plan PR's body names its issue, so events on the PR can find their way back.
PLAN_PR_MARKER = "<!-- planbot:plan-pr issue={issue} -->"
_PLAN_PR = re.compile(r"<!--\s*planbot:plan-pr\s+issue=(\d+)\s*-->")
# A document's last line: `<!-- planbot:stage=<stage> inputs=<hash> generator=<name> ... -->`.
PROVENANCE = re.compile(r"^<!-- planbot:stage=(?P<stage>\w+)(?P<rest>[^>]*)-->\s*$", re.M)

# The hand-off prompt at the end of tasks.md (bot.documents.handoff), between these lines:
# derived from all three documents and rewritten when they change, it is never part of
# what a person edits (bot.documents.provenance.body_of leaves it out).
HANDOFF_START = "<!-- planbot:handoff inputs={inputs} -->"
HANDOFF_END = "<!-- planbot:handoff-end -->"
HANDOFF = re.compile(r"^<!-- planbot:handoff inputs=(?P<inputs>\w*) -->[ \t]*$.*?"
                     r"^<!-- planbot:handoff-end -->[ \t]*(?:\n|\Z)", re.M | re.S)

# planbot's own label on a planned issue; it must not trigger another run.
PLANNED_LABEL = "planned"


def plan_pr_marker(issue_number: int) -> str:
    return PLAN_PR_MARKER.format(issue=issue_number)


def plan_pr_issue(body: object) -> int | None:
    """The issue a plan PR belongs to, from the marker in its body (None for anything else)."""
    match = _PLAN_PR.search(body) if isinstance(body, str) else None
    return int(match.group(1)) if match else None
