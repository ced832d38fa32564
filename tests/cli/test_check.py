"""`python -m bot check`: one line per setting and dependency, naming what to fix."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import redis

from bot.adapters.github_app import PyGitHubApp
from bot.cli.check import FAIL, OK, SKIP, Check, checks
from bot.settings import Settings
from bot.state.monthly_spend import MonthlySpend, month_of
from tests.loopback_github import LoopbackGitHub, private_key_pem

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def github() -> Iterator[LoopbackGitHub]:
    with LoopbackGitHub() as gh:
        gh.add_repo("octo/widgets", {"README.md": "hi"}, installation_id=5)
        yield gh


def run(settings: Settings, api_url: str = "") -> dict[str, Check]:
    url = api_url or settings.github_api_url
    app = PyGitHubApp(settings.app_id, settings.private_key, url, polite=False)
    return {c.name: c for c in checks(settings, lambda: app)}


def app_settings(redis_url: str, github: LoopbackGitHub) -> Settings:
    return Settings(webhook_secret="s", app_id="42", private_key=private_key_pem(),
                    github_api_url=github.url, redis_url=redis_url)


def test_a_working_installation_passes_every_check_but_the_missing_worker(
        redis_url: str, redis_conn: redis.Redis, github: LoopbackGitHub) -> None:
    found = run(app_settings(redis_url, github))
    assert [found[n].status for n in ("settings", "WEBHOOK_SECRET", "GitHub", "Redis")] == [OK] * 4
    assert "1 installation(s)" in found["GitHub"].detail
    assert found["workers"].status == FAIL and "python -m workers" in found["workers"].detail
    assert found["model"].status == SKIP


def test_a_malformed_private_key_names_the_variable_and_skips_github(
        redis_url: str, redis_conn: redis.Redis, github: LoopbackGitHub) -> None:
    settings = Settings(webhook_secret="s", app_id="42", private_key="-----BEGIN nonsense",
                        github_api_url=github.url, redis_url=redis_url)
    found = run(settings)
    assert found["PRIVATE_KEY"].status == FAIL
    assert "PRIVATE_KEY" in found["PRIVATE_KEY"].detail and ".pem" in found["PRIVATE_KEY"].detail
    assert found["GitHub"].status == SKIP and github.requests == []


def test_an_unreachable_github_api_url_is_named_with_what_to_check(
        redis_url: str, redis_conn: redis.Redis, github: LoopbackGitHub) -> None:
    settings = app_settings(redis_url, github)
    found = run(settings, api_url="http://127.0.0.1:9/api/v3")
    assert found["GitHub"].status == FAIL
    assert "GITHUB_API_URL" in found["GitHub"].detail


def test_redis_down_is_one_failed_line_and_the_workers_check_is_skipped(
        github: LoopbackGitHub) -> None:
    found = run(app_settings("redis://127.0.0.1:9/0", github))
    assert found["Redis"].status == FAIL and "REDIS_URL" in found["Redis"].detail
    assert found["workers"].status == SKIP


def test_the_command_prints_one_line_per_check_and_fails_with_a_bad_setting(
        tmp_path: Path, redis_url: str) -> None:
    env = {"PATH": "/usr/bin:/bin", "APP_ID": "abc", "PRIVATE_KEY": "x", "WEBHOOK_SECRET": "s",
           "REDIS_URL": redis_url, "PLANBOT_ENV_FILE": str(tmp_path / "none")}
    done = subprocess.run([sys.executable, "-m", "bot", "check"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("FAIL  APP_ID") and "not a number" in lines[0]
    assert any(line.startswith("FAIL  PRIVATE_KEY") for line in lines)
    assert "Traceback" not in done.stdout + done.stderr


def test_check_shows_this_months_spend_per_installation_and_the_cap(
        redis_url: str, redis_conn: redis.Redis, github: LoopbackGitHub) -> None:
    settings = replace(app_settings(redis_url, github), monthly_usd="5")
    assert run(settings)["spend"].detail.endswith("no model spend yet; cap $5.00 per "
                                                  "installation (PLANBOT_MONTHLY_USD)")
    MonthlySpend(redis_conn).add(5, 1.25, new_run=True)
    MonthlySpend(redis_conn).add(9, 6.0, new_run=True)
    spend = run(settings)["spend"]
    assert spend.status == OK
    assert f"{month_of()} (UTC): installation 5 $1.25 (1 model run), installation 9 $6.00" \
        in spend.detail
    assert "at the cap, planning offline until the 1st: installation 9" in spend.detail


def test_a_malformed_monthly_cap_names_the_variable(
        redis_url: str, redis_conn: redis.Redis, github: LoopbackGitHub) -> None:
    found = run(replace(app_settings(redis_url, github), monthly_usd="lots"))
    assert found["PLANBOT_MONTHLY_USD"].status == FAIL
    assert "number of US dollars" in found["PLANBOT_MONTHLY_USD"].detail
