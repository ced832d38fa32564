"""Hostile but signed deliveries: mutated real payloads, odd delivery ids, deep nesting.

A seeded generator (the same cases on every run) walks GitHub's recorded payloads and
replaces one field at a time with a value of another type; every answer must be 2xx or
4xx, never 5xx, a 400 queues nothing, and whatever is queued is a job the worker can load.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from rq import Queue
from rq.job import Job

from bot.intake.queue import QUEUE_NAME
from bot.intake.request import PlanRequest
from tests.deliveries import Deliver, load_payload
from tests.e2e import labeled_plan

SEED = 20261130
CASES_PER_PAYLOAD = 150
ODD_VALUES: tuple[Any, ...] = (
    0, -1, 2**70, 1.5, True, False, None, "", "x", "/plan", [], [1, "a"], {}, {"id": "1"},
    {"name": ["plan"]}, "\u202e\u0000\u001b[31m", [[[[]]]],
)


def _planbot_acts_on(name: str) -> dict[str, Any]:
    """Recorded payloads edited so that, unmutated, planbot would queue them."""
    payload = labeled_plan() if name == "issues.labeled" else load_payload(name)
    if name.startswith("issue_comment"):
        payload["comment"]["body"] = "/plan\n/plan status"
    return payload


PAYLOADS = {
    "issues.labeled": "issues",
    "issue_comment.created.with-installation": "issue_comment",
    "pull_request_review.submitted": "pull_request_review",
    "pull_request.closed": "pull_request",
}


def _paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*path, index))


def _replace(payload: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    parent = payload
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = value
    return payload


def mutations() -> Iterator[tuple[str, str, Any]]:
    """(event, description, mutated payload): one field of a real payload, another type."""
    rng = random.Random(SEED)
    for name, event in PAYLOADS.items():
        # The fields planbot reads come first; the rest of the tree is sampled.
        paths = sorted(_paths(_planbot_acts_on(name)), key=len)
        for path in paths[:60] + rng.sample(paths[60:], CASES_PER_PAYLOAD - 60):
            value = rng.choice(ODD_VALUES)
            yield event, f"{name}:{'.'.join(map(str, path))}={value!r}", _replace(
                _planbot_acts_on(name), path, value)


def queued(conn: redis.Redis) -> list[str]:
    return list(Queue(QUEUE_NAME, connection=conn).job_ids)


def test_mutated_real_payloads_never_get_a_5xx_and_a_400_queues_nothing(
        deliver: Deliver, redis_conn: redis.Redis) -> None:
    answers: dict[int, int] = {}
    for number, (event, what, payload) in enumerate(mutations()):
        before = queued(redis_conn)
        response = deliver(event, json.dumps(payload).encode(), delivery=f"fuzz-{number}")
        answers[response.status_code] = answers.get(response.status_code, 0) + 1
        assert response.status_code < 500, (what, response.get_json())
        after = queued(redis_conn)
        if response.status_code == 202:
            (job_id,) = set(after) - set(before)
            PlanRequest.from_job(Job.fetch(job_id, connection=redis_conn).kwargs)
        else:
            assert after == before, what
    # The generator reaches every kind of answer, or it would prove little.
    assert {200, 202, 400} <= set(answers), answers


@pytest.mark.parametrize("delivery", [
    "a.b", "a:b", "{x}", "with space", "é", "x" * 2000, "..", "planbot-x", "\t", "%00",
])
def test_any_delivery_id_is_queued_once_under_a_valid_job_id(
        deliver: Deliver, redis_conn: redis.Redis, delivery: str) -> None:
    first = deliver("issues", labeled_plan(), headers={"X-GitHub-Delivery": delivery})
    assert first.status_code == 202, first.get_json()
    again = deliver("issues", labeled_plan(), headers={"X-GitHub-Delivery": delivery})
    assert again.get_json()["status"] == "duplicate"
    (job_id,) = queued(redis_conn)
    assert Job.fetch(job_id, connection=redis_conn).kwargs["delivery_id"] == delivery


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deeply_nested_json_is_400(deliver: Deliver, redis_conn: redis.Redis,
                                   depth: int) -> None:
    body = b'{"action": "labeled", "x": ' + b"[" * depth + b"]" * depth + b"}"
    nested_object = b'{"a":' * depth + b"1" + b"}" * depth
    for event, raw in (("issues", body), ("issues", nested_object)):
        response = deliver(event, raw)
        assert response.status_code in (200, 400), response.get_json()
    assert queued(redis_conn) == []


@pytest.mark.parametrize(("field", "value"), [
    ("labels", 5), ("labels", True), ("labels", "bug"), ("body", 12), ("body", {"a": 1}),
    ("body", ["x"]), ("title", None), ("user", "octocat"), ("pull_request", 1),
])
def test_odd_issue_field_types_are_queued_as_plain_text_or_refused(
        deliver: Deliver, redis_conn: redis.Redis, field: str, value: Any) -> None:
    payload = labeled_plan()
    payload["issue"][field] = value
    response = deliver("issues", payload)
    assert response.status_code in (202, 400), response.get_json()
    for job_id in queued(redis_conn):
        issue = PlanRequest.from_job(Job.fetch(job_id, connection=redis_conn).kwargs).issue
        assert all(isinstance(issue[k], str) for k in ("title", "body", "author", "url"))
        assert all(isinstance(label, str) for label in issue["labels"])
