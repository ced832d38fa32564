"""Hypotheses from the issue's evidence, ranked by what the evidence says; the files the
search ranked best fill the list as places to read first, said as such (pure)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.context.tracebacks import frames
from bot.documents.kind import BUG, DOCS, SECURITY
from bot.domain import Hypothesis
from bot.limits import PLANNER_TITLE
from bot.paths import is_code, kind_of
from bot.planners import evidence as weigh
from bot.planners import reading
from bot.planners.evidence import Lead, TreeMatcher, as_code, quote, where_at
from bot.planners.file_leads import file_leads, named_leads
from bot.planners.frame_leads import frame_leads
from bot.planners.framing import READ_FIRST, framing, is_located
from bot.planners.name_leads import name_leads
from bot.planners.sinks import MAX_LINES, sinks
from bot.planners.site_leads import raise_lead, site_leads
from bot.planners.worth_reading import worth_reading
from bot.text import clip

NO_SIGNAL_TITLE = framing(BUG).unlocated
MAX_HYPOTHESES = 4
MAX_EVIDENCE = 6
MAX_WHERE = 3
# The search's first three files, as places to read: above a name only pasted code uses,
# below anything the issue's own words point at.
READ_STRENGTH = (57, 47, 44)
AGREES = 3  # a lead on one of the search's best files: the two agree
READ_FILL = 3  # hypotheses the search's best files fill up to when the issue says less
ORDINAL = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
           "ninth", "tenth")
# Where the code makes the call the reported attack needs: read before the search's matches.
SINK_STRENGTH = (59, 55)
SINK = "Read first: `{at}`, where the code {does}"
# Why the search ranked a file, in a reader's words.
WHY = {"traceback": "a traceback frame", "mentioned": "the issue names it",
       "module": "a module the issue names", "tested by a named test": "a named test tests it",
       "defines": "it defines a name the issue uses", "named module": "named like the issue's "
       "words", "content": "its text matches the issue's words", "path": "its path matches"}


def _read_first(tree: TreeMatcher, kind: str) -> list[Lead]:
    """The search's best files of the kind a change goes to, as places to read first."""
    say = framing(kind)
    wanted = (lambda p: kind_of(p) == "docs") if kind == DOCS else is_code
    files = tree.context.source.files if tree.context.source else {}
    paths = [p for p in dict.fromkeys(s.path for s in tree.context.snippets)
             if wanted(p) and not tree.is_side(p) and worth_reading(p, files.get(p))]
    leads = []
    for n, path in enumerate(paths[:len(READ_STRENGTH)]):
        why = ", ".join(WHY.get(r, r) for r in tree.context.findings.why(path))
        # Its place in the search's own ranking, copies and version files included.
        place = (tree.rank(path) or n + 1) - 1
        rank = ORDINAL[place] if place < len(ORDINAL) else f"{place + 1}th"
        leads.append(Lead(path, READ_FIRST.format(path=path, rank=rank),
                          say.read.format(path=path),
                          [f"The repository search ranks it {rank} of the files most "
                           f"relevant to the issue{f' ({why})' if why else ''}",
                           "The issue says nothing that points at this file more directly"],
                          [tree.span(path)], READ_STRENGTH[n]))
    return leads


def _sink_reads(tree: TreeMatcher, text: str, kind: str) -> list[Lead]:
    """For a vulnerability: the files making the call its attack needs, as places to read."""
    source = tree.context.source
    if kind != SECURITY or source is None:
        return []
    say = framing(kind)
    found = [f for f in sinks(text, source.files) if not tree.is_side(f.path)]
    leads = []
    for found_at, strength in zip(found, SINK_STRENGTH, strict=False):
        path, lines = found_at.path, found_at.lines[:MAX_LINES]
        code = source.files[path].splitlines()[lines[0] - 1].strip()
        leads.append(Lead(path, SINK.format(at=where_at(path, lines[0]), does=found_at.sink.does),
                          say.read.format(path=path),
                          [f"The attack the issue describes needs code that "
                           f"{found_at.sink.does}; `{path}` does, at line {lines[0]}: "
                           f"{as_code(code)}", "The issue says nothing that points at this "
                           "file more directly"], [where_at(path, n) for n in lines], strength))
    return leads


def _unlocated(tree: TreeMatcher, error: str, kind: str) -> Hypothesis:
    """The one honest hypothesis when the repository gives nothing to read."""
    say = framing(kind)
    evidence = ["The issue names no traceback frame, error location, file or code name that "
                "the repository has, and the repository search found no file to read first."]
    if error:
        evidence.append(f"The issue reports {quote(error)}, but nothing in the repository "
                        "shows where it comes from.")
    return Hypothesis(say.unlocated, "Possible", tuple(evidence), (), say.unlocated_verify)


def _merged(leads: Sequence[Lead], reads: Sequence[Lead], tree: TreeMatcher) -> list[Lead]:
    """One lead per file, strongest first: the strongest keeps its title, the others add
    their evidence; a lead on one of the search's best files gains a little. The search's
    own best files fill the list up to READ_FILL hypotheses, as places to read first."""
    by_path: dict[str, Lead] = {}
    for lead in sorted(leads, key=lambda lead: -lead.strength):
        if lead.path in by_path:
            by_path[lead.path].absorb(lead)
        else:
            by_path[lead.path] = lead
    for lead in by_path.values():
        rank = tree.rank(lead.path)
        if rank is not None and rank <= AGREES:
            lead.strength += AGREES + 1 - rank
    fill: list[Lead] = []
    for read in reads:
        if read.path in by_path:  # the search agrees with what the issue says: one line
            by_path[read.path].evidence.append(read.evidence[0])
        elif len(by_path) + len(fill) < READ_FILL:
            fill.append(read)
    return sorted([*by_path.values(), *fill], key=lambda lead: -lead.strength)


def _hypothesis(lead: Lead, first: bool) -> Hypothesis:
    likely = first and lead.strength >= weigh.MOST_LIKELY and is_located(lead.title)
    return Hypothesis(clip(lead.title, PLANNER_TITLE), "Most likely" if likely else "Possible",
                      tuple(lead.evidence[:MAX_EVIDENCE]), tuple(lead.where[:MAX_WHERE]),
                      lead.verify)


def ranked(tree: TreeMatcher, text: str, feedback: str, kind: str = BUG) -> list[Hypothesis]:
    """Ranked hypotheses: files the feedback names, the traceback, the reported message,
    pasted code or quoted values the tree holds, the names and files the issue uses,
    weighed by where it uses them; then the search's best files to read first. `text` is
    the issue's own words, never planbot's template."""
    say = framing(kind)
    errors = reading.errors(text)
    error = errors[-1] if errors else ""  # the last one printed is the one that surfaced
    framed = frame_leads(tree, text, error, say)
    sources = {f.source for f in frames(text)}
    leads = [*file_leads(tree, feedback, "review feedback", say, weigh.FEEDBACK), *framed,
             *site_leads(tree, sorted(sources), {lead.path for lead in framed}),
             *file_leads(tree, text, "issue", say),
             *named_leads(tree, text, say), *name_leads(tree, text, say)]
    bare = raise_lead(tree, error) if error and not framed else None
    leads += [bare] if bare else []
    if kind == DOCS:  # a page the issue names is what a docs issue is about
        for lead in leads:
            lead.strength += weigh.AMBIGUOUS if kind_of(lead.path) == "docs" else 0
    reads = [*_sink_reads(tree, text, kind), *_read_first(tree, kind)]
    found = _merged(leads, reads, tree)[:MAX_HYPOTHESES]
    if not found:
        return [_unlocated(tree, error, kind)]
    return [_hypothesis(lead, n == 0) for n, lead in enumerate(found)]
