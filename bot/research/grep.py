"""`grep`: lines holding a literal or matching a guarded regular expression (pure)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from fnmatch import fnmatchcase

from bot.research.index import Index
from bot.research.patterns import MAX_LINE, Pattern, compile_pattern
from bot.research.results import ToolError, ToolResult, answer, count, line
from bot.text import code_span

MAX_SHOWN = 25  # matching lines shown
MAX_COUNTED = 2_000  # matching lines counted before grep stops looking
DEADLINE = 0.5  # seconds: a pattern slower than this over the tree is refused
TOO_SLOW = ("the search took longer than {seconds} s ({files:,} of {total:,} files searched): "
            "add a literal part to the pattern or narrow `path_glob`")
NO_FILES = "no file matches path_glob {glob}"


def lines_with(text: str, literal: str) -> Iterator[tuple[int, str]]:
    """(number, line) of each line holding `literal`, in order, once each."""
    number, counted, start = 1, 0, text.find(literal)
    while start != -1:
        number += text.count("\n", counted, start)
        begin = text.rfind("\n", 0, start) + 1
        end = text.find("\n", start)
        end = len(text) if end == -1 else end
        yield number, text[begin:end]
        counted = end
        start = text.find(literal, end)


def _matching(text: str, pattern: Pattern | None, literal: str,
              deadline: float) -> Iterator[tuple[int, str]]:
    candidates = (lines_with(text, literal) if literal
                  else enumerate(text.splitlines(), 1))
    for number, content in candidates:
        if pattern is None:
            yield number, content
        # The clock is read before every line: one worst-case line may cost 35 ms.
        elif time.perf_counter() > deadline:
            raise TimeoutError
        elif pattern.regex.search(content[:MAX_LINE]):
            yield number, content


def grep(index: Index, pattern: str, regex: bool = False, path_glob: str = "") -> ToolResult:
    """Matching lines with their numbers, file by file in path order."""
    compiled = compile_pattern(pattern) if regex else None
    if not regex and not pattern:
        raise ToolError("the pattern is empty")
    literal = compiled.literal if compiled else pattern
    files = index.snapshot.files
    paths = sorted(p for p in files if not path_glob or fnmatchcase(p, path_glob))
    if path_glob and not paths:
        raise ToolError(NO_FILES.format(glob=code_span(path_glob)))
    shown: list[str] = []
    where: list[str] = []
    named: list[str] = []
    counted = searched = 0
    deadline = time.perf_counter() + DEADLINE
    try:
        for path in paths:
            searched += 1
            text = files[path]
            if literal and literal not in text:
                continue
            hits = list(_matching(text, compiled, literal, deadline))
            if hits:
                where.append(path)
                counted += len(hits)
                room = hits[: MAX_SHOWN - len(shown)]
                shown += [f"{path}:{n}: {line(c)}" for n, c in room]
                named += [path] if room else []
            if counted >= MAX_COUNTED:
                break
    except TimeoutError:
        raise ToolError(TOO_SLOW.format(seconds=DEADLINE, files=searched,
                                        total=len(paths))) from None
    kind = "regex" if regex else "literal"
    scope = f" in {code_span(path_glob)}" if path_glob else ""
    header = (f"grep {kind} {code_span(pattern)}{scope}: "
              f"{count(counted, 'matching line', counted >= MAX_COUNTED)} in "
              f"{count(len(where), 'file')}" + (f", the first {len(shown)} shown"
                                                if counted > len(shown) else ""))
    return answer(header, shown, named)
