"""Without Redis, or with a Redis that fails: the one rule every piece of state follows."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from redis import Redis, RedisError

T = TypeVar("T")


class RedisState:
    """A piece of planbot's state in the queue's Redis.

    No connection means no Redis (the CLI, unit tests, dry-run mode): the piece answers
    `otherwise`, as if it were empty. `_try` also answers `otherwise` when Redis fails,
    with a warning in the piece's own log: for state a run is better off without than
    failed. `_use` lets the error through: for state a run must not go on without.
    """

    what = "state"  # how a warning names the piece

    def __init__(self, connection: Redis | None = None) -> None:
        self.connection = connection

    def _use(self, call: Callable[[Redis], T], otherwise: T) -> T:
        return otherwise if self.connection is None else call(self.connection)

    def _try(self, call: Callable[[Redis], T], otherwise: T, then: str = "") -> T:
        """`then`: what the run does instead, for the warning."""
        try:
            return self._use(call, otherwise)
        except RedisError as exc:
            logging.getLogger(type(self).__module__).warning(
                "%s unavailable%s: %s", self.what, f", {then}" if then else "", exc)
            return otherwise
