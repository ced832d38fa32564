"""What the people on the issue see of a run: reactions on what triggered it, and the one
status comment with the run's headline and its stages."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Sequence

from bot.domain import ReactionTarget
from bot.intake.request import PlanRequest
from bot.ports import Conversation, RateLimited
from bot.run.board import StatusBoard
from bot.run.failures import Failure, explained
from bot.run.status import StageRow, failed_rows, headline_of, status_comment

log = logging.getLogger(__name__)

PUBLISHED = "plan published"
FAILED = "the run failed"


class Report:
    """Knows the status comment's headline: the one this run last showed, else the one an
    earlier run left (read once with the comment)."""

    def __init__(self, gh: Conversation, request: PlanRequest) -> None:
        self.gh, self.number, self.delivery_id = gh, request.issue_number, request.delivery_id
        self.trigger: ReactionTarget = (
            ("comment", request.comment_id) if request.comment_id
            else ("issue", request.pull_number or self.number))
        self.board = StatusBoard(gh, self.number)
        self.rows: list[StageRow] = []  # the stages as the run last moved them
        self._headline: str | None = None
        self.failed_before = False  # the comment said an earlier attempt failed

    def headline(self) -> str | None:
        if self._headline is None:
            return headline_of(self.board.current())
        return self._headline

    def says(self, notes: Sequence[str]) -> bool:
        """Whether the status comment already says each of `notes`."""
        shown = self.board.current() or ""
        return all(note in shown for note in notes)

    def react(self, content: str) -> None:
        try:
            self.gh.add_reaction(self.trigger, content)
        except RateLimited:
            raise  # the budget is spent: requeue now, before the run spends anything else
        except Exception:  # a missing reaction must never cost the plan itself
            log.warning("reaction %s failed", content, exc_info=True)

    def _unreact(self, content: str) -> None:
        try:
            self.gh.remove_reaction(self.trigger, content, self.board.author)
        except Exception:  # a stale reaction must never cost the plan itself
            log.warning("reaction %s not removed", content, exc_info=True)

    def started(self) -> None:
        self.react("eyes")
        self.failed_before = self.headline() == FAILED

    def finished(self) -> None:
        self.react("rocket")
        if self.failed_before and self.board.author:
            self._unreact("confused")  # an earlier attempt's 😕: this one published

    def published(self, rows: Sequence[StageRow], footer: str) -> None:
        self.board.show(status_comment(PUBLISHED, rows, footer))
        self._headline = PUBLISHED

    def queued(self) -> None:
        """Another run on this issue is in progress; say so while this one waits."""
        self._note("queued: waiting for another planbot run on this issue to finish")

    def rate_limited(self, resume_at: float) -> None:
        """The job waits for GitHub's budget; say when it resumes, in the room plans leave
        for such notes (skipped while GitHub itself asked the installation to wait)."""
        when = time.strftime("%H:%M", time.gmtime(resume_at))
        with self.gh.notes():
            self._note(f"queued: GitHub rate limit, resumes at {when} UTC")

    def failed(self, failure: Failure) -> None:
        """Say on the issue what failed and what to do."""
        with contextlib.suppress(RateLimited):  # the failure is the news, not the budget
            self.react("confused")
        self._note(FAILED, failed_rows(self.rows), explained(failure, self.delivery_id))

    def _note(self, headline: str, rows: Sequence[StageRow] | None = None,
              footer: str = "") -> None:
        """A note worth a try (StatusBoard.try_show)."""
        text = status_comment(headline, self.rows if rows is None else rows, footer)
        if self.board.try_show(text):
            self._headline = headline
