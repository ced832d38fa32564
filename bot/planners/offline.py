"""The offline planner: deterministic heuristics over the issue, its tracebacks and the tree."""

from __future__ import annotations

import re

from bot.context.issue import issue_text
from bot.context.tracebacks import mentioned_paths
from bot.documents.kind import detect, written_kind
from bot.domain import HypothesesDraft, PlanInput, TasksDraft
from bot.paths import CODE_SPAN, LINE_SUFFIX, normalise
from bot.planners import hypotheses
from bot.planners.brief import Brief, Steps
from bot.planners.evidence import TreeMatcher, quote
from bot.planners.framing import reads_first
from bot.planners.recipes import RECIPES
from bot.planners.written import WrittenHypothesis, written_hypotheses
from bot.ports import Planner
from bot.text import sections

NOTE = ("Made by planbot's offline planner (no language model): heuristics over the issue "
        "text, tracebacks and repository search.")
NO_REPO_NOTE = "The repository was not available, so no file could be matched to the issue."
DERIVED_NOTE = ("hypotheses.md has no `## H<n>` sections: the tasks below follow hypotheses "
                "derived from the issue again.")
# When nothing the issue says points into the tree, the hypotheses are search matches: said
# plainly, so that no one takes H1 for a finding.
NOTHING_NAMED = ("The issue names nothing in the repository: no traceback frame, file, module, "
                 "error text or quoted value the tree holds, and no code name it says is at "
                 "fault. The hypotheses below are places to read first (the repository "
                 "search's matches, names the issue only mentions), not findings.")
_HYPOTHESIS_NUMBER = re.compile(r"\bH(\d+)\b")


def plan_kind(problem_md: str) -> str:
    """The kind the problem definition names (a person may have corrected it), else the
    kind its text reads as."""
    title, _, body = issue_text(problem_md).partition("\n")
    return written_kind(problem_md) or detect(title, body).kind


class OfflinePlanner(Planner):
    """Stages 2 and 3 without a model: the same input always gives the same plan."""

    name = "offline"

    def hypotheses(self, plan: PlanInput) -> HypothesesDraft:
        text = issue_text(plan.problem_md)
        found = hypotheses.ranked(TreeMatcher(plan.context, text), text, plan.feedback,
                                  plan_kind(plan.problem_md))
        weak = all(reads_first(h.title) for h in found)
        notes = _notes(plan) + ((NOTHING_NAMED,) if weak else ())
        return HypothesesDraft(tuple(found), self.name, notes=notes)

    def tasks(self, plan: PlanInput) -> TasksDraft:
        issue = issue_text(plan.problem_md)
        tree = TreeMatcher(plan.context, issue)
        notes = list(_notes(plan))
        # A person may have rewritten hypotheses.md: its sections, not stage 2's output, rule.
        written = written_hypotheses(plan.hypotheses_md)
        if not written:
            notes.append(DERIVED_NOTE)
            written = [WrittenHypothesis(n, h.likelihood, h.title, h.where_to_look,
                                                 h.evidence, h.how_to_verify)
                       for n, h in enumerate(self.hypotheses(plan).items, 1)]
        # Only hypotheses worth checking get tasks: one a person marked unlikely does not.
        worth = [h for h in _feedback_first(written, plan.feedback, tree)
                 if h.likelihood.casefold() != "unlikely"]
        brief = Brief(
            kind=plan_kind(plan.problem_md),
            sections=sections(plan.problem_md),
            issue=issue,
            hypotheses=[(h, _cited(h, tree)) for h in worth],
            named=frozenset(p for raw in mentioned_paths(issue) if (p := tree.resolve(raw))),
            paths=plan.context.paths,
            feedback_task=(f"Address review feedback: {quote(plan.feedback, 150)}"
                           if plan.feedback.strip() else ""),
            findings=plan.context.findings,
            files=plan.context.source.files if plan.context.source else {},
            side=tree.side,
        )
        steps = Steps()
        RECIPES[brief.kind](brief, steps)
        return TasksDraft(tuple(steps.items), self.name, notes=tuple(notes))


def _notes(plan: PlanInput) -> tuple[str, ...]:
    notes = [NOTE]
    if not plan.context.paths:
        notes.append(NO_REPO_NOTE)
    if plan.feedback.strip():
        notes.append(f"Revised with review feedback: {quote(plan.feedback, 300)}")
    return tuple(notes)


def _cited(h: WrittenHypothesis, tree: TreeMatcher) -> tuple[str, ...]:
    """The repository files a (maybe hand-written) hypothesis points at."""
    raw = [span for ref in h.refs for span in (CODE_SPAN.findall(ref) or ref.split()[:1])]
    if not raw:  # no "Where to look": take the paths its text names
        raw = [s for part in (h.title, *h.evidence, h.verify) for s in CODE_SPAN.findall(part)]
    found: list[str] = []
    for ref in raw:
        if tree.context.paths:
            path = tree.resolve(ref)
        else:  # nothing to check against: keep file-like refs, validation marks them
            path = normalise(LINE_SUFFIX.sub("", ref))
            path = path if path and "." in path.rsplit("/", 1)[-1] else None
        if path and path not in found:
            found.append(path)
    return tuple(found)


def _feedback_first(written: list[WrittenHypothesis], feedback: str,
                    tree: TreeMatcher) -> list[WrittenHypothesis]:
    """Hypotheses the review feedback names (`H2`, or one of their files) are checked first."""
    named = {int(n) for n in _HYPOTHESIS_NUMBER.findall(feedback)}
    files = {p for raw in mentioned_paths(feedback) if (p := tree.resolve(raw))}
    return sorted(written, key=lambda h: not (h.number in named or files & set(_cited(h, tree))))
