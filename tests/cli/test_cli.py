"""`python -m bot plan` and `python -m bot replay`, run as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from rq import Queue
from werkzeug.serving import make_server

from app import create_app
from bot.intake.queue import QUEUE_NAME
from bot.settings import Settings
from tests.deliveries import PAYLOADS, SECRET, load_payload

ROOT = Path(__file__).resolve().parents[2]
TRACEBACK = """Exporting a report with no rows crashes.

```
Traceback (most recent call last):
  File "/opt/reports/reports/cli.py", line 4, in main
    export(rows)
  File "/opt/reports/reports/export.py", line 3, in export
    return total / len(rows)
ZeroDivisionError: division by zero
```
"""


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={**os.environ, **(env or {})})


def test_plan_writes_three_documents_grounded_in_the_repo_dir(tmp_path: Path) -> None:
    checkout = tmp_path / "checkout"
    (checkout / "reports").mkdir(parents=True)
    (checkout / "reports" / "cli.py").write_text("from reports.export import export\n\n\n"
                                                 "def main(rows):\n    export(rows)\n")
    (checkout / "reports" / "export.py").write_text("def export(rows):\n    total = sum(rows)\n"
                                                    "    return total / len(rows)\n")
    payload = load_payload("issues.opened")
    payload["issue"]["body"] = TRACEBACK  # the recorded issue has no traceback to ground on
    saved = tmp_path / "issues.opened.json"
    saved.write_text(json.dumps(payload))

    done = cli("plan", "--payload", str(saved), "--repo-dir", str(checkout),
               "--out", str(tmp_path / "out"))

    assert done.returncode == 0, done.stderr
    hypotheses = (tmp_path / "out" / "hypotheses.md").read_text()
    first = hypotheses.split("## H2")[0]
    assert "## H1 — Most likely:" in first and "`reports/export.py:3`" in first
    assert (tmp_path / "out" / "problem-definition.md").read_text().startswith(
        "# Problem Definition")
    assert "- [ ] 1." in (tmp_path / "out" / "tasks.md").read_text()


def test_plan_on_a_payload_without_an_issue_says_so(tmp_path: Path) -> None:
    done = cli("plan", "--payload", str(PAYLOADS / "ping.json"), "--out", str(tmp_path))
    assert done.returncode == 2
    assert "holds no issue" in done.stderr and "Traceback" not in done.stderr


@pytest.fixture
def receiver(settings: Settings) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, create_app(settings), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/webhook"
    server.shutdown()
    thread.join(10)


def test_replay_signs_and_posts_a_saved_delivery(receiver: str, redis_conn: redis.Redis,
                                                  tmp_path: Path) -> None:
    comment = load_payload("issue_comment.created")
    comment["comment"]["body"] = "/plan"  # the recording's comment has no command
    path = tmp_path / "issue_comment.created.json"  # the event name comes from the file name
    path.write_text(json.dumps(comment))

    done = cli("replay", str(path), "--url", receiver, env={"WEBHOOK_SECRET": SECRET})

    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("202 ") and '"queued"' in done.stdout
    (job,) = Queue(QUEUE_NAME, connection=redis_conn).get_jobs()
    assert job.kwargs["commands"] == [["plan", ""]]


def test_replay_with_the_wrong_secret_is_refused(receiver: str) -> None:
    done = cli("replay", str(PAYLOADS / "issues.labeled.json"), "--url", receiver,
               env={"WEBHOOK_SECRET": "not the secret"})
    assert done.returncode == 1 and done.stdout.startswith("401 ")
