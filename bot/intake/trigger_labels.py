"""Each repository's trigger label, remembered in Redis so the web tier can drop other labels.

The worker reads `.github/planbot.yml` and remembers its `label`; the web tier, which must
not call GitHub, then answers "ignored" for any other label on that repository without
queueing a job. Until a repository's label is known, every label is queued.
"""

from __future__ import annotations

import redis

KEY = "planbot:trigger-label:{repo}"
# How long the edge trusts what a run read. A new `label` in the config would otherwise
# see its first deliveries dropped until a run refreshes this: at most this long. Once it
# expires, the next label delivery is queued and its run (one config read, a 304 when
# unchanged) writes it again, so a burst of other labels still costs one job, not one each.
TTL_SECONDS = 10 * 60


def remember(connection: redis.Redis, repo: str, label: str) -> None:
    connection.set(KEY.format(repo=repo), same_label(label), ex=TTL_SECONDS)


def same_label(label: str) -> str:
    """A label as GitHub compares them: `Plan` and `plan` are one label."""
    return label.casefold()

