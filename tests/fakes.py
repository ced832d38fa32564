"""In-memory fakes of the ports a run works through (bot/ports.py): GitHub and Planner.
Unit tests use these, never mocks."""

from __future__ import annotations

import io
import tarfile
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from bot.domain import (
    Comment,
    Comparison,
    FoundIssue,
    HypothesesDraft,
    Hypothesis,
    Issue,
    PlanInput,
    PullRequest,
    ReactionTarget,
    Repository,
    RepoTree,
    ReviewComment,
    Task,
    TasksDraft,
    TreeEntry,
)
from bot.limits import GITHUB_BODY_CHARS
from bot.ports import GitHub, GitHubError, Planner, SearchUnavailable
from bot.state.document_cache import blob_sha


@dataclass
class FakeGitHub(GitHub):
    """A repository in memory: branches map to {path: text}, plus issues and comments."""

    full_name: str = "octo/widgets"
    default_branch: str = "main"
    files: dict[str, str] = field(default_factory=dict)  # default branch content
    issues: dict[int, Issue] = field(default_factory=dict)
    comments: dict[int, list[Comment]] = field(default_factory=dict)
    review_notes: dict[int, list[ReviewComment]] = field(default_factory=dict)
    bot_login: str = "planbot[bot]"
    fail_on: set[str] = field(default_factory=set)  # method names that raise GitHubError
    # What planbot did, for assertions:
    branches: dict[str, dict[str, str]] = field(default_factory=dict)
    commits: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    pulls: dict[int, PullRequest] = field(default_factory=dict)
    reactions: list[tuple[ReactionTarget, str]] = field(default_factory=list)
    labels: list[tuple[int, str]] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)  # every comment body, created or edited
    head_sha: str = "sha-0"  # the default branch's commit (a hex id where links are tested)
    found: list[FoundIssue] = field(default_factory=list)  # what an issue search finds
    search_spent: bool = False  # the installation's search limit is spent
    searches: list[str] = field(default_factory=list)  # the queries searched
    _next_id: int = 1000

    def __post_init__(self) -> None:
        self.branches.setdefault(self.default_branch, dict(self.files))
        self._shas: dict[str, str] = {self.default_branch: self.head_sha}
        # Every commit's files, for compare(); a commit's parent, for its history.
        self._snapshots: dict[str, dict[str, str]] = {self.head_sha: dict(self.files)}
        self._parents: dict[str, str] = {}

    def _call(self, name: str) -> None:
        self.calls.append(name)
        if name in self.fail_on:
            raise GitHubError(f"{name} failed (fake)", status=502)

    def _id(self) -> int:
        self._next_id += 1
        return self._next_id

    # Reads
    def repository(self) -> Repository:
        self._call("repository")
        return Repository(self.full_name, self.default_branch, f"https://github.com/{self.full_name}")

    def issue(self, number: int) -> Issue:
        self._call("issue")
        if number not in self.issues:
            raise GitHubError(f"issue {number} not found", status=404)
        return self.issues[number]

    def issue_comments(self, number: int) -> list[Comment]:
        self._call("issue_comments")
        return list(self.comments.get(number, []))

    def _branch_files(self, ref: str) -> dict[str, str] | None:
        if ref in self.branches:
            return self.branches[ref]
        for name, sha in self._shas.items():
            if sha == ref:
                return self.branches[name]
        return None

    def read_file(self, path: str, ref: str) -> str | None:
        self._call("read_file")
        files = self._branch_files(ref)
        return None if files is None else files.get(path)

    def list_folder(self, path: str, ref: str) -> dict[str, str] | None:
        self._call("list_folder")
        files = self._branch_files(ref) or {}
        inside = {p: blob_sha(t) for p, t in files.items()
                  if p.rsplit("/", 1)[0] == path.rstrip("/")}
        return inside or None

    def tree(self, ref: str) -> RepoTree:
        self._call("tree")
        files = self._branch_files(ref) or {}
        entries = tuple(TreeEntry(p, len(t.encode()), blob_sha(t))
                        for p, t in sorted(files.items()))
        return RepoTree(self._shas.get(ref, ref), entries)

    def archive(self, ref: str) -> bytes:
        self._call("archive")
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w:gz") as tar:
            for path, text in (self._branch_files(ref) or {}).items():
                data = text.encode()
                info = tarfile.TarInfo(f"{self.full_name.replace('/', '-')}-abc123/{path}")
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
        return buf.getvalue()

    def branch_sha(self, branch: str) -> str | None:
        self._call("branch_sha")
        return self._shas.get(branch)

    # Writes
    def commit_files(
        self, branch: str, base_sha: str, files: Mapping[str, str], message: str
    ) -> str:
        self._call("commit_files")
        base = next((n for n, s in self._shas.items() if s == base_sha), None)
        if base is None:
            raise GitHubError(f"unknown base {base_sha}", status=422)
        content = dict(self.branches[base])
        content.update(files)
        self.branches[branch] = content
        sha = f"sha-{len(self.commits) + 1}"
        self._record(branch, sha, content, base_sha)
        self.commits.append((branch, message, dict(files)))
        return sha

    def human_commit(self, branch: str, files: Mapping[str, str], sha: str = "") -> None:
        """A person pushes to `branch` (not a planbot call); `sha`: the new commit's id."""
        self.branches[branch].update(files)
        self._record(branch, sha or f"sha-human-{len(self.commits)}-{len(self._snapshots)}",
                     self.branches[branch])

    def _record(self, branch: str, sha: str, content: Mapping[str, str],
                parent: str = "") -> None:
        if parent or branch in self._shas:
            self._parents[sha] = parent or self._shas[branch]
        self._shas[branch] = sha
        self._snapshots[sha] = dict(content)

    def compare(self, base: str, head: str) -> Comparison:
        self._call("compare")
        head_sha = self._shas.get(head, head)
        if base not in self._snapshots or head_sha not in self._snapshots:
            raise GitHubError(f"No common ancestor between {base} and {head}", status=404)
        before, after = self._snapshots[base], self._snapshots[head_sha]
        changed = tuple(sorted(p for p in before.keys() | after.keys()
                               if before.get(p) != after.get(p)))
        commits, at = 0, head_sha
        while at != base and at in self._parents:
            commits, at = commits + 1, self._parents[at]
        return Comparison(base, head_sha, changed, commits,
                          f"https://github.com/{self.full_name}/compare/{base}...{head_sha}")

    def search_issues(self, query: str, limit: int) -> list[FoundIssue]:
        self._call("search_issues")
        self.searches.append(query)
        if self.search_spent:
            raise SearchUnavailable("GitHub's search limit for this installation is spent")
        return self.found[:limit]

    def find_pull(self, head_branch: str) -> PullRequest | None:
        self._call("find_pull")
        return next((p for p in self.pulls.values() if p.head == head_branch), None)

    def create_draft_pull(self, head: str, base: str, title: str, body: str) -> PullRequest:
        self._call("create_draft_pull")
        number = self._id()
        pull = PullRequest(number, f"https://github.com/{self.full_name}/pull/{number}", head, body)
        self.pulls[number] = pull
        self.titles = getattr(self, "titles", {}) | {number: title}
        return pull

    def update_pull(self, number: int, body: str) -> None:
        self._call("update_pull")
        self.pulls[number] = replace(self.pulls[number], body=body)

    def review_comments(self, pull_number: int, review_id: int) -> list[ReviewComment]:
        self._call("review_comments")
        return list(self.review_notes.get(review_id, []))

    @staticmethod
    def _fits(body: str) -> None:
        # GitHub's own answer to a longer comment body.
        if len(body) > GITHUB_BODY_CHARS:
            raise GitHubError("Validation Failed: body is too long (maximum is 65536 "
                              "characters)", status=422)

    def create_comment(self, issue_number: int, body: str) -> Comment:
        self._call("create_comment")
        self._fits(body)
        self.written.append(body)
        comment = Comment(self._id(), body, self.bot_login, "Bot", "NONE",
                          f"https://github.com/{self.full_name}/issues/{issue_number}#c")
        self.comments.setdefault(issue_number, []).append(comment)
        return comment

    def edit_comment(self, comment_id: int, body: str) -> None:
        self._call("edit_comment")
        self._fits(body)
        self.written.append(body)
        for thread in self.comments.values():
            for i, c in enumerate(thread):
                if c.id == comment_id:
                    thread[i] = replace(c, body=body)
                    return
        raise GitHubError(f"comment {comment_id} not found", status=404)

    def add_reaction(self, target: ReactionTarget, content: str) -> None:
        self._call("add_reaction")
        self.reactions.append((target, content))

    def remove_reaction(self, target: ReactionTarget, content: str, author: str) -> None:
        self._call("remove_reaction")
        if author == self.bot_login and (target, content) in self.reactions:
            self.reactions.remove((target, content))

    def add_label(self, issue_number: int, label: str) -> None:
        self._call("add_label")
        self.labels.append((issue_number, label))

    # Helpers for tests
    def bot_comments(self, number: int) -> list[Comment]:
        return [c for c in self.comments.get(number, []) if c.author == self.bot_login]


@dataclass
class FakePlanner(Planner):
    """Returns fixed drafts and records what it was asked."""

    name: str = "fake"
    hypotheses_items: tuple[Hypothesis, ...] = (
        Hypothesis("The parser drops the last line", "Most likely", ("seen in the traceback",),
                   ("src/parser.py",), "Run the parser on a one-line file."),
    )
    task_items: tuple[Task, ...] = (Task("Reproduce the bug"), Task("Fix the parser", (1,)))
    seen: list[tuple[str, PlanInput]] = field(default_factory=list)
    error: Exception | None = None
    closed: int = 0

    def hypotheses(self, plan: PlanInput) -> HypothesesDraft:
        self.seen.append(("hypotheses", plan))
        if self.error:
            raise self.error
        return HypothesesDraft(self.hypotheses_items, self.name)

    def tasks(self, plan: PlanInput) -> TasksDraft:
        self.seen.append(("tasks", plan))
        if self.error:
            raise self.error
        return TasksDraft(self.task_items, self.name)

    def close(self) -> None:
        self.closed += 1
