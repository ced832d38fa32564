"""`/plan` commands: find them in a comment body (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.domain import STAGES
from bot.text import MARKDOWN, normal_newlines

SUBCOMMANDS: frozenset[str] = frozenset({*STAGES, "again", "revise", "status", "handoff",
                                         "help"})

# A command is a whole line: up to 3 leading spaces (4 would be an indented code
# block in Markdown), then `/plan` ending the line or followed by blanks, so that
# `/planning` and `/plans` are ordinary words.
_COMMAND_LINE = re.compile(r"^ {0,3}/plan(?:[ \t]+(?P<rest>.*?))?[ \t]*$")

# Markdown blocks whose lines are shown as code, quoted, or not at all: a `/plan`
# there is being talked about (or quoted from someone else), not given.
_HIDING_BLOCKS = frozenset({"fence", "code_block", "blockquote_open"})


@dataclass(frozen=True)
class Command:
    name: str  # "plan", a subcommand, or "unknown"
    arg: str = ""  # revise: the feedback; unknown: the whole line
    line: int = 0  # 1-based line of the comment body it came from


def _hidden_lines(text: str) -> set[int]:
    """0-based numbers of lines inside code blocks, block quotes or HTML comments."""
    hidden: set[int] = set()
    for token in MARKDOWN.parse(text):
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
    text = normal_newlines(body)
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
