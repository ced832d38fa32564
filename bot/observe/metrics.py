"""Prometheus metrics at /metrics: the web tier's own, and the worker's through Redis.

The web tier counts in process with prometheus_client (multiprocess-safe under gunicorn
when PROMETHEUS_MULTIPROC_DIR is set). Workers may run on other hosts, so they add to
one Redis hash instead, which /metrics reads at scrape time along with the queue's state.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
from collections.abc import Iterable, Iterator, Mapping
from contextvars import ContextVar

import redis
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, SummaryMetricFamily
from prometheus_client.registry import Collector
from rq import Queue
from rq.registry import FailedJobRegistry, ScheduledJobRegistry, StartedJobRegistry

from bot.intake.queue import QUEUE_NAME, JobQueue
from bot.state.monthly_spend import MonthlySpend

log = logging.getLogger(__name__)
KEY = "planbot:metrics"
# GitHub's event names planbot may see; anything else is counted as "other" so that a
# sender cannot grow the label set.
EVENTS = frozenset({"issues", "issue_comment", "pull_request", "pull_request_review",
                    "pull_request_review_comment", "ping", "installation",
                    "installation_repositories", "-"})

DELIVERIES = Counter("planbot_deliveries", "Webhook deliveries by event and outcome",
                     ["event", "outcome"])
ENQUEUE_SECONDS = Histogram("planbot_enqueue_seconds", "Time to store one job in Redis",
                            buckets=(0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.1, 0.5, 2.0))

# What workers record (name -> (help, kind)); kind "counter" or "summary" (a sum and a count).
WORKER = {
    "planbot_jobs": ("Plan runs by outcome", "counter"),
    "planbot_stage_seconds": ("Time to build one stage", "summary"),
    "planbot_model_tokens": ("Model tokens spent, by kind", "counter"),
    "planbot_model_cost_usd": ("Estimated model cost in US dollars", "counter"),
    "planbot_plan_model_tokens": ("Model tokens spent per plan run (sum and count)", "summary"),
    "planbot_research_turns": ("The model's research turns per hypotheses stage", "summary"),
    "planbot_research_tool_calls": ("Research tool calls per hypotheses stage", "summary"),
    "planbot_research_tool_errors": ("Research tool calls answered with an error", "counter"),
    "planbot_related_searches": ("Stage 1's searches for related issues by outcome (found, "
                                 "none, skipped for the search limit, failed)", "counter"),
    "planbot_github_requests": ("GitHub API calls by port method (a listing may page)",
                                "counter"),
    "planbot_github_rate_limit_waits": ("GitHub rate-limit answers (reason=github) and runs "
                                        "requeued to wait for the budget (reason=requeued)",
                                        "counter"),
    "planbot_github_rate_limit_wait_seconds": ("Time slept before GitHub requests: write "
                                               "spacing, or an installation GitHub blocked",
                                               "counter"),
}


def delivery(event: str, outcome: str) -> None:
    """Count one answered delivery; `outcome` is the first word of what became of it."""
    _deliveries(event if event in EVENTS else "other", outcome).inc()


@functools.lru_cache(maxsize=256)  # a handful of pairs; labels() costs µs per delivery
def _deliveries(event: str, outcome: str) -> Counter:
    return DELIVERIES.labels(event, outcome)


def record(connection: redis.Redis | None, name: str, amount: float = 1.0,
           **labels: str) -> None:
    """Add `amount` to a worker metric in Redis; a metric is never worth failing a run."""
    if connection is None:
        return
    field = json.dumps([name, sorted(labels.items())])
    try:
        connection.hincrbyfloat(KEY, field, amount)
        if WORKER[name][1] == "summary":
            connection.hincrbyfloat(KEY, json.dumps([name + "_count", sorted(labels.items())]), 1)
    except redis.RedisError as exc:
        log.debug("metric %s not recorded: %s", name, exc)


# The Redis a job's metrics go to, set by the worker around each job, so that the run
# (which knows no Redis) can count what it does with `add`.
_SINK: ContextVar[redis.Redis | None] = ContextVar("planbot_metrics_sink", default=None)


@contextlib.contextmanager
def recording(connection: redis.Redis | None) -> Iterator[None]:
    token = _SINK.set(connection)
    try:
        yield
    finally:
        _SINK.reset(token)


def add(name: str, amount: float = 1.0, **labels: str) -> None:
    """`record` into the current job's Redis; outside a job (CLI, tests) a no-op."""
    record(_SINK.get(), name, amount, **labels)


class WorkerCollector(Collector):
    """The workers' Redis hash and the queue's state, read at scrape time."""

    def __init__(self, connection: redis.Redis) -> None:
        self.connection = connection

    def collect(self) -> Iterator[CounterMetricFamily | GaugeMetricFamily | SummaryMetricFamily]:
        try:
            raw: Mapping[bytes, bytes] = self.connection.hgetall(KEY)  # type: ignore[assignment]
            yield from self._queue()
        except redis.RedisError as exc:
            log.warning("worker metrics unavailable: %s", exc)
            return
        yield from _families(raw)

    def _queue(self) -> Iterable[GaugeMetricFamily]:
        queue = Queue(QUEUE_NAME, connection=self.connection)
        jobs = GaugeMetricFamily("planbot_queue_jobs", "Jobs in the planbot queue by state",
                                 labels=["state"])
        for state, count in (("queued", queue.count),
                             ("started", StartedJobRegistry(queue=queue).count),
                             ("scheduled", ScheduledJobRegistry(queue=queue).count),
                             ("failed", FailedJobRegistry(queue=queue).count)):
            jobs.add_metric([state], count)
        yield jobs
        yield GaugeMetricFamily("planbot_workers_live", "Live RQ workers on the planbot queue",
                                value=JobQueue(self.connection).live_workers())
        spend = GaugeMetricFamily("planbot_month_model_spend_usd", "Estimated model spend "
                                  "this calendar month (UTC), per installation",
                                  labels=["installation", "month"])
        for installation, month in sorted(MonthlySpend(self.connection).installations().items()):
            spend.add_metric([str(installation), month.month], month.usd)
        yield spend


def _families(raw: Mapping[bytes, bytes]) -> Iterator[CounterMetricFamily | SummaryMetricFamily]:
    values: dict[str, dict[tuple[tuple[str, str], ...], float]] = {}
    for field, stored in raw.items():
        name, labels = json.loads(field)
        values.setdefault(name, {})[tuple(tuple(pair) for pair in labels)] = float(stored)
    for name, (text, kind) in WORKER.items():
        series = values.get(name, {})
        keys = sorted({k for labels in series for k, _ in labels})
        if kind == "counter":
            family = CounterMetricFamily(name, text, labels=keys)
            for labels, value in series.items():
                family.add_metric([dict(labels).get(k, "") for k in keys], value)
            yield family
            continue
        summary = SummaryMetricFamily(name, text, labels=keys)
        counts = values.get(name + "_count", {})
        for labels, total in series.items():
            summary.add_metric([dict(labels).get(k, "") for k in keys],
                               int(counts.get(labels, 0)), total)
        yield summary


def exposition(connection: redis.Redis) -> bytes:
    """The /metrics body: this web tier's metrics (every gunicorn worker's, in multiprocess
    mode) followed by the workers' and the queue's."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        own = CollectorRegistry()
        multiprocess.MultiProcessCollector(own)
    else:
        own = REGISTRY
    workers = CollectorRegistry(auto_describe=False)
    workers.register(WorkerCollector(connection))
    return generate_latest(own) + generate_latest(workers)
