"""`/plan` commands: find them in a comment body, and the texts that answer them (pure)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from markdown_it import MarkdownIt

from bot.domain import MAINTAINERS, STAGES
from bot.intake.request import LABEL, MERGED
from bot.text import strip_invisible

SUBCOMMANDS: frozenset[str] = frozenset({*STAGES, "again", "revise", "status", "help"})

# A command is a whole line: up to 3 leading spaces (4 would be an indented code
# block in Markdown), then `/plan` ending the line or followed by blanks, so that
# `/planning` and `/plans` are ordinary words.
_COMMAND_LINE = re.compile(r"^ {0,3}/plan(?:[ \t]+(?P<rest>.*?))?[ \t]*$")

# Markdown blocks whose lines are shown as code, quoted, or not at all: a `/plan`
# there is being talked about (or quoted from someone else), not given.
_HIDING_BLOCKS = frozenset({"fence", "code_block", "blockquote_open"})
_MARKDOWN = MarkdownIt("commonmark")


@dataclass(frozen=True)
class Command:
    name: str  # "plan", a subcommand, or "unknown"
    arg: str = ""  # revise: the feedback; unknown: the whole line
    line: int = 0  # 1-based line of the comment body it came from


def _hidden_lines(text: str) -> set[int]:
    """0-based numbers of lines inside code blocks, block quotes or HTML comments."""
    hidden: set[int] = set()
    for token in _MARKDOWN.parse(text):
        if token.map is None:
            continue
        html_comment = token.type == "html_block" and token.content.lstrip().startswith("<!--")
        if token.type in _HIDING_BLOCKS or html_comment:
            hidden.update(range(*token.map))
    return hidden


def is_command_line(line: str) -> bool:
    """Whether `line`, on its own, is a `/plan` command line (code and quotes aside)."""
    return _COMMAND_LINE.match(line) is not None


def _command(rest: str, raw_line: str, number: int, feedback: list[str]) -> Command:
    word, _, arg = rest.partition(" ")
    name = word.strip().lower()
    if not name:
        return Command("plan", "", number)
    if name not in SUBCOMMANDS:
        return Command("unknown", raw_line.strip(), number)
    if name == "revise":
        # Feedback rarely fits one line: the lines up to the next command belong to it.
        return Command(name, "\n".join([arg, *feedback]).strip(), number)
    return Command(name, "", number)


def parse(body: str) -> list[Command]:
    """Every command line of a comment body, in order."""
    text = body.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    candidates = [(i, m) for i, line in enumerate(lines) if (m := _COMMAND_LINE.match(line))]
    if not candidates:
        return []  # most comments on a busy repository: no Markdown parse in the request path
    hidden = _hidden_lines(text)
    starts = [(i, match) for i, match in candidates if i not in hidden]
    commands = []
    for k, (i, match) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        rest = (match.group("rest") or "").replace("\t", " ")
        commands.append(_command(rest, lines[i], i + 1, lines[i + 1 : end]))
    return commands


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
| `/plan status` | show each stage: missing, current, edited by a person, or stale |
| `/plan help` | show this message |

Write each command at the start of its own line; several command lines run in order. \
Commands inside code blocks or quotes are ignored. Adding the trigger label \
(`plan` unless `.github/planbot.yml` says otherwise) works like `/plan`. \
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


def _code_span(text: str) -> str:
    # The line is someone else's text: inside a code span its @mentions ping nobody
    # and its Markdown renders as typed, whatever backticks it holds.
    text = strip_invisible(text)
    ticks = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def unknown_reply(command: Command, allowed: Iterable[str] = MAINTAINERS) -> str:
    return UNKNOWN.format(line=_code_span(command.arg)) + "\n\n" + help_text(allowed)
