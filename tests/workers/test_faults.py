"""Workers under faults: killed mid-run (SIGKILL, as an OOM kill or a lost node would),
and Redis dying under a busy worker. Real `python -m workers` processes, a real Redis,
the loopback GitHub."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from rq import Queue, Worker

from bot.intake.queue import QUEUE_NAME
from tests.deliveries import Deliver, load_payload
from tests.e2e import REPO, ROOT, labeled_plan, status_of, worker_env
from tests.loopback_github import LoopbackGitHub
from tests.servers import RedisProcess, redis_process

REACTIONS = "POST /repos/{owner}/{repo}/issues/{issue_number}/reactions"
# The target of issue 11: a killed run is retried (or reported) within two minutes.
RECOVERY_SECONDS = 120


def wait_until(what: str, done: Callable[[], bool], seconds: float) -> float:
    """Poll `done`; return how long it took, fail after `seconds`."""
    start = time.monotonic()
    while not done():
        assert time.monotonic() - start < seconds, f"{what}: not within {seconds} s"
        time.sleep(0.25)
    return time.monotonic() - start


@contextmanager
def workers(env: dict[str, str], count: int = 1) -> Iterator[list[subprocess.Popen[bytes]]]:
    """`python -m workers` processes, each leading its own process group (with RQ's
    scheduler process it forks), stopped at the end unless a test killed them."""
    procs = [subprocess.Popen([sys.executable, "-m", "workers"], cwd=ROOT, env=env,
                              start_new_session=True) for _ in range(count)]
    try:
        yield procs
    finally:
        for proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(30)


def health_check(env: dict[str, str]) -> int:
    """The worker container's health check (docker-compose.yml)."""
    return subprocess.run([sys.executable, "-m", "workers", "--healthy"], cwd=ROOT, env=env,
                          timeout=60).returncode


def live_workers(conn: redis.Redis) -> int:
    return len(Worker.all(queue=Queue(QUEUE_NAME, connection=conn)))


@pytest.mark.timeout(RECOVERY_SECONDS + 120)
def test_killed_workers_runs_are_retried_or_reported_within_two_minutes(
        deliver: Deliver, redis_conn: redis.Redis, redis_url: str, tmp_path: Path,
        github: LoopbackGitHub) -> None:
    github.add_issue(REPO, 2, "Second issue", "It breaks too.", author="Codertocat")
    stalls = [github.stall_next(REACTIONS) for _ in range(2)]  # both runs, mid-way
    second = labeled_plan()
    second["issue"]["number"] = 2
    retried, reported = deliver("issues", labeled_plan()), deliver("issues", second)
    # The second run may not be retried: the issue must still hear that it failed.
    redis_conn.hset(f"rq:job:{reported.get_json()['job_id']}", "retries_left", 0)
    env = worker_env(redis_url, tmp_path, github)
    with workers(env, 2) as doomed:
        for stall in stalls:
            assert stall.reached.wait(60), "the runs did not start"
        for proc in doomed:  # the worker and its scheduler: a node lost, an OOM kill
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
    killed = time.monotonic()
    for stall in stalls:
        stall.release()
    with workers(env):  # the one worker still alive (or restarted)

        def said_so() -> bool:
            return any("stopped before it finished" in c["body"]
                       for c in github.comments(REPO, 2))

        wait_until("failure comment", said_so, RECOVERY_SECONDS)
        reported_at = time.monotonic() - killed
        wait_until("retried run", lambda: status_of(redis_conn, retried) == "finished",
                   RECOVERY_SECONDS - reported_at)
        retried_at = time.monotonic() - killed
    print(f"\nkilled runs: the unretriable one reported {reported_at:.0f} s after the kill, "
          f"the other retried and finished {retried_at:.0f} s after it")
    assert status_of(redis_conn, reported) == "failed"
    assert [r for _, r in github.reactions(REPO)].count("confused") == 1
    assert any(p["title"].startswith("Plan:") for p in github.pulls(REPO))


@pytest.mark.timeout(240)
def test_busy_worker_rides_out_a_redis_outage_and_goes_on(
        deliver: Deliver, tmp_path: Path, github: LoopbackGitHub) -> None:
    with redis_process(tmp_path / "redis") as server:
        conn = redis.Redis.from_url(server.url)
        stall = github.stall_next(REACTIONS)
        env = worker_env(server.url, tmp_path, github)
        with workers(env) as (worker,):
            wait_until("worker registered", lambda: live_workers(conn) == 1, 60)
            queue = Queue(QUEUE_NAME, connection=conn)
            first = queue.enqueue_call("workers.jobs.run_plan", kwargs=_job_kwargs("first"),
                                       job_id="planbot-first")
            assert stall.reached.wait(60), "the run did not start"
            server.kill()  # Redis dies while the worker is busy
            stall.release()  # the run goes on, and its ending finds Redis gone
            down_for = 8.0
            time.sleep(down_for)
            assert worker.poll() is None, "the worker exited during the outage"
            server.start()  # same port, same append-only file
            conn = redis.Redis.from_url(server.url)
            second = Queue(QUEUE_NAME, connection=conn).enqueue_call(
                "workers.jobs.run_plan", kwargs=_job_kwargs("second"), job_id="planbot-second")
            took = wait_until("a run after the outage", lambda: second.get_status(
                refresh=True) == "finished", 120)
            assert worker.poll() is None
    print(f"\nRedis down {down_for:.0f} s under a busy worker; the next run finished "
          f"{took:.1f} s after Redis came back; first run: {first.get_status(refresh=False)}")


def _job_kwargs(delivery: str) -> dict[str, object]:
    from bot.intake import events

    decision = events.decide("issues", delivery, labeled_plan())
    assert isinstance(decision, events.Enqueue)
    return decision.request.to_job()


@pytest.mark.timeout(120)
def test_worker_started_before_redis_waits_for_it_instead_of_exiting(
        tmp_path: Path) -> None:
    server = RedisProcess(tmp_path / "redis")  # its port chosen, nothing listening yet
    env = worker_env(server.url, tmp_path, None)
    try:
        with workers(env) as (worker,):
            time.sleep(4)  # a cold `docker compose up`: the worker is first
            assert worker.poll() is None, "the worker exited while Redis was not up"
            server.start()
            conn = redis.Redis.from_url(server.url)
            waited = wait_until("worker registered", lambda: live_workers(conn) == 1, 90)
            job = Queue(QUEUE_NAME, connection=conn).enqueue_call(
                "workers.jobs.run_plan", kwargs=_job_kwargs("late"), job_id="planbot-late")
            wait_until("the run", lambda: job.get_status(refresh=True) == "finished", 60)
            assert health_check(env) == 0
        assert health_check(env) == 1  # the worker stopped: the container is unhealthy
    finally:
        server.stop()
    print(f"\nworker started 4 s before Redis; registered {waited:.1f} s after Redis came up")


@pytest.mark.timeout(180)
def test_a_run_waiting_for_its_issue_frees_its_worker_for_other_issues(
        deliver: Deliver, redis_conn: redis.Redis, redis_url: str, tmp_path: Path,
        github: LoopbackGitHub) -> None:
    github.add_issue(REPO, 2, "Second issue", "It breaks too.", author="Codertocat")
    stall = github.stall_next(REACTIONS)  # the first run holds issue 1 until released
    comment = load_payload("issue_comment.created.with-installation")
    comment["comment"]["body"] = "/plan"
    other_issue = labeled_plan()
    other_issue["issue"]["number"] = 2
    first = deliver("issues", labeled_plan())
    with workers(worker_env(redis_url, tmp_path, github), 2):
        assert stall.reached.wait(60), "the first run did not start"
        waiting = deliver("issue_comment", comment)  # the same issue: must wait its turn
        wait_until("the second run requeued", lambda: status_of(redis_conn, waiting) ==
                   "scheduled", 60)
        elsewhere = deliver("issues", other_issue)
        # Two workers, one stalled: only a worker the waiting run left free can do this.
        took = wait_until("another issue's run", lambda: status_of(redis_conn, elsewhere) ==
                          "finished", 60)
        assert status_of(redis_conn, first) == "started"
        stall.release()
        wait_until("both runs on issue 1", lambda: {status_of(redis_conn, r) for r in
                                                    (first, waiting)} == {"finished"}, 90)
    said = [r for r in github.requests if r.method in ("POST", "PATCH") and
            "queued: waiting" in str((r.json or {}).get("body", ""))]
    print(f"\nwhile issue 1 was busy, issue 2's run finished {took:.1f} s after delivery")
    assert len(said) == 1  # said once on the issue, however often the run came back
