"""Registering the App from the setup page, clicked through in a real browser.

planbot's web tier runs with no App configured, against the loopback GitHub's "new App"
and install pages; the maintainer's clicks are Chromium's.
"""

from __future__ import annotations

import logging
import stat
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import redis
from selenium.webdriver.common.by import By
from werkzeug.serving import make_server

from app import create_app
from bot.cli.check import OK, checks
from bot.intake.queue import JobQueue
from bot.run.wiring import github_app
from bot.settings import Settings, from_env
from tests.browser import chromium, shows
from tests.loopback_github import LoopbackGitHub

CONVERSION = "POST /app-manifests/{code}/conversions"


@pytest.fixture
def github() -> Iterator[LoopbackGitHub]:
    with LoopbackGitHub() as gh:
        gh.add_repo("octo/widgets", {"README.md": "hi"})
        yield gh


@pytest.fixture
def unconfigured(tmp_path: Path, redis_url: str, github: LoopbackGitHub) -> Settings:
    return Settings(redis_url=redis_url, github_url=github.world.root,
                    github_api_url=github.url, env_file=tmp_path / ".env",
                    state_dir=tmp_path / "state")


@pytest.fixture
def web(unconfigured: Settings, redis_conn: redis.Redis) -> Iterator[str]:
    app = create_app(unconfigured, queue=JobQueue(redis_conn))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_a_maintainer_registers_and_installs_the_app_from_the_setup_page(
        web: str, unconfigured: Settings, github: LoopbackGitHub,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    with chromium() as browser:
        browser.get(f"{web}/setup")
        assert shows(browser, "Set up planbot") and f"{web}/webhook" in browser.page_source
        browser.find_element(By.ID, "register").click()

        # GitHub's page shows the App the manifest describes; the maintainer confirms.
        assert shows(browser, "Create GitHub App planbot")
        browser.find_element(By.ID, "create").click()

        assert shows(browser, "The App planbot is registered")
        browser.find_element(By.ID, "install").click()
        assert shows(browser, "Install planbot")
        browser.find_element(By.ID, "install").click()
        assert shows(browser, "planbot is installed")
        assert browser.current_url.startswith(f"{web}/setup/installed?installation_id=")

        browser.get(f"{web}/setup")  # a second registration is not offered
        assert shows(browser, "An App is registered already")

    (app,) = github.world.apps.values()
    assert app.manifest["hook_attributes"] == {"url": f"{web}/webhook", "active": True}
    assert app.manifest["default_permissions"] == {
        "contents": "write", "issues": "write", "pull_requests": "write", "metadata": "read"}
    assert len(github.calls(CONVERSION)) == 1 and github.world.setup_errors == []
    env = unconfigured.env_file
    assert stat.S_IMODE(env.stat().st_mode) == 0o600
    configured = from_env({"PLANBOT_ENV_FILE": str(env), **_env_file(env)})
    assert (configured.app_id, configured.webhook_secret) == (str(app.id), app.webhook_secret)
    assert configured.private_key.strip() == app.pem.strip()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert app.webhook_secret not in logged and "PRIVATE KEY" not in logged

    # planbot restarted with the written .env: the check reaches GitHub as the new App.
    settings = replace(configured, github_api_url=github.url, redis_url=unconfigured.redis_url)
    found = {c.name: c for c in checks(settings, lambda: github_app(
        settings.app_id, settings.private_key, settings.github_api_url))}
    assert found["GitHub"].status == OK, found["GitHub"].detail
    assert "1 installation(s)" in found["GitHub"].detail
    assert github.errors == []


def _env_file(path: Path) -> dict[str, str]:
    from dotenv import dotenv_values

    return {k: v for k, v in dotenv_values(path).items() if v is not None}


def test_without_an_app_the_webhook_answers_503_and_accepts_nothing(
        web: str, redis_conn: redis.Redis) -> None:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(f"{web}/webhook", data=b"{}", method="POST",
                                     headers={"X-GitHub-Event": "ping"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    refused.value.close()
    assert refused.value.code == 503 and refused.value.headers["Retry-After"]
    assert redis_conn.keys("rq:job:*") == []


def test_a_stale_or_forged_callback_writes_nothing(web: str, unconfigured: Settings) -> None:
    import urllib.error
    import urllib.request

    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{web}/setup/callback?code=abc&state=forged", timeout=5)
    refused.value.close()
    assert refused.value.code == 400
    assert not unconfigured.env_file.exists()
