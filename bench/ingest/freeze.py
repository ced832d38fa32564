"""`python -m bench.ingest.freeze`: how long deliveries wait for their answer while Redis is
frozen (SIGSTOP) under load, before and after, each web tier on its own redis-server.

Many deliveries are in flight at once, with a label the repository does not plan on (the
commonest label delivery); each sender posts again as soon as it is answered, until the
freeze ends. GitHub gives up on a delivery after 10 s; the target is an answer within 2 s
(503 with Retry-After while frozen, "ignored" once Redis is back).
"""

from __future__ import annotations

import argparse
import http.client
import json
import signal
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlsplit

import redis

from bench.ingest import servers
from bot.intake.signature import sign
from bot.state.trigger_labels import OLD_KEY as TRIGGER_LABEL
from tests.e2e import REPO, labeled_plan
from tests.servers import RedisProcess, redis_process

SECRET = "bench-webhook-secret"
TARGET_SECONDS = 2.0


def other_label_delivery(number: int, secret: str) -> tuple[bytes, dict[str, str]]:
    payload = labeled_plan()
    payload["label"]["name"] = "bug"
    body = json.dumps(payload).encode()
    return body, {"Content-Type": "application/json", "X-GitHub-Event": "issues",
                  "X-GitHub-Delivery": f"freeze-{number}-{time.monotonic_ns()}",
                  "X-Hub-Signature-256": sign(secret, body)}


Answer = tuple[int, dict[str, str], float]  # status, headers, seconds to the answer


def post_other_label(url: str, number: int, secret: str = SECRET) -> Answer:
    where = urlsplit(url)
    conn = http.client.HTTPConnection(where.hostname or "", where.port, timeout=30)
    start = time.monotonic()
    try:
        conn.request("POST", where.path, *other_label_delivery(number, secret))
        answer = conn.getresponse()
        answer.read()
        return answer.status, dict(answer.getheaders()), time.monotonic() - start
    finally:
        conn.close()


def measure(url: str, redis_server: RedisProcess, in_flight: int, frozen_for: float,
            secret: str = SECRET) -> list[Answer]:
    """Freeze Redis for `frozen_for` s while `in_flight` senders post and post again."""
    answers: list[Answer] = []
    thaw = time.monotonic() + frozen_for

    def send(number: int) -> None:
        while time.monotonic() < thaw:
            answers.append(post_other_label(url, number, secret))
        answers.append(post_other_label(url, number, secret))  # in flight at the thaw

    senders = [threading.Thread(target=send, args=(n,)) for n in range(in_flight)]
    redis_server.signal(signal.SIGSTOP)
    try:
        for sender in senders:
            sender.start()
        time.sleep(frozen_for)
    finally:
        redis_server.signal(signal.SIGCONT)
    for sender in senders:
        sender.join(60)
    return answers


def _row(name: str, answers: list[Answer]) -> str:
    seconds = sorted(s for _, _, s in answers)
    statuses = dict(sorted(Counter(status for status, _, _ in answers).items()))
    late = sum(s > TARGET_SECONDS for s in seconds)
    p99 = seconds[min(len(seconds) - 1, int(len(seconds) * 0.99))]
    return (f"| {name} | {len(seconds)} | {statuses} | {statistics.median(seconds):.2f} "
            f"| {p99:.2f} | {seconds[-1]:.2f} | {late} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest.freeze", description=__doc__)
    parser.add_argument("--in-flight", type=int, default=48)
    parser.add_argument("--frozen-for", type=float, default=12.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--baseline", default="31946d6",
                        help="commit whose web tier is measured as 'before' ('' to skip)")
    args = parser.parse_args(argv)
    rows: list[str] = []
    with tempfile.TemporaryDirectory(prefix="planbot-freeze-") as tmp, ExitStack() as stack:
        trees = [("planbot", servers.ROOT)]
        if args.baseline:
            trees.append((f"planbot before ({args.baseline})",
                          stack.enter_context(servers.baseline_tree(args.baseline))))
        for round_number in range(args.rounds):
            for name, tree in trees if round_number % 2 == 0 else trees[::-1]:
                folder = Path(tmp) / f"{round_number}-{len(rows)}"
                folder.mkdir()
                with redis_process(folder) as redis_server:
                    # The single-label key: a baseline's older code reads only it, and this
                    # tree's reads it while no run has written the set of labels.
                    redis.Redis.from_url(redis_server.url).set(
                        TRIGGER_LABEL.format(repo=REPO), "plan")
                    server = servers.planbot(name, tree, SECRET, redis_server.url,
                                             ["-c", str(tree / "gunicorn.conf.py"),
                                              "app:create_app()"])
                    try:
                        for number in range(4):  # every process has met Redis
                            post_other_label(server.url, number)
                        answers = measure(server.url, redis_server, args.in_flight,
                                          args.frozen_for)
                    finally:
                        servers.stop(server)
                rows.append(_row(f"{name}, round {round_number + 1}", answers))
                print(rows[-1], file=sys.stderr, flush=True)
    print(f"# {time.strftime('%Y-%m-%d')} · `python -m bench.ingest.freeze` · Redis frozen "
          f"{args.frozen_for:.0f} s · {args.in_flight} deliveries in flight (label not the "
          f"trigger label)")
    print(f"| web tier | answers | statuses | median s | p99 s | slowest s "
          f"| over {TARGET_SECONDS:.0f} s |")
    print("|---|---:|---|---:|---:|---:|---:|")
    print(*rows, sep="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
