"""`python -m bench.ingest`: deliveries per second and latency of planbot's web tier, before
and after, beside Probot 14 with no-op handlers and a bare Flask app that only checks the
HMAC, in interleaved wrk rounds with a unique X-GitHub-Delivery per request; afterwards
every 2xx answer of planbot is checked to be a job in Redis."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import redis

from bench.ingest import servers
from bench.ingest.slow import SlowClients
from bot.intake.queue import QUEUE_NAME
from bot.intake.signature import sign
from tests.deliveries import load_payload

SECRET = "bench-webhook-secret"
# main before issue 12 (the web tier as the README ran it: one sync gunicorn worker).
BASELINE = "a7ae3ca"
# Planbot's irrelevant deliveries: most of what an App on a busy repository receives.
CASES: dict[str, tuple[str, str]] = {
    "relevant: issues.labeled `plan` (queued)": ("issues", "issues.labeled"),
    "irrelevant: comment without /plan": ("issue_comment", "issue_comment.created"),
    "irrelevant: issues.opened": ("issues", "issues.opened"),
}
# Issue 11: the same server must keep answering while slow or idle clients hold
# connections open, so the queued delivery is measured again with them in place.
SLOW_EACH = 40  # connections of each kind: slow bodies, slow headers, silent
SLOW_CASE = f"queued, with {3 * SLOW_EACH} slow or idle connections open"
ALL_CASES = {**CASES, SLOW_CASE: CASES["relevant: issues.labeled `plan` (queued)"]}


def _body(name: str) -> bytes:
    payload = load_payload(name)
    if name == "issues.labeled":
        payload["label"]["name"] = "plan"
        payload["installation"] = {"id": 1}
    if name == "issue_comment.created":
        payload["comment"]["body"] = "Thanks, I see the same on 3.11. Any workaround?"
    return json.dumps(payload).encode()


def _wrk(url: str, event: str, body: Path, prefix: str, ids: Path, args: Any) -> dict[str, Any]:
    env = {**os.environ, "INGEST_BODY": str(body), "INGEST_EVENT": event,
           "INGEST_SIGNATURE": sign(SECRET, body.read_bytes()), "INGEST_PREFIX": prefix,
           "INGEST_IDS": str(ids)}
    out = subprocess.run(
        ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s",
         "-s", str(servers.HERE / "wrk.lua"), url],
        env=env, capture_output=True, text=True, check=True)
    line = next(x for x in out.stdout.splitlines() if x.startswith("INGEST "))
    result: dict[str, Any] = json.loads(line.removeprefix("INGEST "))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def _check_jobs(server: servers.Server, result: dict[str, Any], ids: Path) -> str:
    """Every 2xx answer that named a job must have put it in Redis; then start afresh."""
    if not server.redis_url:
        return ""
    conn = redis.Redis.from_url(server.redis_url)
    job_ids = ids.read_text().split()
    ok = sum(n for status, n in result["statuses"].items() if status.startswith("2"))
    pipe = conn.pipeline(transaction=False)
    for job_id in job_ids:
        pipe.exists(f"rq:job:{job_id}")
    stored = sum(pipe.execute())
    queued = conn.llen(f"rq:queue:{QUEUE_NAME}")
    conn.flushdb()
    conn.close()
    if job_ids and (stored != len(job_ids) or queued < stored):
        raise SystemExit(f"{server.name}: {len(job_ids)} answers named a job, {stored} stored")
    return f"{stored}/{ok} 2xx stored" if job_ids else f"0 jobs for {ok} 2xx"


def _run(args: Any, stack: ExitStack, folder: Path) -> dict[tuple[str, str], list[dict[str, Any]]]:
    redis_url = stack.enter_context(servers.redis_server(folder))
    before = f"{redis_url[:-1]}1"  # its own database: its jobs are counted apart
    targets = [servers.probot(args.cache, SECRET), servers.bare_flask(SECRET),
               servers.planbot("planbot", servers.ROOT, SECRET, redis_url,
                               ["-c", str(servers.ROOT / "gunicorn.conf.py"), "app:create_app()"])]
    if args.baseline:
        tree = stack.enter_context(servers.baseline_tree(args.baseline))
        targets.append(servers.planbot(f"planbot before ({args.baseline})", tree, SECRET,
                                       before, ["app:create_app()"]))
    for server in targets:
        stack.callback(servers.stop, server)
    results: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for round_number in range(args.rounds):
        for case, (event, name) in ALL_CASES.items():
            body = folder / f"{name}.json"
            body.write_bytes(_body(name))
            shift = round_number % len(targets)  # interleaved: a different server goes first
            for server in targets[shift:] + targets[:shift]:
                ids = folder / "ids.txt"
                # GitHub's delivery ids are UUIDs: letters, digits and hyphens only.
                prefix = f"r{round_number}-{name.replace('.', '-')}-{time.monotonic_ns()}"
                slow = SlowClients(server.url, SLOW_EACH) if case == SLOW_CASE else None
                try:
                    result = _wrk(server.url, event, body, prefix, ids, args)
                finally:
                    if slow is not None:
                        slow.close()
                result["jobs"] = _check_jobs(server, result, ids)
                results[(case, server.name)].append(result)
                print(f"round {round_number + 1} · {case} · {server.name}: "
                      f"{result['rps']:,.0f} req/s, p99 {result['p99_us'] / 1000:.1f} ms "
                      f"{result['statuses']} {result['socket_errors']} socket errors "
                      f"{result['jobs']}", file=sys.stderr, flush=True)
    return results


def _table(results: dict[tuple[str, str], list[dict[str, Any]]]) -> None:
    print("| deliveries | server | req/s | p50 ms | p99 ms | × Probot req/s | × Probot p99 "
          "| answers | 2xx checked in Redis |")
    print("|---|---|---:|---:|---:|---:|---:|---|---|")
    for case in ALL_CASES:
        rows = {server: runs for (c, server), runs in results.items() if c == case}
        probot = next(runs for server, runs in rows.items() if server.startswith("Probot"))
        probot_rps = statistics.median(r["rps"] for r in probot)
        probot_p99 = statistics.median(r["p99_us"] for r in probot)
        for server, runs in rows.items():
            rps = statistics.median(r["rps"] for r in runs)
            p50 = statistics.median(r["p50_us"] for r in runs) / 1000
            p99 = statistics.median(r["p99_us"] for r in runs)
            answers: dict[str, int] = defaultdict(int)
            for r in runs:
                for status, n in r["statuses"].items():
                    answers[status] += n
            checked = "; ".join(r["jobs"] for r in runs if r["jobs"])
            errors = sum(r["socket_errors"] for r in runs)
            failed = f" · {errors:,} timeouts or socket errors" if errors else ""
            print(f"| {case} | {server} | {rps:,.0f} | {p50:.2f} | {p99 / 1000:.2f} "
                  f"| {rps / probot_rps:.2f} | {p99 / probot_p99:.2f} "
                  f"| {dict(sorted(answers.items()))}{failed} | {checked} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest", description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--baseline", default=BASELINE,
                        help="commit whose web tier is measured as 'before' ('' to skip)")
    parser.add_argument("--cache", type=Path, default=servers.ROOT.parent / ".cache" / "probot",
                        help="where Probot is installed from the npm registry (outside the tree)")
    args = parser.parse_args(argv)
    for tool in ("wrk", "node", "npm"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is needed (wrk: `apt-get install wrk`; node 20 with npm)")
    print(f"# {time.strftime('%Y-%m-%d')} · {os.cpu_count()} cores · `python -m bench.ingest "
          f"--rounds {args.rounds} --duration {args.duration}` · wrk -t{args.threads} "
          f"-c{args.connections} · medians of the rounds")
    with tempfile.TemporaryDirectory(prefix="planbot-ingest-") as tmp, ExitStack() as stack:
        results = _run(args, stack, Path(tmp))
    _table(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
