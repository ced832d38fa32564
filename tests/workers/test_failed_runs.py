"""Failed runs are easy to find and run again: `bot jobs`, `bot retry`, GitHub's Redeliver."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import redis
from rq.job import Job

from tests.deliveries import Deliver
from tests.e2e import DEFAULT_BRANCH, REPO, ROOT, burst, labeled_plan, status_of, worker_env
from tests.loopback_github import LoopbackGitHub

BAD_CONFIG = {".github/planbot.yml": "output: pull-request\n"}
GOOD_CONFIG = {".github/planbot.yml": "output: branch\n"}


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


def test_a_failed_run_is_listed_and_runs_again_with_retry_once_fixed(
        deliver: Deliver, redis_conn: redis.Redis, redis_url: str, tmp_path: Path,
        github: LoopbackGitHub) -> None:
    env = worker_env(redis_url, tmp_path, github)
    github.push(REPO, DEFAULT_BRANCH, BAD_CONFIG)
    response = deliver("issues", labeled_plan(), delivery="d-fails-once")
    burst(env)
    assert status_of(redis_conn, response) == "failed"

    listed = cli(env, "jobs")
    assert listed.returncode == 0, listed.stderr
    (row,) = [line for line in listed.stdout.splitlines() if line.startswith("d-fails-once")]
    assert f"{REPO}#1" in row and "label" in row and "ConfigError" in row

    github.push(REPO, DEFAULT_BRANCH, GOOD_CONFIG)  # the maintainer fixes the key the comment named
    retried = cli(env, "retry", "d-fails-once")
    assert retried.returncode == 0 and "queued again" in retried.stdout, retried.stdout
    burst(env)
    assert status_of(redis_conn, response) == "finished"
    assert "no failed runs" in cli(env, "jobs").stdout
    assert github.branch_sha(REPO, "planbot/issue-1") is not None


def test_githubs_redeliver_of_a_failed_delivery_runs_it_again(
        deliver: Deliver, redis_conn: redis.Redis, redis_url: str, tmp_path: Path,
        github: LoopbackGitHub) -> None:
    env = worker_env(redis_url, tmp_path, github)
    github.push(REPO, DEFAULT_BRANCH, BAD_CONFIG)
    first = deliver("issues", labeled_plan(), delivery="d-redelivered")
    burst(env)
    assert status_of(redis_conn, first) == "failed"

    github.push(REPO, DEFAULT_BRANCH, GOOD_CONFIG)
    again = deliver("issues", labeled_plan(), delivery="d-redelivered")
    assert (again.status_code, again.get_json()["status"]) == (202, "queued")
    burst(env)
    assert status_of(redis_conn, again) == "finished"

    finished = deliver("issues", labeled_plan(), delivery="d-redelivered")
    assert (finished.status_code, finished.get_json()["status"]) == (200, "duplicate")
    job = Job.fetch(again.get_json()["job_id"], connection=redis_conn)
    assert job.get_status() == "finished"
