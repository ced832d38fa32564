"""One handler per command, composed once here: each takes the run's Turn and the
Command, does what the command asks on GitHub, and says in a few words what it did."""

from __future__ import annotations

from collections.abc import Callable

from bot.intake.commands import Command
from bot.run.handlers.declined import decline_skipped
from bot.run.handlers.handoff import reply_handoff
from bot.run.handlers.help import reply_help, reply_unknown
from bot.run.handlers.merged import note_merged
from bot.run.handlers.plan import RUN_COMMANDS, plan
from bot.run.handlers.refusal import refuse
from bot.run.handlers.status import reply_status
from bot.run.turn import Turn

Handler = Callable[[Turn, Command], str]

HANDLERS: dict[str, Handler] = {
    "help": reply_help,
    "status": reply_status,
    "handoff": reply_handoff,
    **dict.fromkeys(RUN_COMMANDS, plan),
}


def handler_for(name: str) -> Handler:
    return HANDLERS.get(name, reply_unknown)


__all__ = ["decline_skipped", "handler_for", "note_merged", "refuse"]
