"""Turn a failure into words for the issue: what failed and what to do (one table)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.config import CONFIG_PATH, ConfigError
from bot.documents.validate import PlanRejected
from bot.ports import BudgetExceeded, GitHubError, ModelUnavailable, PlannerError
from bot.run.lock import IssueBusy

REJECTED = {
    "hypotheses": "Add what you know to `problem-definition.md` (the error output, the files "
                  "involved, steps to reproduce) and comment `/plan hypotheses`, or write "
                  "`hypotheses.md` by hand and comment `/plan tasks`.",
    "tasks": "Add detail to `hypotheses.md` (where to look, how to verify) and comment "
             "`/plan tasks`, or write `tasks.md` by hand.",
}
RETRIES = ("planbot retries this automatically; if it keeps failing, comment `/plan` later.")


class NeedsUpstream(RuntimeError):
    """A stage was asked for while a document it reads is missing."""


class WorkerLost(RuntimeError):
    """The worker running the plan stopped mid-run (killed, out of memory, machine lost)
    on every attempt RQ made."""


@dataclass(frozen=True)
class Failure:
    what: str
    todo: str
    retry: bool  # would running the job again, unchanged, likely help?


@dataclass(frozen=True)
class _Row:
    kind: type[BaseException]
    when: Callable[[BaseException], bool]
    what: str  # formatted with exc and, for PlanRejected, its stage
    todo: str
    retry: bool


def _always(exc: BaseException) -> bool:
    return True


def _status(*codes: int) -> Callable[[BaseException], bool]:
    return lambda exc: isinstance(exc, GitHubError) and exc.status in codes


def _transient(exc: BaseException) -> bool:
    return isinstance(exc, ModelUnavailable) and exc.transient


# First matching row wins: the most specific kinds come first.
TABLE: tuple[_Row, ...] = (
    _Row(ConfigError, _always, f"`{CONFIG_PATH}` is invalid: {{exc}}",
         f"Fix `{{exc.key}}` in `{CONFIG_PATH}` on the default branch, then comment `/plan`.",
         retry=False),
    _Row(BudgetExceeded, _always, "The plan would exceed its token budget: {exc}",
         f"Raise `context.plan_tokens` in `{CONFIG_PATH}`, or shorten the issue, then comment "
         "`/plan`.", retry=False),
    _Row(ModelUnavailable, _transient, "The model could not be reached: {exc}", RETRIES,
         retry=True),
    _Row(ModelUnavailable, _always, "The model could not be used: {exc}",
         "Fix the setting named above (the installation's environment, or `model` in "
         f"`{CONFIG_PATH}`), then comment `/plan`.", retry=False),
    _Row(PlanRejected, _always, "The {exc.stage} stage: {exc}.", "{rejected}", retry=False),
    _Row(PlannerError, _always, "The planner produced no usable document: {exc}",
         "Edit the previous document to add detail, then comment `/plan`; or write the "
         "document by hand.", retry=False),
    _Row(NeedsUpstream, _always, "{exc}", "Run the earlier stage first (`/plan`), or write "
         "that document by hand, then repeat the command.", retry=False),
    _Row(WorkerLost, _always, "The worker running this plan stopped before it finished "
         "({exc}).", "Comment `/plan` to try again. If it stops again, the operator of this "
         "planbot installation should check the worker's memory limit and restarts (its log "
         "names this delivery).", retry=False),
    _Row(IssueBusy, _always, "{exc}, and it did not finish while this run waited.",
         "Comment `/plan` again once the status comment says the other run is done.",
         retry=False),
    _Row(GitHubError, _status(413), "{exc}", "Make the file smaller (GitHub's contents API "
         "reads files up to 1 MB), then comment `/plan`.", retry=False),
    _Row(GitHubError, _status(422), "GitHub refused what planbot sent ({exc.status}): {exc}",
         "The same request would be refused again, so planbot does not retry it. Fix what "
         f"the message names (a value in `{CONFIG_PATH}`, or the issue's text), then comment "
         "`/plan`.", retry=False),
    _Row(GitHubError, _status(401, 403, 404), "GitHub refused a request ({exc.status}): {exc}",
         "Check that the planbot App is installed on this repository with the permissions in "
         "the README (contents, issues and pull requests: read and write), then comment "
         "`/plan`.", retry=False),
    _Row(GitHubError, _always, "GitHub did not answer as expected: {exc}", RETRIES, retry=True),
    _Row(BaseException, _always, "An unexpected error stopped the run ({kind}).",
         "Comment `/plan` to try again; if it fails again, the maintainers of this planbot "
         "installation can find the details in the worker log.", retry=True),
)


def describe(exc: BaseException) -> Failure:
    """The message for `exc`: the first row of TABLE that matches it."""
    row = next(r for r in TABLE if isinstance(exc, r.kind) and r.when(exc))
    rejected = REJECTED.get(getattr(exc, "stage", ""), "")
    values = {"exc": exc, "kind": type(exc).__name__, "rejected": rejected}
    return Failure(row.what.format(**values), row.todo.format(**values), row.retry)
