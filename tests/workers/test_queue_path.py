"""Delivery in, documents out: the web tier, a real Redis and real `python -m workers`.

GitHub is the loopback server of tests/loopback_github.py, which checks every request
against GitHub's OpenAPI description; payloads are GitHub's recorded deliveries, with
the changes each test needs made visibly here.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import redis
from rq import Queue, Worker
from rq.job import Job

from bot.intake.queue import QUEUE_NAME
from bot.markers import STATUS_MARKER
from tests.deliveries import Deliver, load_payload
from tests.e2e import DEFAULT_BRANCH, REPO, ROOT, burst, labeled_plan, status_of, worker_env
from tests.loopback_github import LoopbackGitHub

BRANCH = "planbot/issue-1"
PLAN_FILES = {f".plans/issue-1/{name}" for name in
              ("problem-definition.md", "hypotheses.md", "tasks.md")}



def test_dry_run_worker_writes_three_documents_and_the_status_comment(
        deliver: Deliver, redis_conn: redis.Redis, redis_url: str, tmp_path: Path) -> None:
    response = deliver("issues", labeled_plan(installation=False))
    assert response.status_code == 202, response.get_json()

    burst(worker_env(redis_url, tmp_path, None))

    assert status_of(redis_conn, response) == "finished"
    folder = tmp_path / "plans" / REPO / "issue-1"
    problem = (folder / "problem-definition.md").read_text()
    assert problem.startswith("# Problem Definition") and f"GitHub Issue: {REPO}#1" in problem
    assert (folder / "hypotheses.md").read_text().startswith("# Hypotheses")
    assert "- [ ] 1." in (folder / "tasks.md").read_text()
    (status,) = (folder / "comments").glob("*.md")
    assert status.read_text().startswith(STATUS_MARKER)


def test_label_delivery_becomes_one_commit_and_one_draft_plan_pr(
        deliver: Deliver, redis_conn: redis.Redis, redis_url: str, tmp_path: Path,
        github: LoopbackGitHub) -> None:
    response = deliver("issues", labeled_plan())
    assert response.status_code == 202

    burst(worker_env(redis_url, tmp_path, github))

    assert status_of(redis_conn, response) == "finished"
    assert set(github.files(REPO, BRANCH)) >= PLAN_FILES
    head = github.commit(REPO, github.branch_sha(REPO, BRANCH) or "")
    assert len(head.parents) == 1 and head.parents[0] == github.branch_sha(REPO, DEFAULT_BRANCH)
    (pull,) = github.pulls(REPO)
    assert pull["draft"] and pull["title"] == "Plan: Spelling error in the README file"
    assert "Refs #1" in pull["body"]
    assert [content for _, content in github.reactions(REPO)] == ["eyes", "rocket"]
    assert any(c["body"].startswith(STATUS_MARKER) for c in github.comments(REPO, 1))
    assert github.errors == []


def test_delivery_without_installation_is_planned_after_looking_it_up(
        deliver: Deliver, redis_conn: redis.Redis, redis_url: str, tmp_path: Path,
        github: LoopbackGitHub) -> None:
    response = deliver("issues", labeled_plan(installation=False))
    burst(worker_env(redis_url, tmp_path, github))
    assert status_of(redis_conn, response) == "finished"
    assert len(github.calls("GET /repos/{owner}/{repo}/installation")) == 1
    assert set(github.files(REPO, BRANCH)) >= PLAN_FILES and github.errors == []


def test_invalid_config_fails_the_job_once_with_a_comment_naming_the_key(
        deliver: Deliver, redis_conn: redis.Redis, redis_url: str, tmp_path: Path,
        github: LoopbackGitHub) -> None:
    github.push(REPO, DEFAULT_BRANCH, {".github/planbot.yml": "output: pull-request\n"})
    response = deliver("issues", labeled_plan())
    burst(worker_env(redis_url, tmp_path, github))

    job = Job.fetch(response.get_json()["job_id"], connection=redis_conn)
    assert job.get_status() == "failed"  # visible in RQ, and not retried: retrying cannot help
    (comment,) = github.comments(REPO, 1)
    assert "`output`" in comment["body"] and "What you can do" in comment["body"]
    assert github.reactions(REPO)[-1][1] == "confused"
    assert github.branch_sha(REPO, BRANCH) is None  # no plan branch was made
    assert github.errors == []


def test_label_and_comment_racing_run_one_after_the_other_and_both_complete(
        deliver: Deliver, redis_conn: redis.Redis, redis_url: str, tmp_path: Path,
        github: LoopbackGitHub) -> None:
    env = worker_env(redis_url, tmp_path, github)
    workers = [subprocess.Popen([sys.executable, "-m", "workers"], cwd=ROOT, env=env)
               for _ in range(2)]
    try:
        deadline = time.monotonic() + 60
        while len(Worker.all(queue=Queue(QUEUE_NAME, connection=redis_conn))) < 2:
            assert time.monotonic() < deadline, "workers did not start"
            time.sleep(0.2)
        comment = load_payload("issue_comment.created.with-installation")
        comment["comment"]["body"] = "/plan"  # the recording's comment has no command
        responses = [deliver("issues", labeled_plan()), deliver("issue_comment", comment)]
        assert [r.status_code for r in responses] == [202, 202]
        while {status_of(redis_conn, r) for r in responses} - {"finished", "failed"}:
            assert time.monotonic() < deadline + 120, "jobs did not finish"
            time.sleep(0.3)
    finally:
        for proc in workers:
            proc.terminate()
            proc.wait(timeout=30)
    assert [status_of(redis_conn, r) for r in responses] == ["finished", "finished"]
    plan_commits = [r for r in github.calls("POST /repos/{owner}/{repo}/git/commits")]
    assert len(plan_commits) == 1  # the second run found everything current
    assert github.errors == []
