"""The web tier's one I/O call: put a PlanRequest on the RQ queue, once per delivery."""

from __future__ import annotations

from enum import Enum
from typing import Protocol

import redis
from rq import Queue, Retry, Worker
from rq.exceptions import InvalidJobOperation, NoSuchJobError
from rq.job import Callback, Job, JobStatus
from rq.registry import FailedJobRegistry
from rq.utils import now

from bot.intake.request import LABEL, PlanRequest
from bot.state import trigger_labels
from bot.state.connection import answers

QUEUE_NAME = "planbot"
# By dotted path: the web tier never imports worker code (or its dependencies).
JOB_FUNCTION = "workers.jobs.run_plan"
# Called by RQ when a run fails, including a run whose worker died (see workers/jobs.py).
FAILURE_CALLBACK = "workers.jobs.on_failure"
# The longest a whole plan may run (three stages, model calls with their own timeouts
# and retries inside). A killed worker is found much sooner, by its missed heartbeats.
JOB_TIMEOUT = 15 * 60
# Keep finished and failed jobs a week: long enough to inspect a failure, and
# longer than GitHub's three-day window for redelivering a delivery by hand, so
# that a redelivery is still recognised as a duplicate.
KEEP_SECONDS = 7 * 24 * 3600
# Seconds before retrying a failed run; a GitHub or model outage gets time to pass.
RETRY_INTERVALS = [10, 60]

# Dedupe and enqueue in one round trip. The job hash is the dedupe record: it exists
# from this moment until KEEP_SECONDS after the run ends, so a redelivery finds it,
# and a failed job stays a job that RQ (or a person) can requeue under the same id:
# GitHub's "Redeliver" of a delivery whose run failed runs it again.
# A label delivery is dropped here when a worker has recorded the repository's trigger
# labels (bot.state.trigger_labels.TriggerLabels) and this is none of them: same round trip.
# The set is read when it exists, else the single label older workers wrote.
# KEYS: job hash, queue list, RQ's set of queues, the repository's trigger-label set, the
# older single trigger-label key.
# ARGV: job id, queue key, the delivery's label ("" for other triggers), hash fields.
_ENQUEUE_ONCE = """
if ARGV[3] ~= "" then
  if redis.call("EXISTS", KEYS[4]) == 1 then
    if redis.call("SISMEMBER", KEYS[4], ARGV[3]) == 0 then
      return "other-label"
    end
  else
    local trigger = redis.call("GET", KEYS[5])
    if trigger and trigger ~= ARGV[3] then
      return "other-label"
    end
  end
end
if redis.call("EXISTS", KEYS[1]) == 1 then
  if redis.call("HGET", KEYS[1], "status") == "failed" then
    return "failed"
  end
  return "duplicate"
end
redis.call("HSET", KEYS[1], unpack(ARGV, 4))
redis.call("RPUSH", KEYS[2], ARGV[1])
redis.call("SADD", KEYS[3], ARGV[2])
return "queued"
"""


class Enqueued(Enum):
    """What became of a delivery at the queue."""

    QUEUED = "queued"
    DUPLICATE = "duplicate"  # a redelivery: this delivery already has a job
    OTHER_LABEL = "other-label"  # none of the repository's trigger labels: nothing queued


class QueueUnavailable(RuntimeError):
    """Redis could not take the job: the web tier answers 503 so GitHub can deliver again."""


class Enqueuer(Protocol):
    """What app.py needs from a queue; tests may pass any object with these methods."""

    def enqueue(self, request: PlanRequest) -> Enqueued: ...

    def ping(self) -> bool: ...

    def live_workers(self) -> int: ...

    def metrics(self) -> bytes: ...


def job_for(request: PlanRequest, connection: redis.Redis) -> Job:
    """The RQ job of a request, built in memory: what RQ's own enqueue would store."""
    job = Job.create(
        JOB_FUNCTION,
        kwargs=request.to_job(),
        connection=connection,
        id=request.job_id,
        origin=QUEUE_NAME,
        status=JobStatus.QUEUED,
        # The default description is the call's repr: the whole issue body.
        description=f"{request.trigger} on {request.repo}#{request.issue_number}",
        timeout=JOB_TIMEOUT,
        result_ttl=KEEP_SECONDS,
        failure_ttl=KEEP_SECONDS,
        retry=Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS),
        on_failure=Callback(FAILURE_CALLBACK),
    )
    job.enqueued_at = now()
    return job


def _hash_fields(job: Job) -> list[bytes | str | int | float]:
    """The job hash as RQ writes it, less the empty fields RQ reads back as unset."""
    fields: list[bytes | str | int | float] = []
    for key, value in job.to_dict().items():
        if value is not None and value != "":
            fields += [key, value]
    return fields


class JobQueue:
    """RQ queue "planbot"; the job id is derived from the delivery id."""

    def __init__(self, connection: redis.Redis) -> None:
        self.connection = connection
        self.queue = Queue(QUEUE_NAME, connection=connection)
        self._enqueue_once = connection.register_script(_ENQUEUE_ONCE)

    def enqueue(self, request: PlanRequest) -> Enqueued:
        """Queue the request's job unless this delivery already has one (or is a label
        the repository does not plan on).

        RQ's own `enqueue_call(unique=True)` takes two round trips (SADD, then its Lua
        script); this is its script with the SADD inside, so two concurrent redeliveries
        still cannot both get in, and the job is the one RQ would have stored. A Redis
        error is QueueUnavailable: the caller must not answer 2xx for a job not stored.
        """
        job = job_for(request, self.connection)
        label = trigger_labels.same_label(request.label) if request.trigger == LABEL else ""
        try:
            outcome = self._enqueue_once(
                keys=[job.key, self.queue.key, Queue.redis_queues_keys,
                      trigger_labels.KEY.format(repo=request.repo),
                      trigger_labels.OLD_KEY.format(repo=request.repo)],
                args=[job.id, self.queue.key, label, *_hash_fields(job)],
            )
            if outcome in (b"failed", "failed"):
                return self._again(job.id)
        except redis.RedisError as exc:
            raise QueueUnavailable(f"{type(exc).__name__}: {exc}") from exc
        return Enqueued(outcome.decode() if isinstance(outcome, bytes) else outcome)

    def _again(self, job_id: str) -> Enqueued:
        """A redelivery of a failed run: requeue the same job (RQ's own requeue), once."""
        try:
            FailedJobRegistry(queue=self.queue).requeue(job_id)
        except (InvalidJobOperation, NoSuchJobError):  # another redelivery was first
            return Enqueued.DUPLICATE
        return Enqueued.QUEUED

    def ping(self) -> bool:
        return answers(self.connection)

    def live_workers(self) -> int:
        """Workers registered on this queue; RQ drops a worker whose heartbeat stopped once
        its key expires (the worker TTL), so a killed worker leaves the count on its own.
        0 when Redis does not answer."""
        try:
            return len(Worker.all(connection=self.connection, queue=self.queue))
        except redis.RedisError:
            return 0

    def metrics(self) -> bytes:
        from bot.observe.metrics import exposition  # the /metrics route's only dependency

        return exposition(self.connection)
