"""The web tier's one I/O call: put a PlanRequest on the RQ queue, once per delivery."""

from __future__ import annotations

from typing import Protocol

import redis
from rq import Queue, Retry
from rq.exceptions import DuplicateJobError

from bot.intake.request import PlanRequest

QUEUE_NAME = "planbot"
# By dotted path: the web tier never imports worker code (or its dependencies).
JOB_FUNCTION = "workers.jobs.run_plan"
JOB_TIMEOUT = 15 * 60  # a whole plan, three stages with model calls and retries
# Keep finished and failed jobs a week: long enough to inspect a failure, and
# longer than GitHub's three-day window for redelivering a delivery by hand, so
# that a redelivery is still recognised as a duplicate.
KEEP_SECONDS = 7 * 24 * 3600
# Seconds before retrying a failed run; a GitHub or model outage gets time to pass.
RETRY_INTERVALS = [10, 60]


class QueueUnavailable(RuntimeError):
    """Redis could not take the job: the web tier answers 503 so GitHub can deliver again."""


class Enqueuer(Protocol):
    """What app.py needs from a queue; tests may pass any object with these methods."""

    def enqueue(self, request: PlanRequest) -> bool: ...

    def ping(self) -> bool: ...


class JobQueue:
    """RQ queue "planbot"; the job id is derived from the delivery id."""

    def __init__(self, connection: redis.Redis) -> None:
        self.connection = connection
        self.queue = Queue(QUEUE_NAME, connection=connection)

    def enqueue(self, request: PlanRequest) -> bool:
        """True when a new job was queued, False when this delivery already has one.

        RQ's unique=True checks the job id, saves the job and pushes it in one Lua
        script, so two concurrent redeliveries cannot both get in. A Redis error is
        QueueUnavailable: the caller must not answer 2xx for a job that was not stored.
        """
        try:
            self.queue.enqueue_call(
                JOB_FUNCTION,
                kwargs=request.to_job(),
                job_id=request.job_id,
                unique=True,
                # The default description is the call's repr: the whole issue body.
                description=f"{request.trigger} on {request.repo}#{request.issue_number}",
                timeout=JOB_TIMEOUT,
                result_ttl=KEEP_SECONDS,
                failure_ttl=KEEP_SECONDS,
                retry=Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS),
            )
        except DuplicateJobError:
            return False
        except redis.RedisError as exc:
            raise QueueUnavailable(f"{type(exc).__name__}: {exc}") from exc
        return True

    def ping(self) -> bool:
        try:
            return bool(self.connection.ping())
        except redis.RedisError:
            return False
