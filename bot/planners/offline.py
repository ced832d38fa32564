"""The offline planner: deterministic heuristics over the issue, its tracebacks and the tree."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.context.tracebacks import mentioned_paths
from bot.domain import HypothesesDraft, PlanInput, Task, TasksDraft
from bot.limits import MAX_HYPOTHESES, MAX_TASKS
from bot.paths import CODE_SPAN, LINE_SUFFIX, is_test, normalise
from bot.planners import leads, reading
from bot.planners.layout import regression_test, suite_commands
from bot.ports import Planner
from bot.text import clip

NOTE = ("Made by planbot's offline planner (no language model): heuristics over the issue "
        "text, tracebacks and repository search.")
NO_REPO_NOTE = "The repository was not available, so no file could be matched to the issue."
DERIVED_NOTE = ("hypotheses.md has no `## H<n>` sections: the checks below follow hypotheses "
                "derived from the issue again.")
CHANGE = ("Change the code at the cause the checks confirmed, with the smallest change that "
          "makes the reproduction pass")
_HYPOTHESIS_NUMBER = re.compile(r"\bH(\d+)\b")


class OfflinePlanner(Planner):
    """Stages 2 and 3 without a model: the same input always gives the same plan."""

    name = "offline"

    def hypotheses(self, plan: PlanInput) -> HypothesesDraft:
        found = leads.hypotheses(leads.Repo(plan.context), plan.problem_md, plan.feedback)
        return HypothesesDraft(tuple(found), self.name, notes=_notes(plan))

    def tasks(self, plan: PlanInput) -> TasksDraft:
        repo = leads.Repo(plan.context)
        notes = list(_notes(plan))
        # A person may have rewritten hypotheses.md: its sections, not stage 2's output, rule.
        written = reading.written_hypotheses(plan.hypotheses_md)
        if not written:
            notes.append(DERIVED_NOTE)
            written = [reading.WrittenHypothesis(n, h.likelihood, h.title, h.where_to_look,
                                                 h.evidence, h.how_to_verify)
                       for n, h in enumerate(self.hypotheses(plan).items, 1)]
        sections = reading.sections(plan.problem_md)
        steps = _Steps()
        first = steps.add(_reproduce(sections, plan.problem_md))
        before_change = []
        if plan.feedback.strip():
            before_change.append(steps.add(
                f"Address review feedback: {leads.quote(plan.feedback, 150)}", [first]))
        likely: list[str] = []
        unlikely: list[str] = []
        for h in _feedback_first(written, plan.feedback, repo)[:MAX_HYPOTHESES]:
            paths = _cited(h, repo)
            pool = unlikely if h.likelihood.casefold() == "unlikely" else likely
            pool += [p for p in paths if p not in pool and not is_test(p)]
            before_change.append(steps.add(_check(h), [first], paths))
        code = (likely or unlikely)[:3]
        change = steps.add(CHANGE, before_change or [first], code)
        test_title, test_paths = regression_test(code[0] if code else None, plan.context.paths)
        test = steps.add(test_title, [change], test_paths)
        commands = suite_commands(plan.context.paths)
        how = " and ".join(f"`{c}`" for c in commands) if commands else (
            "no test command could be inferred from the repository: see its README or CI")
        steps.add(f"Run the whole test suite ({how}) and fix anything the change broke",
                  [change, test])
        criteria = reading.items(sections.get("acceptance criteria", ""))
        room = MAX_TASKS - len(steps.items)
        for criterion in criteria[:room]:
            steps.add(f"Meet: {criterion}", [change])
        if len(criteria) > room:
            notes.append(f"{len(criteria) - room} acceptance criteria did not fit in the task "
                         "limit: see problem-definition.md.")
        return TasksDraft(tuple(steps.items), self.name, notes=tuple(notes))


class _Steps:
    def __init__(self) -> None:
        self.items: list[Task] = []

    def add(self, title: str, depends_on: Sequence[int] = (), paths: Sequence[str] = ()) -> int:
        """Append a task; its number, for later tasks to depend on."""
        self.items.append(Task(clip(title, leads.TITLE), tuple(depends_on), tuple(paths)))
        return len(self.items)


def _notes(plan: PlanInput) -> tuple[str, ...]:
    notes = [NOTE]
    if not plan.context.paths:
        notes.append(NO_REPO_NOTE)
    if plan.feedback.strip():
        notes.append(f"Revised with review feedback: {leads.quote(plan.feedback, 300)}")
    return tuple(notes)


def _check(h: reading.WrittenHypothesis) -> str:
    check = f"Check H{h.number} ({h.likelihood}): {h.title}"
    with_verify = f"{check} — {h.verify}"
    if h.verify and len(with_verify) <= leads.TITLE:
        return with_verify
    return f"{check} — follow its “How to verify”" if h.verify else check


def _reproduce(sections: dict[str, str], text: str) -> str:
    steps = reading.items(reading.lead(sections.get("reproduction steps", "")))
    if steps:
        listed = "; ".join(f"{n}) {step}" for n, step in enumerate(steps, 1))
        return ("Reproduce the problem on the default branch and save the output, following "
                f"the reproduction steps: {clip(listed.replace('`', ''), 120)}")
    errors = reading.errors(text)
    if errors:
        return (f"Reproduce the reported error {leads.quote(errors[-1], 100)} on the default "
                "branch and save the full output")
    return ("Reproduce the reported behaviour on the default branch from the issue description, "
            "and write the exact steps into problem-definition.md")


def _cited(h: reading.WrittenHypothesis, repo: leads.Repo) -> tuple[str, ...]:
    """The repository files a (maybe hand-written) hypothesis points at."""
    raw = [span for ref in h.refs for span in (CODE_SPAN.findall(ref) or ref.split()[:1])]
    if not raw:  # no "Where to look": take the paths its text names
        raw = [s for part in (h.title, *h.evidence, h.verify) for s in CODE_SPAN.findall(part)]
    found: list[str] = []
    for ref in raw:
        if repo.context.paths:
            path = repo.resolve(ref)
        else:  # nothing to check against: keep file-like refs, validation marks them
            path = normalise(LINE_SUFFIX.sub("", ref))
            path = path if path and "." in path.rsplit("/", 1)[-1] else None
        if path and path not in found:
            found.append(path)
    return tuple(found)


def _feedback_first(written: list[reading.WrittenHypothesis], feedback: str,
                    repo: leads.Repo) -> list[reading.WrittenHypothesis]:
    """Hypotheses the review feedback names (`H2`, or one of their files) are checked first."""
    named = {int(n) for n in _HYPOTHESIS_NUMBER.findall(feedback)}
    files = {p for raw in mentioned_paths(feedback) if (p := repo.resolve(raw))}
    return sorted(written, key=lambda h: not (h.number in named or files & set(_cited(h, repo))))
