"""`python -m workers [--burst]`: an RQ worker on queue `planbot`, scheduler on, that rides
out Redis outages (waits, reconnects, goes on) instead of exiting."""

from __future__ import annotations

import argparse
import contextvars
import logging
import signal
import socket
import sys
import threading
import time

import redis
from rq import Queue, SimpleWorker, Worker
from rq.job import Job
from rq.worker import WorkerStatus

from bot import settings as bot_settings
from bot.intake.queue import QUEUE_NAME
from bot.observe import logs
from bot.state.connection import answers, connect

log = logging.getLogger("planbot.worker")

# A run's liveness in Redis: renewed every HEARTBEAT_SECONDS while it runs, and expired
# HEARTBEAT_TTL after its worker stops (SIGKILL, out of memory, node lost). The job's own
# timeout (JOB_TIMEOUT, the longest a whole plan may take) is not how a dead worker is found.
HEARTBEAT_SECONDS = 10
HEARTBEAT_TTL = 30
# How often an idle worker looks for dead workers' runs (and retries them) and takes over
# the scheduler lock of a dead worker: RQ's default is every 10 minutes. The blocking pop
# is WORKER_TTL - 15 s, so an idle worker comes round at least that often.
MAINTENANCE_SECONDS = 15
WORKER_TTL = 35
# Waiting for Redis: 1 s, doubling to at most a minute between tries.
BACKOFF_FIRST, BACKOFF_MAX = 1.0, 60.0


class PlanbotWorker(SimpleWorker):
    """SimpleWorker runs jobs in this process instead of a fork per job, so the App client
    cached in bot.run.wiring keeps its installation tokens between jobs (a forked child
    would mint a new token for every delivery); job timeouts still apply (SIGALRM in the
    main thread). Unlike RQ's forking Worker, SimpleWorker sends no heartbeats while a job
    runs, so a dead worker's run looked alive for the whole job timeout: this one keeps
    the run's heartbeat short and renews it from a thread while the job runs."""

    stopping = False  # SIGTERM or SIGINT: do not start working again

    def request_stop(self, signum: int, frame: object) -> None:
        self.stopping = True
        super().request_stop(signum, frame)

    def get_heartbeat_ttl(self, job: Job) -> int:
        return HEARTBEAT_TTL

    def execute_job(self, job: Job, queue: Queue) -> None:
        self.prepare_execution(job)
        # Every line about the job carries its delivery: RQ's own (done, kept, failed) and
        # the heartbeat thread's, which runs in a copy of this context.
        with logs.delivery(str((job.kwargs or {}).get("delivery_id", ""))):
            stop = threading.Event()
            beat = threading.Thread(target=contextvars.copy_context().run,
                                    args=(self._beat, job, stop), daemon=True,
                                    name=f"heartbeat {job.id}")
            beat.start()
            try:
                self.perform_job(job, queue)
            finally:
                stop.set()
                beat.join()
        self.set_state(WorkerStatus.IDLE)

    def _beat(self, job: Job, stop: threading.Event) -> None:
        while not stop.wait(HEARTBEAT_SECONDS):
            try:
                self.maintain_heartbeats(job)
            except redis.RedisError as exc:
                log.warning("job %s: heartbeat not sent (%s)", job.id, exc)


def wait_for_redis(connection: redis.Redis) -> None:
    """Return once Redis answers; one log line per try, backing off."""
    delay = BACKOFF_FIRST
    while True:
        try:
            connection.ping()
            return
        except redis.RedisError as exc:
            log.warning("Redis does not answer (%s: %s); trying again in %.0f s",
                        type(exc).__name__, exc, delay)
        time.sleep(delay)
        delay = min(delay * 2, BACKOFF_MAX)


def serve(connection: redis.Redis, burst: bool, log_level: str) -> None:
    """Work until stopped (or, with `burst`, until the queue is drained), starting a new RQ
    worker whenever the last one gave up because Redis went away."""
    while True:
        # RQ's handlers raise while it waits for a job; between workers, default ones.
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        wait_for_redis(connection)
        worker = PlanbotWorker([Queue(QUEUE_NAME, connection=connection)],
                               connection=connection, worker_ttl=WORKER_TTL,
                               maintenance_interval=MAINTENANCE_SECONDS)
        try:
            worker.work(burst=burst, with_scheduler=True, logging_level=log_level)
        except redis.RedisError as exc:  # RQ's teardown talks to Redis too
            log.warning("worker %s lost Redis (%s: %s)", worker.name, type(exc).__name__, exc)
        # RQ's work() returns on a stop request (SIGTERM, SIGINT), at the end of a burst,
        # and when Redis fails under it (it logs that and quits): only the last goes on.
        if worker.stopping or (burst and answers(connection)):
            return
        log.warning("worker %s stopped working; starting again once Redis answers",
                    worker.name)
        time.sleep(BACKOFF_FIRST)


def healthy(connection: redis.Redis) -> bool:
    """For a container's health check: a worker of this host is registered in Redis (RQ
    drops a worker whose heartbeats stop) and Redis answers."""
    host = socket.gethostname()
    try:
        return any(w.hostname == host for w in Worker.all(connection=connection))
    except redis.RedisError:
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workers", description=__doc__)
    parser.add_argument("--burst", action="store_true", help="drain the queue, then exit")
    parser.add_argument("--healthy", action="store_true",
                        help="exit 0 if a worker of this host is alive in Redis, else 1")
    args = parser.parse_args(argv)
    try:
        settings = bot_settings.from_env()
        settings.require_valid()
    except bot_settings.SettingsError as exc:  # one line naming the variable, no traceback
        print(f"planbot worker: {exc}", file=sys.stderr)
        return 2
    logs.configure(settings.log_level, settings.log_format)
    if args.healthy:
        return 0 if healthy(connect(settings)) else 1
    serve(connect(settings), args.burst, settings.log_level)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
