"""`make demo`: embedded Redis, the web tier and a worker, one delivery, a grounded plan."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from rq.job import Job, JobStatus

from bot import settings as bot_settings
from bot.cli.replay import replay
from bot.domain import FILENAMES
from bot.intake.request import job_id
from bot.state.connection import connect, redis_url_for

ROOT = Path(__file__).resolve().parents[2]
# An issues.labeled delivery for an example issue about planbot itself, so the plan is made
# against a real checkout (this one) and cites real files, as it would on any repository.
PAYLOAD = Path(__file__).with_name("demo_issue.json")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(check: object, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if callable(check) and check():
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise TimeoutError(f"gave up waiting for {what} after {seconds:.0f} s")


def _healthy(url: str) -> bool:
    with urllib.request.urlopen(url, timeout=2) as response:
        return bool(response.status == 200)


def demo() -> int:
    settings = bot_settings.from_env()
    secret = settings.webhook_secret or secrets.token_hex(16)
    redis = connect(settings)  # keeps the embedded server up while the demo runs
    redis_url = settings.redis_url or redis_url_for(settings)
    env = {**os.environ, "WEBHOOK_SECRET": secret, "REDIS_URL": redis_url,
           "PLANBOT_OUT": str(settings.out_dir), "PLANBOT_REPO_DIR": str(ROOT)}
    env.pop("APP_ID", None)  # the demo always runs in dry-run mode

    payload = json.loads(PAYLOAD.read_text())
    repo, number = payload["repository"]["full_name"], payload["issue"]["number"]
    folder = settings.dry_run_folder(repo, number)
    shutil.rmtree(folder, ignore_errors=True)  # show this run's documents, not an old run's

    port = _free_port()
    web = subprocess.Popen([sys.executable, "-m", "gunicorn", "app:create_app()", "--bind",
                            f"127.0.0.1:{port}", "--workers", "1", "--log-level", "warning"],
                           cwd=ROOT, env=env)
    worker = subprocess.Popen([sys.executable, "-m", "workers"], cwd=ROOT, env=env)
    try:
        _wait(lambda: _healthy(f"http://127.0.0.1:{port}/healthz"), 30, "the web tier")
        print(f"web tier up on :{port}, worker running, Redis at {redis_url}")
        delivery_id = f"demo-{secrets.token_hex(4)}"
        status, answer = replay(PAYLOAD, "issues", f"http://127.0.0.1:{port}/webhook",
                                secret=secret, delivery=delivery_id)
        print(f"POST /webhook (issues.labeled, label 'plan', {repo}#{number}: "
              f"{payload['issue']['title']!r}) -> {status} {answer}")
        print(f"planning against this checkout: {ROOT}")
        if status != 202:
            return 1
        job = Job.fetch(job_id(delivery_id), connection=redis)
        ended = (JobStatus.FINISHED, JobStatus.FAILED)
        _wait(lambda: job.get_status() in ended, 120, "the worker's job")
        print(f"worker job {job.id}: {job.get_status().value} -> {job.return_value()}")
        if job.get_status() != JobStatus.FINISHED:
            result = job.latest_result()
            print(result.exc_string if result else "no result recorded", file=sys.stderr)
            return 1
        for name in FILENAMES.values():
            print(f"\n===== {folder / name} =====\n{(folder / name).read_text()}")
        comments = sorted((folder / "comments").glob("*.md"))
        for comment in comments:
            print(f"\n===== comment planbot would post: {comment} =====\n{comment.read_text()}")
        return 0
    finally:
        for proc in (web, worker):
            proc.terminate()
        for proc in (web, worker):
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        redis.close()
