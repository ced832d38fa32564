"""Turn a failure into words for the issue: what failed and what to do (one table)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.config import CONFIG_PATH, ConfigError
from bot.documents.validate import PlanRejected
from bot.ports import BudgetExceeded, GitHubError, ModelUnavailable, PlannerError
from bot.state.issue_lock import IssueBusy
from bot.text import code_span, fence, strip_invisible

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
    what: str  # in words, for anyone reading the issue
    todo: str  # what the people on the issue can do
    retry: bool  # would running the job again, unchanged, likely help?
    operator: str = ""  # what only whoever runs this planbot installation can do
    detail: str = ""  # the error as reported, shown in a code block


@dataclass(frozen=True)
class _Row:
    kind: type[BaseException]
    when: Callable[[BaseException], bool]
    what: str  # formatted with exc and, for PlanRejected, its stage
    todo: str
    retry: bool
    operator: str = ""
    detail: bool = True  # quote str(exc) below the words


def _always(exc: BaseException) -> bool:
    return True


def _status(*codes: int) -> Callable[[BaseException], bool]:
    return lambda exc: isinstance(exc, GitHubError) and exc.status in codes


def _transient(exc: BaseException) -> bool:
    return isinstance(exc, ModelUnavailable) and exc.transient


AFTER_FIX = "Nothing to change on the issue: comment `/plan` once the operator has fixed it."
LOG = "The worker log has the details: search it for this delivery id."

# First matching row wins: the most specific kinds come first.
TABLE: tuple[_Row, ...] = (
    _Row(ConfigError, _always, f"`{CONFIG_PATH}` is invalid.",
         f"Fix `{{exc.key}}` in `{CONFIG_PATH}` on the default branch, then comment `/plan`.",
         retry=False),
    _Row(BudgetExceeded, _always, "The plan would exceed its token budget.",
         f"Raise `context.plan_tokens` in `{CONFIG_PATH}`, or shorten the issue, then comment "
         "`/plan`.", retry=False),
    _Row(ModelUnavailable, _transient, "The model's API could not be reached, or was "
         "overloaded, after several tries.", RETRIES, retry=True,
         operator="If this keeps happening, check the model provider's status and the "
         "worker's network access (`ANTHROPIC_BASE_URL`)."),
    _Row(ModelUnavailable, _always, "The model could not be used with this installation's "
         "settings.", AFTER_FIX, retry=False,
         operator="Fix the setting named below (`ANTHROPIC_API_KEY`, `PLANBOT_MODEL`, or "
         f"`model` in `{CONFIG_PATH}`); `python -m bot check --model` confirms the fix."),
    _Row(PlanRejected, _always, "The {exc.stage} stage: {exc}.", "{rejected}", retry=False,
         detail=False),
    _Row(PlannerError, _always, "The planner produced no usable document.",
         "Edit the previous document to add detail, then comment `/plan`; or write the "
         "document by hand.", retry=False),
    _Row(NeedsUpstream, _always, "{exc}", "Run the earlier stage first (`/plan`), or write "
         "that document by hand, then repeat the command.", retry=False, detail=False),
    _Row(WorkerLost, _always, "The worker running this plan stopped before it finished.",
         "Comment `/plan` to try again.", retry=False,
         operator="If it stops again, check the worker's memory limit and restarts; " + LOG),
    _Row(IssueBusy, _always, "{exc}, and it did not finish while this run waited.",
         "Comment `/plan` again once the status comment says the other run is done.",
         retry=False, detail=False),
    _Row(GitHubError, _status(413), "A file planbot reads is too large for GitHub's contents "
         "API.", "Make the file named below smaller (the contents API serves files up to "
         "1 MB), then comment `/plan`.", retry=False),
    _Row(GitHubError, _status(422), "GitHub refused what planbot sent ({exc.status}); "
         "sending it again unchanged would be refused again.",
         "If the issue or a plan document is very long, shorten it, then comment `/plan`.",
         retry=False, operator=LOG),
    _Row(GitHubError, _status(401, 403, 404), "GitHub refused a request ({exc.status}).",
         AFTER_FIX, retry=False,
         operator="Check that the planbot App is installed on this repository with the "
         "permissions in planbot's README (contents, issues and pull requests: read and "
         "write)."),
    _Row(GitHubError, _always, "GitHub did not answer as expected.", RETRIES, retry=True,
         operator="If it keeps failing, check GitHub's status and the worker's access to "
         "`GITHUB_API_URL`."),
    _Row(BaseException, _always, "An unexpected error stopped the run ({kind}).",
         "Comment `/plan` to try again.", retry=True, operator=LOG, detail=False),
)
DETAIL_CHARS = 1_000  # of the error quoted in a comment


def describe(exc: BaseException) -> Failure:
    """The message for `exc`: the first row of TABLE that matches it."""
    row = next(r for r in TABLE if isinstance(exc, r.kind) and r.when(exc))
    rejected = REJECTED.get(getattr(exc, "stage", ""), "")
    values = {"exc": exc, "kind": type(exc).__name__, "rejected": rejected}
    detail = strip_invisible(str(exc)).strip()[:DETAIL_CHARS] if row.detail else ""
    return Failure(row.what.format(**values), row.todo.format(**values), row.retry,
                   row.operator, detail)


def explained(failure: Failure, delivery_id: str) -> str:
    """The failure as a status comment's footer: words, the error quoted, and what to do,
    split between the people on the issue and the operator."""
    parts = [f"**What failed:** {failure.what}"]
    if failure.detail:
        parts.append(fence(failure.detail))
    parts.append(f"**What you can do:** {failure.todo}")
    if failure.operator:
        parts.append(f"**For the operator of this planbot installation:** {failure.operator}")
    parts.append(f"Delivery {code_span(delivery_id)}.")
    return "\n\n".join(parts)
