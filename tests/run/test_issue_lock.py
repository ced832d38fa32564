"""One run per issue: a second run waits for the first, and says it is queued."""

from __future__ import annotations

import threading

import redis

from bot.run.lock import IssueLocks

REPO = "octo/widgets"


def test_second_run_on_an_issue_waits_and_announces_it_is_queued(redis_conn: redis.Redis) -> None:
    locks = IssueLocks(redis_conn)
    order: list[str] = []
    first_in = threading.Event()
    release_first = threading.Event()

    def first() -> None:
        with locks.hold(REPO, 1, lambda: order.append("first waited")):
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

    with locks.hold(REPO, 1, second_waits):
        order.append("second runs")
    thread.join(10)
    assert order == ["first runs", "second queued", "first done", "second runs"]


def test_runs_on_different_issues_do_not_wait_for_each_other(redis_conn: redis.Redis) -> None:
    locks = IssueLocks(redis_conn)
    waited: list[int] = []
    one = locks.hold(REPO, 1, lambda: waited.append(1))
    two = locks.hold(REPO, 2, lambda: waited.append(2))
    with one, two:
        pass
    assert waited == []
