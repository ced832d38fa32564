"""JobQueue against a real Redis: one job per delivery, other labels dropped at the edge."""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import redis
from rq import Queue
from rq.job import Job

from bot.intake.queue import (
    JOB_FUNCTION,
    JOB_TIMEOUT,
    KEEP_SECONDS,
    QUEUE_NAME,
    Enqueued,
    JobQueue,
    QueueUnavailable,
)
from bot.intake.request import COMMENT, LABEL, PlanRequest, job_id
from bot.settings import Settings
from bot.state.connection import connect
from bot.state.trigger_labels import OLD_KEY, TriggerLabels

ROOT = Path(__file__).resolve().parents[2]
REQUEST = PlanRequest(
    delivery_id="72d3162e-cc78-11e3-81ab-4c9367dc0958",
    repo="octo/widgets",
    issue_number=7,
    trigger=COMMENT,
    commands=(("revise", "look at the cache"), ("status", "")),
    installation_id=42,
    sender="alice",
    association="MEMBER",
    comment_id=99,
    issue={"title": "Cache goes stale", "body": "…", "author": "bob", "url": "", "labels": []},
)


def closed_port() -> int:
    """A loopback port nothing listens on: Redis is down."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_job_is_stored_by_dotted_path_with_the_request_as_kwargs(
        redis_conn: redis.Redis) -> None:
    assert JobQueue(redis_conn).enqueue(REQUEST) is Enqueued.QUEUED
    job = Job.fetch(REQUEST.job_id, connection=redis_conn)
    assert job.func_name == JOB_FUNCTION == "workers.jobs.run_plan"
    assert job.kwargs == REQUEST.to_job()
    assert PlanRequest.from_job(job.kwargs) == REQUEST
    assert job.origin == QUEUE_NAME
    assert (job.timeout, job.result_ttl, job.failure_ttl) == (JOB_TIMEOUT, KEEP_SECONDS,
                                                              KEEP_SECONDS)
    assert (job.retries_left, job.retry_intervals) == (2, [10, 60])
    assert "octo/widgets#7" in (job.description or "")
    assert Queue(QUEUE_NAME, connection=redis_conn).job_ids == [REQUEST.job_id]


def test_redelivery_is_a_duplicate_and_queues_nothing_more(redis_conn: redis.Redis) -> None:
    queue = JobQueue(redis_conn)
    assert queue.enqueue(REQUEST) is Enqueued.QUEUED
    assert queue.enqueue(REQUEST) is Enqueued.DUPLICATE
    assert Queue(QUEUE_NAME, connection=redis_conn).job_ids == [REQUEST.job_id]


def test_concurrent_redeliveries_queue_exactly_one_job(redis_url: str,
                                                        redis_conn: redis.Redis) -> None:
    # Each thread has its own connection, as separate web processes would.
    queues = [JobQueue(connect(Settings(redis_url=redis_url))) for _ in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda q: q.enqueue(REQUEST), queues))
    assert sorted(r.value for r in results) == ["duplicate"] * 7 + ["queued"]
    assert Queue(QUEUE_NAME, connection=redis_conn).job_ids == [REQUEST.job_id]


def test_another_delivery_is_another_job(redis_conn: redis.Redis) -> None:
    queue = JobQueue(redis_conn)
    label = PlanRequest("other-delivery", "octo/widgets", 7, LABEL, label="plan")
    assert queue.enqueue(REQUEST) is queue.enqueue(label) is Enqueued.QUEUED
    assert Queue(QUEUE_NAME, connection=redis_conn).job_ids == [REQUEST.job_id, label.job_id]


class CountingRedis(redis.Redis):
    """A client that records each command it sends (a pipeline would be one)."""

    sent: list[str]

    def execute_command(self, *args: Any, **options: Any) -> Any:
        self.sent.append(str(args[0]))
        return super().execute_command(*args, **options)


def test_enqueue_takes_one_redis_round_trip(redis_url: str, redis_conn: redis.Redis) -> None:
    conn = CountingRedis(connection_pool=redis.ConnectionPool.from_url(redis_url))
    conn.sent = []
    queue = JobQueue(conn)
    queue.enqueue(PlanRequest("warm-up", "octo/widgets", 1, LABEL, label="plan"))  # loads it
    TriggerLabels(redis_conn).remember("octo/widgets", ["plan", "needs-plan"])
    conn.sent.clear()
    assert queue.enqueue(REQUEST) is Enqueued.QUEUED
    assert queue.enqueue(REQUEST) is Enqueued.DUPLICATE
    # Labels against several trigger labels: still one round trip each.
    assert queue.enqueue(PlanRequest("d-l", "octo/widgets", 1, LABEL, label="needs-plan")) \
        is Enqueued.QUEUED
    assert queue.enqueue(PlanRequest("d-o", "octo/widgets", 1, LABEL, label="bug")) \
        is Enqueued.OTHER_LABEL
    assert conn.sent == ["EVALSHA"] * 4


def test_label_other_than_the_known_trigger_label_queues_nothing(
        redis_conn: redis.Redis) -> None:
    queue = JobQueue(redis_conn)
    TriggerLabels(redis_conn).remember("octo/widgets", "plan")
    bug = PlanRequest("d-bug", "octo/widgets", 7, LABEL, label="bug")
    plan = PlanRequest("d-plan", "octo/widgets", 7, LABEL, label="plan")
    elsewhere = PlanRequest("d-else", "octo/gadgets", 7, LABEL, label="bug")  # label unknown there
    assert queue.enqueue(bug) is Enqueued.OTHER_LABEL
    assert queue.enqueue(plan) is queue.enqueue(elsewhere) is Enqueued.QUEUED
    assert Queue(QUEUE_NAME, connection=redis_conn).job_ids == [plan.job_id, elsewhere.job_id]


def test_every_one_of_several_trigger_labels_is_queued_and_the_others_dropped(
        redis_conn: redis.Redis) -> None:
    queue = JobQueue(redis_conn)
    TriggerLabels(redis_conn).remember("octo/widgets", ["plan", "needs-plan"])
    outcomes = [queue.enqueue(PlanRequest(f"d-{name}", "octo/widgets", 7, LABEL, label=name))
                for name in ("plan", "needs-plan", "bug", "wontfix")]
    assert outcomes == [Enqueued.QUEUED, Enqueued.QUEUED, Enqueued.OTHER_LABEL,
                        Enqueued.OTHER_LABEL]
    assert Queue(QUEUE_NAME, connection=redis_conn).job_ids == ["planbot-d-plan",
                                                                "planbot-d-needs-plan"]


def test_the_single_label_an_older_worker_wrote_still_drops_other_labels(
        redis_conn: redis.Redis) -> None:
    redis_conn.set(OLD_KEY.format(repo="octo/widgets"), "plan", ex=600)
    queue = JobQueue(redis_conn)
    assert queue.enqueue(PlanRequest("d-old-bug", "octo/widgets", 7, LABEL,
                                     label="bug")) is Enqueued.OTHER_LABEL
    assert queue.enqueue(PlanRequest("d-old-plan", "octo/widgets", 7, LABEL,
                                     label="plan")) is Enqueued.QUEUED
    # A newer run's labels win over the older key, which remembering removes.
    TriggerLabels(redis_conn).remember("octo/widgets", ["bug", "plan"])
    assert queue.enqueue(PlanRequest("d-new-bug", "octo/widgets", 7, LABEL,
                                     label="bug")) is Enqueued.QUEUED


def test_the_trigger_label_is_known_whatever_its_case(redis_conn: redis.Redis) -> None:
    queue = JobQueue(redis_conn)
    TriggerLabels(redis_conn).remember("octo/widgets", "Needs-Plan")
    request = PlanRequest("d-case", "octo/widgets", 7, LABEL, label="needs-plan")
    assert queue.enqueue(request) is Enqueued.QUEUED


@pytest.mark.parametrize("delivery", [
    "a.b", "a:b", "{x}", "with space", "", "é", "x" * 500, "planbot", "\t", "-", "a/b",
])
def test_any_delivery_id_becomes_a_valid_job_id(redis_conn: redis.Redis, delivery: str) -> None:
    request = PlanRequest(delivery, "octo/widgets", 7, LABEL, label="plan")
    assert JobQueue(redis_conn).enqueue(request) is Enqueued.QUEUED
    assert Job.fetch(request.job_id, connection=redis_conn).kwargs["delivery_id"] == delivery


def test_delivery_ids_never_share_a_job_id() -> None:
    deliveries = ["a.b", "a:b", "a_b", "a-b", "ab", "AB", "x" * 100, "x" * 101,
                  "72d3162e-cc78-11e3-81ab-4c9367dc0958"]
    hashed = job_id("a.b").removeprefix("planbot_")
    ids = [job_id(d) for d in [*deliveries, hashed]]
    assert len(set(ids)) == len(ids)
    assert job_id("72d3162e-cc78-11e3-81ab-4c9367dc0958") == (
        "planbot-72d3162e-cc78-11e3-81ab-4c9367dc0958")


def test_a_failed_job_can_be_requeued_under_its_delivery_id(redis_conn: redis.Redis) -> None:
    queue = JobQueue(redis_conn)
    queue.enqueue(REQUEST)
    rq_queue = Queue(QUEUE_NAME, connection=redis_conn)
    popped = rq_queue.dequeue_any([rq_queue], None, connection=redis_conn)
    assert popped is not None
    job, _ = popped
    rq_queue.failed_job_registry.add(job, exc_string="boom")
    rq_queue.remove(job.id)
    assert rq_queue.job_ids == []
    rq_queue.failed_job_registry.requeue(REQUEST.job_id)
    assert rq_queue.job_ids == [REQUEST.job_id]
    assert queue.enqueue(REQUEST) is Enqueued.DUPLICATE  # queued again: still a duplicate


def test_ping_answers_true_when_redis_is_up(redis_conn: redis.Redis) -> None:
    assert JobQueue(redis_conn).ping() is True


def test_redis_down_makes_ping_false_and_enqueue_raise_queue_unavailable() -> None:
    queue = JobQueue(connect(Settings(redis_url=f"redis://127.0.0.1:{closed_port()}/0")))
    assert queue.ping() is False
    with pytest.raises(QueueUnavailable, match="ConnectionError"):
        queue.enqueue(REQUEST)


def test_queued_job_survives_a_restart_of_the_embedded_server(tmp_path: Path) -> None:
    script = textwrap.dedent("""
        import sys
        from pathlib import Path
        from bot.intake.queue import JobQueue
        from bot.state.connection import connect
        from bot.intake.request import PlanRequest
        from bot.settings import Settings
        queue = JobQueue(connect(Settings(state_dir=Path(sys.argv[1]))))
        assert queue.enqueue(PlanRequest("restart", "octo/widgets", 1, "label", ()))
    """)
    # The child is the only client: its exit shuts the server down.
    subprocess.run([sys.executable, "-c", script, str(tmp_path)], cwd=ROOT, check=True,
                   timeout=60)
    conn = connect(Settings(state_dir=tmp_path))
    assert Queue(QUEUE_NAME, connection=conn).job_ids == ["planbot-restart"]
