"""`python -m bench.ingest.profile`: where one request's time goes, without the server.

Each app's WSGI callable is called in this process with a prepared environ (no sockets,
no gunicorn), so the figures are Flask's and planbot's own cost per delivery; then the
relevant (queued) delivery is run under cProfile.
"""

from __future__ import annotations

import cProfile
import io
import logging
import pstats
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from app import create_app
from bench.ingest import bare
from bench.ingest.__main__ import CASES, SECRET, _body
from bench.ingest.servers import redis_server
from bot.intake.signature import sign
from bot.settings import Settings

WSGI = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def _environ(body: bytes, event: str, delivery: str) -> dict[str, Any]:
    return {"REQUEST_METHOD": "POST", "PATH_INFO": "/webhook", "SERVER_NAME": "bench",
            "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr,
            "CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": "application/json",
            "HTTP_X_GITHUB_EVENT": event, "HTTP_X_GITHUB_DELIVERY": delivery,
            "HTTP_X_HUB_SIGNATURE_256": sign(SECRET, body)}


def _call(app: WSGI, body: bytes, event: str, delivery: str) -> None:
    for _ in app(_environ(body, event, delivery), lambda *a: None):
        pass


def main() -> int:
    logging.disable(logging.CRITICAL)  # the per-delivery line is the server's business here
    count = 3000
    with tempfile.TemporaryDirectory() as tmp, redis_server(Path(tmp)) as redis_url:
        import os

        os.environ["WEBHOOK_SECRET"] = SECRET
        apps: dict[str, WSGI] = {
            "planbot": create_app(Settings(webhook_secret=SECRET, redis_url=redis_url)).wsgi_app,
            "bare Flask": bare.create_app().wsgi_app,
        }
        print("| deliveries | planbot µs | bare Flask µs |\n|---|---:|---:|")
        for case, (event, name) in CASES.items():
            body, cost = _body(name), {}
            for label, app in apps.items():
                start = time.perf_counter()
                for n in range(count):
                    _call(app, body, event, f"p-{label[:3]}-{time.monotonic_ns()}-{n}")
                cost[label] = (time.perf_counter() - start) / count * 1e6
            print(f"| {case} | {cost['planbot']:.0f} | {cost['bare Flask']:.0f} |")
        event, name = CASES[next(iter(CASES))]
        body = _body(name)
        profiler = cProfile.Profile()
        profiler.enable()
        for n in range(count):
            _call(apps["planbot"], body, event, f"prof-{time.monotonic_ns()}-{n}")
        profiler.disable()
    print(f"\ncProfile of {count} relevant deliveries (cumulative, top 25):\n")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    return 0


if __name__ == "__main__":
    sys.exit(main())
