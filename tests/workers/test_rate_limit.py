"""An installation whose GitHub budget is spent: the job is requeued through RQ's
scheduler (no worker sleeps through it) and the status comment says when it resumes.
Real `python -m workers --burst`, a real Redis, the loopback GitHub."""

from __future__ import annotations

import time
from pathlib import Path

import redis
from rq import Queue
from rq.job import Job

from bot.intake.queue import QUEUE_NAME
from bot.markers import STATUS_MARKER
from bot.state.github_budget import NOTE_ROOM, PER_HOUR
from tests.deliveries import Deliver
from tests.e2e import REPO, burst, labeled_plan, worker_env
from tests.loopback_github import LoopbackGitHub


def test_a_spent_hourly_budget_requeues_the_job_and_says_when_it_resumes(
        deliver: Deliver, redis_conn: redis.Redis, redis_url: str, tmp_path: Path,
        github: LoopbackGitHub) -> None:
    # Installation 1 has made as many writes this hour as plans may (other jobs did),
    # the oldest 50 minutes ago: the next plan write is 10 minutes away.
    now_ms = int(time.time() * 1000)
    spent = PER_HOUR - NOTE_ROOM[1]
    redis_conn.zadd("planbot:github:1:writes", {
        f"earlier-{i}": now_ms - 3_000_000 + i * 1000 for i in range(spent)})
    response = deliver("issues", labeled_plan())
    assert response.status_code == 202

    burst(worker_env(redis_url, tmp_path, github))

    job = Job.fetch(response.get_json()["job_id"], connection=redis_conn)
    assert job.get_status() == "scheduled"  # back in RQ's scheduler, no worker held
    scheduled = Queue(QUEUE_NAME, connection=redis_conn).scheduled_job_registry
    resumes = scheduled.get_scheduled_time(job)
    assert 500 < resumes.timestamp() - time.time() <= 610
    (status,) = [c["body"] for c in github.comments(REPO, 1)
                 if c["body"].startswith(STATUS_MARKER)]
    # The job is scheduled up to 2 s after the moment the note names (whole seconds).
    named = {time.strftime("%H:%M", time.gmtime(resumes.timestamp() - s)) for s in (0, 2)}
    assert any(f"queued: GitHub rate limit, resumes at {t} UTC" in status for t in named)
    assert github.files(REPO, "planbot/issue-1") == {}  # nothing was planned meanwhile
    assert redis_conn.zcard("planbot:github:1:writes") == spent + 1  # the note only
