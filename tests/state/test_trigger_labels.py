"""The trigger labels the worker read last, as the web tier finds them in Redis."""

from __future__ import annotations

import redis

from bot.state.trigger_labels import KEY, OLD_KEY, TTL_SECONDS, TriggerLabels


def test_remembered_labels_are_kept_per_repository_folded_and_expire(
        redis_conn: redis.Redis) -> None:
    assert redis_conn.smembers(KEY.format(repo="octo/widgets")) == set()
    TriggerLabels(redis_conn).remember("octo/widgets", ["Needs-Plan", "plan"])
    assert redis_conn.smembers(KEY.format(repo="octo/widgets")) == {b"needs-plan", b"plan"}
    assert redis_conn.smembers(KEY.format(repo="octo/gadgets")) == set()
    assert 0 < redis_conn.ttl(KEY.format(repo="octo/widgets")) <= TTL_SECONDS


def test_remembering_again_replaces_the_labels_and_the_older_single_label_key(
        redis_conn: redis.Redis) -> None:
    redis_conn.set(OLD_KEY.format(repo="octo/widgets"), "plan", ex=TTL_SECONDS)  # older worker
    labels = TriggerLabels(redis_conn)
    labels.remember("octo/widgets", ["plan", "needs-plan"])
    labels.remember("octo/widgets", ["triage"])
    assert redis_conn.smembers(KEY.format(repo="octo/widgets")) == {b"triage"}
    assert redis_conn.get(OLD_KEY.format(repo="octo/widgets")) is None


def test_one_label_given_as_a_string_is_one_label_not_its_letters(
        redis_conn: redis.Redis) -> None:
    TriggerLabels(redis_conn).remember("octo/widgets", "plan")
    assert redis_conn.smembers(KEY.format(repo="octo/widgets")) == {b"plan"}
