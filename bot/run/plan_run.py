"""One plan run: load config, check who asked, run the commands, publish, report."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial

from bot import config as repo_config
from bot.config import RepoConfig
from bot.documents.provenance import State
from bot.domain import STAGES, Issue, ReactionTarget, RepoContext, Repository, ReviewComment
from bot.intake.commands import Command
from bot.intake.request import LABEL, MERGED, PlanRequest
from bot.markers import PLANNED_LABEL
from bot.ports import Conversation, Planner, RateLimited, RequestBudget
from bot.run import meter, status
from bot.run.board import StatusBoard
from bot.run.failures import describe, explained
from bot.run.pipeline import Inputs, Outcome, Stages, run, should_run, states
from bot.run.replies import help_text, may_run, refusal, unknown_reply
from bot.run.status import StageRow
from bot.run.stores import PlanStore
from bot.state.document_cache import DocumentCache
from bot.state.github_budget import InstallationBudget
from bot.state.issue_lock import IssueBusy, IssueLocks
from bot.state.refusals import Refusals
from bot.state.trigger_labels import TriggerLabels, same_label

log = logging.getLogger(__name__)

MERGED_NOTE = ("The plan for this issue was merged in #{pull}: [{plan_dir}]({url}). "
          "Its tasks are ready to be worked on.")
PUBLISHED = "plan published"
FAILED = "the run failed"
RUN_COMMANDS = {"plan", "problem", "hypotheses", "tasks", "again", "revise"}


@dataclass
class Collaborators:
    """What a run needs besides the conversation, made for its repository and config."""

    repository: Callable[[], Repository]
    read_config: Callable[[Repository], str | None]  # `.github/planbot.yml`, None if absent
    make_store: Callable[[Repository, RepoConfig, int], PlanStore]
    make_planner: Callable[[RepoConfig], Planner]
    make_context: Callable[[Repository, RepoConfig, str], RepoContext]


@dataclass(frozen=True)
class RunState:
    """What a run keeps in Redis, each piece on the one connection (bot.run.wiring.state_in);
    as built here, without Redis."""

    locks: IssueLocks = field(default_factory=IssueLocks)
    trigger_labels: TriggerLabels = field(default_factory=TriggerLabels)
    refusals: Refusals = field(default_factory=Refusals)
    documents: DocumentCache = field(default_factory=DocumentCache)
    budget: Callable[[int], InstallationBudget] = partial(InstallationBudget, None)


StageNames = tuple[str, ...]


def stages_for(command: str, config: RepoConfig) -> tuple[StageNames, StageNames]:
    """(wanted, forced) stages of a run command (DESIGN.md's command table); the trigger
    label runs the stages the config names."""
    if command == LABEL:
        return config.stages, ()
    if command == "plan":
        return STAGES, ()
    if command in STAGES:
        return (command,), (command,)
    if command == "again":
        return STAGES, STAGES
    return ("hypotheses", "tasks"), ("hypotheses", "tasks")  # revise


def review_feedback(body: str, notes: Sequence[ReviewComment], plan_dir: str) -> str:
    """A review's text and its inline comments as one feedback for `revise`.

    A plan PR's diff holds only the plan's own files, so inline comments sit on them;
    those are not in the tree the stages are grounded in (the default branch), so the
    document is named without the plan folder, or validation would mark it "not found".
    """
    def where(note: ReviewComment) -> str:
        path = note.path.removeprefix(plan_dir.rstrip("/") + "/")
        return f"{path}:{note.line}" if note.line else path

    return "\n".join([body, *(f"- `{where(n)}`: {n.body}" for n in notes)]).strip()


def stage_rows(current: dict[str, State], documents: dict[str, str | None], store: PlanStore,
               ran: Sequence[str] = ()) -> list[StageRow]:
    """One status row per stage: "updated" when this run wrote it, else its state."""
    return [status.row_for(stage, "updated" if stage in ran else st.value, documents[stage],
                             store.link(stage)) for stage, st in current.items()]


class PlanRun:
    """The delivery's copy of the issue decides what to run; GitHub's is read for stage 1
    unless the run is `fresh` (started moments after its delivery, so the copy is as
    good as GitHub's answer)."""

    def __init__(self, request: PlanRequest, conversation: Conversation,
                 helpers: Collaborators, state: RunState | None = None,
                 fresh: bool = False, budget: RequestBudget | None = None) -> None:
        self.request, self.gh, self.helpers = request, conversation, helpers
        self.state = state or RunState()
        self.fresh = fresh and bool(request.issue)
        self.budget = budget  # the installation's GitHub budget (GitHub mode only)
        self.issue_read = False  # GitHub's issue (not the delivery's) is in the inputs
        self.number = request.issue_number
        self.board = StatusBoard(conversation, self.number)
        self.rows: list[StageRow] = []
        self.trigger: ReactionTarget = (
            ("comment", request.comment_id) if request.comment_id
            else ("issue", request.pull_number or self.number))

    def react(self, content: str) -> None:
        try:
            self.gh.add_reaction(self.trigger, content)
        except RateLimited:
            raise  # the budget is spent: requeue now, before the run spends anything else
        except Exception:  # a missing reaction must never cost the plan itself
            log.warning("reaction %s failed", content, exc_info=True)

    def handle(self) -> str:
        try:
            repo = self.helpers.repository()
            return self._dispatch(repo, repo_config.parse(self.helpers.read_config(repo)))
        except (IssueBusy, RateLimited):
            raise  # not a failure: the job runs again once the issue (or GitHub) is free
        except Exception as exc:
            self.fail(exc)
            raise

    def _unreact(self, content: str) -> None:
        try:
            self.gh.remove_reaction(self.trigger, content, self.board.author)
        except Exception:  # a stale reaction must never cost the plan itself
            log.warning("reaction %s not removed", content, exc_info=True)

    def _headline_is(self, headline: str) -> bool:
        shown = self.board.current() or ""
        return shown.splitlines()[1:2] == status.status_comment(headline, []).splitlines()[1:2]

    def fail(self, exc: BaseException) -> None:
        """Say on the issue what failed and what to do (also for a run whose worker died)."""
        failure = describe(exc)
        log.error("delivery %s failed: %s", self.request.delivery_id, failure.what,
                  exc_info=exc)
        with contextlib.suppress(RateLimited):  # the failure is the news, not the budget
            self.react("confused")
        self.board.try_show(status.status_comment(
            FAILED, status.failed_rows(self.rows),
            explained(failure, self.request.delivery_id)))

    def _dispatch(self, repo: Repository, config: RepoConfig) -> str:
        req = self.request
        self.state.trigger_labels.remember(req.repo, config.label)
        if req.trigger == LABEL and same_label(req.label) != same_label(config.label):
            return f"ignored: label {req.label!r} is not the trigger label"
        if not may_run(req.trigger, req.association, config.allowed):
            if not self.state.refusals.first(req.repo, self.number, req.sender):
                return "refused (already told this hour)"
            first = Command(*req.commands[0]) if req.commands else Command("plan")
            self.gh.create_comment(self.number, refusal(first, req.association, config.allowed))
            return "refused"
        with self.state.locks.hold(req.repo, self.number, self._queued):
            if req.trigger == MERGED:
                return self._merged(repo, config)
            commands = ((LABEL, ""),) if req.trigger == LABEL else req.commands
            return "; ".join(self._command(repo, config, name, arg) for name, arg in commands)

    def rate_limited(self, resume_at: float) -> None:
        """The job waits for GitHub's budget; say when it resumes, in the room plans leave
        for such notes (skipped while GitHub itself asked the installation to wait)."""
        when = time.strftime("%H:%M", time.gmtime(resume_at))
        with self.gh.notes():
            self.board.try_show(status.status_comment(
                f"queued: GitHub rate limit, resumes at {when} UTC", self.rows))

    def _queued(self) -> None:
        """Another run on this issue is in progress; say so while this one waits."""
        self.board.try_show(status.status_comment(
            "queued: waiting for another planbot run on this issue to finish", self.rows))

    def _command(self, repo: Repository, config: RepoConfig, name: str, arg: str) -> str:
        store = self.helpers.make_store(repo, config, self.number)
        if name == "help":
            self.gh.create_comment(self.number, help_text(config.allowed))
            return "help"
        if name == "status":
            inputs = self._inputs(repo, store)
            rows = stage_rows(states(inputs), inputs.documents, store)
            self.gh.create_comment(self.number, status.status_reply(self.number, rows))
            return "status"
        if name not in RUN_COMMANDS and name != LABEL:
            self.gh.create_comment(self.number, unknown_reply(Command(name, arg), config.allowed))
            return "unknown"
        return self._plan(repo, config, store, name, arg)
    def _inputs(self, repo: Repository, store: PlanStore) -> Inputs:
        return Inputs(repo.full_name, self._issue(), self.gh.issue_comments(self.number),
                      store.load())

    def _issue(self) -> Issue:
        if self.request.issue and not self.issue_read:
            return self.request.issue_seen()
        self.issue_read = True  # a plan PR's delivery describes the PR, not the issue
        return self.gh.issue(self.number)

    def _plan(self, repo: Repository, config: RepoConfig, store: PlanStore, name: str,
              arg: str) -> str:
        self.react("eyes")
        failed_before = self._headline_is(FAILED)
        wanted, forced = stages_for(name, config)
        inputs = self._inputs(repo, store)
        if not self.issue_read and not self.fresh and should_run(
                "problem", states(inputs)["problem"], wanted, forced):
            # A problem definition built from an old delivery's copy could miss an edit:
            # GitHub's issue then, and only when stage 1 runs (deciding needs no read).
            self.issue_read = True
            inputs = replace(inputs, issue=self.gh.issue(self.number))
        feedback = arg if name == "revise" else ""
        if self.request.review_id and self.request.pull_number:
            notes = self.gh.review_comments(self.request.pull_number, self.request.review_id)
            feedback = review_feedback(feedback, notes, config.plan_dir(self.number))
        progress_rows = {s: StageRow(s, st.value) for s, st in states(inputs).items()}
        stages = Stages(lambda: self.helpers.make_planner(config),
                        lambda text: self.helpers.make_context(repo, config, text))

        clock = meter.StageClock()

        def moved(stage: str, event: str) -> None:
            clock(stage, event)
            progress_rows[stage] = StageRow(stage, event)
            self.rows = list(progress_rows.values())
            # One "working" status, when the first model stage starts: 👀 already says a
            # run began, and the "published" status ends it. An instant planner gets
            # none (it would be replaced before anyone read it): GitHub's writes are scarce.
            if event == "running" and stage != "problem" and not working:
                working.append(stage)
                if not stages.planner().instant:
                    self.board.try_show(status.status_comment(f"working on #{self.number}",
                                                                self.rows))

        working: list[str] = []
        try:
            outcome = run(inputs, stages, wanted, forced, feedback, moved)
        finally:
            stages.close()
        meter.spent(outcome.documents, outcome.ran)
        self._publish(inputs, store, outcome, name)
        self.react("rocket")
        if failed_before and self.board.author:
            self._unreact("confused")  # an earlier attempt's 😕: this one published
        return f"{name}: ran {', '.join(outcome.ran) or 'nothing'}"

    def _publish(self, inputs: Inputs, store: PlanStore, outcome: Outcome, name: str) -> None:
        if outcome.changed:
            store.save(outcome.changed, f"planbot: {', '.join(outcome.ran)} for #{self.number}"
                       f" ({name})")
        current = states(Inputs(inputs.repo, inputs.issue, inputs.comments, outcome.documents))
        if not outcome.changed and self._published_and_current(current):
            return  # the status comment and the PR already say all there is: no writes
        rows = stage_rows(current, outcome.documents, store, outcome.ran)
        footer = ""
        if any(outcome.documents.values()):
            footer = store.open_review(f"Plan: {inputs.issue.title}",
                                       status.pull_body(self.number, rows))
        kept = [s for s, st in current.items() if st is State.EDITED]
        if kept:
            footer += ("\n\n" if footer else "") + "Kept as edited by a person: " + ", ".join(
                f"`{s}`" for s in kept) + " (`/plan again` regenerates everything)."
        self.board.show(status.status_comment(PUBLISHED, rows, footer))

    def _published_and_current(self, current: dict[str, State]) -> bool:
        return (all(st is State.CURRENT for st in current.values())
                and self._headline_is(PUBLISHED))

    def _merged(self, repo: Repository, config: RepoConfig) -> str:
        plan_dir = config.plan_dir(self.number)
        url = f"{repo.html_url}/tree/{repo.default_branch}/{plan_dir}"
        self.gh.create_comment(self.number, MERGED_NOTE.format(
            pull=self.request.pull_number, plan_dir=plan_dir, url=url))
        self.gh.add_label(self.number, PLANNED_LABEL)
        return "merged"
