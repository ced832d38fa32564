"""Someone who may not run commands here: one short reply an hour per person and issue,
and nothing else (no model call, no lock)."""

from __future__ import annotations

from bot.intake.commands import Command
from bot.run.replies import refusal
from bot.run.turn import Turn


def refuse(turn: Turn) -> str:
    req = turn.request
    if not turn.state.refusals.first(req.repo, turn.issue_number, req.sender):
        return "refused (already told this hour)"
    first = Command(*req.commands[0]) if req.commands else Command("plan")
    turn.gh.create_comment(turn.issue_number, refusal(first, req.association, turn.config.allowed))
    return "refused"
