"""Without Redis, or with a Redis that does not answer: one rule for every piece of state."""

from __future__ import annotations

import logging
import socket

import pytest
import redis

from bot.settings import Settings
from bot.state.connection import connect
from bot.state.document_cache import DocumentCache, blob_sha
from bot.state.github_budget import InstallationBudget
from bot.state.issue_lock import IssueLocks
from bot.state.refusals import Refusals
from bot.state.trigger_labels import TriggerLabels

REPO = "octo/widgets"


def redis_down() -> redis.Redis:
    """A client for a loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    return connect(Settings(redis_url=f"redis://127.0.0.1:{port}/0"))


def test_without_redis_each_piece_answers_as_if_it_were_empty() -> None:
    assert DocumentCache().get(blob_sha("a plan")) is None
    assert Refusals().first(REPO, 1, "mallory") is True
    assert Refusals().first(REPO, 1, "mallory") is True  # nothing remembers the first
    assert IssueLocks().busy(REPO, 1) is False
    with IssueLocks().hold(REPO, 1), IssueLocks().hold(REPO, 1):
        pass  # nothing to race with
    slept: list[float] = []
    budget = InstallationBudget(None, 1, sleep=slept.append)
    budget.before_write()
    budget.before_read()
    assert slept == []


def test_a_failing_redis_is_logged_and_skipped_by_what_a_run_can_do_without(
        caplog: pytest.LogCaptureFixture) -> None:
    down = redis_down()
    cache = DocumentCache(down)
    cache.put("a plan")
    assert cache.get(blob_sha("a plan")) == "a plan"  # the process's own copy
    assert cache.get(blob_sha("another plan")) is None
    assert Refusals(down).first(REPO, 1, "mallory") is True
    TriggerLabels(down).remember(REPO, "plan")
    slept: list[float] = []
    budget = InstallationBudget(down, 1, sleep=slept.append)
    budget.before_write()
    budget.before_read()
    assert budget.place_in_line("job")[1] is True
    budget.leave_line("job")
    assert slept == []
    warned = {r.name for r in caplog.records if r.levelno == logging.WARNING}
    assert warned == {"bot.state.document_cache", "bot.state.refusals",
                      "bot.state.trigger_labels", "bot.state.github_budget"}


def test_a_failing_redis_fails_the_run_at_the_issue_lock() -> None:
    # Running unlocked could race another run on the same branch and status comment.
    locks = IssueLocks(redis_down())
    with pytest.raises(redis.ConnectionError):
        locks.busy(REPO, 1)
    with pytest.raises(redis.ConnectionError), locks.hold(REPO, 1):
        pass
