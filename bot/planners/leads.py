"""Hypotheses from the issue's signals: traceback frames, error lines, names, search hits."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bot.context import signals
from bot.context.mentions import blob_links
from bot.context.query import TITLE_NAME_WEIGHT, parse_query
from bot.context.tracebacks import Frame, PathIndex, frames, innermost_first, mentioned_paths
from bot.documents.kind import BUG, DOCS
from bot.documents.validate import Grounding
from bot.domain import Hypothesis, RepoContext, Snippet
from bot.paths import LINE_SUFFIX, normalise
from bot.planners import reading, versions
from bot.planners.framing import Framing, framing
from bot.planners.layout import DOCS_ROLE, is_code, role
from bot.text import clip

NO_SIGNAL_TITLE = framing(BUG).unlocated
# Evidence supports few hypotheses: each one here stands on something the issue shows.
MAX_LEADS = 4
MAX_SYMBOLS = 3
MAX_STARTING_POINTS = 3
TITLE = 190  # under bot.limits.MAX_TITLE, so validation never has to cut our titles
_MARKUP = re.compile(r"^\s*(?:>\s*)*(?:(?:[-*+]|\d+[.)])\s+)?(?:\[[ xX]\]\s*)?")


def quote(text: str, limit: int = 140) -> str:
    # Quoted issue text loses its backticks: a path in it is the reporter's, not ours.
    return f"“{clip(text.replace('`', ''), limit)}”"


def _code(text: str) -> str:
    return f"`{clip(text.replace('`', chr(39)), 100)}`"


def _at(path: str, line: int | None) -> str:
    return f"{path}:{line}" if line else path


def _line_with(text: str, needle: str) -> str:
    """The reporter's own line naming `needle`, before any line of pasted code."""
    for part in (reading.prose(text), text):
        line = next((ln for ln in part.splitlines() if needle in ln), None)
        if line:
            return _MARKUP.sub("", line, count=1)
    return needle


@dataclass
class _Lead:
    """A hypothesis under construction; leads about the same file merge into the first."""

    path: str
    title: str
    verify: str
    evidence: list[str] = field(default_factory=list)
    where: list[str] = field(default_factory=list)

    def absorb(self, other: _Lead) -> None:
        self.evidence += [e for e in other.evidence if e not in self.evidence]
        self.where += [w for w in other.where if w not in self.where]


class _Leads:
    def __init__(self) -> None:
        self.by_path: dict[str, _Lead] = {}

    def add(self, lead: _Lead) -> None:
        if lead.path in self.by_path:
            self.by_path[lead.path].absorb(lead)
        else:
            self.by_path[lead.path] = lead

    def ranked(self) -> list[Hypothesis]:
        leads = list(self.by_path.values())[:MAX_LEADS]
        return [Hypothesis(
            title=clip(lead.title, TITLE),
            likelihood="Most likely" if rank == 0 else "Possible",
            evidence=tuple(lead.evidence),
            where_to_look=tuple(lead.where),
            how_to_verify=lead.verify,
        ) for rank, lead in enumerate(leads)]


class Repo:
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


def _frame_text(frame: Frame, path: str) -> str:
    # The tree's path, not the reporter's (`/home/me/.venv/…`): a document cites only
    # paths that exist; the line is the reporter's, as printed.
    if frame.python:
        return f"File {path}, line {frame.line}, in {frame.function}"
    return f"{_at(path, frame.line)} {frame.function}".strip()


def _head_line(repo: Repo, path: str, frame: Frame) -> int | None:
    """The frame's line at HEAD: where an excerpt holds the code the traceback printed
    (the reporter may run another version), else the printed line if nothing contradicts
    it, else None: better no line than a wrong one."""
    code = frame.source.strip()
    for snippet in (s for s in repo.context.snippets if s.path == path):
        for offset, line in enumerate(snippet.text.splitlines()):
            if code and line.strip() == code:
                return snippet.start_line + offset
    return None if code else frame.line


def _frame_leads(repo: Repo, text: str, error: str, calls: dict[str, str],
                 say: Framing) -> list[_Lead]:
    inside = [(f, m[0]) for f in innermost_first(frames(text))
              if len(m := repo.index.match(f.path, frame=True)) == 1]
    if not inside:
        return []
    frame, path = inside[0]
    here = _located(repo, path, frame, _head_line(repo, path, frame))
    where = _at(path, here.line)
    func = f" (`{frame.function}`)" if frame.function else ""
    evidence = [f"Innermost traceback frame inside the repository: "
                f"{quote(_frame_text(frame, path))}"]
    if error:
        evidence.append(f"The issue reports {quote(error)}")
    evidence += [here.note] if here.note else []
    code = reading.code_at(repo.context.snippets, path, here.line) if here.line else ""
    if code:
        evidence.append(f"Line {here.line} of `{path}` reads {_code(code)}")
    callee = f"`{frame.function}`" if frame.function else "the failing code"
    test = _code(calls[frame.function]) if calls.get(frame.function) else callee
    # Without a line at this commit, the function is where to stop.
    spot = f"`{where}`" if here.line or not frame.function else f"{callee} in `{path}`"
    verify = (f"Run the reproduction steps with a breakpoint at {spot} and inspect the values "
              f"there; a failing test that calls {test} with the issue's input confirms it, a "
              "passing one points elsewhere.")
    if say.frame_verify:
        verify = say.frame_verify.format(spot=spot, name=callee)
    leads = [_Lead(path, f"The failure originates in `{where}`{func}", verify, evidence,
                   [where])]
    outer = next(((f, p) for f, p in inside[1:] if (p, f.line) != (path, frame.line)), None)
    if outer:
        caller, caller_path = outer
        there = _located(repo, caller_path, caller, _head_line(repo, caller_path, caller))
        at = _at(caller_path, there.line)
        name = f" (`{caller.function}`)" if caller.function else ""
        leads.append(_Lead(caller_path, f"The caller `{at}`{name} passes {callee} a value it "
                           "does not expect", (
            f"Set a breakpoint at `{at}` and compare what it passes on with what {callee} "
            "expects; if the value is already wrong there, the fix belongs in the caller."),
            [f"Next frame out in the traceback: {quote(_frame_text(caller, caller_path))}",
             *([there.note] if there.note else [])], [at]))
    return leads


def _located(repo: Repo, path: str, frame: Frame, line: int | None) -> versions.Located:
    """The frame's line at the planned commit, and the note when the reporter's differs."""
    mine = [s for s in repo.context.snippets if s.path == path]
    return versions.locate(mine, frame, line, repo.context.commit_sha)


def _error_lead(repo: Repo, error: str) -> _Lead | None:
    kind, _, message = error.partition(":")
    if not message.strip():
        return _raise_lead(repo, kind)
    found = reading.message_source(message, _code_snippets(repo))
    if not found:
        return None
    snippet, line, code = found
    at = _at(snippet.path, line)
    return _Lead(snippet.path, f"The check at `{at}` rejects the issue's input (`{kind}`)", (
        f"Write a failing test that feeds the input from the reproduction steps to the code "
        f"around `{at}`, then decide whether the input or the check is wrong."),
        [f"The issue reports {quote(error)}", f"`{at}` holds that message: {_code(code)}"],
        [at])


def _raise_lead(repo: Repo, kind: str) -> _Lead | None:
    """An error with no message says only its class: found in docs or tests, the name
    proves nothing, so only the one place in the code that raises it is a lead."""
    sites = reading.raise_sites(kind.rsplit(".", 1)[-1], _code_snippets(repo))
    if len(sites) != 1:
        return None
    snippet, line, code = sites[0]
    at = _at(snippet.path, line)
    return _Lead(snippet.path, f"`{at}` raises the bare `{kind}` the issue reports", (
        f"Run the reproduction with a breakpoint at `{at}`; if it is hit, the condition "
        "above it is what the input breaks, if not, another frame raises it."),
        [f"The issue reports `{kind}` with no message",
         f"`{at}` is the one place in the excerpts that raises it: {_code(code)}"], [at])


def _code_snippets(repo: Repo) -> list[Snippet]:
    """Excerpts of the code itself: an error's text in a test or a page proves nothing."""
    return [s for s in repo.context.snippets if is_code(s.path)]


def _symbol_leads(repo: Repo, text: str, calls: dict[str, str], say: Framing) -> list[_Lead]:
    leads = []
    for name, call in list(calls.items())[:MAX_SYMBOLS]:
        found = reading.definition(name, repo.context.snippets)
        if not found:
            continue
        snippet, line, code = found
        at = _at(snippet.path, line)
        test = f"calling {_code(call)}" if call else f"calling `{name}` with the issue's input"
        leads.append(_Lead(
            snippet.path, say.symbol.format(name=name, path=snippet.path, source="issue"),
            say.symbol_verify.format(name=name, path=snippet.path, test=test),
            [f"The issue shows {quote(repo.grounded(_line_with(text, name)))}",
             f"`{name}` is defined at `{at}`: {_code(code)}"], [at]))
    return leads


def _file_leads(repo: Repo, text: str, source: str, say: Framing) -> list[_Lead]:
    # A file that appears only as a traceback frame is the frames' evidence, not one more
    # hypothesis per frame.
    framed = {frame.path for frame in frames(text)}
    leads = []
    for link in blob_links(text):  # a link to the file on GitHub, maybe to one line
        path = repo.resolve(link.path)
        if path is not None:
            line = f", line {link.line} at the linked commit" if link.line else ""
            leads.append(_Lead(path, say.file.format(path=path, source=source),
                               say.file_verify.format(path=path),
                               [f"The {source} links `{path}`{line}"], [repo.span(path)]))
    for raw in mentioned_paths(text):
        path = repo.resolve(raw)
        if path is None or raw in framed:
            continue
        leads.append(_Lead(path, say.file.format(path=path, source=source),
                           say.file_verify.format(path=path),
            [f"The {source} says {quote(repo.grounded(_line_with(text, raw)))}"],
            [repo.span(path)]))
    return leads


def _named_leads(repo: Repo, text: str, say: Framing) -> list[_Lead]:
    """Files the issue names without a path: a dotted module (`sqlglot.optimizer.qualify`)
    or a name one file is named after (`CloudFlareStream`, a title's "[MiTele]")."""
    query = parse_query(text)
    leads = []
    for mention in (m for m in query.mentions if m.module):
        found = (repo.resolve(f"{mention.path}{end}") for end in (".py", "/__init__.py"))
        path = next((p for p in found if p is not None), None)
        if path is not None:
            dotted = mention.path.replace("/", ".")
            leads.append(_Lead(path, say.file.format(path=path, source="issue"),
                               say.file_verify.format(path=path),
                               [f"The issue names the module `{dotted}`"], [repo.span(path)]))
    by_stem: dict[str, list[str]] = {}
    for path in sorted(p for p in repo.context.paths if is_code(p)):
        by_stem.setdefault(signals.root(path.rsplit("/", 1)[-1].split(".", 1)[0]), []).append(path)
    # Names in the title: what the issue is about, not every word of its pasted code.
    names = [n for n, weight in query.names if weight >= TITLE_NAME_WEIGHT]
    for name in [*([query.area.replace(" ", "")] if query.area else []), *names]:
        stems = by_stem.get(signals.root(name.split(".")[-1]), [])
        if len(stems) == 1 and len(name) >= signals.MIN_ROOT:
            path = stems[0]
            leads.append(_Lead(path, say.file.format(path=path, source="issue"),
                               say.file_verify.format(path=path),
                               [f"The issue names `{name}`, and `{path}` is the one code "
                                "file named after it"], [repo.span(path)]))
    return leads


def _as_tree_path(line: str, raw: str, path: str) -> str:
    """The reporter's line with their spellings of the file (`.../site-packages/pkg/a.py`,
    a link to it) replaced by the tree's path: a document never cites a path the
    repository lacks."""
    name = re.escape(path.rsplit("/", 1)[-1])
    return re.sub(rf"[^\s\"'`(]*(?:{re.escape(raw)}|/{name})(?![\w.-])", lambda _: path, line)


def _best_snippets(snippets: Sequence[Snippet], taken: Iterable[str],
                   pages: bool = False) -> list[Snippet]:
    """The best excerpts of distinct files: the code's own, or the documentation's."""
    seen = set(taken)
    out = []
    for s in snippets:
        wanted = role(s.path) == DOCS_ROLE if pages else is_code(s.path)
        if s.path not in seen and wanted:
            seen.add(s.path)
            out.append(s)
    return out


def _unlocated(repo: Repo, error: str, kind: str) -> Hypothesis:
    """The one honest hypothesis when the issue names nothing the repository has: search
    hits are where to start reading, not hypotheses of their own."""
    say = framing(kind)
    evidence = ["The issue names no traceback frame, error location, file or code name that "
                "the repository has."]
    if error:
        evidence.append(f"The issue reports {quote(error)}, but nothing in the repository "
                        "context shows where it comes from.")
    top = _best_snippets(repo.context.snippets, (), pages=kind == DOCS)[:MAX_STARTING_POINTS]
    if top:
        evidence.append("The files below match the issue's words best in a repository search; "
                        "that alone does not make them the place.")
    return Hypothesis(say.unlocated, "Most likely", tuple(evidence),
                      tuple(f"{s.path}:{s.start_line}-{s.end_line}" for s in top),
                      say.unlocated_verify)


def hypotheses(repo: Repo, text: str, feedback: str, kind: str = BUG) -> list[Hypothesis]:
    """Ranked hypotheses, each standing on evidence: files the feedback names, the
    traceback, the error's source, named code, named files; one honest hypothesis when
    nothing matches. `text` is the issue's own words, never planbot's template."""
    say = framing(kind)
    errors = reading.errors(text)
    error = errors[-1] if errors else ""  # the last one printed is the one that surfaced
    calls = dict(reading.symbols(text))
    leads = _Leads()
    for lead in [*_file_leads(repo, feedback, "review feedback", say),
                 *_frame_leads(repo, text, error, calls, say)]:
        leads.add(lead)
    # The line that raises the message, when a frame already stands on it, adds nothing.
    framed = {w for lead in leads.by_path.values() for w in lead.where}
    if error and (found := _error_lead(repo, error)) and not framed & set(found.where):
        leads.add(found)
    named, defined = _file_leads(repo, text, "issue", say), _symbol_leads(repo, text, calls, say)
    # A page the issue names is what a docs issue is about; elsewhere the code it names leads.
    for lead in [*named, *defined] if kind == DOCS else [*defined, *named]:
        leads.add(lead)
    # Modules it names without a path come last, and only where nothing else stands.
    for lead in _named_leads(repo, text, say):
        if lead.path not in leads.by_path:
            leads.add(lead)
    if not leads.by_path:
        return [_unlocated(repo, error, kind)]
    return leads.ranked()
