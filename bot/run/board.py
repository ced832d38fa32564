"""The status board: the one status comment on an issue, found once and edited in place."""

from __future__ import annotations

import logging

from bot.markers import STATUS_MARKER
from bot.ports import Conversation, GitHubError

log = logging.getLogger(__name__)


class StatusBoard:
    """The one status comment on the issue, edited in place as stages move."""

    def __init__(self, gh: Conversation, issue_number: int) -> None:
        self.gh, self.number = gh, issue_number
        self._comment_id: int | None = None
        self._shown: str | None = None  # what the comment says now
        self.author = ""  # who wrote it: planbot's own login on this installation
        self._looked = False

    def current(self) -> str | None:
        """What the status comment says now; None when the issue has none yet."""
        if not self._looked:
            self._looked = True
            for comment in self.gh.issue_comments(self.number):
                if comment.by_bot and comment.body.startswith(STATUS_MARKER):
                    self._comment_id, self._shown = comment.id, comment.body
                    self.author = comment.author
        return self._shown

    def show(self, text: str) -> None:
        """Say `text`; an edit that would change nothing is not sent."""
        if self.current() == text:
            return
        if self._comment_id is None:
            try:
                made = self.gh.create_comment(self.number, text)
            except GitHubError as exc:
                if exc.status is None or exc.status >= 500:
                    # The answer may be lost while the comment was made: look again before
                    # the next create, or the issue gets a second status comment.
                    self._looked = False
                raise
            self._comment_id, self.author = made.id, made.author
        else:
            self.gh.edit_comment(self._comment_id, text)
        self._shown = text

    def try_show(self, text: str) -> bool:
        """Progress, queued and failure notes: worth a try, never worth failing a run for
        (when GitHub is what failed, the original error is the one to keep). Whether the
        comment says `text` now."""
        try:
            self.show(text)
        except Exception:
            log.warning("could not update the status comment on #%s", self.number,
                        exc_info=True)
            return False
        return True
