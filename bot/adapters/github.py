"""GitHub through PyGithub: one repository's calls, for one run (the App and its
installation clients: github_app.py)."""

from __future__ import annotations

import base64
import contextlib
import logging
import re
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import quote

from github import (
    Github,
    GithubException,
)
from github.IssueComment import IssueComment
from github.PullRequest import PullRequest as PyPull

from bot.adapters.github_calls import (
    budgeted,
    last_page,
    rate_limit_wait,
    too_large,
    translated,
)
from bot.domain import (
    Comment,
    Comparison,
    FoundIssue,
    Issue,
    PullRequest,
    ReactionTarget,
    Repository,
    RepoTree,
    ReviewComment,
    TreeEntry,
)
from bot.observe import metrics
from bot.ports import (
    GitHub,
    GitHubError,
    RequestBudget,
    SearchUnavailable,
)
from bot.state.github_budget import PLAN_WRITES, InstallationBudget

log = logging.getLogger(__name__)
COMMIT_SHA = re.compile(r"[0-9a-f]{40}")
ARCHIVE_TIMEOUT = 120  # seconds; tarballs of big repositories take a while
PER_PAGE = 100  # GitHub's largest page: a third of the requests of its default 30
MAX_ETAGS = 1024  # files remembered for conditional reads, per process
MAX_COMMENT_PAGES = 5  # comments read per issue: 500, the oldest page and the newest


class PyGitHubRepo(GitHub):
    """One repository through an installation client, for one run; every method is one
    port call. What GitHub answered once is remembered for the run and kept current by
    the run's own writes (the repository, branch heads, trees, the comment list), so no
    question is asked twice: each request counts against the installation's budget."""

    def __init__(self, client: Github, full_name: str, known: Repository | None = None,
                 budget: RequestBudget | None = None,
                 etags: dict[tuple[str, str, str], tuple[str, str]] | None = None) -> None:
        self._etags = {} if etags is None else etags  # (repo, path, ref) -> (ETag, text)
        self._budget = budget or InstallationBudget(None, 0)
        self._noting = False  # inside notes(): writes may use the room left for notes
        self._wrote = False
        self._full_name = full_name
        self._repo = client.get_repo(full_name)  # lazy: no request yet
        self._known = known  # the repository as the delivery described it
        self._heads: dict[str, str | None] = {}  # branch -> head commit (None: no branch)
        self._trees: dict[str, tuple[RepoTree, str]] = {}  # commit -> (tree, root tree sha)
        self._comments: dict[int, list[Comment]] = {}  # issue -> its comments

    def _write(self) -> None:
        # The run's first write (👀) starts only if a whole plan's writes fit in the
        # installation's hour: a plan cut short by the limit would redo them all later.
        then = 0 if self._wrote or self._noting else PLAN_WRITES - 1
        self._budget.before_write(self._noting, then)
        self._wrote = True

    @contextlib.contextmanager
    def notes(self) -> Iterator[None]:
        self._noting = True
        try:
            yield
        finally:
            self._noting = False

    def _observe(self) -> None:
        remaining, _ = self._repo.requester.rate_limiting
        reset = self._repo.requester.rate_limiting_resettime
        self._budget.observe(remaining if remaining >= 0 else None, reset or None)

    def _call(self, verb: str, url: str, parameters: dict[str, Any] | None = None,
              body: Any = None, headers: dict[str, str] | None = None,
              ) -> tuple[dict[str, Any], Any]:
        if verb != "GET":
            self._write()
        answer, data = self._repo.requester.requestJsonAndCheck(
            verb, url, parameters=parameters, headers=headers, input=body)
        return {k.lower(): v for k, v in answer.items()}, data

    # Reads
    @translated
    @budgeted
    def repository(self) -> Repository:
        if self._known is None:
            repo = self._repo
            self._known = Repository(repo.full_name, repo.default_branch, repo.html_url)
        return self._known

    @translated
    @budgeted
    def issue(self, number: int) -> Issue:
        issue = self._repo.get_issue(number)
        return Issue(issue.number, issue.title, issue.body or "", issue.user.login,
                     issue.html_url, tuple(label.name for label in issue.labels))

    @translated
    @budgeted
    def issue_comments(self, number: int) -> list[Comment]:
        if number not in self._comments:
            self._comments[number] = self._list_comments(number)
        return list(self._comments[number])

    def _list_comments(self, number: int) -> list[Comment]:
        """At most MAX_COMMENT_PAGES pages of 100: the first (the oldest comments, where
        planbot's own status and stage comments sit) and the newest. A 2,000-comment issue
        costs 5 requests, not 67 pages of GitHub's default 30."""
        url = f"{self._repo.url}/issues/{number}/comments"
        headers, data = self._call("GET", url, {"per_page": PER_PAGE})
        items = list(data)
        last = last_page(headers.get("link", ""))
        for page in range(max(2, last - MAX_COMMENT_PAGES + 2), last + 1):
            items += self._call("GET", url, {"per_page": PER_PAGE, "page": page})[1]
        return [_comment_from(c) for c in items]

    @translated
    @budgeted
    def read_file(self, path: str, ref: str) -> str | None:
        # Conditional on the ETag of the last answer this process had (the config is read
        # by every run): an unchanged file is a 304, which GitHub does not count against
        # the installation's rate limit. PyGithub's get_contents sends no If-None-Match.
        key = (self._full_name, path, ref)
        known = self._etags.get(key)
        try:
            answer, data = self._call(
                "GET", f"{self._repo.url}/contents/{quote(path)}", {"ref": ref},
                headers={"If-None-Match": known[0]} if known else None)
        except GithubException as exc:
            if exc.status == 404:
                return None
            if too_large(exc):
                raise GitHubError(f"`{path}` is too large for GitHub's contents API", 413) \
                    from exc
            raise
        if data is None and known:  # 304 Not Modified
            return known[1]
        if not isinstance(data, dict):  # a directory, not a file
            return None
        if data.get("encoding") != "base64":
            # The contents API leaves out files over 1 MB ("encoding": "none").
            raise GitHubError(f"`{path}` is too large for GitHub's contents API", 413)
        text = base64.b64decode(data.get("content") or "").decode("utf-8", errors="replace")
        etag = answer.get("etag")
        if etag:
            if len(self._etags) >= MAX_ETAGS:
                self._etags.pop(next(iter(self._etags)))  # the oldest entry
            self._etags[key] = (str(etag), text)
        return text

    @translated
    @budgeted
    def list_folder(self, path: str, ref: str) -> dict[str, str] | None:
        try:
            content = self._repo.get_contents(path, ref=ref)
        except GithubException as exc:
            if exc.status == 404:
                return None
            raise
        if not isinstance(content, list):
            return None
        return {c.path: c.sha for c in content if c.type == "file"}

    @translated
    @budgeted
    def tree(self, ref: str) -> RepoTree:
        sha = ref if COMMIT_SHA.fullmatch(ref) else self._head(ref)
        if sha is None:
            raise GitHubError(f"no branch {ref!r} in {self._full_name}", 404)
        if sha not in self._trees:
            # GitHub resolves a commit sha to its root tree: one recursive request in all.
            tree = self._repo.get_git_tree(sha, recursive=True)
            blobs = tuple(TreeEntry(e.path, e.size or 0, e.sha) for e in tree.tree
                          if e.type == "blob")
            self._trees[sha] = (RepoTree(sha, blobs, truncated=bool(tree.truncated)), tree.sha)
        return self._trees[sha][0]

    @translated
    @budgeted
    def archive(self, ref: str) -> bytes:
        location = self._repo.get_archive_link("tarball", ref)
        # GitHub redirects to a short-lived signed URL on another host (codeload). PyGithub
        # follows redirects only under the API's own path, which GHES's /_codeload is not.
        with urllib.request.urlopen(location, timeout=ARCHIVE_TIMEOUT) as response:
            data: bytes = response.read()
        return data

    @translated
    @budgeted
    def branch_sha(self, branch: str) -> str | None:
        return self._head(branch)

    def _head(self, branch: str) -> str | None:
        if branch not in self._heads:
            try:
                ref = self._repo.get_git_ref(f"heads/{branch}").complete()
                self._heads[branch] = str(ref.object.sha)
            except GithubException as exc:
                if exc.status != 404:
                    raise
                self._heads[branch] = None
        return self._heads[branch]

    # Writes
    @translated
    @budgeted
    def commit_files(
        self, branch: str, base_sha: str, files: Mapping[str, str], message: str
    ) -> str:
        url = self._repo.url
        known = self._trees.get(base_sha)
        # The root tree of the base: from the tree read earlier in the run when there was one.
        base_tree = known[1] if known else self._call(
            "GET", f"{url}/git/commits/{base_sha}")[1]["tree"]["sha"]
        # Inline contents: one tree request for all files instead of one blob per file.
        elements = [{"path": path, "mode": "100644", "type": "blob", "content": text}
                    for path, text in sorted(files.items())]
        tree = self._call("POST", f"{url}/git/trees",
                          body={"base_tree": base_tree, "tree": elements})[1]
        commit = self._call("POST", f"{url}/git/commits", body={
            "message": message, "tree": tree["sha"], "parents": [base_sha]})[1]
        sha = str(commit["sha"])
        if self._head(branch) is None:
            self._call("POST", f"{url}/git/refs", body={"ref": f"refs/heads/{branch}",
                                                         "sha": sha})
        else:  # not forced: a person's newer push is never overwritten
            self._call("PATCH", f"{url}/git/refs/heads/{branch}", body={"sha": sha,
                                                                         "force": False})
        self._heads[branch] = sha
        return sha

    @translated
    @budgeted
    def find_pull(self, head_branch: str) -> PullRequest | None:
        owner = self._full_name.split("/", 1)[0]
        pulls = self._repo.get_pulls(state="open", head=f"{owner}:{head_branch}")
        return next((_pull(p) for p in pulls), None)

    @translated
    @budgeted
    def create_draft_pull(self, head: str, base: str, title: str, body: str) -> PullRequest:
        self._write()
        return _pull(self._repo.create_pull(base=base, head=head, title=title, body=body,
                                            draft=True))

    @translated
    @budgeted
    def update_pull(self, number: int, body: str) -> None:
        self._write()
        self._repo.get_pull(number).edit(body=body)

    @translated
    @budgeted
    def review_comments(self, pull_number: int, review_id: int) -> list[ReviewComment]:
        # GET .../pulls/{n}/comments lists every review's comments; keep this review's.
        comments = self._repo.get_pull(pull_number).get_review_comments()
        return [ReviewComment(c.body, c.path, c.line) for c in comments
                if c.pull_request_review_id == review_id]

    @translated
    @budgeted
    def create_comment(self, issue_number: int, body: str) -> Comment:
        self._write()
        try:
            made = _to_comment(self._repo.get_issue(issue_number).create_comment(body))
        except (GithubException, OSError):
            # The comment may exist although the answer was lost (a 502 after GitHub made
            # it): the next look at the list must ask GitHub, so it is found, not doubled.
            self._comments.pop(issue_number, None)
            raise
        if issue_number in self._comments:
            self._comments[issue_number].append(made)
        return made

    @translated
    @budgeted
    def edit_comment(self, comment_id: int, body: str) -> None:
        self._write()
        self._comment(comment_id).edit(body)
        for comments in self._comments.values():
            comments[:] = [replace(c, body=body) if c.id == comment_id else c for c in comments]

    @translated
    @budgeted
    def add_reaction(self, target: ReactionTarget, content: str) -> None:
        self._write()
        kind, number = target
        subject = self._repo.get_issue(number) if kind == "issue" else self._comment(number)
        subject.create_reaction(content)

    @translated
    @budgeted
    def remove_reaction(self, target: ReactionTarget, content: str, author: str) -> None:
        kind, number = target
        where = (f"{self._repo.url}/issues/{number}" if kind == "issue"
                 else f"{self._repo.url}/issues/comments/{number}")
        _, found = self._call("GET", f"{where}/reactions", {"content": content,
                                                            "per_page": PER_PAGE})
        for reaction in found:
            if (reaction.get("user") or {}).get("login") == author:
                self._call("DELETE", f"{where}/reactions/{reaction['id']}")

    @translated
    @budgeted
    def add_label(self, issue_number: int, label: str) -> None:
        self._write()
        self._repo.get_issue(issue_number).add_to_labels(label)

    @translated
    def search_issues(self, query: str, limit: int) -> list[FoundIssue]:
        # Not @budgeted: search has a limit of its own (30 a minute), kept by the budget's
        # search slots; a search GitHub refuses for a limit is skipped, never retried, and
        # blocks the installation's searches only.
        if not self._budget.before_search():
            raise SearchUnavailable("GitHub's search limit for this installation is spent")
        metrics.add("planbot_github_requests", call="search_issues")
        requester = self._repo.requester
        core = requester.rate_limiting, requester.rate_limiting_resettime
        try:
            answer, data = self._call("GET", "/search/issues", {"q": query, "per_page": limit})
        except GithubException as exc:
            wait = rate_limit_wait(exc)
            if wait is None:
                raise
            self._budget.search_blocked(wait)
            raise SearchUnavailable(f"GitHub's search limit: {exc.status}") from exc
        finally:
            # A search's X-RateLimit-* describe the search limit: the core limit that
            # _observe watches keeps its last reading.
            requester.rate_limiting, requester.rate_limiting_resettime = core
        if answer.get("x-ratelimit-remaining") == "0":
            reset = float(answer.get("x-ratelimit-reset") or 0)
            self._budget.search_blocked(max(1.0, reset - time.time()))
        return [_found(item) for item in (data or {}).get("items") or []][:limit]

    @translated
    @budgeted
    def compare(self, base: str, head: str) -> Comparison:
        # No per_page: then the commits stop at 250 and the last one is head's (GitHub's
        # rule), and the changed files of the whole comparison come with them (up to 300).
        _, data = self._call(
            "GET", f"{self._repo.url}/compare/{quote(base, safe='')}...{quote(head, safe='/')}")
        commits = data.get("commits") or []
        files: list[str] = []
        for entry in data.get("files") or []:
            files += [entry["filename"], *filter(None, [entry.get("previous_filename")])]
        return Comparison(base, str(commits[-1]["sha"]) if commits else base,
                          tuple(dict.fromkeys(files)), int(data.get("total_commits") or 0),
                          str(data.get("permalink_url") or data.get("html_url") or ""))

    def _comment(self, comment_id: int) -> IssueComment:
        # PyGithub's Repository has no issue-comment getter; a lazy object by URL is
        # what its own getters build, and it sends nothing until edited or reacted to.
        url = f"{self._repo.url}/issues/comments/{comment_id}"
        return IssueComment(self._repo.requester, url=url)


def _comment_from(c: dict[str, Any]) -> Comment:
    user = c.get("user") or {}
    return Comment(int(c["id"]), c.get("body") or "", str(user.get("login", "")),
                   str(user.get("type", "User")), str(c.get("author_association", "NONE")),
                   str(c.get("html_url", "")))


def _found(item: dict[str, Any]) -> FoundIssue:
    pull = item.get("pull_request") or None
    return FoundIssue(int(item["number"]), str(item.get("title") or ""),
                      str(item.get("state") or ""), str(item.get("html_url") or ""),
                      str(item.get("body") or ""), pull is not None,
                      bool(pull and pull.get("merged_at")))


def _to_comment(c: IssueComment) -> Comment:
    return Comment(c.id, c.body or "", c.user.login, c.user.type, c.author_association,
                   c.html_url)


def _pull(pull: PyPull) -> PullRequest:
    return PullRequest(pull.number, pull.html_url, pull.head.ref, pull.body or "")
