"""Run the stages over the documents as people left them; the caller publishes the outcome."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bot.documents.problem import problem_inputs, render_problem
from bot.documents.provenance import State, body_of, digest, finish, state
from bot.documents.render import render_hypotheses, render_tasks
from bot.documents.validate import check_hypotheses, check_tasks
from bot.domain import FILENAMES, STAGES, Comment, Issue, PlanInput, RepoContext
from bot.ports import Planner
from bot.run.failures import NeedsUpstream

TEMPLATE = "template"  # stage 1 is a template transform: no model involved


@dataclass(frozen=True)
class Inputs:
    """What the stages read, fetched once per run."""

    repo: str
    issue: Issue
    comments: Sequence[Comment]
    documents: dict[str, str | None]


def expected_inputs(stage: str, inputs: Inputs, docs: dict[str, str | None]) -> str:
    """The digest a document of `stage` would record if built now."""
    if stage == "problem":
        return problem_inputs(inputs.issue, inputs.comments)
    if stage == "hypotheses":
        return digest(docs["problem"] or "")
    return digest(docs["problem"] or "", docs["hypotheses"] or "")


def states(inputs: Inputs) -> dict[str, State]:
    docs = inputs.documents
    return {stage: state(docs[stage], expected_inputs(stage, inputs, docs)) for stage in STAGES}


def should_run(stage: str, current: State, wanted: Sequence[str], forced: Sequence[str]) -> bool:
    """`/plan` fills in what is missing or stale; a person's edit is kept unless forced."""
    if stage in forced:
        return True
    return stage in wanted and current in (State.MISSING, State.STALE)


@dataclass
class Outcome:
    documents: dict[str, str | None]
    ran: list[str] = field(default_factory=list)
    refreshed: list[str] = field(default_factory=list)  # only derived parts rewritten
    paths: frozenset[str] | None = None  # the repository's, when the run read its context

    @property
    def changed(self) -> dict[str, str]:
        return {s: d for s, d in self.documents.items()
                if (s in self.ran or s in self.refreshed) and d is not None}


@dataclass
class Stages:
    """Stage builders with their collaborators; planner and context are made lazily so
    that a run that only rebuilds the problem definition costs no model or archive."""

    make_planner: Callable[[], Planner]
    make_context: Callable[[str], RepoContext]
    # Stage 1's "Related Issues" section for the issue (bot.documents.related); None: none.
    related: Callable[[Issue], str] | None = None
    _planner: Planner | None = None
    _context: RepoContext | None = None

    def planner(self) -> Planner:
        self._planner = self._planner or self.make_planner()
        return self._planner

    def close(self) -> None:
        if self._planner is not None:
            self._planner.close()

    def context_paths(self) -> frozenset[str] | None:
        """The repository's paths, when this run read its context (else None)."""
        return self._context.paths if self._context is not None else None

    def context(self, problem_md: str) -> RepoContext:
        self._context = self._context or self.make_context(problem_md)
        return self._context

    def build(self, stage: str, inputs: Inputs, docs: dict[str, str | None],
              feedback: str) -> str:
        needed = {"hypotheses": ("problem",), "tasks": ("problem", "hypotheses")}.get(stage, ())
        for upstream in needed:
            if not docs[upstream]:
                raise NeedsUpstream(f"`{FILENAMES[stage]}` is built from `{FILENAMES[upstream]}`,"
                                    " which does not exist yet.")
        expected = expected_inputs(stage, inputs, docs)
        if stage == "problem":
            body = render_problem(inputs.repo, inputs.issue, inputs.comments)
            if self.related is not None:
                body += "\n" + self.related(inputs.issue)
            return finish(stage, body, expected, TEMPLATE)
        problem = body_of(docs["problem"] or "")
        plan = PlanInput(problem, self.context(problem), body_of(docs["hypotheses"] or ""),
                         feedback)
        if stage == "hypotheses":
            hyp = check_hypotheses(self.planner().hypotheses(plan), plan.context)
            text = render_hypotheses(hyp.items, hyp.notes)
            return finish(stage, text, expected, hyp.generator, hyp.usage, _commit(plan))
        tasks = check_tasks(self.planner().tasks(plan), plan.context)
        text = render_tasks(tasks.items, tasks.notes)
        return finish(stage, text, expected, tasks.generator, tasks.usage, _commit(plan))


def _commit(plan: PlanInput) -> str:
    # A commit id, never a branch name: links made from it must keep pointing at the
    # lines the plan read (a local checkout may have no commit at all).
    sha = plan.context.commit_sha
    return sha if re.fullmatch(r"[0-9a-f]{7,40}", sha) else ""


def run(inputs: Inputs, stages: Stages, wanted: Sequence[str], forced: Sequence[str] = (),
        feedback: str = "", on_stage: Callable[[str, str], None] = lambda s, e: None) -> Outcome:
    """Build every stage that should run, in order, each reading the latest upstream.

    Nothing is published here: the caller saves `Outcome.changed` in one go, so a
    failing stage leaves nothing half-published.
    """
    docs = dict(inputs.documents)
    outcome = Outcome(docs)
    for stage in STAGES:
        current = state(docs[stage], expected_inputs(stage, inputs, docs))
        if not should_run(stage, current, wanted, forced):
            continue
        on_stage(stage, "running")
        docs[stage] = stages.build(stage, inputs, docs, feedback)
        outcome.ran.append(stage)
        on_stage(stage, "done")
    return outcome
