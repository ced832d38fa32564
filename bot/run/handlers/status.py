"""`/plan status`: each stage's state as a reply, from the current documents, and the files
the plan cites that changed since (one comparison; no model call)."""

from __future__ import annotations

from bot.intake.commands import Command
from bot.run.pipeline import states
from bot.run.status import stage_rows, status_reply
from bot.run.turn import Turn


def reply_status(turn: Turn, command: Command) -> str:
    store = turn.store()
    inputs = turn.inputs(store)
    rows = stage_rows(states(inputs), inputs.documents, store.link)
    notes = [*turn.notes, turn.drift(inputs.documents)]
    turn.gh.create_comment(turn.issue_number, status_reply(turn.issue_number, rows,
                                                           list(filter(None, notes))))
    return "status"
