"""Hypotheses from the issue's evidence, ranked; one honest hypothesis when there is none."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.documents.kind import BUG, DOCS
from bot.domain import Hypothesis, Snippet
from bot.limits import PLANNER_TITLE
from bot.paths import is_code, kind_of
from bot.planners import reading
from bot.planners.evidence import Lead, TreeMatcher, quote
from bot.planners.frame_leads import frame_leads
from bot.planners.framing import framing
from bot.planners.named_leads import error_lead, file_leads, named_leads, symbol_leads
from bot.text import clip

NO_SIGNAL_TITLE = framing(BUG).unlocated
# Evidence supports few hypotheses: each one here stands on something the issue shows.
MAX_LEADS = 4
MAX_STARTING_POINTS = 3


class _Leads:
    def __init__(self) -> None:
        self.by_path: dict[str, Lead] = {}

    def add(self, lead: Lead) -> None:
        if lead.path in self.by_path:
            self.by_path[lead.path].absorb(lead)
        else:
            self.by_path[lead.path] = lead

    def ranked(self) -> list[Hypothesis]:
        leads = list(self.by_path.values())[:MAX_LEADS]
        return [Hypothesis(
            title=clip(lead.title, PLANNER_TITLE),
            likelihood="Most likely" if rank == 0 else "Possible",
            evidence=tuple(lead.evidence),
            where_to_look=tuple(lead.where),
            how_to_verify=lead.verify,
        ) for rank, lead in enumerate(leads)]


def _best_snippets(snippets: Sequence[Snippet], taken: Iterable[str],
                   pages: bool = False) -> list[Snippet]:
    """The best excerpts of distinct files: the code's own, or the documentation's."""
    seen = set(taken)
    out = []
    for s in snippets:
        wanted = kind_of(s.path) == "docs" if pages else is_code(s.path)
        if s.path not in seen and wanted:
            seen.add(s.path)
            out.append(s)
    return out


def _unlocated(tree: TreeMatcher, error: str, kind: str) -> Hypothesis:
    """The one honest hypothesis when the issue names nothing the repository has: search
    hits are where to start reading, not hypotheses of their own."""
    say = framing(kind)
    evidence = ["The issue names no traceback frame, error location, file or code name that "
                "the repository has."]
    if error:
        evidence.append(f"The issue reports {quote(error)}, but nothing in the repository "
                        "context shows where it comes from.")
    top = _best_snippets(tree.context.snippets, (), pages=kind == DOCS)[:MAX_STARTING_POINTS]
    if top:
        evidence.append("The files below match the issue's words best in a repository search; "
                        "that alone does not make them the place.")
    return Hypothesis(say.unlocated, "Most likely", tuple(evidence),
                      tuple(f"{s.path}:{s.start_line}-{s.end_line}" for s in top),
                      say.unlocated_verify)


def ranked(tree: TreeMatcher, text: str, feedback: str, kind: str = BUG) -> list[Hypothesis]:
    """Ranked hypotheses, each standing on evidence: files the feedback names, the
    traceback, the error's source, named code, named files; one honest hypothesis when
    nothing matches. `text` is the issue's own words, never planbot's template."""
    say = framing(kind)
    errors = reading.errors(text)
    error = errors[-1] if errors else ""  # the last one printed is the one that surfaced
    calls = dict(reading.symbols(text))
    leads = _Leads()
    for lead in [*file_leads(tree, feedback, "review feedback", say),
                 *frame_leads(tree, text, error, calls, say)]:
        leads.add(lead)
    # The line that raises the message, when a frame already stands on it, adds nothing.
    framed = {w for lead in leads.by_path.values() for w in lead.where}
    if error and (found := error_lead(tree, error)) and not framed & set(found.where):
        leads.add(found)
    named, defined = file_leads(tree, text, "issue", say), symbol_leads(tree, text, calls, say)
    # A page the issue names is what a docs issue is about; elsewhere the code it names leads.
    for lead in [*named, *defined] if kind == DOCS else [*defined, *named]:
        leads.add(lead)
    # Modules it names without a path come last, and only where nothing else stands.
    for lead in named_leads(tree, text, say):
        if lead.path not in leads.by_path:
            leads.add(lead)
    if not leads.by_path:
        return [_unlocated(tree, error, kind)]
    return leads.ranked()
