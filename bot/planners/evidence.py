"""A hypothesis under construction, how much its evidence weighs, and the tree the issue's
words are matched against."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.context.tracebacks import PathIndex, frames, mentioned_paths
from bot.documents.validate import Grounding
from bot.domain import RepoContext
from bot.paths import LINE_SUFFIX, normalise
from bot.planners import reading
from bot.planners.copies import in_side, side_folders
from bot.planners.framing import is_located
from bot.text import clip

_MARKUP = re.compile(r"^\s*(?:>\s*)*(?:(?:[-*+]|\d+[.)])\s+)?(?:\[[ xX]\]\s*)?")
# A Markdown link's target (Jupyter pastes frames as `[path:730](http://localhost…)`): one
# long unbroken URL would leave a clipped quote with nothing but its first word.
_LINK_TARGET = re.compile(r"\[([^\]\n]*)\]\([^)\s]*\)")
_ABSOLUTE = re.compile(r"(?<![\w.])(?:[A-Za-z]:)?[/\\~][^\s\"'`()]*\.[A-Za-z]\w{0,9}\b")

# How much each kind of evidence says about where the change goes. An order, not a
# probability: what the issue says outranks what a search matched, and the title, the
# reporter's summary, outranks the rest of its words.
FEEDBACK = 100  # a file the review feedback names
TITLE_FILE = 90  # a file or module the title names, or a frame whose code the title names
AREA = 86  # the one code file named after the title's "[component]" or "component:" prefix
LINE = 82  # a line the issue links to, or a code line its output marks: the reporter's pointer
FRAME = 80  # the innermost frame in the repository, failing in its own code
CALLER = 78  # the first caller, in another file, of a raise or assert (a check that held)
SITE = 76  # the one place in the code that holds the reported message
LINK = 74  # a line the issue links that the tree's file does not have (another version)
TITLE_NAME = 72  # the definition of a name the title uses
NAMESAKE = 70  # the one code file named after the title's component or name
NAMED_FILE = 66  # a file, linked file or module the body names
VALUE = 64  # a value the issue quotes, where it is defined
RAISE = 60  # the raise or assert itself: its check may be right
PROSE_NAME = 58  # the definition of a name the body's prose uses
OUTER_FRAME = 52  # the next frame out, in the same file or after a failing frame
TESTED = 50  # the code a test file the issue names is named after
SHARED_WORD = 58  # a name only pasted code uses whose word the title says (`EmailStr`, "Email")
AMBIGUOUS = 10  # less when the evidence holds for several files
MOST_LIKELY = NAMED_FILE  # H1 below this is "Possible": a guess is not presented as the cause


def quote(text: str, limit: int = 140) -> str:
    """The reporter's words as written, in “…”: only Markdown (backticks, a link's target)
    is left out, never replaced, so a path in it stays theirs."""
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
    """A hypothesis under construction; leads about the same file merge into the strongest."""

    path: str
    title: str
    verify: str
    evidence: list[str] = field(default_factory=list)
    where: list[str] = field(default_factory=list)
    strength: float = 0.0

    def absorb(self, other: Lead) -> None:
        """`other`'s evidence; its title too, when it stands on evidence and this one's
        is only a place to read."""
        if is_located(other.title) and not is_located(self.title):
            self.title, self.verify = other.title, other.verify
        self.evidence += [e for e in other.evidence if e not in self.evidence]
        self.where += [w for w in other.where if w not in self.where]
        self.strength = max(self.strength, other.strength)


class TreeMatcher:
    """The tree as the planner matches the issue's words (`text`) to it."""

    def __init__(self, context: RepoContext, text: str = "") -> None:
        self.context = context
        self.ground = Grounding(context)
        self.index = PathIndex(sorted(context.paths))
        self.side = side_folders(context.paths, text)

    def is_side(self, path: str) -> bool:
        """In a side copy of live code (bot.planners.copies)."""
        return in_side(path, self.side)

    def resolve(self, raw: str) -> str | None:
        path = normalise(LINE_SUFFIX.sub("", raw.strip().strip("`")))
        if path is None:
            return None
        found = self.ground.find(path)
        matches = self.index.match(path) if found is None else [found]
        return matches[0] if len(matches) == 1 else None

    def quoted(self, line: str) -> str:
        """A line of the issue quoted as written, then the tree's path of each file it
        names another way (a frame's absolute path, `.../site-packages/pkg/a.py`)."""
        spelled = [(raw, found[0]) for raw in [*(f.path for f in frames(line)),
                                               *_ABSOLUTE.findall(line)]
                   if len(found := self.index.match(raw, frame=True)) == 1]
        spelled += [(raw, p) for raw in mentioned_paths(line) if (p := self.resolve(raw))]
        named = list(dict.fromkeys(path for raw, path in spelled if raw != path))
        here = f" (in the tree: {', '.join(f'`{p}`' for p in named)})" if named else ""
        return quote(line) + here

    def holds_line(self, path: str, line: int) -> bool:
        """`path` has a line `line`, as far as the snapshot read it (unread: assumed)."""
        source = self.context.source
        text = source.files.get(path) if source else None
        return text is None or line <= text.count("\n") + 1

    def span(self, path: str) -> str:
        """`path:start-end` of the best snippet of `path`, else the bare path."""
        snippet = next((s for s in self.context.snippets if s.path == path), None)
        return f"{path}:{snippet.start_line}-{snippet.end_line}" if snippet else path

    def rank(self, path: str) -> int | None:
        """1-based place of `path` among the files the context search ranked, if it did."""
        ranked = [p for p, _ in self.context.findings.reasons] or list(
            dict.fromkeys(s.path for s in self.context.snippets))
        return ranked.index(path) + 1 if path in ranked else None
