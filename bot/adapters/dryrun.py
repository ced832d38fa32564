"""A conversation on disk: dry-run mode (no APP_ID) and `python -m bot plan`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot.domain import Comment, FoundIssue, Issue, ReactionTarget, ReviewComment
from bot.ports import Conversation, GitHubError

BOT_LOGIN = "planbot[bot]"


class DryRunConversation(Conversation):
    """The issue as the delivery carried it; every comment planbot would post lands as
    `folder/comments/comment-<n>.md`, reactions and labels in `folder/actions.log`."""

    def __init__(self, issue: Issue, folder: Path) -> None:
        self._issue, self.folder = issue, folder
        self._comments_dir = folder / "comments"

    def _log(self, entry: dict[str, Any]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        with (self.folder / "actions.log").open("a") as log:
            log.write(json.dumps(entry) + "\n")

    def issue(self, number: int) -> Issue:
        return self._issue

    def issue_comments(self, number: int) -> list[Comment]:
        if not self._comments_dir.is_dir():
            return []
        files = sorted(self._comments_dir.glob("comment-*.md"), key=lambda p: int(p.stem[8:]))
        return [Comment(int(p.stem[8:]), p.read_text(), BOT_LOGIN, "Bot", "NONE", str(p))
                for p in files]

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

    def remove_reaction(self, target: ReactionTarget, content: str, author: str) -> None:
        self._log({"unreaction": content, "on": list(target)})

    def add_label(self, issue_number: int, label: str) -> None:
        self._log({"label": label, "issue": issue_number})

    def search_issues(self, query: str, limit: int) -> list[FoundIssue]:
        # Dry-run runs never search (bot.run.wiring says so in the problem definition).
        raise GitHubError("dry-run mode has no GitHub to search")
