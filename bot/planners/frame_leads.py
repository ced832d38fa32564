"""Hypotheses from a traceback: its innermost frame and the caller, at the planned commit."""

from __future__ import annotations

from bot.context.tracebacks import Frame, frames, innermost_first
from bot.planners import reading, versions
from bot.planners.evidence import Lead, TreeMatcher, as_code, quote, where_at
from bot.planners.framing import Framing


def _frame_text(frame: Frame, path: str) -> str:
    # The tree's path, not the reporter's (`/home/me/.venv/…`): a document cites only
    # paths that exist; the line is the reporter's, as printed.
    if frame.python:
        return f"File {path}, line {frame.line}, in {frame.function}"
    return f"{where_at(path, frame.line)} {frame.function}".strip()


def _head_line(tree: TreeMatcher, path: str, frame: Frame) -> int | None:
    """The frame's line at HEAD: where an excerpt holds the code the traceback printed
    (the reporter may run another version), else the printed line if nothing contradicts
    it, else None: better no line than a wrong one."""
    code = frame.source.strip()
    for snippet in (s for s in tree.context.snippets if s.path == path):
        for offset, line in enumerate(snippet.text.splitlines()):
            if code and line.strip() == code:
                return snippet.start_line + offset
    return None if code else frame.line


def in_repository(tree: TreeMatcher, text: str) -> list[tuple[Frame, str]]:
    """The traceback's frames in the repository's own files, innermost first, each with
    the file's path in the tree."""
    return [(f, m[0]) for f in innermost_first(frames(text))
            if len(m := tree.index.match(f.path, frame=True)) == 1]


def frame_leads(tree: TreeMatcher, text: str, error: str, calls: dict[str, str],
                 say: Framing) -> list[Lead]:
    inside = in_repository(tree, text)
    if not inside:
        return []
    frame, path = inside[0]
    here = _located(tree, path, frame, _head_line(tree, path, frame))
    where = where_at(path, here.line)
    func = f" (`{frame.function}`)" if frame.function else ""
    evidence = [f"Innermost traceback frame inside the repository: "
                f"{quote(_frame_text(frame, path))}"]
    if error:
        evidence.append(f"The issue reports {quote(error)}")
    evidence += [here.note] if here.note else []
    code = reading.code_at(tree.context.snippets, path, here.line) if here.line else ""
    if code:
        evidence.append(f"Line {here.line} of `{path}` reads {as_code(code)}")
    callee = f"`{frame.function}`" if frame.function else "the failing code"
    test = as_code(calls[frame.function]) if calls.get(frame.function) else callee
    # Without a line at this commit, the function is where to stop.
    spot = f"`{where}`" if here.line or not frame.function else f"{callee} in `{path}`"
    verify = (f"Run the reproduction steps with a breakpoint at {spot} and inspect the values "
              f"there; a failing test that calls {test} with the issue's input confirms it, a "
              "passing one points elsewhere.")
    if say.frame_verify:
        verify = say.frame_verify.format(spot=spot, name=callee)
    leads = [Lead(path, f"The failure originates in `{where}`{func}", verify, evidence,
                   [where])]
    outer = next(((f, p) for f, p in inside[1:] if (p, f.line) != (path, frame.line)), None)
    if outer:
        caller, caller_path = outer
        there = _located(tree, caller_path, caller, _head_line(tree, caller_path, caller))
        at = where_at(caller_path, there.line)
        name = f" (`{caller.function}`)" if caller.function else ""
        leads.append(Lead(caller_path, f"The caller `{at}`{name} passes {callee} a value it "
                           "does not expect", (
            f"Set a breakpoint at `{at}` and compare what it passes on with what {callee} "
            "expects; if the value is already wrong there, the fix belongs in the caller."),
            [f"Next frame out in the traceback: {quote(_frame_text(caller, caller_path))}",
             *([there.note] if there.note else [])], [at]))
    return leads


def _located(tree: TreeMatcher, path: str, frame: Frame, line: int | None) -> versions.Located:
    """The frame's line at the planned commit, and the note when the reporter's differs."""
    mine = [s for s in tree.context.snippets if s.path == path]
    return versions.locate(mine, frame, line, tree.context.commit_sha)
