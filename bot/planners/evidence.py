"""A hypothesis under construction, and the tree the issue's words are matched against."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.context.tracebacks import PathIndex, frames, mentioned_paths
from bot.documents.validate import Grounding
from bot.domain import RepoContext
from bot.paths import LINE_SUFFIX, normalise
from bot.planners import reading
from bot.text import clip

_MARKUP = re.compile(r"^\s*(?:>\s*)*(?:(?:[-*+]|\d+[.)])\s+)?(?:\[[ xX]\]\s*)?")
# A Markdown link's target (Jupyter pastes frames as `[path:730](http://localhost…)`): one
# long unbroken URL would leave a clipped quote with nothing but its first word.
_LINK_TARGET = re.compile(r"\[([^\]\n]*)\]\([^)\s]*\)")


def quote(text: str, limit: int = 140) -> str:
    # Quoted issue text loses its backticks: a path in it is the reporter's, not ours.
    plain = _LINK_TARGET.sub(r"\1", text).replace("`", "")
    return f"“{clip(plain, limit)}”"


def as_code(text: str) -> str:
    return f"`{clip(text.replace('`', chr(39)), 100)}`"


def where_at(path: str, line: int | None) -> str:
    return f"{path}:{line}" if line else path


def line_with(text: str, needle: str) -> str:
    """The reporter's own line naming `needle`, before any line of pasted code."""
    for part in (reading.prose(text), text):
        line = next((ln for ln in part.splitlines() if needle in ln), None)
        if line:
            return _MARKUP.sub("", line, count=1)
    return needle


@dataclass
class Lead:
    """A hypothesis under construction; leads about the same file merge into the first."""

    path: str
    title: str
    verify: str
    evidence: list[str] = field(default_factory=list)
    where: list[str] = field(default_factory=list)

    def absorb(self, other: Lead) -> None:
        self.evidence += [e for e in other.evidence if e not in self.evidence]
        self.where += [w for w in other.where if w not in self.where]


class TreeMatcher:
    """The tree as the planner matches the issue's words to it."""

    def __init__(self, context: RepoContext) -> None:
        self.context = context
        self.ground = Grounding(context)
        self.index = PathIndex(sorted(context.paths))

    def resolve(self, raw: str) -> str | None:
        path = normalise(LINE_SUFFIX.sub("", raw.strip().strip("`")))
        if path is None:
            return None
        found = self.ground.find(path)
        matches = self.index.match(path) if found is None else [found]
        return matches[0] if len(matches) == 1 else None

    def grounded(self, line: str) -> str:
        """A quoted line of the issue with every spelling of a tree file (a frame's
        absolute path, `.../site-packages/pkg/a.py`, a link) replaced by the tree's path:
        a document never cites a path the repository lacks."""
        for frame in frames(line):
            found = self.index.match(frame.path, frame=True)
            if len(found) == 1:
                line = line.replace(frame.path, found[0])
        for raw in mentioned_paths(line):
            path = self.resolve(raw)
            if path is not None and raw != path:
                line = _as_tree_path(line, raw, path)
        return line

    def span(self, path: str) -> str:
        """`path:start-end` of the best snippet of `path`, else the bare path."""
        snippet = next((s for s in self.context.snippets if s.path == path), None)
        return f"{path}:{snippet.start_line}-{snippet.end_line}" if snippet else path


def _as_tree_path(line: str, raw: str, path: str) -> str:
    """The reporter's line with their spellings of the file (`.../site-packages/pkg/a.py`,
    a link to it) replaced by the tree's path: a document never cites a path the
    repository lacks."""
    name = re.escape(path.rsplit("/", 1)[-1])
    return re.sub(rf"[^\s\"'`(]*(?:{re.escape(raw)}|/{name})(?![\w.-])", lambda _: path, line)
