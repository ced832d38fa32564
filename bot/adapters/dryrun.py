"""A GitHub that writes to disk: dry-run mode (no APP_ID) and `python -m bot plan`."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot.domain import (
    Comment,
    Issue,
    PullRequest,
    ReactionTarget,
    Repository,
    RepoTree,
    ReviewComment,
)
from bot.ports import GitHub, GitHubError

BOT_LOGIN = "planbot[bot]"


def issue_from_snapshot(number: int, snapshot: Mapping[str, Any]) -> Issue:
    return Issue(
        number=number,
        title=str(snapshot.get("title") or ""),
        body=str(snapshot.get("body") or ""),
        author=str(snapshot.get("author") or ""),
        url=str(snapshot.get("url") or ""),
        labels=tuple(snapshot.get("labels") or ()),
    )


class DryRunGitHub(GitHub):
    """Reads the issue from the delivery and the repository from an optional local
    folder; every write lands as a file under `folder` instead of on GitHub."""

    def __init__(self, repo: str, issue: Issue, folder: Path, repo_dir: Path | None = None) -> None:
        self.full_name, self._issue, self.folder, self.repo_dir = repo, issue, folder, repo_dir
        self._comments_dir = folder / "comments"

    def _log(self, entry: dict[str, Any]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        with (self.folder / "actions.log").open("a") as log:
            log.write(json.dumps(entry) + "\n")

    def repository(self) -> Repository:
        return Repository(self.full_name, "main", f"https://github.com/{self.full_name}")

    def issue(self, number: int) -> Issue:
        return self._issue

    def issue_comments(self, number: int) -> list[Comment]:
        if not self._comments_dir.is_dir():
            return []
        files = sorted(self._comments_dir.glob("comment-*.md"), key=lambda p: int(p.stem[8:]))
        return [Comment(int(p.stem[8:]), p.read_text(), BOT_LOGIN, "Bot", "NONE", str(p))
                for p in files]

    def read_file(self, path: str, ref: str) -> str | None:
        if self.repo_dir is None or not (self.repo_dir / path).is_file():
            return None
        return (self.repo_dir / path).read_text(errors="replace")

    # The repository context of a dry run comes from bot.context.local_context (with
    # --repo-dir) or is empty; nothing asks this port for trees or archives.
    def tree(self, ref: str) -> RepoTree:
        raise GitHubError("dry-run mode reads a repository only through --repo-dir")

    def archive(self, ref: str) -> bytes:
        raise GitHubError("dry-run mode reads a repository only through --repo-dir")

    def branch_sha(self, branch: str) -> str | None:
        return "local" if branch == "main" else None

    def commit_files(self, branch: str, base_sha: str, files: Mapping[str, str],
                     message: str) -> str:
        # Dry-run publishes through DirectoryStore; reaching this is a wiring bug.
        raise GitHubError("dry-run mode makes no commits", status=None)

    def find_pull(self, head_branch: str) -> PullRequest | None:
        return None

    def create_draft_pull(self, head: str, base: str, title: str, body: str) -> PullRequest:
        raise GitHubError("dry-run mode opens no pull request", status=None)

    def update_pull(self, number: int, body: str) -> None:
        self._log({"update_pull": number})

    def review_comments(self, pull_number: int, review_id: int) -> list[ReviewComment]:
        return []

    def create_comment(self, issue_number: int, body: str) -> Comment:
        self._comments_dir.mkdir(parents=True, exist_ok=True)
        number = len(list(self._comments_dir.glob("comment-*.md"))) + 1
        path = self._comments_dir / f"comment-{number}.md"
        path.write_text(body)
        return Comment(number, body, BOT_LOGIN, "Bot", "NONE", str(path))

    def edit_comment(self, comment_id: int, body: str) -> None:
        (self._comments_dir / f"comment-{comment_id}.md").write_text(body)

    def add_reaction(self, target: ReactionTarget, content: str) -> None:
        self._log({"reaction": content, "on": list(target)})

    def add_label(self, issue_number: int, label: str) -> None:
        self._log({"label": label, "issue": issue_number})
