"""One plan run: read the repository's config, check who asked, and hand each command to
its handler while the run holds the issue."""

from __future__ import annotations

import logging

from bot import config as repo_config
from bot.intake.commands import Command
from bot.intake.request import LABEL, MERGED, PlanRequest
from bot.ports import Conversation, RateLimited, RequestBudget
from bot.run.failures import describe
from bot.run.handlers import decline_skipped, handler_for, note_merged, refuse
from bot.run.replies import may_run
from bot.run.report import Report
from bot.run.turn import Collaborators, RunState, Turn
from bot.state.issue_lock import IssueBusy

log = logging.getLogger(__name__)


class PlanRun:
    """One delivery's run. `fresh`: it started moments after its delivery (see Turn)."""

    def __init__(self, request: PlanRequest, conversation: Conversation,
                 helpers: Collaborators, state: RunState | None = None,
                 fresh: bool = False, budget: RequestBudget | None = None,
                 installation: int = 0) -> None:
        self.request, self.gh, self.helpers = request, conversation, helpers
        self.state = state or RunState()
        self.fresh = fresh and bool(request.issue)
        self.budget = budget  # the installation's GitHub budget (GitHub mode only)
        self.installation = installation or request.installation_id or 0
        self.report = Report(conversation, request)

    def handle(self) -> str:
        try:
            return self._dispatch(self._turn())
        except (IssueBusy, RateLimited):
            raise  # not a failure: the job runs again once the issue (or GitHub) is free
        except Exception as exc:
            self.fail(exc)
            raise

    def _turn(self) -> Turn:
        repo = self.helpers.repository()
        config = repo_config.parse(self.helpers.read_config(repo))
        return Turn(self.request, self.gh, repo, config, self.helpers, self.state, self.report,
                    self.fresh, installation=self.installation, notes=list(config.warnings))

    def _dispatch(self, turn: Turn) -> str:
        req, config = self.request, turn.config
        self.state.trigger_labels.remember(req.repo, config.labels.trigger)
        if req.trigger == LABEL and not config.labels.triggers(req.label):
            return f"ignored: label {req.label!r} is not a trigger label"
        if not may_run(req.trigger, req.association, config.allowed):
            return refuse(turn)
        if req.trigger == MERGED:
            with self.state.locks.hold(req.repo, turn.issue_number, self.report.queued):
                return note_merged(turn)
        commands = [Command(LABEL)] if req.trigger == LABEL else [
            Command(name, arg) for name, arg in req.commands]
        said, commands = decline_skipped(turn, commands)
        if not commands:
            return said
        with self.state.locks.hold(req.repo, turn.issue_number, self.report.queued):
            return "; ".join(filter(None, [said, *(handler_for(c.name)(turn, c)
                                                   for c in commands)]))

    def fail(self, exc: BaseException) -> None:
        """Say on the issue what failed and what to do (also for a run whose worker died)."""
        failure = describe(exc)
        log.error("delivery %s failed: %s", self.request.delivery_id, failure.what,
                  exc_info=exc)
        self.report.failed(failure)

    def rate_limited(self, resume_at: float) -> None:
        self.report.rate_limited(resume_at)
