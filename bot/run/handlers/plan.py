"""`/plan`, `/plan <stage>`, `/plan again`, `/plan revise` and the trigger label: build the
stages that should run, publish them together, and say so on the issue."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from bot.config import RepoConfig
from bot.documents.provenance import State
from bot.documents.related import related_section
from bot.domain import STAGES, Issue, ReviewComment
from bot.intake.commands import Command
from bot.intake.request import LABEL
from bot.run import meter
from bot.run.pipeline import Inputs, Outcome, Stages, run, states
from bot.run.publish import publish
from bot.run.report import Report
from bot.run.spend import SpendGuard
from bot.run.status import StageRow
from bot.run.turn import Turn

RUN_COMMANDS = frozenset({LABEL, "plan", *STAGES, "again", "revise"})
StageNames = tuple[str, ...]


def stages_for(command: str, config: RepoConfig) -> tuple[StageNames, StageNames]:
    """(wanted, forced) stages of a run command (the README's command table); the trigger
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


def plan(turn: Turn, command: Command) -> str:
    turn.report.started()
    wanted, forced = stages_for(command.name, turn.config)
    store = turn.store()
    inputs = turn.inputs_for(store, wanted, forced)
    feedback = _feedback(turn, command)
    outcome = _build(turn, inputs, wanted, forced, feedback)
    publish(turn, inputs, store, outcome, command.name)
    turn.report.finished()
    return f"{command.name}: ran {', '.join(outcome.ran) or 'nothing'}"


def _feedback(turn: Turn, command: Command) -> str:
    """`revise`'s words, or a review's body and inline comments on the plan PR."""
    feedback = command.arg if command.name == "revise" else ""
    req = turn.request
    if req.review_id and req.pull_number:
        notes = turn.gh.review_comments(req.pull_number, req.review_id)
        feedback = review_feedback(feedback, notes, turn.config.plan_dir(turn.issue_number))
    return feedback


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


def _build(turn: Turn, inputs: Inputs, wanted: Sequence[str], forced: Sequence[str],
           feedback: str) -> Outcome:
    guard = SpendGuard(turn.state.spend, turn.installation, turn.helpers.monthly_cap)
    stages = Stages(lambda: guard.planner(turn.helpers.make_planner, turn.config),
                    lambda text: turn.helpers.make_context(turn.repo, turn.config, text),
                    _related(turn))
    progress = Progress(turn.report, states(inputs))
    try:
        outcome = run(inputs, stages, wanted, forced, feedback, progress)
    finally:
        stages.close()
    outcome.paths = stages.context_paths()
    meter.spent(outcome.documents, outcome.ran)
    if guard.note and guard.note not in turn.notes:  # one comment's second capped command
        turn.notes.append(guard.note)
    return outcome


def _related(turn: Turn) -> Callable[[Issue], str] | None:
    find = turn.helpers.find_related
    if find is None:
        return None
    return lambda issue: related_section(find(turn.repo, issue))


class Progress:
    """The pipeline's stage events: timed for /metrics, and the report's stage rows.

    No "working" status is written while the stages run: 👀 on the trigger already says a
    run began, and the status comment is written once, when the plan is published. A
    working note would be an eighth write per branch plan (a ninth request for comment
    mode), and GitHub's content-creating budget is what bounds plans per hour.
    """

    def __init__(self, report: Report, current: Mapping[str, State]) -> None:
        self.report = report
        self.rows = {stage: StageRow(stage, st.value) for stage, st in current.items()}
        self.clock = meter.StageClock()

    def __call__(self, stage: str, event: str) -> None:
        self.clock(stage, event)
        self.rows[stage] = StageRow(stage, event)
        self.report.rows = list(self.rows.values())
