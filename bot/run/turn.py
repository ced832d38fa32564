"""One run as its command handlers see it: the request, the repository and its config,
and what the run works with (collaborators, state in Redis, the report on the issue)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial

from bot.config import RepoConfig
from bot.domain import Comparison, Issue, RepoContext, Repository
from bot.intake.request import PlanRequest
from bot.ports import Conversation, Planner
from bot.related.match import Related
from bot.run.drift import drift_note
from bot.run.pipeline import Inputs, should_run, states
from bot.run.report import Report
from bot.run.stores import PlanStore
from bot.state.document_cache import DocumentCache
from bot.state.github_budget import InstallationBudget
from bot.state.issue_lock import IssueLocks
from bot.state.monthly_spend import MonthlySpend
from bot.state.refusals import Refusals
from bot.state.trigger_labels import TriggerLabels


@dataclass
class Collaborators:
    """What a run needs besides the conversation, made for its repository and config."""

    repository: Callable[[], Repository]
    read_config: Callable[[Repository], str | None]  # `.github/planbot.yml`, None if absent
    make_store: Callable[[Repository, RepoConfig, int], PlanStore]
    make_planner: Callable[[RepoConfig], Planner]
    make_context: Callable[[Repository, RepoConfig, str], RepoContext]
    monthly_cap: float | None = None  # PLANBOT_MONTHLY_USD (bot.run.spend)
    # Stage 1's one search for related issues (bot.related.lookup); None: no section.
    find_related: Callable[[Repository, Issue], Related] | None = None
    # What changed between two commits, for the drift notice (bot.run.drift); None: never.
    compare: Callable[[str, str], Comparison] | None = None
    # Every path of the default branch, for the hand-off's test command (bot.run.handoff).
    repo_paths: Callable[[Repository], frozenset[str]] = lambda repo: frozenset()


@dataclass(frozen=True)
class RunState:
    """What a run keeps in Redis, each piece on the one connection (bot.run.wiring.state_in);
    as built here, without Redis."""

    locks: IssueLocks = field(default_factory=IssueLocks)
    trigger_labels: TriggerLabels = field(default_factory=TriggerLabels)
    refusals: Refusals = field(default_factory=Refusals)
    documents: DocumentCache = field(default_factory=DocumentCache)
    budget: Callable[[int], InstallationBudget] = partial(InstallationBudget, None)
    spend: MonthlySpend = field(default_factory=MonthlySpend)


@dataclass
class Turn:
    """The delivery's copy of the issue decides what to run; GitHub's is read for stage 1
    unless the run is `fresh` (started moments after its delivery, so the copy is as
    good as GitHub's answer), and at most once a run."""

    request: PlanRequest
    gh: Conversation
    repo: Repository
    config: RepoConfig
    helpers: Collaborators
    state: RunState
    report: Report
    fresh: bool = False
    installation: int = 0  # whose monthly model spend this run counts against
    notes: list[str] = field(default_factory=list)  # for the status comment's footer
    _github_issue: Issue | None = None  # GitHub's answer, asked at most once

    @property
    def issue_number(self) -> int:
        return self.request.issue_number

    def store(self) -> PlanStore:
        return self.helpers.make_store(self.repo, self.config, self.issue_number)

    def inputs(self, store: PlanStore) -> Inputs:
        return Inputs(self.repo.full_name, self._issue(), self.gh.issue_comments(self.issue_number),
                      store.load())

    def inputs_for(self, store: PlanStore, wanted: Sequence[str],
                   forced: Sequence[str]) -> Inputs:
        """The inputs of the stages a command runs."""
        inputs = self.inputs(store)
        if not self.issue_read and not self.fresh and should_run(
                "problem", states(inputs)["problem"], wanted, forced):
            # A problem definition built from an old delivery's copy could miss an edit:
            # GitHub's issue then, and only when stage 1 runs (deciding needs no read).
            inputs = replace(inputs, issue=self._from_github())
        return inputs

    def drift(self, documents: Mapping[str, str | None], built: Sequence[str] = ()) -> str:
        """The drift notice for the plan in `documents` (bot.run.drift), "" when none."""
        return drift_note(self.helpers.compare, self.repo.default_branch, documents, built)

    def issue_labels(self) -> tuple[str, ...]:
        """The issue's labels: the delivery's copy, else GitHub's issue."""
        return self._issue().labels

    @property
    def issue_read(self) -> bool:
        """GitHub's issue (not the delivery's) is in the inputs."""
        return self._github_issue is not None

    def _issue(self) -> Issue:
        if self.request.issue and not self.issue_read:
            return self.request.issue_seen()
        return self._from_github()  # a plan PR's delivery describes the PR, not the issue

    def _from_github(self) -> Issue:
        if self._github_issue is None:
            self._github_issue = self.gh.issue(self.issue_number)
        return self._github_issue
