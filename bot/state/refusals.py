"""One refusal per person per issue an hour: an outsider repeating `/plan` gets one answer."""

from __future__ import annotations

from bot.state.fallback import RedisState

REFUSAL_SECONDS = 3600


class Refusals(RedisState):
    what = "refusal throttle"

    def first(self, repo: str, number: int, sender: str) -> bool:
        """True for the first refusal of `sender` on this issue within REFUSAL_SECONDS;
        always True without Redis (better a second refusal than none)."""
        key = f"planbot:refused:{repo}#{number}:{sender}"
        return self._try(lambda redis: bool(redis.set(key, 1, nx=True, ex=REFUSAL_SECONDS)),
                         otherwise=True)
