"""/metrics: the web tier's deliveries, the workers' counts through Redis, the queue."""

from __future__ import annotations

import re

import redis
from flask.testing import FlaskClient

from bot.documents.provenance import finish
from bot.domain import Usage
from bot.observe.metrics import add, record, recording
from bot.run.meter import spent
from bot.state.monthly_spend import MonthlySpend, month_of
from tests.deliveries import Deliver, load_payload
from tests.fakes import FakePlanner
from tests.helpers import LABELED, repo, run


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample in Prometheus text format (0 when absent)."""
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in text.splitlines():
        match = re.fullmatch(rf"{name}(?:\{{(.*)\}})? (\S+)", line)
        if match and ",".join(sorted((match[1] or "").split(","))) == wanted:
            return float(match[2])
    return 0.0


def test_a_queued_delivery_is_counted_with_its_event_and_outcome(
        client: FlaskClient, deliver: Deliver) -> None:
    before = sample(client.get("/metrics").text, "planbot_deliveries_total", event="issues",
                    outcome="queued")
    assert deliver("issues", load_payload("issues.labeled")).status_code == 202
    page = client.get("/metrics")
    assert page.status_code == 200 and page.content_type.startswith("text/plain")
    assert sample(page.text, "planbot_deliveries_total", event="issues",
                  outcome="queued") == before + 1
    assert sample(page.text, "planbot_queue_jobs", state="queued") == 1
    assert "planbot_enqueue_seconds_bucket" in page.text


def test_worker_metrics_recorded_in_redis_show_at_the_web_tier(
        client: FlaskClient, redis_conn: redis.Redis) -> None:
    record(redis_conn, "planbot_jobs", outcome="finished")
    record(redis_conn, "planbot_jobs", outcome="finished")
    record(redis_conn, "planbot_stage_seconds", 1.5, stage="hypotheses")
    record(redis_conn, "planbot_model_tokens", 1200, kind="input")
    text = client.get("/metrics").text
    assert sample(text, "planbot_jobs_total", outcome="finished") == 2
    assert sample(text, "planbot_stage_seconds_sum", stage="hypotheses") == 1.5
    assert sample(text, "planbot_stage_seconds_count", stage="hypotheses") == 1
    assert sample(text, "planbot_model_tokens_total", kind="input") == 1200
    assert sample(text, "planbot_workers_live") == 0


def test_an_unknown_event_name_cannot_grow_the_label_set(
        client: FlaskClient, deliver: Deliver) -> None:
    deliver("made_up_event_name", {"action": "x"})
    text = client.get("/metrics").text
    assert "made_up_event_name" not in text
    assert sample(text, "planbot_deliveries_total", event="other", outcome="ignored") >= 1


def test_a_run_counts_its_stage_times_and_the_models_tokens_and_cost(
        client: FlaskClient, redis_conn: redis.Redis) -> None:
    usage = Usage(input_tokens=900, output_tokens=100, cache_read_tokens=50, cost_usd=0.0123)
    with recording(redis_conn):
        run(repo(), LABELED, FakePlanner())  # three stages, timed as they run
        spent({"hypotheses": finish("hypotheses", "# Hypotheses", "abc", "claude", usage)},
              ["hypotheses"])
    text = client.get("/metrics").text
    for stage in ("problem", "hypotheses", "tasks"):
        assert sample(text, "planbot_stage_seconds_count", stage=stage) == 1
    assert sample(text, "planbot_model_tokens_total", kind="in") == 900
    assert sample(text, "planbot_model_tokens_total", kind="cache_read") == 50
    assert sample(text, "planbot_model_cost_usd_total") == 0.0123


def test_a_plan_counts_its_research_turns_tool_calls_and_tokens(
        client: FlaskClient, redis_conn: redis.Redis) -> None:
    researched = Usage(input_tokens=10, output_tokens=500, cache_read_tokens=9000,
                       cache_write_tokens=3000, research_turns=4, tool_calls=7, tool_errors=1)
    tasks = Usage(input_tokens=20, output_tokens=300, cache_read_tokens=2000)
    documents = {"hypotheses": finish("hypotheses", "# Hypotheses", "a", "claude", researched),
                 "tasks": finish("tasks", "# Tasks", "b", "claude", tasks)}
    with recording(redis_conn):
        spent(documents, ["hypotheses", "tasks"])
    text = client.get("/metrics").text
    assert "research=turns:4,calls:7,errors:1 " in documents["hypotheses"]
    assert "research=" not in documents["tasks"]
    assert sample(text, "planbot_research_turns_sum") == 4
    assert sample(text, "planbot_research_turns_count") == 1
    assert sample(text, "planbot_research_tool_calls_sum") == 7
    assert sample(text, "planbot_research_tool_errors_total") == 1
    assert sample(text, "planbot_plan_model_tokens_sum") == 12_510 + 2_320
    assert sample(text, "planbot_plan_model_tokens_count") == 1


def test_this_months_model_spend_per_installation_shows_at_metrics(
        client: FlaskClient, redis_conn: redis.Redis) -> None:
    MonthlySpend(redis_conn).add(3, 0.75, new_run=True)
    MonthlySpend(redis_conn).add(3, 0.5, new_run=False)
    text = client.get("/metrics").text
    assert sample(text, "planbot_month_model_spend_usd", installation="3",
                  month=month_of()) == 1.25


def test_outside_a_job_nothing_is_recorded(client: FlaskClient) -> None:
    add("planbot_jobs", outcome="finished")  # no job, no Redis: must not raise
    assert sample(client.get("/metrics").text, "planbot_jobs_total", outcome="finished") == 0
