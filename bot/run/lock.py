"""One run per issue at a time: a Redis lock per issue, held for the whole run."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator

from redis import Redis
from redis.exceptions import LockError

log = logging.getLogger(__name__)


class IssueLocks:
    """A label and a comment arriving together, or a second /plan while one runs, wait
    for each other here instead of racing on the same branch and status comment.

    `hold_seconds` outlives any run (RQ kills a job at its timeout), so a crashed
    worker's lock expires; a waiting run gives up after `wait_seconds` and is retried.
    Without a connection (the CLI, unit tests) there is nothing to race with.
    """

    def __init__(self, connection: Redis | None = None, hold_seconds: int = 960,
                 wait_seconds: int = 600) -> None:
        self.connection = connection
        self.hold_seconds, self.wait_seconds = hold_seconds, wait_seconds

    @contextlib.contextmanager
    def hold(self, repo: str, number: int,
             on_wait: Callable[[], None] = lambda: None) -> Iterator[None]:
        """Run the block alone on `repo#number`; `on_wait` is called once, only when it
        actually has to wait."""
        if self.connection is None:
            yield
            return
        lock = self.connection.lock(f"planbot:lock:{repo}#{number}", timeout=self.hold_seconds,
                                    blocking_timeout=self.wait_seconds)
        if not lock.acquire(blocking=False):
            on_wait()
            if not lock.acquire(blocking=True):
                raise LockError(f"{repo}#{number} stayed busy for {self.wait_seconds} s")
        try:
            yield
        finally:
            try:
                lock.release()
            except LockError:  # it expired under a run longer than hold_seconds
                log.warning("issue lock of %s#%s had expired", repo, number)
