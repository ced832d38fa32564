"""Each repository's trigger label, remembered in Redis so the web tier can drop other labels.

The worker reads `.github/planbot.yml` and remembers its `label`; the web tier, which must
not call GitHub, then answers "ignored" for any other label on that repository without
queueing a job. Until a repository's label is known, every label is queued.
"""

from __future__ import annotations

import redis

KEY = "planbot:trigger-label:{repo}"
# A config change reaches the web tier at the latest a day later (any run re-reads the
# file and refreshes this); a removed installation's entries expire on their own.
TTL_SECONDS = 24 * 3600


def remember(connection: redis.Redis, repo: str, label: str) -> None:
    connection.set(KEY.format(repo=repo), same_label(label), ex=TTL_SECONDS)


def same_label(label: str) -> str:
    """A label as GitHub compares them: `Plan` and `plan` are one label."""
    return label.casefold()


def known(connection: redis.Redis, repo: str) -> str | None:
    """The repository's trigger label, or None when no run has read its config lately."""
    value = connection.get(KEY.format(repo=repo))
    return value.decode() if isinstance(value, bytes) else value
