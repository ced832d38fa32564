"""An issue carrying a `labels.skip` label: planning commands (and the trigger label) get
one polite reply an hour per person saying which label and how to plan anyway, before any
lock is waited for, document read or model called. Other commands still answer."""

from __future__ import annotations

from collections.abc import Sequence

from bot.intake.commands import Command
from bot.run.handlers.plan import RUN_COMMANDS
from bot.run.replies import skipped
from bot.run.turn import Turn


def decline_skipped(turn: Turn, commands: Sequence[Command]) -> tuple[str, list[Command]]:
    """(what was said, the commands left to run)."""
    if not any(c.name in RUN_COMMANDS for c in commands):
        return "", list(commands)
    labels = turn.config.labels.skipping(turn.issue_labels())
    if not labels:
        return "", list(commands)
    return _decline(turn, labels), [c for c in commands if c.name not in RUN_COMMANDS]


def _decline(turn: Turn, labels: Sequence[str]) -> str:
    req = turn.request
    if not turn.state.refusals.first(req.repo, turn.issue_number, f"skip:{req.sender}"):
        return "declined: skip label (already told this hour)"
    turn.gh.create_comment(turn.issue_number, skipped(labels))
    return "declined: skip label"
