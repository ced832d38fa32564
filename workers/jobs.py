"""RQ job functions: plain arguments in, the installation authenticated here."""

from __future__ import annotations

import logging
from typing import Any

from rq import get_current_job

from bot import settings as bot_settings
from bot.intake.queue import JOB_TIMEOUT
from bot.intake.request import PlanRequest
from bot.run.failures import describe
from bot.run.lock import IssueLocks
from bot.run.wiring import run_for

log = logging.getLogger(__name__)

# The lock outlives any run (RQ kills a job at JOB_TIMEOUT), so a crashed worker's
# lock expires; a waiting job gives up well before its own timeout and is retried.
LOCK_SECONDS = JOB_TIMEOUT + 60
WAIT_SECONDS = JOB_TIMEOUT * 2 // 3


def run_plan(**job: Any) -> str:
    """The one job: run the delivery's commands for one issue."""
    request = PlanRequest.from_job(job)
    current = get_current_job()
    settings = bot_settings.from_env()
    log.info("delivery %s: %s on %s#%s %s", request.delivery_id, request.trigger, request.repo,
             request.issue_number, request.commands or request.label)
    locks = IssueLocks(current.connection if current else None, LOCK_SECONDS, WAIT_SECONDS)
    try:
        outcome = run_for(settings, request, locks).handle()
    except Exception as exc:
        if current is not None and not describe(exc).retry:
            current.retries_left = 0  # retrying unchanged input cannot help; fail now
        raise
    log.info("delivery %s: %s", request.delivery_id, outcome)
    return outcome
