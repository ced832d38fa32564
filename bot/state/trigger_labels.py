"""Each repository's trigger label, remembered in Redis so the web tier can drop other labels.

A run reads `.github/planbot.yml` and remembers its `label`; the web tier, which must not
call GitHub, then answers "ignored" for any other label on that repository without
queueing a job (bot.intake.queue's enqueue script reads KEY). Until a repository's label
is known, or once it expired, every label is queued.
"""

from __future__ import annotations

from bot.state.fallback import RedisState

KEY = "planbot:trigger-label:{repo}"
# How long the edge trusts what a run read. A new `label` in the config would otherwise
# see its first deliveries dropped until a run refreshes this: at most this long. Once it
# expires, the next label delivery is queued and its run (one config read, a 304 when
# unchanged) writes it again, so a burst of other labels still costs one job, not one each.
TTL_SECONDS = 10 * 60


def same_label(label: str) -> str:
    """A label as GitHub compares them: `Plan` and `plan` are one label."""
    return label.casefold()


class TriggerLabels(RedisState):
    what = "trigger label memory"

    def remember(self, repo: str, label: str) -> None:
        """Tell the web tier `repo`'s trigger label: a delivery of another label is then
        answered at the edge and costs no job (and no GitHub request). Redis being away
        costs only that saving."""
        self._try(lambda redis: redis.set(KEY.format(repo=repo), same_label(label),
                                          ex=TTL_SECONDS), otherwise=None)
