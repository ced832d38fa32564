"""One run per issue: a second run waits for the first, and says it is queued."""

from __future__ import annotations

import threading
from dataclasses import replace

import redis

from tests.helpers import LABELED
from workers.jobs import issue_lock


def test_second_run_on_an_issue_waits_and_announces_it_is_queued(redis_conn: redis.Redis) -> None:
    order: list[str] = []
    first_in = threading.Event()
    release_first = threading.Event()

    def first() -> None:
        with issue_lock(redis_conn, LABELED, lambda: order.append("first waited")):
            order.append("first runs")
            first_in.set()
            release_first.wait(10)
            order.append("first done")

    thread = threading.Thread(target=first)
    thread.start()
    assert first_in.wait(10)

    def second_waits() -> None:
        order.append("second queued")
        release_first.set()  # the first run finishes while the second waits

    with issue_lock(redis_conn, LABELED, second_waits):
        order.append("second runs")
    thread.join(10)
    assert order == ["first runs", "second queued", "first done", "second runs"]


def test_runs_on_different_issues_do_not_wait_for_each_other(redis_conn: redis.Redis) -> None:
    other = replace(LABELED, issue_number=2)
    waited: list[int] = []
    with issue_lock(redis_conn, LABELED, lambda: waited.append(1)), \
            issue_lock(redis_conn, other, lambda: waited.append(2)):
        pass
    assert waited == []
