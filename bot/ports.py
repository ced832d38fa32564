"""The outside world as planbot sees it: one small interface per service.

Only bot/adapters/github*.py import `github`, only bot/planners/anthropic.py imports
`anthropic`. Orchestration receives these as arguments. Unit tests run it over the
in-memory fakes in tests/fakes.py, FakeGitHub (Conversation and PlanBranch, hence GitHub)
and FakePlanner; GitHubApp and RequestBudget are tested through their adapters, against
the loopback GitHub of tests/loopback_github.py and a real Redis.
"""

from __future__ import annotations

import abc
import contextlib
from collections.abc import Mapping
from dataclasses import dataclass

from bot.domain import (
    Comment,
    Comparison,
    FoundIssue,
    HypothesesDraft,
    Issue,
    PlanInput,
    PullRequest,
    ReactionTarget,
    Repository,
    RepoTree,
    ReviewComment,
    TasksDraft,
)


class GitHubError(RuntimeError):
    """A GitHub call failed; `status` is the HTTP status when there was one."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class RateLimited(GitHubError):
    """GitHub's budget for this installation is spent until `resume_at` (epoch seconds):
    not a failure; the job is requeued to resume then (workers/jobs.py)."""

    def __init__(self, resume_at: float) -> None:
        super().__init__(f"GitHub rate limit: resumes at {resume_at:.0f}", 429)
        self.resume_at = resume_at


class SearchUnavailable(GitHubError):
    """GitHub's search limit for the installation (30 a minute) is spent, or GitHub said so:
    the search is skipped, never waited for; the plan goes on without it."""

    def __init__(self, message: str) -> None:
        super().__init__(message, 429)


class RequestBudget(abc.ABC):
    """One installation's share of GitHub: writes spaced and counted, waits GitHub asked
    for honoured (bot.state.github_budget.InstallationBudget). Raises RateLimited rather
    than wait long."""

    @abc.abstractmethod
    def before_write(self, note: bool = False, then: int = 0) -> None:
        """Wait for this write's slot. `note`: a note about the queue itself, which may
        use the room plans leave; `then`: writes that follow, which must fit too."""

    @abc.abstractmethod
    def before_read(self) -> None: ...

    @abc.abstractmethod
    def block(self, seconds: float) -> None:
        """GitHub asked the installation to wait `seconds` (Retry-After, limit reset)."""

    @abc.abstractmethod
    def observe(self, remaining: int | None, reset: float | None) -> None:
        """The primary limit as the last response reported it."""

    @abc.abstractmethod
    def before_search(self) -> bool:
        """Take one of the installation's searches this minute; False when none is left
        (or GitHub asked the installation to wait)."""

    @abc.abstractmethod
    def search_blocked(self, seconds: float) -> None:
        """GitHub's search limit is spent for `seconds`: no search until then."""

    @abc.abstractmethod
    def place_in_line(self, ticket: str) -> tuple[float, bool]:
        """(when the rate-limited job `ticket` may try again, whether it just joined the
        installation's line of waiting jobs)."""

    @abc.abstractmethod
    def leave_line(self, ticket: str) -> None: ...


class Conversation(abc.ABC):
    """An issue's or plan PR's conversation: what people read on GitHub, and planbot's
    replies to it (comments, reactions, labels)."""

    @abc.abstractmethod
    def issue(self, number: int) -> Issue: ...

    @abc.abstractmethod
    def issue_comments(self, number: int) -> list[Comment]: ...

    @abc.abstractmethod
    def review_comments(self, pull_number: int, review_id: int) -> list[ReviewComment]: ...

    @abc.abstractmethod
    def create_comment(self, issue_number: int, body: str) -> Comment: ...

    @abc.abstractmethod
    def edit_comment(self, comment_id: int, body: str) -> None: ...

    @abc.abstractmethod
    def add_reaction(self, target: ReactionTarget, content: str) -> None:
        """React on the issue/PR itself or on one issue comment ("eyes", "rocket", "confused")."""

    @abc.abstractmethod
    def remove_reaction(self, target: ReactionTarget, content: str, author: str) -> None:
        """Take back `author`'s `content` reaction on `target`, if it is there."""

    @abc.abstractmethod
    def add_label(self, issue_number: int, label: str) -> None: ...

    @abc.abstractmethod
    def search_issues(self, query: str, limit: int) -> list[FoundIssue]:
        """The issues and pull requests GitHub's search finds for `query` (best match
        first, at most `limit`), from one request; SearchUnavailable when the search limit
        is spent."""

    def notes(self) -> contextlib.AbstractContextManager[None]:
        """Writes made inside are notes about the run's place in the queue: they may use
        the room in GitHub's limits that plans leave them."""
        return contextlib.nullcontext()


class PlanBranch(abc.ABC):
    """The repository's git side: its files and trees to read, and the plan branch with its
    draft pull request to write."""

    @abc.abstractmethod
    def repository(self) -> Repository: ...

    @abc.abstractmethod
    def read_file(self, path: str, ref: str) -> str | None:
        """The file's text at `ref` (branch or sha), or None when it does not exist."""

    @abc.abstractmethod
    def list_folder(self, path: str, ref: str) -> dict[str, str] | None:
        """The files directly in folder `path` at `ref` (path -> git blob id), from one
        request; None when the folder or the ref does not exist."""

    @abc.abstractmethod
    def tree(self, ref: str) -> RepoTree:
        """Every blob at `ref`, from one recursive tree request."""

    @abc.abstractmethod
    def archive(self, ref: str) -> bytes:
        """The repository at `ref` as one tar.gz (GitHub's tarball endpoint)."""

    @abc.abstractmethod
    def branch_sha(self, branch: str) -> str | None:
        """The head commit of `branch`, or None when the branch does not exist."""

    @abc.abstractmethod
    def commit_files(
        self, branch: str, base_sha: str, files: Mapping[str, str], message: str
    ) -> str:
        """Write `files` in one commit on top of `base_sha`, move (or create) `branch`
        to it, and return the new commit's sha."""

    @abc.abstractmethod
    def compare(self, base: str, head: str) -> Comparison:
        """What changed from commit `base` to `head` (a branch or a sha), from one request."""

    @abc.abstractmethod
    def find_pull(self, head_branch: str) -> PullRequest | None:
        """The open pull request from `head_branch`, if any."""

    @abc.abstractmethod
    def create_draft_pull(self, head: str, base: str, title: str, body: str) -> PullRequest: ...

    @abc.abstractmethod
    def update_pull(self, number: int, body: str) -> None: ...


class GitHub(Conversation, PlanBranch, abc.ABC):
    """One repository through an App installation: both sides at once."""


@dataclass(frozen=True)
class AppIdentity:
    """What GitHub says of the App itself (`GET /app`, `GET /app/installations`)."""

    name: str
    slug: str
    installations: int


@dataclass(frozen=True)
class AppCredentials:
    """A newly registered App, from `POST /app-manifests/{code}/conversions`."""

    id: int
    slug: str
    name: str
    html_url: str
    pem: str
    webhook_secret: str


class GitHubApp(abc.ABC):
    """The App itself: finds installations and hands out per-repository clients."""

    @abc.abstractmethod
    def identity(self) -> AppIdentity:
        """The App as GitHub knows it, authenticated with a fresh JWT."""

    @abc.abstractmethod
    def installation_id(self, full_name: str) -> int:
        """The installation on `owner/repo`, for deliveries that carry none."""

    @abc.abstractmethod
    def client(self, installation_id: int, full_name: str,
               known: Repository | None = None, budget: RequestBudget | None = None,
               ) -> GitHub:
        """`full_name` through the installation; `known`: the repository as the delivery
        described it, which saves asking GitHub for it; `budget`: the installation's
        shared pace (None: unpaced, as in tests and the CLI)."""


class PlannerError(RuntimeError):
    """The planner could not produce a valid draft (after its own retries)."""


class ModelUnavailable(PlannerError):
    """The model's API could not be used: a setting is wrong, or the service is down."""

    def __init__(self, message: str, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient  # an outage or rate limit: the same call may pass later


class BudgetExceeded(PlannerError):
    """A model call would exceed the plan's token budget; nothing was spent on it."""


class Planner(abc.ABC):
    """Stages 2 and 3. Implementations: offline heuristics and Anthropic."""

    name: str = "planner"

    @abc.abstractmethod
    def hypotheses(self, plan: PlanInput) -> HypothesesDraft: ...

    @abc.abstractmethod
    def tasks(self, plan: PlanInput) -> TasksDraft: ...

    def close(self) -> None:  # noqa: B027 - optional: only planners holding connections
        """Release what the planner holds; a run calls it once, when it ends."""
