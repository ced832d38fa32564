"""End-to-end helpers: recorded deliveries made into planbot triggers, and real burst workers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import redis
from rq.job import Job

from tests.deliveries import load_payload
from tests.loopback_github import LoopbackGitHub, private_key_pem

ROOT = Path(__file__).resolve().parent.parent
REPO = "Codertocat/Hello-World"  # the repository of every recorded payload
DEFAULT_BRANCH = "master"  # its default branch, as the payloads say
WEB = "https://github.com/Codertocat/Hello-World"  # its html_url, as the payloads say


def labeled_plan(installation: bool = True) -> dict[str, Any]:
    payload = load_payload("issues.labeled")
    payload["label"]["name"] = "plan"  # the recording labels the issue "bug"
    if installation:
        payload["installation"] = {"id": 1}  # a real App delivery carries one; the sample does not
    return payload


def worker_env(redis_url: str, tmp_path: Path, github: LoopbackGitHub | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("APP_ID", "PRIVATE_KEY", "PRIVATE_KEY_PATH", "ANTHROPIC_API_KEY")}
    env.update(REDIS_URL=redis_url, PLANBOT_OUT=str(tmp_path / "plans"),
               PLANBOT_STATE_DIR=str(tmp_path / "state"), LOG_LEVEL="WARNING")
    if github is not None:
        env.update(APP_ID="4242", PRIVATE_KEY=private_key_pem(), GITHUB_API_URL=github.url)
    return env


def burst(env: dict[str, str]) -> None:
    """`python -m workers --burst`: drain the queue in a real worker process, then exit."""
    done = subprocess.run([sys.executable, "-m", "workers", "--burst"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]


def status_of(conn: redis.Redis, response: Any) -> str:
    status = Job.fetch(response.get_json()["job_id"], connection=conn).get_status()
    return str(status.value if status else None)
