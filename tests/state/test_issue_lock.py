"""One run per issue: a second run is told the issue is busy (and requeues), and the lock
lives only as long as its holder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest
import redis

from bot.state.issue_lock import IssueBusy, IssueLocks
from tests.e2e import ROOT

REPO = "octo/widgets"


def test_second_run_on_a_busy_issue_announces_once_and_is_told_busy(
        redis_conn: redis.Redis) -> None:
    locks = IssueLocks(redis_conn)
    said: list[str] = []
    with locks.hold(REPO, 1):
        with pytest.raises(IssueBusy), locks.hold(REPO, 1, lambda: said.append("queued")):
            pass
        requeued = IssueLocks(redis_conn, announce=False)
        with pytest.raises(IssueBusy), requeued.hold(REPO, 1, lambda: said.append("again")):
            pass
        assert locks.busy(REPO, 1)
    assert said == ["queued"]
    assert not locks.busy(REPO, 1)
    with locks.hold(REPO, 1):  # free again once the first run is done
        pass


def test_runs_on_different_issues_do_not_wait_for_each_other(redis_conn: redis.Redis) -> None:
    locks = IssueLocks(redis_conn)
    waited: list[int] = []
    with locks.hold(REPO, 1, lambda: waited.append(1)), locks.hold(REPO, 2,
                                                                  lambda: waited.append(2)):
        pass
    assert waited == []


def test_a_live_run_keeps_its_lock_past_the_hold_time(redis_conn: redis.Redis) -> None:
    locks = IssueLocks(redis_conn, hold_seconds=1, renew_seconds=0.2)
    inside, done = threading.Event(), threading.Event()

    def long_run() -> None:
        with locks.hold(REPO, 3):
            inside.set()
            done.wait(10)

    thread = threading.Thread(target=long_run)
    thread.start()
    assert inside.wait(10)
    time.sleep(2.5)  # well past hold_seconds: only renewals keep it
    try:
        assert locks.busy(REPO, 3)
        with pytest.raises(IssueBusy), locks.hold(REPO, 3):
            pass
    finally:
        done.set()
        thread.join(10)
    assert not locks.busy(REPO, 3)


HOLDER = textwrap.dedent("""
    import sys, time
    from bot.state.connection import connect
    from bot.state.issue_lock import IssueLocks
    from bot.settings import Settings
    locks = IssueLocks(connect(Settings(redis_url=sys.argv[1])), hold_seconds=2,
                       renew_seconds=0.5)
    with locks.hold("octo/widgets", 4):
        print("holding", flush=True)
        time.sleep(600)
""")


def test_a_killed_holders_lock_expires_within_the_hold_time(redis_url: str,
                                                            redis_conn: redis.Redis) -> None:
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, redis_url], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(10)
    holder.stdout.close()
    killed = time.monotonic()
    locks = IssueLocks(redis_conn)
    while locks.busy(REPO, 4):
        assert time.monotonic() - killed < 10, "the dead holder's lock did not expire"
        time.sleep(0.1)
    with locks.hold(REPO, 4):
        pass
