"""The web tier's server settings: `gunicorn -c gunicorn.conf.py 'app:create_app()'`.

Measured in bench/ingest (figures in bench/README.md). Environment overrides, for
containers and tests: PORT, WEB_CONCURRENCY (gunicorn's own names).
"""

import logging
import os
import sys
import tempfile
from pathlib import Path

from bot.observe import logs
from bot.settings import SettingsError, environment, from_env

# GitHub POSTs each delivery once and waits at most 10 s for the answer; the web tier
# only verifies, decides and makes one Redis call. One gevent process answers 2,000 or
# more ignored and 1,000 or more queued deliveries a second (bench/README.md), far more
# than GitHub sends one App, and leaves the other cores to the worker and Redis beside it.
# With a process per core the answers of one process wait while the other and the
# machine's other work take the cores: on 2 cores, ignored deliveries' p99 was 28-67 ms
# against 9-17 ms with one process, in the same wrk runs. WEB_CONCURRENCY raises it.
bind = [f"0.0.0.0:{os.environ.get('PORT', '3000')}"]
workers = int(os.environ.get("WEB_CONCURRENCY", "") or 1)

# gevent: every connection is a greenlet, so slow or idle clients (a slow body, a
# header sent a byte at a time, kept-alive sockets) hold no worker while valid
# deliveries are answered. A sync worker is held for the whole upload: two slow
# clients stalled every delivery past GitHub's 10 s (issue 11).
worker_class = "gevent"
worker_connections = 1000  # per process; past that, connections wait in the backlog
# One listening socket per process (gunicorn opens it after the fork), so the kernel
# spreads connections over the processes; with the shared socket one gevent process could
# take most kept-alive connections while the other idled (bench/ingest, irrelevant
# deliveries on this machine: 1,800-2,700 req/s with it, 800-1,500 without).
reuse_port = True
# No control socket (gunicorn 25.1+ opens one at ~/.gunicorn/gunicorn.ctl by default, for
# its gunicornc tool): planbot does not use it, and every server of one user on a host (the
# tests and benchmarks start several) would claim the same path.
control_socket_disable = True
# GitHub opens a connection per delivery, but a proxy in front keeps them alive.
keepalive = 5
# A gevent worker that blocks its event loop this long is restarted. Redis calls have
# their own 0.5 s timeouts (bot.state.connection.SOCKET_TIMEOUT), so only a bug gets here.
timeout = 30
graceful_timeout = 10

# No access log: the app writes one line per delivery with its id, event and outcome
# (app.py), which is what an operator reads; a second line per request would double
# the writes for nothing.
accesslog = None
errorlog = "-"
# Request line and headers: GitHub's are small; anything bigger is not from GitHub.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

# Logging: the same UTC-stamped lines (or JSON, LOG_FORMAT=json) as the worker writes,
# for gunicorn's own messages too (bot/observe/logs.py). Read here from the environment
# and .env without failing: a bad setting is reported by on_starting, in one line.
_env = environment()
# A library's warning becomes a record in that format too, not a bare line on stderr.
logging.captureWarnings(True)
logconfig_dict = logs.config(_env.get("LOG_LEVEL", "INFO").upper(),
                             _env.get("LOG_FORMAT", "text").lower())

# /metrics adds up every gunicorn process's counters (prometheus_client's multiprocess
# mode): each process writes its own files here. Set before the app, and with it
# prometheus_client, is imported in the workers. There is no child_exit hook calling
# prometheus_client's mark_process_dead: it only removes live-gauge files, and the web tier
# has no multiprocess gauges; importing prometheus_client in this master process would
# import ssl before a replacement worker's gevent patching (see bot/observe/logs.py).
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR",
                      tempfile.mkdtemp(prefix="planbot-metrics-"))


def on_starting(server: object) -> None:
    """Before any worker starts: settings checked, one line naming a wrong variable."""
    try:
        settings = from_env()
        if not settings.needs_setup:
            settings.require_webhook_secret()
            settings.require_valid()
    except SettingsError as exc:
        print(f"planbot web: {exc}", file=sys.stderr)
        sys.exit(2)
    folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    for stale in folder.glob("*.db"):  # counters of an earlier run of this folder
        stale.unlink()



def post_request(worker: object, req: object, environ: object, resp: object) -> None:
    """After each request, let the process's other connections have their turn.

    A gevent greenlet only gives way when a socket would block: on a kept-alive connection
    whose next request is already waiting, it serves request after request while the
    process's other connections wait. Measured with wrk (keep-alive, 16 connections,
    ignored deliveries; bench/README.md): p99 115-580 ms without this, 17-50 ms with it, at
    the same throughput. The median rises to the mean (a few ms): requests take turns.
    """
    import gevent  # in the worker, after gunicorn's gevent worker patched the process

    gevent.sleep(0)
