"""One run per issue at a time: a Redis lock per issue that lives only while its run does."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator

from redis import Redis, RedisError
from redis.exceptions import LockError
from redis.lock import Lock

from bot.state.fallback import RedisState

log = logging.getLogger(__name__)

# The lock expires this long after its holder stops renewing it (killed, out of memory,
# node lost), so the next run on the issue starts within a minute, not after the longest
# run could take; a live run renews it every RENEW_SECONDS.
HOLD_SECONDS = 30
RENEW_SECONDS = 10


def _key(repo: str, number: int) -> str:
    return f"planbot:lock:{repo}#{number}"


class IssueBusy(RuntimeError):
    """Another run holds this issue. The job requeues itself with a delay instead of
    occupying a worker while it waits (workers.jobs.BUSY_INTERVAL)."""


class IssueLocks(RedisState):
    """A label and a comment arriving together, or a second /plan while one runs, take
    turns here instead of racing on the same branch and status comment.

    Without Redis there is nothing to race with. A Redis that fails while taking the lock
    fails the run (it retries): running unlocked could race. `announce` is False for a
    run that already said it is queued (a requeued job).
    """

    def __init__(self, connection: Redis | None = None, announce: bool = True,
                 hold_seconds: int = HOLD_SECONDS, renew_seconds: float = RENEW_SECONDS) -> None:
        super().__init__(connection)
        self.announce = announce
        self.hold_seconds, self.renew_seconds = hold_seconds, renew_seconds

    @contextlib.contextmanager
    def hold(self, repo: str, number: int,
             on_wait: Callable[[], None] = lambda: None) -> Iterator[None]:
        """Run the block alone on `repo#number`, or raise IssueBusy after calling
        `on_wait` (once per waiting job, see `announce`)."""
        # thread_local=False: the renewing thread must see the token the run acquired.
        lock = self._use(lambda redis: redis.lock(_key(repo, number), timeout=self.hold_seconds,
                                                  thread_local=False), otherwise=None)
        if lock is None:
            yield
            return
        if not lock.acquire(blocking=False):
            if self.announce:
                on_wait()
            raise IssueBusy(f"{repo}#{number} is being planned by another run")
        stop = threading.Event()
        renewer = threading.Thread(target=self._renew, args=(lock, stop), daemon=True,
                                   name=f"lock {repo}#{number}")
        renewer.start()
        try:
            yield
        finally:
            stop.set()
            renewer.join()
            try:
                lock.release()
            except (LockError, RedisError) as exc:
                # Expired (renewals failed while Redis was away) or Redis is down: either
                # way it expires on its own within hold_seconds.
                log.warning("issue lock of %s#%s not released: %s", repo, number, exc)

    def _renew(self, lock: Lock, stop: threading.Event) -> None:
        while not stop.wait(self.renew_seconds):
            try:
                lock.reacquire()
            except (LockError, RedisError) as exc:
                log.warning("issue lock %s not renewed: %s", lock.name, exc)

    def busy(self, repo: str, number: int) -> bool:
        """Whether a run holds `repo#number` now (a cheap look before a requeued run starts)."""
        return self._use(lambda redis: bool(redis.exists(_key(repo, number))), otherwise=False)
