"""The web tier's server settings: `gunicorn -c gunicorn.conf.py 'app:create_app()'`.

Measured in bench/ingest (figures in bench/README.md). Environment overrides, for
containers and tests: PORT, WEB_CONCURRENCY (gunicorn's own names).
"""

import os
import sys
import tempfile
from pathlib import Path

from bot.observe import logs
from bot.settings import SettingsError, environment, from_env

# GitHub POSTs each delivery once and waits at most 10 s for the answer; the web tier
# only verifies, decides and makes one Redis call, so one process per core saturates
# the machine.
bind = [f"0.0.0.0:{os.environ.get('PORT', '3000')}"]
workers = int(os.environ.get("WEB_CONCURRENCY", "") or os.cpu_count() or 1)

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
logconfig_dict = logs.config(_env.get("LOG_LEVEL", "INFO").upper(),
                             _env.get("LOG_FORMAT", "text").lower())

# /metrics adds up every gunicorn process's counters (prometheus_client's multiprocess
# mode): each process writes its own files here. Set before the app, and with it
# prometheus_client, is imported in the workers.
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


def child_exit(server: object, worker: object) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(getattr(worker, "pid", 0))
