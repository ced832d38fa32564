"""Excerpts of a ranked file centred on what the issue points at, not on the file's head (pure)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.context.tracebacks import Frame
from bot.domain import Snippet

RADIUS = 15  # lines either side of an anchor
DEFINITION_BEFORE = 3  # a definition's excerpt starts just above it and shows its body
HEAD_LINES = 40  # a file nothing in the issue matches: its head says what it is
SNIPPETS_PER_FILE = 2
QUOTE_HITS = 3  # lines per quoted fragment: more means it is boilerplate
# How strongly each kind of anchor says "the issue is about this line".
FRAME_ANCHOR = 4.0
LINK_ANCHOR = 3.5
DEFINITION_ANCHOR = 3.0
QUOTE_ANCHOR = 2.0
NAME_ANCHOR = 0.6  # per identifier of the issue on the line


@dataclass(frozen=True)
class Anchors:
    """What the issue points at inside one file."""

    frames: Sequence[Frame] = ()
    link_lines: Sequence[int] = ()
    definitions: Sequence[int] = ()
    quoted: Sequence[str] = ()
    names: Sequence[str] = ()
    chunks: Sequence[tuple[float, int, int]] = ()  # BM25 (score, start, end), best first


def frame_line(lines: Sequence[str], frame: Frame) -> int | None:
    """HEAD's line for a frame from the reporter's version: the printed line number when the
    code there still matches, else the quoted code line nearest to it, else the function's
    definition; None when none of these is in the file."""
    number = frame.line
    code = frame.source.strip()
    if number and 0 < number <= len(lines) and (not code or lines[number - 1].strip() == code):
        return number
    if code:
        found = [i for i, line in enumerate(lines, 1) if line.strip() == code]
        if found:
            return min(found, key=lambda i: abs(i - (number or i)))
    if frame.function and frame.function.isidentifier():
        definition = re.compile(rf"^\s*(?:async\s+)?(?:def|function|func|fn)\s+{frame.function}\b")
        found = [i for i, line in enumerate(lines, 1) if definition.match(line)]
        if found:
            return min(found, key=lambda i: abs(i - (number or i)))
    return number if number and 0 < number <= len(lines) and not code else None


def _anchors(lines: Sequence[str], a: Anchors) -> list[tuple[float, int, bool]]:
    """(weight, line, is a definition) for every line the issue points at."""
    out: list[tuple[float, int, bool]] = []
    for frame in a.frames:
        located = frame_line(lines, frame)
        if located:
            out.append((FRAME_ANCHOR, located, False))
    out += [(LINK_ANCHOR, n, False) for n in a.link_lines if 0 < n <= len(lines)]
    out += [(DEFINITION_ANCHOR, n, True) for n in a.definitions]
    names = [n for n in a.names if len(n) > 3]
    for number, line in enumerate(lines, 1):
        weight = NAME_ANCHOR * sum(1 for n in names if n in line)
        if weight:
            out.append((weight, number, False))
    for quote in a.quoted:
        hits = [i for i, line in enumerate(lines, 1) if quote in line][: QUOTE_HITS + 1]
        if 0 < len(hits) <= QUOTE_HITS:
            out += [(QUOTE_ANCHOR, i, False) for i in hits]
    out += [(score, (start + end) // 2, False) for score, start, end in a.chunks[:3]]
    return out


def _snippet(path: str, lines: Sequence[str], start: int, end: int, score: float) -> Snippet:
    start, end = max(1, start), min(len(lines), end)
    while end > start and not lines[end - 1].strip():
        end -= 1  # trailing blank lines only cost tokens
    return Snippet(path, start, end, "\n".join(lines[start - 1 : end]), round(score, 4))


def _pulls(lines: Sequence[str], a: Anchors) -> tuple[dict[int, float], set[int]]:
    """Per anchored line, the weight of every anchor within RADIUS of it (a window over
    many matches beats a lone one), and which lines are definitions."""
    weight: dict[int, float] = {}
    definition: set[int] = set()
    for w, line, is_definition in _anchors(lines, a):
        weight[line] = weight.get(line, 0.0) + w
        if is_definition:
            definition.add(line)
    # Prefix sums over the file's lines keep this linear in its length.
    running = [0.0] * (len(lines) + 2)
    for n in range(1, len(lines) + 1):
        running[n] = running[n - 1] + weight.get(n, 0.0)
    last = len(lines)
    pull = {n: running[min(last, n + RADIUS)] - running[max(0, n - RADIUS - 1)] for n in weight}
    return pull, definition


def _windows(pull: dict[int, float], definition: set[int]) -> list[tuple[int, int]]:
    """Up to SNIPPETS_PER_FILE line spans around the strongest anchors, never overlapping."""
    taken: list[tuple[int, int]] = []
    for line in sorted(pull, key=lambda n: (-pull[n], n)):
        if any(start <= line <= end for start, end in taken):
            continue
        if line in definition:
            span = (line - DEFINITION_BEFORE, line - DEFINITION_BEFORE + 2 * RADIUS)
        else:
            span = (line - RADIUS, line + RADIUS)
        start = max([span[0], *(e + 1 for s, e in taken if e < line)])
        end = min([span[1], *(s - 1 for s, e in taken if s > line)])
        taken.append((start, end))
        if len(taken) == SNIPPETS_PER_FILE:
            break
    return taken


def excerpts(path: str, text: str, score: float, a: Anchors) -> tuple[Snippet, ...]:
    """Up to SNIPPETS_PER_FILE excerpts of `text`, around its strongest anchors."""
    lines = text.splitlines()
    if not lines:
        return ()
    taken = _windows(*_pulls(lines, a)) or [(1, HEAD_LINES)]
    # Strongest first: when the prompt budget runs short, the later excerpts are cut.
    return tuple(_snippet(path, lines, s, e, score) for s, e in taken if s <= len(lines))
