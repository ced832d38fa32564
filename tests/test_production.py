"""The README's production path, as an operator takes it: a fresh virtualenv of
requirements.txt alone (never the dev requirements), the web tier and the worker started
with the README's own commands against a real redis-server, one signed delivery planned
and published in dry-run mode, and every log line in the configured (JSON) format."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil  # type: ignore[import-untyped]  # no stubs
import pytest

from bench.ingest.servers import free_port
from tests.deliveries import SECRET, github_headers
from tests.e2e import ROOT, labeled_plan
from tests.production import clean_environment, production_venv, readme_command, readme_commands
from tests.servers import redis_process

STARTUP_SECONDS = 60
PLAN_SECONDS = 60
# The first run after requirements.txt changed builds its virtualenv (tests/production.py).
pytestmark = pytest.mark.timeout(900)
DOCUMENTS = ("problem-definition.md", "hypotheses.md", "tasks.md")


@dataclass
class ProductionRun:
    """What the production processes did, read after they stopped."""

    ready: int = 0  # /readyz's status once both processes were up
    answer: int = 0  # the delivery's status
    delivery: str = ""
    published: list[str] = field(default_factory=list)
    web_workers_booted: int = 0
    web: list[str] = field(default_factory=list)
    worker: list[str] = field(default_factory=list)

    def logs(self) -> str:
        return "\n".join(["--- web", *self.web[-40:], "--- worker", *self.worker[-40:]])


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


def _until(seconds: float, check: Any) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def _post_delivery(base: str, run: ProductionRun) -> None:
    body = json.dumps(labeled_plan()).encode()
    headers = github_headers("issues", body)
    run.delivery = headers["X-GitHub-Delivery"]
    request = urllib.request.Request(f"{base}/webhook", data=body, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as answer:
        run.answer = int(answer.status)


def _gunicorn_children(web: subprocess.Popen[bytes]) -> list[psutil.Process]:
    return psutil.Process(web.pid).children()


def _replace_one_web_worker(web: subprocess.Popen[bytes]) -> None:
    """Kill a web worker as the kernel's OOM killer would; gunicorn boots a new one, which
    must patch and log like the first ones did."""
    first = _gunicorn_children(web)
    first[0].send_signal(signal.SIGKILL)
    _until(15, lambda: len({p.pid for p in _gunicorn_children(web)} - {p.pid for p in first}))
    time.sleep(1.5)  # the new worker loads the app and writes its first lines


def _serve(run: ProductionRun, base: str, web: subprocess.Popen[bytes],
           worker: subprocess.Popen[bytes], folder: Path) -> None:
    # Up, or one of them gave up (gunicorn's master exits when a worker cannot boot).
    _until(STARTUP_SECONDS, lambda: web.poll() is not None or worker.poll() is not None
           or _status(f"{base}/readyz") == 200)
    run.ready = _status(f"{base}/readyz")
    if run.ready != 200:
        return
    _post_delivery(base, run)
    issue = folder / "plans" / "Codertocat" / "Hello-World" / "issue-1"
    _until(PLAN_SECONDS, lambda: all((issue / d).exists() for d in DOCUMENTS))
    run.published = sorted(p.name for p in issue.glob("*.md"))
    _replace_one_web_worker(web)


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProductionRun]:
    venv = production_venv()
    folder = tmp_path_factory.mktemp("production")
    run = ProductionRun()
    with redis_process(folder / "redis") as redis_server:
        port = free_port()
        env = clean_environment(venv) | {
            "WEBHOOK_SECRET": SECRET, "REDIS_URL": redis_server.url, "PORT": str(port),
            "WEB_CONCURRENCY": "2", "LOG_FORMAT": "json", "LOG_LEVEL": "INFO",
            "PLANBOT_OUT": str(folder / "plans"), "PLANBOT_STATE_DIR": str(folder / "state"),
            # A developer's .env beside the checkout is not the operator's environment.
            "PLANBOT_ENV_FILE": str(folder / "absent.env")}
        with open(folder / "web.log", "wb") as web_log, \
                open(folder / "worker.log", "wb") as worker_log:
            web = subprocess.Popen(readme_command("gunicorn"), cwd=ROOT, env=env,
                                   stdout=web_log, stderr=subprocess.STDOUT)
            worker = subprocess.Popen(readme_command("python -m workers"), cwd=ROOT, env=env,
                                      stdout=worker_log, stderr=subprocess.STDOUT)
            try:
                _serve(run, f"http://127.0.0.1:{port}", web, worker, folder)
            finally:
                for process in (web, worker):
                    process.send_signal(signal.SIGTERM)
                for process in (web, worker):
                    try:
                        process.wait(30)
                    except subprocess.TimeoutExpired:
                        process.kill()
    run.web = (folder / "web.log").read_text().splitlines()
    run.worker = (folder / "worker.log").read_text().splitlines()
    run.web_workers_booted = sum("Booting worker" in line for line in run.web)
    yield run


def test_the_readme_installs_production_from_requirements_txt_alone() -> None:
    commands = readme_commands()
    assert commands[0] == "pip install -r requirements.txt"
    assert not any("requirements-dev" in command for command in commands)


def test_the_web_tier_and_the_worker_start_from_requirements_txt_alone(
        production: ProductionRun) -> None:
    assert production.ready == 200, production.logs()


def test_a_signed_label_delivery_is_planned_and_published_by_the_production_worker(
        production: ProductionRun) -> None:
    assert production.answer == 202, production.logs()
    assert production.published == sorted(DOCUMENTS), production.logs()


def test_every_line_the_production_processes_write_is_one_json_record(
        production: ProductionRun) -> None:
    assert production.web_workers_booted >= 3, production.logs()  # two, then a replacement
    for line in production.web + production.worker:
        try:
            record = json.loads(line)
        except ValueError:
            pytest.fail(f"not a JSON record: {line!r}\n{production.logs()}")
        assert {"time", "level", "logger", "message"} <= record.keys(), line
    assert not any("MonkeyPatchWarning" in line for line in production.web)


def test_every_worker_line_about_the_job_carries_its_delivery(
        production: ProductionRun) -> None:
    records = [json.loads(line) for line in production.worker]
    about_job = [r for r in records if r["logger"] != "rq.scheduler" and (
        production.delivery in r["message"] or r["logger"].startswith(("workers.", "bot."))
        or r["message"].startswith("Successfully completed"))]
    assert len(about_job) >= 5, production.logs()  # taken, started, done, OK, kept
    for record in about_job:
        assert record.get("delivery") == production.delivery, record


def test_the_production_environment_has_no_test_tools() -> None:
    venv = production_venv()
    found = subprocess.run([str(venv / "bin" / "python"), "-c", "import pytest"],
                           capture_output=True, env=clean_environment(venv), cwd=os.sep)
    assert found.returncode != 0  # what the dev requirements add is not there to lean on


def test_the_production_log_has_no_access_lines(production: ProductionRun) -> None:
    """One line per delivery, the app's own (with its id and outcome), not gunicorn's too."""
    loggers = {json.loads(line)["logger"] for line in production.web}
    assert "gunicorn.access" not in loggers and "planbot.web" in loggers



def test_the_web_tiers_one_line_for_the_delivery_carries_its_id_as_a_field(
        production: ProductionRun) -> None:
    lines = [json.loads(line) for line in production.web]
    ours = [r for r in lines if r["logger"] == "planbot.web"]
    assert [r.get("delivery") for r in ours] == [production.delivery], production.logs()
    assert ours[0]["message"].startswith("event=issues status=202 queued")
