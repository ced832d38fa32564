"""RQ job functions: plain arguments in, the installation authenticated here."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from typing import Any

from redis import Redis
from redis.exceptions import LockError
from rq import get_current_job

from bot import settings as bot_settings
from bot.intake.queue import JOB_TIMEOUT
from bot.intake.request import PlanRequest
from bot.run.failures import describe
from bot.run.plan_run import Job
from bot.run.wiring import collaborators, github_for

log = logging.getLogger(__name__)

# The lock outlives any run (RQ kills a job at JOB_TIMEOUT), so a crashed worker's
# lock expires; a waiting job gives up well before its own timeout and is retried.
LOCK_SECONDS = JOB_TIMEOUT + 60
WAIT_SECONDS = JOB_TIMEOUT * 2 // 3


@contextlib.contextmanager
def issue_lock(connection: Redis | None, request: PlanRequest,
               on_wait: Callable[[], None] = lambda: None) -> Iterator[None]:
    """One run per issue at a time: a label and a comment arriving together, or a second
    /plan while one runs, wait here for each other instead of racing on the same branch.
    `on_wait` tells people the run is queued, only when it actually has to wait."""
    if connection is None:  # called outside a worker (CLI, unit tests): nothing to race
        yield
        return
    lock = connection.lock(f"planbot:lock:{request.repo}#{request.issue_number}",
                           timeout=LOCK_SECONDS, blocking_timeout=WAIT_SECONDS)
    if not lock.acquire(blocking=False):
        on_wait()
        if not lock.acquire(blocking=True):
            raise LockError(f"{request.repo}#{request.issue_number} stayed busy for "
                            f"{WAIT_SECONDS} s")
    try:
        yield
    finally:
        try:
            lock.release()
        except LockError:  # it expired under a run longer than LOCK_SECONDS
            log.warning("issue lock of %s#%s had expired", request.repo, request.issue_number)


def run_plan(**job: Any) -> str:
    """The one job: run the delivery's commands for one issue."""
    request = PlanRequest.from_job(job)
    current = get_current_job()
    settings = bot_settings.from_env()
    log.info("delivery %s: %s on %s#%s %s", request.delivery_id, request.trigger, request.repo,
             request.issue_number, request.commands)
    try:
        work = Job(request, github_for(settings, request), collaborators(settings))
        with issue_lock(current.connection if current else None, request, work.queued):
            outcome = work.handle()
    except Exception as exc:
        if current is not None and not describe(exc).retry:
            current.retries_left = 0  # retrying unchanged input cannot help; fail now
        raise
    log.info("delivery %s: %s", request.delivery_id, outcome)
    return outcome
