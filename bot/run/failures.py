"""Turn a failure into words for the issue: what failed and what to do (one table)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import CONFIG_PATH, ConfigError
from bot.documents.validate import PlanRejected
from bot.ports import BudgetExceeded, GitHubError, ModelUnavailable, PlannerError

REJECTED = {
    "hypotheses": "Add what you know to `problem-definition.md` (the error output, the files "
                  "involved, steps to reproduce) and comment `/plan hypotheses`, or write "
                  "`hypotheses.md` by hand and comment `/plan tasks`.",
    "tasks": "Add detail to `hypotheses.md` (where to look, how to verify) and comment "
             "`/plan tasks`, or write `tasks.md` by hand.",
}


class NeedsUpstream(RuntimeError):
    """A stage was asked for while a document it reads is missing."""


@dataclass(frozen=True)
class Failure:
    what: str
    todo: str
    retry: bool  # would running the job again, unchanged, likely help?


def _github(exc: GitHubError) -> Failure:
    if exc.status in (401, 403, 404):
        return Failure(
            f"GitHub refused a request ({exc.status}): {exc}",
            "Check that the planbot App is installed on this repository with the permissions "
            "in the README (contents, issues and pull requests: read and write), then comment "
            "`/plan`.",
            retry=False,
        )
    return Failure(f"GitHub did not answer as expected: {exc}",
                   "planbot retries this automatically; if it keeps failing, comment `/plan` "
                   "later.", retry=True)


def describe(exc: BaseException) -> Failure:
    """The message for `exc`; the most specific kind wins."""
    if isinstance(exc, ConfigError):
        return Failure(f"`{CONFIG_PATH}` is invalid: {exc}",
                       f"Fix `{exc.key}` in `{CONFIG_PATH}` on the default branch, "
                       "then comment `/plan`.", retry=False)
    if isinstance(exc, BudgetExceeded):
        return Failure(f"The plan would exceed its token budget: {exc}",
                       f"Raise `context.plan_tokens` in `{CONFIG_PATH}`, or shorten the issue, "
                       "then comment `/plan`.", retry=False)
    if isinstance(exc, ModelUnavailable):
        if exc.transient:
            return Failure(f"The model could not be reached: {exc}",
                           "planbot retries this automatically; if it keeps failing, comment "
                           "`/plan` later.", retry=True)
        return Failure(f"The model could not be used: {exc}",
                       "Fix the setting named above (the installation's environment, or `model` "
                       f"in `{CONFIG_PATH}`), then comment `/plan`.", retry=False)
    if isinstance(exc, PlanRejected):
        return Failure(f"The {exc.stage} stage: {exc}.",
                       REJECTED[exc.stage], retry=False)
    if isinstance(exc, PlannerError):
        return Failure(f"The planner produced no usable document: {exc}",
                       "Edit the previous document to add detail, then comment `/plan`; "
                       "or write the document by hand.", retry=False)
    if isinstance(exc, NeedsUpstream):
        return Failure(str(exc), "Run the earlier stage first (`/plan`), or write that document "
                       "by hand, then repeat the command.", retry=False)
    if isinstance(exc, GitHubError):
        return _github(exc)
    return Failure(f"An unexpected error stopped the run ({type(exc).__name__}).",
                   "Comment `/plan` to try again; if it fails again, the maintainers of this "
                   "planbot installation can find the details in the worker log.", retry=True)
