"""Each repository's trigger labels, remembered in Redis so the web tier can drop other labels.

A run reads `.github/planbot.yml` and remembers its `labels.trigger`; the web tier, which
must not call GitHub, then answers "ignored" for any other label on that repository without
queueing a job (bot.intake.queue's enqueue script reads KEY). Until a repository's labels
are known, or once they expired, every label is queued.

KEY is a set (several trigger labels, issue 20). OLD_KEY is the single label runs wrote
before it: the enqueue script still reads it when KEY is absent, and remembering deletes it
in the same transaction, so neither a web tier nor a worker of either version drops a
label the other treats as a trigger for longer than the TTL.
"""

from __future__ import annotations

from collections.abc import Iterable

from redis import Redis

from bot.domain import same_label
from bot.state.fallback import RedisState

KEY = "planbot:trigger-labels:{repo}"
OLD_KEY = "planbot:trigger-label:{repo}"
# How long the edge trusts what a run read. A new trigger label in the config would
# otherwise see its first deliveries dropped until a run refreshes this: at most this long.
# Once it expires, the next label delivery is queued and its run (one config read, a 304
# when unchanged) writes it again, so a burst of other labels still costs one job, not one
# each.
TTL_SECONDS = 10 * 60

__all__ = ["KEY", "OLD_KEY", "TTL_SECONDS", "TriggerLabels", "same_label"]


class TriggerLabels(RedisState):
    what = "trigger label memory"

    def remember(self, repo: str, labels: str | Iterable[str]) -> None:
        """Tell the web tier `repo`'s trigger labels: a delivery of another label is then
        answered at the edge and costs no job (and no GitHub request). Redis being away
        costs only that saving."""
        named = [labels] if isinstance(labels, str) else labels  # one label, not its letters
        folded = sorted({same_label(label) for label in named})
        if not folded:
            return

        def write(redis: Redis) -> None:
            pipe = redis.pipeline(transaction=True)  # MULTI/EXEC: one round trip
            key = KEY.format(repo=repo)
            pipe.delete(key, OLD_KEY.format(repo=repo))
            pipe.sadd(key, *folded)
            pipe.expire(key, TTL_SECONDS)
            pipe.execute()

        self._try(write, otherwise=None)
