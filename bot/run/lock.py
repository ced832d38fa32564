"""One run per issue at a time: a Redis lock per issue that lives only while its run does."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator

from redis import Redis, RedisError
from redis.exceptions import LockError
from redis.lock import Lock

from bot.intake import trigger_labels

log = logging.getLogger(__name__)

# The lock expires this long after its holder stops renewing it (killed, out of memory,
# node lost), so the next run on the issue starts within a minute, not after the longest
# run could take; a live run renews it every RENEW_SECONDS.
HOLD_SECONDS = 30
RENEW_SECONDS = 10
# At most one refusal per person per issue in this window: an outsider repeating
# `/plan` gets one answer, not one comment per try.
REFUSAL_SECONDS = 3600


def _key(repo: str, number: int) -> str:
    return f"planbot:lock:{repo}#{number}"


class IssueBusy(RuntimeError):
    """Another run holds this issue. The job requeues itself with a delay instead of
    occupying a worker while it waits (workers/jobs.py)."""


class IssueLocks:
    """A label and a comment arriving together, or a second /plan while one runs, take
    turns here instead of racing on the same branch and status comment.

    Without a connection (the CLI, unit tests) there is nothing to race with.
    `announce` is False for a run that already said it is queued (a requeued job).
    """

    def __init__(self, connection: Redis | None = None, announce: bool = True,
                 hold_seconds: int = HOLD_SECONDS, renew_seconds: float = RENEW_SECONDS) -> None:
        self.connection = connection
        self.announce = announce
        self.hold_seconds, self.renew_seconds = hold_seconds, renew_seconds

    @contextlib.contextmanager
    def hold(self, repo: str, number: int,
             on_wait: Callable[[], None] = lambda: None) -> Iterator[None]:
        """Run the block alone on `repo#number`, or raise IssueBusy after calling
        `on_wait` (once per waiting job, see `announce`)."""
        if self.connection is None:
            yield
            return
        # thread_local=False: the renewing thread must see the token the run acquired.
        lock = self.connection.lock(_key(repo, number), timeout=self.hold_seconds,
                                    thread_local=False)
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
        return self.connection is not None and bool(self.connection.exists(_key(repo, number)))

    def remember_label(self, repo: str, label: str) -> None:
        """Tell the web tier `repo`'s trigger label, read from its config by this run: a
        delivery of another label is then answered at the edge and costs no job (and no
        GitHub request). Redis being away costs only that saving."""
        if self.connection is None:
            return
        try:
            trigger_labels.remember(self.connection, repo, label)
        except RedisError as exc:
            log.warning("trigger label of %s not remembered: %s", repo, exc)

    def first_refusal(self, repo: str, number: int, sender: str) -> bool:
        """True for the first refusal of `sender` on this issue within REFUSAL_SECONDS."""
        if self.connection is None:
            return True
        key = f"planbot:refused:{repo}#{number}:{sender}"
        try:
            return bool(self.connection.set(key, 1, nx=True, ex=REFUSAL_SECONDS))
        except RedisError:
            return True  # better a second refusal than none
