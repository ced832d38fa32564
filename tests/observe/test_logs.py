"""One log format for web and worker: UTC timestamps, the delivery id, JSON on request."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator

import pytest
import redis

from bot.observe.logs import TEXT, Context, JsonFormatter, UtcFormatter, config, delivery


@pytest.fixture
def captured() -> Iterator[tuple[logging.Logger, io.StringIO, logging.Handler]]:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(Context())
    logger = logging.getLogger("planbot.test-logs")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    yield logger, out, handler
    logger.removeHandler(handler)


def test_text_lines_carry_a_utc_timestamp_and_the_delivery_of_the_job(
        captured: tuple[logging.Logger, io.StringIO, logging.Handler]) -> None:
    logger, out, handler = captured
    handler.setFormatter(UtcFormatter(TEXT))
    logger.info("outside any job")
    with delivery("d-42"):
        logger.info("stage %s running", "hypotheses")
    first, second = out.getvalue().splitlines()
    stamp = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"
    assert re.match(stamp + " INFO planbot.test-logs: outside", first)
    assert second.endswith("INFO planbot.test-logs delivery=d-42: stage hypotheses running")


def test_json_lines_are_one_object_each_with_the_delivery_and_the_exception(
        captured: tuple[logging.Logger, io.StringIO, logging.Handler]) -> None:
    logger, out, handler = captured
    handler.setFormatter(JsonFormatter())
    with delivery("d-7"):
        try:
            raise ValueError("boom")
        except ValueError:
            logger.exception("run failed")
    (line,) = out.getvalue().splitlines()
    entry = json.loads(line)
    assert (entry["level"], entry["message"], entry["delivery"]) == ("ERROR", "run failed", "d-7")
    assert entry["time"].endswith("Z") and "ValueError: boom" in entry["exception"]


def test_rqs_failure_traceback_is_cut_to_its_last_line(
        captured: tuple[logging.Logger, io.StringIO, logging.Handler]) -> None:
    logger, out, handler = captured
    handler.setFormatter(logging.Formatter("%(message)s"))
    trace = "Traceback (most recent call last):\n  File \"x.py\", line 1\nGitHubError: 502 down\n"
    logger.error("Worker %s: job %s: exception raised while executing (%s)\n%s",
                 "w1", "planbot-d-1", "workers.jobs.run_plan", trace)
    assert out.getvalue().splitlines() == [
        "Worker w1: job planbot-d-1: exception raised while executing (workers.jobs.run_plan)",
        "GitHubError: 502 down"]


def test_an_rq_log_of_a_redis_outage_is_one_line() -> None:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(Context())
    handler.setFormatter(logging.Formatter("%(message)s"))
    scheduler = logging.getLogger("rq.scheduler")
    scheduler.addHandler(handler)
    try:
        raise redis.ConnectionError("Error 111 connecting to 127.0.0.1:6379.")
    except redis.ConnectionError:
        scheduler.exception("Scheduler %s: could not enqueue", "s1")
    finally:
        scheduler.removeHandler(handler)
    assert out.getvalue().splitlines() == [
        "Scheduler s1: could not enqueue (Redis: Error 111 connecting to 127.0.0.1:6379.)"]


def test_index_building_chatter_of_bm25s_is_left_out_even_at_debug_level() -> None:
    assert config("DEBUG")["loggers"]["bm25s"] == {"level": "WARNING"}
