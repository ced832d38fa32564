"""Each installation's model spend this calendar month (UTC), as every worker reads it."""

from __future__ import annotations

import calendar

import redis

from bot.state.monthly_spend import KEEP_SECONDS, KEY, Month, MonthlySpend, month_of

DEC_31 = calendar.timegm((2026, 12, 31, 23, 59, 0))
JAN_1 = calendar.timegm((2027, 1, 1, 0, 1, 0))


def test_spend_adds_up_per_installation_and_counts_model_runs(redis_conn: redis.Redis) -> None:
    spend = MonthlySpend(redis_conn)
    spend.add(1, 0.25, new_run=True, now=DEC_31)
    spend.add(1, 0.125, new_run=False, now=DEC_31)
    spend.add(2, 1.0, new_run=True, now=DEC_31)
    assert spend.month(1, now=DEC_31) == Month("2026-12", 0.375, 1)
    assert spend.month(1, now=DEC_31).per_run == 0.375
    assert spend.installations(now=DEC_31) == {1: Month("2026-12", 0.375, 1),
                                               2: Month("2026-12", 1.0, 1)}
    assert 0 < redis_conn.ttl(KEY.format(month="2026-12")) <= KEEP_SECONDS


def test_a_new_calendar_month_in_utc_starts_from_nothing(redis_conn: redis.Redis) -> None:
    spend = MonthlySpend(redis_conn)
    spend.add(1, 3.0, new_run=True, now=DEC_31)
    assert (month_of(DEC_31), month_of(JAN_1)) == ("2026-12", "2027-01")
    assert spend.month(1, now=JAN_1) == Month("2027-01", 0.0, 0)


def test_without_redis_nothing_is_counted_and_every_month_is_empty() -> None:
    spend = MonthlySpend(None)
    spend.add(1, 3.0, new_run=True)
    assert spend.month(1).usd == 0.0 and spend.installations() == {}
