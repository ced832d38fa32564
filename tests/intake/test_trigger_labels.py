"""The trigger label the worker read last, as the web tier finds it in Redis."""

from __future__ import annotations

import redis

from bot.intake.trigger_labels import TTL_SECONDS, known, remember


def test_an_unknown_repository_has_no_trigger_label_yet(redis_conn: redis.Redis) -> None:
    assert known(redis_conn, "octo/widgets") is None


def test_a_remembered_label_is_known_per_repository_and_expires(redis_conn: redis.Redis) -> None:
    remember(redis_conn, "octo/widgets", "needs-plan")
    assert known(redis_conn, "octo/widgets") == "needs-plan"
    assert known(redis_conn, "octo/gadgets") is None
    assert 0 < redis_conn.ttl("planbot:trigger-label:octo/widgets") <= TTL_SECONDS
