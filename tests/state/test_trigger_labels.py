"""The trigger label the worker read last, as the web tier finds it in Redis."""

from __future__ import annotations

import redis

from bot.state.trigger_labels import KEY, TTL_SECONDS, TriggerLabels


def test_a_remembered_label_is_kept_per_repository_folded_and_expires(
        redis_conn: redis.Redis) -> None:
    assert redis_conn.get(KEY.format(repo="octo/widgets")) is None
    TriggerLabels(redis_conn).remember("octo/widgets", "Needs-Plan")
    assert redis_conn.get(KEY.format(repo="octo/widgets")) == b"needs-plan"
    assert redis_conn.get(KEY.format(repo="octo/gadgets")) is None
    assert 0 < redis_conn.ttl(KEY.format(repo="octo/widgets")) <= TTL_SECONDS
