"""Each installation's estimated model spend this calendar month (UTC), in Redis.

What the model planner's drafts cost (their recorded usage, bot.planners.pricing) is added
as it is spent, so every worker sees the month's total before it starts a model run
(bot.run.spend). One hash per month, `planbot:spend:<YYYY-MM>`: `<installation>` holds
micro-dollars, `<installation>:runs` the model runs that spent them. A new month is a new
key, so the sum starts at 0 on the 1st; old months expire.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from redis import Redis

from bot.state.fallback import RedisState

KEY = "planbot:spend:{month}"
KEEP_SECONDS = 62 * 24 * 3600  # this month and the last, for `check` and /metrics
MICRO = 1_000_000


def month_of(now: float | None = None) -> str:
    """The calendar month (UTC) of `now`, as `2026-12`."""
    return time.strftime("%Y-%m", time.gmtime(time.time() if now is None else now))


@dataclass(frozen=True)
class Month:
    month: str
    usd: float = 0.0
    runs: int = 0

    @property
    def per_run(self) -> float:
        """What a model run cost on average this month (0 before the first)."""
        return self.usd / self.runs if self.runs else 0.0


class MonthlySpend(RedisState):
    """Without Redis (or while it fails) nothing is counted and every month reads as $0:
    a cap that cannot be read does not stop plans (the warning says so in the log)."""

    what = "monthly model spend"

    def month(self, installation: int, now: float | None = None) -> Month:
        month = month_of(now)
        none: list[bytes | str | None] = [None, None]
        raw = self._try(lambda redis: redis.hmget(KEY.format(month=month), str(installation),
                                                  f"{installation}:runs"),
                        otherwise=none, then="the spend cap is not applied")
        micros, runs = (int(value or 0) for value in raw)
        return Month(month, micros / MICRO, runs)

    def add(self, installation: int, usd: float, new_run: bool,
            now: float | None = None) -> None:
        """Count `usd` spent by `installation` now; `new_run`: the first spend of a run."""
        if usd <= 0 and not new_run:
            return
        key = KEY.format(month=month_of(now))

        def count(redis: Redis) -> None:
            pipe = redis.pipeline(transaction=False)
            pipe.hincrby(key, str(installation), round(usd * MICRO))
            if new_run:
                pipe.hincrby(key, f"{installation}:runs", 1)
            pipe.expire(key, KEEP_SECONDS)
            pipe.execute()

        self._try(count, otherwise=None, then="this spend is not counted")

    def installations(self, now: float | None = None) -> dict[int, Month]:
        """Every installation that spent anything this month."""
        month = month_of(now)
        empty: dict[bytes | str, bytes | str] = {}
        raw = self._try(lambda redis: redis.hgetall(KEY.format(month=month)), otherwise=empty)
        values = {(k.decode() if isinstance(k, bytes) else str(k)): int(v)
                  for k, v in raw.items()}
        return {int(name): Month(month, micros / MICRO, values.get(f"{name}:runs", 0))
                for name, micros in values.items() if name.isdigit()}
