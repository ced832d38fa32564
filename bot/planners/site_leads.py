"""Hypotheses from what the issue quotes that the tree holds: the reported message where the
code emits it, a pasted code line, a quoted value where it is defined (pure)."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from bot.domain import Snippet
from bot.paths import is_code
from bot.planners import evidence as weigh
from bot.planners import reading
from bot.planners.evidence import Lead, TreeMatcher, as_code, quote, where_at

MESSAGE = ("Run the issue's example with a breakpoint at `{at}`: the condition that leads "
           "there is what the input meets. Decide with a test that feeds the issue's input "
           "whether the check is wrong or the caller that passes the input.")
CODE = ("Run the issue's example with a breakpoint at `{at}` and inspect the values there; a "
        "failing test that feeds the issue's input to this code confirms it.")
VALUE = ("Read where `{at}` is used and check the behaviour the issue describes follows from "
         "this value; a test that sets another value shows whether changing it is the fix.")
_SAID = {"message": ("`{at}` emits the message the issue reports", "The issue reports {q}",
                     "`{at}` holds that text: {code}", MESSAGE),
         "code": ("`{at}` runs the code the issue shows", "The issue shows {q}",
                  "`{at}` is that line: {code}", CODE),
         "value": ("`{at}` sets the value the issue quotes", "The issue quotes {q}",
                   "`{at}` defines it: {code}", VALUE)}
_STRENGTH = {"message": weigh.SITE, "code": weigh.LINE, "value": weigh.VALUE}


def site_leads(tree: TreeMatcher, skip: Sequence[str] = (),
               framed: Collection[str] = ()) -> list[Lead]:
    """One lead per file holding a quoted string, less when several files hold the same;
    code lines in `skip` (traceback frames' own lines) are the frames' evidence, and a
    message some frame's file holds is that file's, not its namesakes', and the frame's
    evidence already reports it."""
    sites = [s for s in tree.context.findings.sites if not (s.what == "code" and s.quoted in skip)]
    in_frames = {s.quoted for s in sites if s.path in framed}
    sites = [s for s in sites if s.quoted not in in_frames and s.path not in framed]
    # Text a side copy repeats (a frozen `v1/`) is the live code's.
    live = {s.quoted for s in sites if not tree.is_side(s.path)}
    sites = [s for s in sites if not (tree.is_side(s.path) and s.quoted in live)]
    leads = []
    for site in sites:
        title, said, held, verify = _SAID[site.what]
        at = where_at(site.path, site.line)
        shared = len({s.path for s in sites if s.quoted == site.quoted})
        leads.append(Lead(site.path, title.format(at=at), verify.format(at=at), [
            said.format(q=quote(site.quoted)), held.format(at=at, code=as_code(site.code))],
            [at], _STRENGTH[site.what] - (weigh.AMBIGUOUS if shared > 1 else 0)))
    return leads


def _code_snippets(tree: TreeMatcher) -> list[Snippet]:
    """Excerpts of the code itself: an error's name in a test or a page proves nothing."""
    return [s for s in tree.context.snippets if is_code(s.path)]


def raise_lead(tree: TreeMatcher, error: str) -> Lead | None:
    """An error reported with no message says only its class: the one place in the
    excerpts' code that raises it is a lead."""
    kind, _, message = error.partition(":")
    if message.strip():
        return None
    sites = reading.raise_sites(kind.rsplit(".", 1)[-1], _code_snippets(tree))
    if len(sites) != 1:
        return None
    snippet, line, code = sites[0]
    at = where_at(snippet.path, line)
    return Lead(snippet.path, f"`{at}` raises the bare `{kind}` the issue reports", (
        f"Run the reproduction with a breakpoint at `{at}`; if it is hit, the condition "
        "above it is what the input breaks, if not, another frame raises it."),
        [f"The issue reports `{kind}` with no message",
         f"`{at}` is the one place in the excerpts that raises it: {as_code(code)}"], [at],
        weigh.RAISE)
