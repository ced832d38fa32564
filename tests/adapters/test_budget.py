"""The installation budget against a real Redis: shared by processes, separate per
installation, and GitHub's rate-limit answers honoured mid-plan."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path
from typing import Any

import pytest
import redis

from bench.github_budget import label_request, settings_for, world
from bot.adapters.github_app import PyGitHubApp
from bot.observe import metrics
from bot.ports import RateLimited
from bot.run.wiring import run_for, state_in
from bot.settings import Settings
from bot.state.connection import connect
from bot.state.github_budget import NOTE_ROOM, PER_HOUR, PLAN_WRITES, InstallationBudget
from tests.loopback_github import private_key_pem

SPACING_MS = 50  # scaled down from GitHub's 1 s so that the test takes a second


def _writer(redis_url: str, installation: int, writes: int, out: Any,
            name: str, ready: Any) -> None:
    budget = InstallationBudget(connect(Settings(redis_url=redis_url)), installation,
                                spacing_ms=SPACING_MS)
    # Start together: a process still importing on a loaded machine would otherwise find
    # the other one's writes all done, and the test would see no turns taken.
    ready.wait(60)
    for _ in range(writes):
        budget.before_write()
        out.put((name, installation, time.time()))


def _run_writers(redis_url: str, plan: list[tuple[str, int, int]]) -> list[tuple[str, int,
                                                                                  float]]:
    ctx = multiprocessing.get_context("spawn")
    out, ready = ctx.Queue(), ctx.Barrier(len(plan))
    procs = [ctx.Process(target=_writer, args=(redis_url, inst, n, out, name, ready))
             for name, inst, n in plan]
    for p in procs:
        p.start()
    total = sum(n for _, _, n in plan)
    stamps = [out.get(timeout=60) for _ in range(total)]
    for p in procs:
        p.join(30)
        assert p.exitcode == 0
    return sorted(stamps, key=lambda s: s[2])


def test_two_worker_processes_on_one_installation_take_turns_a_spacing_apart(
        redis_url: str, redis_conn: redis.Redis) -> None:
    stamps = _run_writers(redis_url, [("a", 1, 8), ("b", 1, 8)])
    gaps = [b[2] - a[2] for a, b in zip(stamps, stamps[1:], strict=False)]
    # Both processes wrote (interleaved on one schedule), never two in one slot.
    assert {s[0] for s in stamps[:8]} == {"a", "b"}
    assert min(gaps) >= SPACING_MS / 1000 * 0.8, gaps
    assert stamps[-1][2] - stamps[0][2] >= 15 * SPACING_MS / 1000 * 0.8


def test_two_installations_do_not_wait_on_each_other(redis_url: str,
                                                     redis_conn: redis.Redis) -> None:
    stamps = _run_writers(redis_url, [("a", 1, 8), ("b", 2, 8)])
    by_installation = {inst: [s[2] for s in stamps if s[1] == inst] for inst in (1, 2)}
    # Each installation's 8 writes span 7 spacings; together they overlap in time
    # instead of queueing one behind the other (16 spacings).
    first, second = by_installation[1], by_installation[2]
    assert max(first[0], second[0]) < min(first[-1], second[-1])


def test_the_per_minute_limit_holds_a_long_wait_is_rate_limited_and_notes_have_room(
        redis_conn: redis.Redis) -> None:
    slept: list[float] = []
    budget = InstallationBudget(redis_conn, 3, spacing_ms=0, per_minute=10, long_wait=2.0,
                                sleep=slept.append)
    for _ in range(5):  # plans leave 5 of the minute's 10 to notes
        budget.before_write()
    with pytest.raises(RateLimited) as limited:
        budget.before_write()  # the sixth plan write of the minute: about 60 s away
    assert 55 < limited.value.resume_at - time.time() <= 61
    assert redis_conn.zcard(budget.writes_key) == 5  # nothing was reserved for it
    budget.before_write(note=True)  # "queued: ..." still fits in the room left for notes
    assert redis_conn.zcard(budget.writes_key) == 6 and slept == []


def test_github_asking_one_installation_to_wait_blocks_it_for_every_worker_only(
        redis_conn: redis.Redis) -> None:
    slept: list[float] = []
    one = InstallationBudget(redis_conn, 1, sleep=slept.append)
    one.block(5)
    InstallationBudget(redis_conn, 2, sleep=slept.append).before_read()
    assert slept == []  # installation 2 is not blocked
    InstallationBudget(redis_conn, 1, sleep=slept.append).before_read()  # another worker
    assert len(slept) == 1 and 4 < slept[0] <= 5


def test_a_secondary_rate_limit_403_mid_plan_is_waited_out_and_the_plan_completes(
        redis_conn: redis.Redis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    monkeypatch.setattr("bot.state.github_budget.pause", slept.append)
    with world() as gh:
        gh.fail_next("POST /repos/{owner}/{repo}/git/commits", 403, {"Retry-After": "3"},
                     "You have exceeded a secondary rate limit.")
        app = PyGitHubApp("42", private_key_pem(), gh.url, polite=False)
        with metrics.recording(redis_conn):
            outcome = run_for(settings_for(gh, tmp_path), label_request(gh, "d-403"),
                              state_in(redis_conn), app=app, fresh=True).handle()
        assert outcome.startswith("label: ran problem, hypotheses, tasks")
        shown = metrics.exposition(redis_conn).decode()  # what /metrics serves
        assert 'planbot_github_rate_limit_waits_total{reason="github"} 1.0' in shown
        assert 'planbot_github_requests_total{call="commit_files"} 2.0' in shown
        statuses = [r.status for r in gh.calls("POST /repos/{owner}/{repo}/git/commits")]
        assert statuses == [403, 201]
        assert ".plans/issue-7/tasks.md" in gh.files("octo/widgets", "planbot/issue-7")
        assert any(2 < s <= 3 for s in slept), slept  # the Retry-After, for the installation
        app.close()



def test_jobs_waiting_for_a_spent_hour_line_up_a_plans_writes_apart(
        redis_conn: redis.Redis) -> None:
    line = InstallationBudget(redis_conn, 4)
    now_ms = int(time.time() * 1000)
    spent = PER_HOUR - NOTE_ROOM[1]  # all that plans may write this hour
    redis_conn.zadd(line.writes_key, {f"w{i}": now_ms - 3_000_000 + i * 1000
                                      for i in range(spent)})
    places = [line.place_in_line(f"job-{n}") for n in range(3)]
    assert [joined for _, joined in places] == [True, True, True]
    # Each waits until the writes of the plans ahead of it have left the hour's window.
    gaps = [round(b[0] - a[0]) for a, b in zip(places, places[1:], strict=False)]
    assert gaps == [PLAN_WRITES, PLAN_WRITES]  # the old writes were 1 s apart
    assert 590 < places[0][0] - time.time() <= 610
    again, joined = line.place_in_line("job-1")  # requeued again: same place, no new note
    assert not joined and abs(again - places[1][0]) < 1
    line.leave_line("job-0")
    assert abs(line.place_in_line("job-1")[0] - places[0][0]) < 1  # moved up


def test_a_plan_starts_only_when_all_its_writes_fit_in_the_hour(
        redis_conn: redis.Redis) -> None:
    budget = InstallationBudget(redis_conn, 5, spacing_ms=0, per_hour=40, long_wait=2.0)
    for _ in range(40 - NOTE_ROOM[1] - 3):  # room left for 3 plan writes this hour
        budget.before_write()
    with pytest.raises(RateLimited):
        budget.before_write(then=PLAN_WRITES - 1)  # a plan's first write: 7 do not fit
    budget.before_write(then=2)  # a run that writes 3 in all does fit
