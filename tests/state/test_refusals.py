"""An outsider is refused once an hour per issue, as Redis remembers it."""

from __future__ import annotations

import redis

from bot.state.refusals import Refusals

REPO = "octo/widgets"


def test_an_outsider_is_refused_once_per_issue_per_hour(redis_conn: redis.Redis) -> None:
    refusals = Refusals(redis_conn)
    assert refusals.first(REPO, 1, "mallory") is True
    assert refusals.first(REPO, 1, "mallory") is False
    assert refusals.first(REPO, 2, "mallory") is True
    assert refusals.first(REPO, 1, "eve") is True
    assert 3500 < redis_conn.ttl(f"planbot:refused:{REPO}#1:mallory") <= 3600
