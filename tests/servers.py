"""Real server processes for fault tests: a redis-server to kill, freeze and restart, and
the web tier under gunicorn with the shipped configuration."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.ingest.servers import free_port, redis_binary, serving, wait_for_port
from tests.deliveries import SECRET
from tests.e2e import ROOT


class RedisProcess:
    """A redis-server on a loopback port, keeping an append-only file in `folder`."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder, self.port = folder, free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [redis_binary(), "--port", str(self.port), "--bind", "127.0.0.1", "--dir",
             str(self.folder), "--appendonly", "yes", "--appendfsync", "always", "--save", ""],
            stdout=subprocess.DEVNULL)
        wait_for_port(self.port, self.proc)

    def signal(self, number: int) -> None:
        assert self.proc is not None
        self.proc.send_signal(number)

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)  # a frozen server cannot exit
            self.proc.terminate()
            self.proc.wait(10)


@contextmanager
def redis_process(folder: Path) -> Iterator[RedisProcess]:
    server = RedisProcess(folder)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def web_tier(redis_url: str, **env: str) -> Iterator[str]:
    """`gunicorn -c gunicorn.conf.py 'app:create_app()'` as shipped; yields its base URL."""
    port = free_port()
    environ = {**os.environ, "WEBHOOK_SECRET": SECRET, "REDIS_URL": redis_url,
               "PORT": str(port), "LOG_LEVEL": "WARNING", **env}
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
                             "app:create_app()", "--bind", f"127.0.0.1:{port}"], cwd=ROOT,
                            env=environ)
    with serving(port, proc):
        yield f"http://127.0.0.1:{port}"
