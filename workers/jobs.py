"""RQ job functions: plain arguments in, the installation authenticated here."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import redis
from rq import Retry, get_current_job
from rq.exceptions import AbandonedJobError
from rq.job import Job

from bot import settings as bot_settings
from bot.intake.request import PlanRequest
from bot.observe import logs, metrics
from bot.ports import RateLimited
from bot.run.failures import WorkerLost, describe
from bot.run.plan_run import PlanRun
from bot.run.wiring import run_for, state_in
from bot.state.issue_lock import IssueBusy

log = logging.getLogger(__name__)

# A run that finds its issue busy comes back this often, for at most BUSY_TRIES times
# (10 minutes), through RQ's scheduler: waiting occupies no worker.
BUSY_INTERVAL = 10
BUSY_TRIES = 60
FRESH_SECONDS = 60
RATE_LIMIT_TRIES = 24  # an hour's worth of waits for the primary limit's reset and more


def run_plan(**job: Any) -> str | Retry:
    """The one job: run the delivery's commands for one issue."""
    request = PlanRequest.from_job(job)
    current = get_current_job()
    with logs.delivery(request.delivery_id), \
            metrics.recording(current.connection if current else None):
        outcome = _run(request, current)
        metrics.add("planbot_jobs",
                    outcome="waiting" if isinstance(outcome, Retry) else "finished")
    return outcome


def _run(request: PlanRequest, current: Job | None) -> str | Retry:
    settings = bot_settings.from_env()
    waits = (current.number_of_retries or 0) if current else 0
    # The first attempt says on the issue that it is queued; later ones do not repeat it.
    state = state_in(current.connection if current else None, announce=not waits)
    if waits and state.locks.busy(request.repo, request.issue_number):
        return _wait(request, waits)  # still busy: no GitHub call for this attempt
    log.info("delivery %s: %s on %s#%s %s", request.delivery_id, request.trigger, request.repo,
             request.issue_number, request.commands or request.label)
    run = run_for(settings, request, state, fresh=_fresh(current))
    in_line = False
    try:
        outcome = run.handle()
    except RateLimited as limited:
        in_line = True
        return _requeue(run, request, limited)
    except IssueBusy as busy:
        if waits + 1 < BUSY_TRIES:
            return _wait(request, waits)
        run.fail(busy)
        _no_retry(current)
        raise
    except Exception as exc:
        failure = describe(exc)
        if not failure.retry:
            _no_retry(current)  # retrying unchanged input cannot help; fail now
        retried = bool(current and (current.retries_left or 0) > 0)
        metrics.add("planbot_jobs", outcome="retried" if retried else "failed")
        raise
    finally:
        if run.budget is not None and not in_line:
            run.budget.leave_line(request.job_id)  # done, failed or busy: out of the line
    log.info("delivery %s: %s", request.delivery_id, outcome)
    return outcome


def _requeue(run: PlanRun, request: PlanRequest, limited: RateLimited) -> Retry:
    """GitHub's budget for the installation is spent for a while: come back when the jobs
    ahead of this one in its line have had theirs, through RQ's scheduler, instead of
    sleeping in a worker that other installations need. Said on the issue once."""
    resume, joined = limited.resume_at, True
    if run.budget is not None:
        resume, joined = run.budget.place_in_line(request.job_id)
        resume = max(resume, limited.resume_at)
    if joined:
        run.rate_limited(resume)
    delay = max(1, int(resume - time.time()) + 1)
    log.info("delivery %s: GitHub rate limit, again in %d s", request.delivery_id, delay)
    return Retry(max=RATE_LIMIT_TRIES, interval=delay)


def _fresh(current: Job | None) -> bool:
    """Whether the job began within FRESH_SECONDS of its delivery: then the delivery's copy
    of the issue is as good as GitHub's, and reading it again would only spend budget."""
    created = current.created_at if current else None
    if created is None:
        return False
    if created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    return datetime.now(UTC) - created < timedelta(seconds=FRESH_SECONDS)


def _wait(request: PlanRequest, waits: int) -> Retry:
    """RQ's answer for "run me again later": the same job (same delivery, same id)."""
    log.info("delivery %s: %s#%s is busy, again in %d s (wait %d)", request.delivery_id,
             request.repo, request.issue_number, BUSY_INTERVAL, waits + 1)
    return Retry(max=BUSY_TRIES, interval=BUSY_INTERVAL)


def _no_retry(current: Job | None) -> None:
    if current is not None:
        current.retries_left = 0


def on_failure(job: Job, connection: redis.Redis, kind: type, error: BaseException,
               traceback: Any) -> None:
    """RQ calls this for every failed run, and for a run whose worker died (SIGKILL, out of
    memory, node lost), which RQ finds by its missed heartbeats. A run that raised has
    already said what failed on the issue; a dead worker could not, so when RQ will not
    retry it, say it here. Never raises: RQ calls this inside its registry cleanup."""
    if not isinstance(error, AbandonedJobError) or (job.retries_left or 0) > 0:
        return
    try:
        request = PlanRequest.from_job(job.kwargs)
        log.error("delivery %s: the worker running it stopped; no retries left",
                  request.delivery_id)
        metrics.record(connection, "planbot_jobs", outcome="lost")
        attempts = 1 + len(job.retry_intervals or [])
        lost = WorkerLost(f"on each of its {attempts} attempts" if attempts > 1 else
                          "on its only attempt")
        run_for(bot_settings.from_env(), request).fail(lost)
    except Exception:
        log.exception("job %s: could not report its lost worker on the issue", job.id)
