"""`/plan handoff`: the plan as a prompt for a coding agent, replied from the documents as
they stand (a person's edits included); no model call, no tokens."""

from __future__ import annotations

from bot.documents.handoff import handoff_reply
from bot.documents.handoff_text import NO_PLAN
from bot.intake.commands import Command
from bot.run.handoff import prompt_for
from bot.run.turn import Turn


def reply_handoff(turn: Turn, command: Command) -> str:
    documents = turn.store().load()
    if not documents.get("tasks"):
        turn.gh.create_comment(turn.issue_number, NO_PLAN)
        return "handoff: no plan yet"
    turn.gh.create_comment(turn.issue_number, handoff_reply(prompt_for(turn, documents)))
    return "handoff"
