"""Where a traceback frame's code is at the planned commit, when the reporter runs another
version: a frame's line number is theirs, the excerpts are the commit's (pure)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.context.tracebacks import Frame
from bot.domain import Snippet

_SHA = re.compile(r"^[0-9a-f]{7,40}$")


@dataclass(frozen=True)
class Located:
    """The line to cite at the planned commit (None: unknown), and the note that says why it
    is not the line the traceback printed ("" when it is)."""

    line: int | None
    note: str = ""


def _definition(snippets: Sequence[Snippet], function: str) -> tuple[Snippet, int] | None:
    """The snippet and offset of `def function` (Python: the only language whose function
    ends where its indentation does, so that a line can be shown to lie outside it)."""
    pattern = re.compile(rf"^\s*(?:async\s+)?def\s+{re.escape(function)}\b")
    for snippet in snippets:
        for offset, text in enumerate(snippet.text.splitlines()):
            if pattern.match(text):
                return snippet, offset
    return None


def _extent(snippet: Snippet, offset: int) -> tuple[int, int | None]:
    """First and last line of the function defined at `offset`; None when the excerpt ends
    before the function does."""
    lines = snippet.text.splitlines()
    indent = len(lines[offset]) - len(lines[offset].lstrip())
    for later, text in enumerate(lines[offset + 1:], offset + 1):
        if text.strip() and len(text) - len(text.lstrip()) <= indent and not text.lstrip(
                ).startswith((")", "]", "}", "@", "#")):
            return snippet.start_line + offset, snippet.start_line + later - 1
    return snippet.start_line + offset, None


def _covers(snippets: Sequence[Snippet], line: int) -> bool:
    return any(s.start_line <= line <= s.end_line for s in snippets)


def locate(snippets: Sequence[Snippet], frame: Frame, line: int | None,
           commit: str) -> Located:
    """The frame's line at `commit`. `line` is where the code the frame quotes was found
    there (None: not found; the printed line when the frame quotes none). Relocated by the
    quoted code, else by the function the frame names; the note tells the reader the
    versions differ (or that the excerpts cannot tell), so nobody reads the wrong line."""
    at = f"at {commit[:7]}" if _SHA.match(commit) else "in the planned tree"
    printed = frame.line
    differ = f"The traceback's line {printed} is from the reporter's version: {at}"
    if line is not None and printed and line != printed:
        return Located(line, f"{differ} the code it quotes is line {line}")
    found = _definition(snippets, frame.function) if frame.python and frame.function else None
    start, end = _extent(*found) if found else (None, None)
    if line is None and printed:
        if start is not None and end is not None:
            return Located(start, f"{differ} the code it quotes is not in "
                                  f"`{frame.function}`, which starts at line {start}")
        if start is not None:  # the excerpt ends inside the function: it may be further down
            return Located(start, f"The traceback's line {printed} could not be checked {at}: "
                                  f"`{frame.function}` starts at line {start}; find the quoted "
                                  "line in it")
        if _covers(snippets, printed):
            return Located(None, f"{differ} that line holds other code; find the quoted line "
                                 f"or `{frame.function}` in the file")
        return Located(None, f"The traceback's line {printed} is outside the excerpts planbot "
                             f"read {at}: find the quoted line or `{frame.function}` in the "
                             "file before trusting the number")
    if start is not None and printed and (printed < start or (end is not None and printed > end)):
        return Located(start, f"{differ} it is not in `{frame.function}`, which starts at "
                              f"line {start}")
    return Located(line)
