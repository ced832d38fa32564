"""`python -m bench.github_budget_load`: many issues labelled at once on one installation,
planned by worker processes sharing its GitHub budget in Redis.

The loopback GitHub enforces GitHub's secondary limits on content-creating requests
(80 a minute, 500 an hour per installation: a 403 with Retry-After past them) and
records every request. Time is shrunk by --scale (60: a GitHub "hour" lasts 60 s, a
"minute" 1 s, the 1 s between writes 1/60 s) in the budget of every worker and in the
loopback alike, so hours of sustained load fit in minutes; plan CPU time is not shrunk,
which only makes the workers slower than they would be. A second installation labels a
few issues half way through, to show it does not wait on the first one's budget.

Each worker process does what `python -m workers` does with a job (workers/jobs.py):
run_for(...).handle(), and on RateLimited the status note and a requeue at the
resume time (here a Redis sorted set stands in for RQ's scheduler).
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import os
import resource
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.github_budget import FILES, ISSUE_BODY
from bot.adapters.github_app import PyGitHubApp
from bot.intake.request import LABEL, PlanRequest
from bot.ports import RateLimited
from bot.run.wiring import run_for, state_in
from bot.settings import Settings
from bot.state import github_budget as budget
from bot.state.connection import connect, redis_url_for
from tests.loopback_github import WRITES, LoopbackGitHub, private_key_pem

REPOS = {1: "octo/widgets", 2: "octo/gadgets"}
DUE, DONE = "bench:due", "bench:done"
_POP = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 1)
if due[1] then redis.call('ZREM', KEYS[1], due[1]) end
return due[1]
"""


def request(api_root: str, installation: int, number: int, labelled: float) -> str:
    repo = REPOS[installation]
    return json.dumps({"installation": installation, "number": number, "labelled": labelled,
                       "repo": repo, "web": f"{api_root}/{repo}"})


def _scale_budget(scale: float) -> None:
    budget.SPACING_MS = round(budget.SPACING_MS / scale)
    budget.WINDOWS_MS = (round(60_000 / scale), round(3_600_000 / scale))
    budget.LONG_WAIT_SECONDS = budget.LONG_WAIT_SECONDS / scale
    budget.NOTE_WAIT_SECONDS = budget.NOTE_WAIT_SECONDS / scale
    budget.SEARCH_WINDOW_MS = round(budget.SEARCH_WINDOW_MS / scale)  # search's own minute
    logging.getLogger("bot.run.board").setLevel(logging.ERROR)  # notes refused: expected


def worker(redis_url: str, api_url: str, scale: float, state: str, stop_at: float) -> None:
    _scale_budget(scale)
    conn = connect(Settings(redis_url=redis_url))
    settings = Settings(app_id="42", private_key=private_key_pem(), github_api_url=api_url,
                        state_dir=Path(state), out_dir=Path(state) / "plans")
    app = PyGitHubApp("42", settings.private_key, api_url, polite=False)
    while time.time() < stop_at:
        raw = conn.eval(_POP, 1, DUE, time.time())
        if raw is None:
            time.sleep(0.02)
            continue
        job = json.loads(raw)
        started = time.time()
        fresh = started - job["labelled"] < 60 / scale
        issue = {"title": f"Saving widget {job['number']} crashes", "body": ISSUE_BODY,
                 "author": "octocat", "url": "", "labels": ["plan"]}
        plan = PlanRequest(f"d-{job['installation']}-{job['number']}", job["repo"],
                           job["number"], LABEL, installation_id=job["installation"],
                           sender="octocat", label="plan", issue=issue,
                           repository={"default_branch": "main", "html_url": job["web"]})
        run = run_for(settings, plan, state_in(conn), app=app, fresh=fresh)
        try:
            run.handle()
        except RateLimited as limited:  # what workers/jobs.py's _requeue does
            assert run.budget is not None
            resume, joined = run.budget.place_in_line(plan.job_id)
            if joined:
                run.rate_limited(resume)
            conn.zadd(DUE, {raw: max(resume, limited.resume_at)})
            continue
        assert run.budget is not None
        run.budget.leave_line(plan.job_id)
        conn.rpush(DONE, json.dumps({**job, "started": started, "finished": time.time()}))
    app.close()


def most_in_window(times: list[float], window: float) -> int:
    times, best, first = sorted(times), 0, 0
    for last, at in enumerate(times):
        while at - times[first] >= window:
            first += 1
        best = max(best, last - first + 1)
    return best


def run(issues: int, workers: int, scale: float, hours: float, late: int) -> dict[str, Any]:
    hour, minute = 3600 / scale, 60 / scale
    with tempfile.TemporaryDirectory() as tmp, LoopbackGitHub() as gh:
        redis_url = redis_url_for(Settings(state_dir=Path(tmp) / "redis"))
        conn = connect(Settings(redis_url=redis_url))
        gh.write_limits = (budget.PER_MINUTE, budget.PER_HOUR, minute, hour)
        gh.world.search_limit = (gh.world.search_limit[0], minute)
        for installation, repo in REPOS.items():
            gh.add_repo(repo, FILES, installation_id=installation)
            for number in range(1, (issues if installation == 1 else late) + 1):
                gh.add_issue(repo, number, f"Saving widget {number} crashes", ISSUE_BODY)
        start = time.time() + 2  # the workers' imports
        conn.zadd(DUE, {request(gh.world.root, 1, n, start): start
                        for n in range(1, issues + 1)})
        later = start + hour / 2
        conn.zadd(DUE, {request(gh.world.root, 2, n, later): later for n in range(1, late + 1)})
        ctx = multiprocessing.get_context("spawn")
        stop_at = start + hours * hour
        procs = [ctx.Process(target=worker, args=(redis_url, gh.url, scale, f"{tmp}/w{i}",
                                                  stop_at)) for i in range(workers)]
        for proc in procs:
            proc.start()
        for proc in procs:
            proc.join()
        done = [json.loads(x) for x in conn.lrange(DONE, 0, -1)]
        writes = [r.at for r in gh.requests
                  if r.method in WRITES and r.path.startswith(f"/repos/{REPOS[1]}/")]
        first = [d for d in done if d["installation"] == 1]
        per_hour = [sum(start + h * hour <= d["finished"] < start + (h + 1) * hour
                        for d in first) for h in range(int(hours))]
        second = [(d["finished"] - d["labelled"]) * scale for d in done
                  if d["installation"] == 2]
        attempts = sum(r.path.endswith("/contents/.github/planbot.yml") for r in gh.requests)
        return {
            "issues": issues, "workers": workers, "scale": scale, "hours": hours,
            "plans per hour (each hour)": per_hour,
            "plans done": len(first), "max writes in a minute": most_in_window(writes, minute),
            "max writes in an hour": most_in_window(writes, hour),
            "writes per plan": round(len(writes) / max(1, len(first)), 1),
            "secondary-limit answers": gh.secondary_limited,
            "attempts per plan (config reads)": round(attempts / max(1, len(done)), 2),
            "queued notes written": sum("queued: GitHub rate limit" in json.dumps(r.json)
                                        for r in gh.requests if r.method in WRITES),
            "installation 2: plans": len(second),
            "installation 2: labelled -> published, GitHub s (median, max)":
                (round(statistics.median(second), 1), round(max(second), 1)) if second else None,
            "searches (stage 1's related issues), refused by the search limit":
                (len(gh.calls("GET /search/issues")),
                 sum(r.status == 403 for r in gh.calls("GET /search/issues"))),
            "loopback errors": len(gh.errors),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--issues", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scale", type=float, default=60.0)
    parser.add_argument("--hours", type=float, default=2.0, help="GitHub hours to run")
    parser.add_argument("--late", type=int, default=5, help="issues on installation 2")
    args = parser.parse_args()
    load, wall = os.getloadavg(), time.time()
    result = run(args.issues, args.workers, args.scale, args.hours, args.late)
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"load average before: {load[0]:.2f}, after: {os.getloadavg()[0]:.2f}; "
          f"wall {time.time() - wall:.0f} s; workers' CPU {cpu.ru_utime + cpu.ru_stime:.0f} s")
    for key, value in result.items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
