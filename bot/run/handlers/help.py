"""`/plan help`, and a command planbot does not know: usage, with who may run commands."""

from __future__ import annotations

from bot.intake.commands import Command
from bot.run.replies import help_text, unknown_reply
from bot.run.turn import Turn


def reply_help(turn: Turn, command: Command) -> str:
    turn.gh.create_comment(turn.issue_number, help_text(turn.config.allowed))
    return "help"


def reply_unknown(turn: Turn, command: Command) -> str:
    turn.gh.create_comment(turn.issue_number, unknown_reply(command, turn.config.allowed))
    return "unknown"
