"""POST /webhook and GET /healthz end to end: signed real payloads, a real Redis."""

from __future__ import annotations

import io
import json
import logging
import socket
import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
import redis
from rq import Queue
from rq.job import Job

from app import RETRY_AFTER_SECONDS, create_app
from bot.intake.queue import QUEUE_NAME, Enqueued
from bot.intake.request import PlanRequest
from bot.intake.signature import sign
from bot.markers import plan_pr_marker
from bot.settings import Settings, SettingsError
from bot.state.trigger_labels import TriggerLabels
from tests.deliveries import Deliver, github_headers
from tests.e2e import ROOT, labeled_plan
from tests.loopback_github import private_key_pem

Loader = Callable[[str], dict[str, Any]]


def queued_ids(conn: redis.Redis) -> list[str]:
    return list(Queue(QUEUE_NAME, connection=conn).job_ids)


def job_request(conn: redis.Redis, job_id: str) -> PlanRequest:
    return PlanRequest.from_job(Job.fetch(job_id, connection=conn).kwargs)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_labeled_issue_is_queued_as_a_job(deliver: Deliver, load_payload: Loader,
                                          redis_conn: redis.Redis) -> None:
    response = deliver("issues", load_payload("issues.labeled"), delivery="d-label")
    assert response.status_code == 202
    assert response.json == {"status": "queued", "job_id": "planbot-d-label"}
    assert queued_ids(redis_conn) == ["planbot-d-label"]
    request = job_request(redis_conn, "planbot-d-label")
    assert (request.repo, request.issue_number, request.label) == (
        "Codertocat/Hello-World", 1, "bug")


def test_redelivery_answers_duplicate_and_queues_one_job(deliver: Deliver, load_payload: Loader,
                                                         redis_conn: redis.Redis) -> None:
    payload = load_payload("issues.labeled")
    assert deliver("issues", payload, delivery="d-again").status_code == 202
    again = deliver("issues", payload, delivery="d-again")
    assert again.status_code == 200
    assert again.json == {"status": "duplicate", "job_id": "planbot-d-again"}
    assert queued_ids(redis_conn) == ["planbot-d-again"]


def test_plan_command_comment_is_queued_with_its_commands(
        deliver: Deliver, load_payload: Loader, redis_conn: redis.Redis) -> None:
    payload = load_payload("issue_comment.created.with-installation")
    payload["comment"]["body"] = "Let's plan it.\n/plan\n/plan status"
    assert deliver("issue_comment", payload, delivery="d-c").status_code == 202
    request = job_request(redis_conn, "planbot-d-c")
    assert request.commands == (("plan", ""), ("status", ""))
    assert request.comment_id == payload["comment"]["id"]
    assert request.installation_id == payload["installation"]["id"]


def test_delivery_without_installation_is_queued_for_the_worker_to_look_up(
        deliver: Deliver, load_payload: Loader, redis_conn: redis.Redis) -> None:
    payload = load_payload("issue_comment.created.with-installation")
    payload["comment"]["body"] = "/plan"
    del payload["installation"]
    assert deliver("issue_comment", payload, delivery="d-ni").status_code == 202
    assert job_request(redis_conn, "planbot-d-ni").installation_id is None


def test_comment_on_a_plan_pr_is_queued_for_its_issue(deliver: Deliver, load_payload: Loader,
                                                      redis_conn: redis.Redis) -> None:
    payload = load_payload("issue_comment.created")
    payload["comment"]["body"] = "/plan tasks"
    payload["issue"]["pull_request"] = {"url": "https://api.github.com/repos/o/r/pulls/1"}
    payload["issue"]["body"] = plan_pr_marker(9) + "\nRefs #9"
    assert deliver("issue_comment", payload, delivery="d-pr").status_code == 202
    request = job_request(redis_conn, "planbot-d-pr")
    assert (request.issue_number, request.pull_number) == (9, payload["issue"]["number"])


@pytest.mark.parametrize(
    ("event", "name", "edit", "reason"),
    [
        ("ping", "ping", lambda p: None, "pong"),
        ("issues", "issues.opened", lambda p: None, "does not act on issues.opened"),
        ("issues", "issues.labeled", lambda p: p["sender"].update(type="Bot"), "sender is a bot"),
        ("issue_comment", "issue_comment.created",
         lambda p: p["comment"].update(body="Try:\n\n```\n/plan\n```"), "no /plan command"),
        ("issue_comment", "issue_comment.created", lambda p: None, "no /plan command"),
    ],
)
def test_ignored_deliveries_answer_200_with_the_reason(
        deliver: Deliver, load_payload: Loader, redis_conn: redis.Redis, event: str, name: str,
        edit: Callable[[dict[str, Any]], None], reason: str) -> None:
    payload = load_payload(name)
    edit(payload)
    response = deliver(event, payload)
    assert response.status_code == 200
    assert response.json is not None and response.json["status"] == "ignored"
    assert reason in response.json["reason"]
    assert queued_ids(redis_conn) == []


@pytest.mark.parametrize(
    ("headers", "complaint"),
    [
        ({"X-Hub-Signature-256": ""}, "missing"),
        ({"X-Hub-Signature-256": sign("not-the-secret", b"{}")}, "does not match"),
        ({"X-Hub-Signature-256": "sha1=0123"}, "sha256="),
    ],
)
def test_bad_signature_is_401_and_queues_nothing(
        deliver: Deliver, load_payload: Loader, redis_conn: redis.Redis,
        headers: dict[str, str], complaint: str) -> None:
    response = deliver("issues", load_payload("issues.labeled"), headers=headers)
    assert response.status_code == 401
    assert response.json is not None and complaint in response.json["reason"]
    assert queued_ids(redis_conn) == []


def test_payload_signed_with_another_secret_is_401(deliver: Deliver, load_payload: Loader) -> None:
    response = deliver("issues", load_payload("issues.labeled"), secret="someone-else")
    assert response.status_code == 401


def test_signature_is_checked_before_the_json_is_parsed(deliver: Deliver) -> None:
    unsigned = deliver("issues", b"{not json", headers={"X-Hub-Signature-256": "sha256=00"})
    assert unsigned.status_code == 401


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b"\xff\xfe", b"null"])
def test_signed_body_that_is_not_a_json_object_is_400(deliver: Deliver, body: bytes) -> None:
    response = deliver("issues", body)
    assert response.status_code == 400
    assert response.json == {"status": "error", "reason": "body must be a JSON object"}


def test_signed_delivery_missing_the_fields_planbot_needs_is_400(
        deliver: Deliver, load_payload: Loader, redis_conn: redis.Redis) -> None:
    payload = load_payload("issues.labeled")
    payload["label"]["name"] = "plan"
    del payload["issue"]["number"]  # what a truncated or hand-made body would look like
    response = deliver("issues", payload)
    assert response.status_code == 400
    assert response.json == {"status": "error",
                             "reason": "issues.labeled payload has no valid issue.number"}
    assert Queue(QUEUE_NAME, connection=redis_conn).count == 0


@pytest.mark.parametrize("missing", ["X-GitHub-Event", "X-GitHub-Delivery"])
def test_missing_github_header_is_400(deliver: Deliver, load_payload: Loader,
                                      missing: str) -> None:
    response = deliver("issues", load_payload("issues.labeled"), headers={missing: ""})
    assert response.status_code == 400
    assert response.json is not None and "X-GitHub-Delivery" in response.json["reason"]


def test_body_over_the_limit_is_413_before_it_is_read(settings: Settings,
                                                     load_payload: Loader) -> None:
    client = create_app(replace(settings, max_body_bytes=1024)).test_client()
    body = json.dumps(load_payload("issues.labeled")).encode()
    assert len(body) > 1024
    response = client.post("/webhook", data=body, headers=github_headers("issues", body))
    assert response.status_code == 413
    assert response.json == {"status": "error", "reason": "body too large"}


def test_streamed_body_without_length_is_cut_off_at_the_limit(settings: Settings) -> None:
    client = create_app(replace(settings, max_body_bytes=1024)).test_client()
    body = b"{" + b" " * 4096 + b"}"
    response = client.post(
        "/webhook", input_stream=io.BytesIO(body),
        headers=github_headers("ping", body),
        # What a server that de-chunks requests itself (gunicorn) tells the app.
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 413


def test_redis_down_is_503_with_retry_after_and_healthz_503(
        settings: Settings, load_payload: Loader) -> None:
    down = replace(settings, redis_url=f"redis://127.0.0.1:{closed_port()}/0")
    client = create_app(down).test_client()
    body = json.dumps(load_payload("issues.labeled")).encode()
    response = client.post("/webhook", data=body, headers=github_headers("issues", body))
    assert response.status_code == 503
    assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response.json is not None and response.json["status"] == "unavailable"
    health = client.get("/healthz")
    assert (health.status_code, health.json) == (
        503, {"status": "unavailable", "redis": "down", "workers": 0})


def test_healthz_is_200_when_redis_answers(client: Any) -> None:
    response = client.get("/healthz")
    assert (response.status_code, response.json) == (
        200, {"status": "ok", "redis": "up", "workers": 0})


class ExplodingQueue:
    """A queue with a bug in it: the edge must still answer, and say which delivery."""

    def enqueue(self, request: PlanRequest) -> Enqueued:
        raise RuntimeError("bug in the queue")

    def ping(self) -> bool:
        return True

    def live_workers(self) -> int:
        return 1

    def metrics(self) -> bytes:
        return b""


def test_unexpected_error_is_500_and_logged_with_the_delivery_id(
        settings: Settings, load_payload: Loader, caplog: pytest.LogCaptureFixture) -> None:
    client = create_app(settings, queue=ExplodingQueue()).test_client()
    body = json.dumps(load_payload("issues.labeled")).encode()
    response = client.post("/webhook", data=body,
                           headers=github_headers("issues", body, delivery="d-crash"))
    assert (response.status_code, response.json) == (
        500, {"status": "error", "reason": "internal error"})
    crash = [r for r in caplog.records if getattr(r, "delivery", "") == "d-crash"]
    assert crash and "crashed" in crash[0].getMessage() and crash[0].exc_info is not None


def test_each_delivery_logs_one_line_with_id_event_and_outcome(
        deliver: Deliver, load_payload: Loader, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="planbot.web")
    deliver("issues", load_payload("issues.labeled"), delivery="d-log")
    deliver("ping", load_payload("ping"), delivery="d-ping")
    lines = [(getattr(r, "delivery", ""), r.getMessage())
             for r in caplog.records if r.name == "planbot.web"]
    assert lines == [
        ("d-log", "event=issues status=202 queued planbot-d-log"),
        ("d-ping", "event=ping status=200 ignored: pong"),
    ]


def test_unknown_routes_and_methods_answer_json(client: Any) -> None:
    assert client.get("/nowhere").json["status"] == "error"
    wrong = client.get("/webhook")
    assert wrong.status_code == 405 and wrong.json["status"] == "error"


def test_app_refuses_to_start_without_a_webhook_secret(settings: Settings) -> None:
    with pytest.raises(SettingsError, match="WEBHOOK_SECRET"):
        create_app(replace(settings, webhook_secret="", app_id="42", private_key=private_key_pem()),
                   queue=ExplodingQueue())


def test_settings_come_from_the_environment_when_not_given(
        monkeypatch: pytest.MonkeyPatch, redis_url: str) -> None:
    monkeypatch.delenv("WEBHOOK_SECRET", raising=False)
    monkeypatch.delenv("APP_ID", raising=False)
    unset = create_app(queue=ExplodingQueue()).test_client()  # no App yet: setup mode
    assert unset.post("/webhook", data=b"{}").status_code == 503
    monkeypatch.setenv("WEBHOOK_SECRET", "from-env")
    monkeypatch.setenv("REDIS_URL", redis_url)
    client = create_app().test_client()
    body = b'{"zen": "Design for failure."}'
    response = client.post("/webhook", data=body,
                           headers=github_headers("ping", body, secret="from-env"))
    assert response.json == {"status": "ignored", "reason": "pong"}


def test_label_other_than_the_repositorys_known_trigger_label_is_ignored(
        deliver: Deliver, load_payload: Loader, redis_conn: redis.Redis) -> None:
    TriggerLabels(redis_conn).remember("Codertocat/Hello-World", "plan")  # a worker read its config
    other = deliver("issues", load_payload("issues.labeled"))  # the recording's label: "bug"
    assert (other.status_code, other.json) == (200, {
        "status": "ignored",
        "reason": "label 'bug' is not a trigger label of Codertocat/Hello-World"})
    assert queued_ids(redis_conn) == []
    assert deliver("issues", labeled_plan()).status_code == 202


def test_each_of_several_trigger_labels_is_queued_and_other_labels_dropped_at_the_edge(
        deliver: Deliver, load_payload: Loader, redis_conn: redis.Redis) -> None:
    TriggerLabels(redis_conn).remember("Codertocat/Hello-World", ["plan", "Needs-Plan"])
    answers = []
    for name in ("needs-plan", "plan", "bug", "wontfix"):
        payload = load_payload("issues.labeled")
        payload["label"]["name"] = name  # the recording labels the issue "bug"
        answers.append(deliver("issues", payload).status_code)
    assert answers == [202, 202, 200, 200]
    assert len(queued_ids(redis_conn)) == 2


def test_ignored_event_is_answered_without_parsing_its_body(deliver: Deliver,
                                                           redis_conn: redis.Redis) -> None:
    # Signed, object-shaped, not JSON: only the cheap path can answer it 200.
    body = b'{"action": "opened", "issue": {' + b"\x00 not json " * 100 + b"}"
    opened = deliver("issues", body)
    assert (opened.status_code, opened.json) == (
        200, {"status": "ignored", "reason": "planbot does not act on issues.opened"})
    labeled = deliver("issues", body.replace(b'"opened"', b'"labeled"'))
    assert labeled.status_code == 400  # an action planbot takes on still needs valid JSON
    assert queued_ids(redis_conn) == []


# The web tier as gunicorn starts it, in a fresh interpreter: which of the worker's modules
# it loaded (the job function is enqueued by its dotted path, never imported).
WEB_TIER = textwrap.dedent("""
    import sys
    from app import create_app
    from bot.settings import Settings
    create_app(Settings(webhook_secret="s", redis_url=sys.argv[1]))
    print(*sorted(m for m in sys.modules if m.startswith(("bot.run", "workers"))))
""")


def test_the_web_tier_imports_nothing_of_the_worker(redis_url: str) -> None:
    loaded = subprocess.run([sys.executable, "-c", WEB_TIER, redis_url], cwd=ROOT, check=True,
                            capture_output=True, text=True, timeout=60).stdout
    assert loaded.split() == []
