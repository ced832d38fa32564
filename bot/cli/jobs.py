"""`python -m bot jobs` and `python -m bot retry`: find failed plan runs and run them again."""

from __future__ import annotations

from dataclasses import dataclass

import redis
from rq import Queue
from rq.exceptions import NoSuchJobError
from rq.job import Job
from rq.registry import FailedJobRegistry

from bot.intake.queue import QUEUE_NAME
from bot.intake.request import PlanRequest


@dataclass(frozen=True)
class FailedRun:
    delivery: str
    job_id: str
    where: str  # "owner/repo#n"
    trigger: str
    failed_at: str
    error: str  # the exception's last line

    def line(self) -> str:
        return f"{self.delivery:<38} {self.where:<32} {self.trigger:<8} {self.failed_at:<20} " \
               f"{self.error}"


def _registry(connection: redis.Redis) -> FailedJobRegistry:
    return FailedJobRegistry(queue=Queue(QUEUE_NAME, connection=connection))


def _describe(job: Job) -> FailedRun:
    request = PlanRequest.from_job(job.kwargs)
    result = job.latest_result()
    trace = (result.exc_string if result else None) or ""
    error = (trace.strip().splitlines() or ["(no error recorded)"])[-1]
    ended = job.ended_at.strftime("%Y-%m-%d %H:%M:%S") if job.ended_at else "-"
    return FailedRun(request.delivery_id, job.id, f"{request.repo}#{request.issue_number}",
                     str(request.trigger), ended, error[:200])


def failed(connection: redis.Redis) -> list[FailedRun]:
    """Every failed run still kept (a week), newest first."""
    ids = _registry(connection).get_job_ids()
    jobs = [job for job in Job.fetch_many(ids, connection=connection) if job is not None]
    runs = [_describe(job) for job in jobs]
    return sorted(runs, key=lambda run: run.failed_at, reverse=True)


def retry(connection: redis.Redis, deliveries: list[str]) -> list[str]:
    """Requeue the failed runs of `deliveries`; what became of each, one line per delivery."""
    registry = _registry(connection)
    by_delivery = {run.delivery: run.job_id for run in failed(connection)}
    lines = []
    for delivery in deliveries:
        job_id = by_delivery.get(delivery)
        if job_id is None:
            lines.append(f"{delivery}: no failed run (see `python -m bot jobs`)")
            continue
        try:
            registry.requeue(job_id)
        except NoSuchJobError:
            lines.append(f"{delivery}: its job expired meanwhile")
            continue
        lines.append(f"{delivery}: queued again as {job_id}")
    return lines


HEADER = f"{'delivery':<38} {'issue':<32} {'trigger':<8} {'failed at (UTC)':<20} error"
