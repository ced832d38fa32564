"""What planbot answers besides plans: who may run commands, help, refusals (pure)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.config import CONFIG_PATH
from bot.domain import MAINTAINERS
from bot.intake.commands import Command
from bot.intake.request import LABEL, MERGED
from bot.text import code_span, strip_invisible

# Who may run commands. Labels and merges are gated by GitHub itself (adding a
# label needs triage access, merging needs write access) and their payloads carry
# no association for the sender, so only comments and reviews are checked.
_GATED_BY_GITHUB = frozenset({LABEL, MERGED})


def may_run(trigger: str, association: str, allowed: Iterable[str] = MAINTAINERS) -> bool:
    """Whether a request may spend anything: checked before any model call."""
    return trigger in _GATED_BY_GITHUB or association.upper() in set(allowed)


def association_rule(allowed: Iterable[str] = MAINTAINERS) -> str:
    names = ", ".join(f"`{a}`" for a in allowed)
    return (
        f"Only people whose association with this repository is one of {names} can run "
        "planbot commands; the `allowed` key of `.github/planbot.yml` changes who."
    )


REFUSAL = (
    "planbot did not run `{command}`: your association with this repository is `{association}`."
)

UNKNOWN = "{line} is not a planbot command."

SKIPPED = (
    "planbot did not plan this issue: it carries {labels}, which `{config}` lists under "
    "`labels.skip`. To plan it anyway, remove {them} and comment `/plan`."
)

_HELP = """\
**planbot** turns this issue into a reviewable plan in three documents: \
`problem-definition.md`, `hypotheses.md` and `tasks.md`.

| command | what it does |
|---|---|
| `/plan` | run every stage that is missing or stale |
| `/plan problem` | rebuild the problem definition from the issue |
| `/plan hypotheses` | rebuild the hypotheses from the current (maybe edited) problem definition |
| `/plan tasks` | rebuild the tasks from the current (maybe edited) hypotheses |
| `/plan again` | regenerate all three stages |
| `/plan revise <feedback>` | regenerate hypotheses and tasks with your feedback; \
the lines under the command are part of it |
| `/plan status` | show each stage: missing, current, edited by a person, or stale; \
and the files the plan cites that changed since |
| `/plan handoff` | reply with the plan as a prompt for a coding agent (Copilot, Claude Code, \
Codex), from the current documents |
| `/plan help` | show this message |

Write each command at the start of its own line; several command lines run in order. \
Commands inside code blocks or quotes are ignored. Adding a trigger label \
(`plan` unless `labels.trigger` in `.github/planbot.yml` says otherwise) works like `/plan`; \
an issue with a `labels.skip` label is not planned. \
On the plan pull request the same commands work in its conversation, and a review \
that requests changes works like `/plan revise` with the review's text.

Edit any document between stages: the next stage reads your version.

{rule}
"""


def help_text(allowed: Iterable[str] = MAINTAINERS) -> str:
    """Usage for every command, with this repository's rule for who may run them."""
    return _HELP.format(rule=association_rule(allowed))


HELP = help_text()


def refusal(command: Command, association: str, allowed: Iterable[str] = MAINTAINERS) -> str:
    """The short reply to someone who may not run commands here (no model call)."""
    shown = "/plan" if command.name == "plan" else f"/plan {command.name}"
    return REFUSAL.format(command=shown, association=association) + "\n\n" + association_rule(
        allowed
    )


def unknown_reply(command: Command, allowed: Iterable[str] = MAINTAINERS) -> str:
    # The line is someone else's text: shown as code, it pings nobody.
    line = code_span(strip_invisible(command.arg))
    return UNKNOWN.format(line=line) + "\n\n" + help_text(allowed)


def skipped(labels: Sequence[str]) -> str:
    """The polite refusal to plan an issue carrying a `labels.skip` label (no model call)."""
    # Labels are other people's text: shown as code, they ping nobody.
    shown = ", ".join(code_span(strip_invisible(label)) for label in labels)
    return SKIPPED.format(labels=f"the label{'s' if len(labels) > 1 else ''} {shown}",
                          config=CONFIG_PATH, them="them" if len(labels) > 1 else "it")
