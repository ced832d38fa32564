"""Hypotheses from a traceback: the frame the title names, the innermost frame, and the
caller of a raise or assert (pure).

A frame that raises on purpose (`raise ValueError(...)`, `assert len(a) == n`) is a check
doing its job: the value it rejects came from a caller, which is where the fix usually
goes. Frames of the same file as the raise are its helpers: the caller that counts is
the first frame out in another file.
"""

from __future__ import annotations

import re

from bot.context import mentions, signals
from bot.context.tracebacks import Frame, frames, innermost_first
from bot.planners import evidence as weigh
from bot.planners import reading, versions
from bot.planners.evidence import Lead, TreeMatcher, as_code, where_at
from bot.planners.framing import Framing
from bot.planners.standing import CODE, PROSE, TITLE, shares_title_word, standing

_DELIBERATE = re.compile(r"^\s*(?:raise\b|assert\b|self\.raise_|raise_|panic!?\(|throw\b)")
# A function whose job is to raise (`raise_no_formats`, `_fail`, `throw_error`).
# A function named for raising or reporting a failure (raise_for_status, fail_json,
# report_error): the frame that calls it is where the failure was decided.
_RAISER = re.compile(r"^_*(?:raise|throw|fail|abort|report_(?:error|exception|failure))(?:_|$)")
SHORT_SOURCE = 20  # a shorter printed line ("raise ValueError(") is in a file many times
FAILS = "The failure originates in {at}"
CHECK = "The check at {at} rejects what it is given: is the check or its input wrong?"
THEIRS = "The check at {at} rejects the issue's own input `{value}`: the check may be what is wrong"
CALLER = "The caller {at} passes {callee} a value it does not expect"
TITLED = "{at}, which the title names, is where it goes wrong"
_QUOTED_VALUE = re.compile(r"'([^'\n]{2,60})'|\"([^\"\n]{2,60})\"")


def _frame_text(frame: Frame, path: str) -> str:
    """The frame as the tree names it: our description, not a quotation of the reporter."""
    func = f", in `{frame.function}`" if frame.function else ""
    return f"`{path}`, line {frame.line}{func}" if frame.line else f"`{path}`{func}"


def _head_line(tree: TreeMatcher, path: str, frame: Frame) -> int | None:
    """The frame's line at HEAD: where the tree holds the code the traceback printed (the
    reporter may run another version), the nearest to the printed line when it recurs;
    else the printed line if nothing contradicts it, else None."""
    code = frame.source.strip()
    if not code:
        return frame.line
    found = [s.start_line + offset for s in tree.context.snippets if s.path == path
             for offset, line in enumerate(s.text.splitlines()) if line.strip() == code]
    found += [s.line for s in tree.context.findings.sites if s.path == path and s.code == code]
    if not found:
        return None
    if len(set(found)) > 1 and len(code) < SHORT_SOURCE and frame.line not in found:
        return None
    return min(found, key=lambda n: abs(n - (frame.line or n)))


def in_repository(tree: TreeMatcher, text: str) -> list[tuple[Frame, str]]:
    """The traceback's frames in the repository's own files, innermost first, each with
    the file's path in the tree."""
    return [(f, m[0]) for f in innermost_first(frames(text))
            if len(m := tree.index.match(f.path, frame=True)) == 1]


def _deliberate(tree: TreeMatcher, frame: Frame, path: str, line: int | None) -> bool:
    code = frame.source or (reading.code_at(tree.context.snippets, path, line) if line else "")
    return bool(_DELIBERATE.match(code) or _RAISER.match(frame.function.rsplit(".", 1)[-1]))


def their_input(error: str, text: str) -> str:
    """A value the error message quotes that the reporter's own input holds (`'-12.50'`,
    also in their steps): the check judged their input, so the check is what is in
    question, not a caller. "" when the message quotes none of theirs."""
    message = error.partition(":")[2].strip()
    if not message:
        return ""
    others = "\n".join(line for line in text.splitlines() if message[:40] not in line)
    return next((v for m in _QUOTED_VALUE.finditer(message)
                 if (v := m[1] or m[2]) in others), "")


def _titled(text: str, frame: Frame, path: str) -> bool:
    """The title names the frame's function as code, or the frame's file is the one its
    "[component]" prefix names (a plain title word, "Export crashes", names neither)."""
    func = frame.function.rsplit(".", 1)[-1]
    area = signals.root(mentions.area(text.partition("\n")[0]).replace(" ", ""))
    stem = signals.root(path.rsplit("/", 1)[-1].split(".", 1)[0])
    return standing(text).get(func) == TITLE or (len(area) >= signals.MIN_ROOT and stem == area)


def _said(text: str, frame: Frame) -> float:
    """How much the issue's own words name the frame's function (0: they do not)."""
    func = frame.function.rsplit(".", 1)[-1]
    where = standing(text).get(func)
    if where == PROSE or (where == CODE and shares_title_word(func, text)):
        return weigh.PROSE_NAME
    return 0.0


def _lead(tree: TreeMatcher, frame: Frame, path: str, strength: float, what: str,
          verify: str, error: str = "", call: str = "") -> Lead:
    here = versions.locate([s for s in tree.context.snippets if s.path == path], frame,
                           _head_line(tree, path, frame), tree.context.commit_sha)
    where = where_at(path, here.line)
    code = reading.code_at(tree.context.snippets, path, here.line) if here.line else ""
    func = f" (`{frame.function}`)" if frame.function else ""
    evidence = [f"{what}: {_frame_text(frame, path)}"]
    evidence += [f"The issue reports {weigh.quote(error)}"] if error else []
    evidence += [here.note] if here.note else []
    evidence += [f"Line {here.line} of `{path}` reads {as_code(code)}"] if code else []
    spot = f"`{where}`" if here.line or not frame.function else f"`{frame.function}` in `{path}`"
    name = f"`{frame.function}`" if frame.function else "the failing code"
    test = as_code(call) if call else name
    return Lead(path, f"`{where}`{func}", verify.format(spot=spot, name=name, test=test),
                evidence, [where], strength)


def _named(lead: Lead, text: str, frame: Frame) -> Lead:
    """A frame whose function the issue's words name weighs as much as that name does."""
    if (said := _said(text, frame)) > lead.strength:
        lead.strength = said
        lead.evidence.append(f"The issue's words name `{frame.function}`")
    return lead


def frame_leads(tree: TreeMatcher, text: str, error: str, say: Framing) -> list[Lead]:
    inside = in_repository(tree, text)
    if not inside:
        return []
    calls = dict(reading.symbols(text))
    frame, path = inside[0]
    raised = _deliberate(tree, frame, path, frame.line)
    check = ("Run the reproduction steps with a breakpoint at {spot} and inspect the values "
             "there; a failing test that calls {test} with the issue's input confirms it, a "
             "passing one points elsewhere.")
    callee = f"`{frame.function}`" if frame.function else "the failing code"
    theirs = their_input(error, text) if raised else ""
    first = _lead(tree, frame, path, weigh.RAISE if raised and not theirs else weigh.FRAME,
                  "Innermost traceback frame inside the repository",
                  say.frame_verify or check, error, calls.get(frame.function, ""))
    if theirs:
        first.title = THEIRS.format(at=first.title, value=theirs)
        raised = False  # the caller passed the reporter's value on: no more suspect than it
    else:
        first.title = (CHECK if raised else FAILS).format(at=first.title)
    leads = [_named(first, text, frame)]
    later = [(f, p) for f, p in inside[1:] if p != path] if raised else inside[1:2]
    if later:
        caller, caller_path = later[0]
        lead = _lead(tree, caller, caller_path, weigh.CALLER if raised else weigh.OUTER_FRAME,
                     "Next frame out in the traceback, in another file" if raised
                     else "Next frame out in the traceback",
                     "Set a breakpoint at {spot} and compare what it passes on with what "
                     f"{callee} expects; if the value is already wrong there, the fix belongs "
                     "in the caller.")
        lead.title = CALLER.format(at=lead.title, callee=callee)
        leads.append(_named(lead, text, caller))
    for frame, path in inside:
        if _titled(text, frame, path):
            named = _lead(tree, frame, path, weigh.TITLE_FILE,
                          "A traceback frame in code the title names", check,
                          call=calls.get(frame.function, ""))
            named.title = TITLED.format(at=named.title)
            leads.insert(0, named)
            break
    return leads
