"""One log format for web and worker: UTC timestamps, the delivery id, JSON on request."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator

import pytest
import redis

from bot.intake.request import job_id
from bot.observe.logs import (
    CONTINUATION,
    TEXT,
    Context,
    JsonFormatter,
    UtcFormatter,
    config,
    delivery,
)
from tests.e2e import ROOT


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


def test_a_traceback_in_text_format_stays_indented_under_its_stamped_line(
        captured: tuple[logging.Logger, io.StringIO, logging.Handler]) -> None:
    logger, out, handler = captured
    handler.setFormatter(UtcFormatter(TEXT))
    with delivery("d-9"):
        try:
            raise KeyError("missing")
        except KeyError:
            logger.exception("run failed\nsecond line of the message")
    first, *rest = out.getvalue().splitlines()
    assert re.match(r"\d{4}-\d\d-\d\dT[\d:.]+Z ERROR planbot.test-logs delivery=d-9: run", first)
    assert rest and all(line.startswith(CONTINUATION) for line in rest)
    assert any("KeyError: 'missing'" in line for line in rest)


def test_rqs_line_taking_a_job_carries_the_delivery_its_job_id_names(
        captured: tuple[logging.Logger, io.StringIO, logging.Handler]) -> None:
    _, out, handler = captured
    handler.setFormatter(JsonFormatter())
    worker = logging.getLogger("rq.worker")
    worker.addHandler(handler)
    try:
        delivery_id = "72d3162e-cc78-11e3-81ab-4c9367dc0958"
        worker.info("Worker %s: %s: %s (%s)", "w1", "planbot", "label on o/r#1",
                    job_id(delivery_id))
        worker.info("Worker %s: cleaning registries for queue: %s", "w1", "planbot")
    finally:
        worker.removeHandler(handler)
    taken, idle = (json.loads(line) for line in out.getvalue().splitlines())
    assert taken["delivery"] == delivery_id
    assert "delivery" not in idle


def test_gunicorns_access_lines_are_not_written() -> None:
    """The app's one line per delivery says more (its id and outcome); gunicorn writes access
    lines whenever it is given a logging config, so the config turns them off."""
    assert config()["loggers"]["gunicorn.access"] == {"handlers": [], "propagate": False}


def test_the_web_tiers_master_imports_no_redis_before_gevent_patches_its_workers() -> None:
    """gunicorn.conf.py runs in gunicorn's master. redis-py binds `time.sleep` at import
    (its retry backoff); imported there, before each gevent worker patches the process, that
    sleep stops every connection of the worker, and a frozen Redis stalled all answers."""
    probe = ("import runpy, sys; conf = runpy.run_path('gunicorn.conf.py'); "
             "conf['on_starting'](None); "
             "print(sorted(m for m in ('redis', 'prometheus_client') if m in sys.modules))")
    env = {**os.environ, "WEBHOOK_SECRET": "s", "PLANBOT_ENV_FILE": os.devnull}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
