"""`make demo`'s job: embedded Redis, gunicorn, a worker, one delivery, three documents."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_demo_runs_the_whole_service_on_embedded_defaults(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("REDIS_URL", "APP_ID", "ANTHROPIC_API_KEY", "WEBHOOK_SECRET")}
    env.update(PLANBOT_OUT=str(tmp_path / "plans"), PLANBOT_STATE_DIR=str(tmp_path / "state"))

    done = subprocess.run([sys.executable, "-m", "bot", "demo"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=240)

    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    assert "-> 202" in done.stdout
    assert "finished -> label: ran problem, hypotheses, tasks" in done.stdout
    folder = tmp_path / "plans" / "Codertocat" / "Hello-World" / "issue-1"
    assert sorted(p.name for p in folder.glob("*.md")) == [
        "hypotheses.md", "problem-definition.md", "tasks.md"]
    assert "# Tasks" in done.stdout and "comment planbot would post" in done.stdout
