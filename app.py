"""The HTTP edge: verify a GitHub delivery, decide, enqueue, answer. Nothing slower."""

from __future__ import annotations

import json
import logging
from typing import Any

from flask import Flask, Response, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST
from werkzeug.exceptions import HTTPException

from bot.intake import events, glance
from bot.intake.queue import Enqueued, Enqueuer, JobQueue, QueueUnavailable
from bot.intake.request import PlanRequest
from bot.intake.signature import InvalidSignature, verify
from bot.observe import metrics
from bot.observe.logs import configure as configure_logs
from bot.settings import Settings, from_env
from bot.state.connection import connect

log = logging.getLogger("planbot.web")

# How long a 503 asks the sender to wait: a Redis restart or failover.
RETRY_AFTER_SECONDS = 30


def _json(code: int, /, **body: Any) -> Response:
    response = jsonify(body)
    response.status_code = code
    return response


def _unavailable(reason: str) -> Response:
    """503 with Retry-After: GitHub (or an operator's tool) should try again later."""
    response = _json(503, status="unavailable", reason=reason)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _error(code: int, reason: str) -> tuple[Response, str]:
    return _json(code, status="error", reason=reason), f"rejected: {reason}"


def create_app(settings: Settings | None = None, queue: Enqueuer | None = None) -> Flask:
    """The receiver. Collaborators come in as arguments; nothing is read at import."""
    if settings is None:
        settings = from_env()
    if not settings.needs_setup:
        settings.require_webhook_secret()
        settings.require_valid()
    if not logging.getLogger().handlers:  # gunicorn.conf.py and tests set logging up
        configure_logs(settings.log_level, settings.log_format)
    jobs: Enqueuer = queue if queue is not None else JobQueue(connect(settings))

    app = Flask(__name__)
    # werkzeug's cap for any route; /webhook enforces it itself, chunked or not (_read_body).
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        return _json(exc.code or 500, status="error", reason=exc.description)

    if settings.needs_setup:
        from bot.adapters.github_app import convert_manifest  # PyGithub only while registering
        from bot.setup.page import blueprint

        app.register_blueprint(blueprint(settings, convert_manifest))
    app.add_url_rule("/webhook", "webhook", lambda: _webhook(settings, jobs), methods=["POST"])
    _health_routes(app, jobs)
    return app


def _webhook(settings: Settings, jobs: Enqueuer) -> Response:
    # Headers straight from the WSGI environ: werkzeug's Headers view costs a few µs a
    # lookup, and the cheapest deliveries are answered in about a hundred.
    environ = request.environ
    event_header = environ.get("HTTP_X_GITHUB_EVENT", "")
    delivery_header = environ.get("HTTP_X_GITHUB_DELIVERY", "")
    delivery, event = delivery_header or "-", event_header or "-"
    if settings.needs_setup:
        # Fail closed: without the secret GitHub generates at registration, no delivery
        # can be verified. 503 (not 401): it will work once the App is set up.
        return _unavailable("planbot has no GitHub App yet: finish the setup at /setup")
    try:
        response, outcome = _receive(settings, jobs, event_header, delivery_header)
    except Exception:
        # The edge's one catch-all: GitHub sees a 500, so the delivery can be
        # redelivered, and the log names it.
        log.exception("event=%s status=500 crashed", event, extra={"delivery": delivery})
        metrics.delivery(event, "crashed")
        return _json(500, status="error", reason="internal error")
    # One line per delivery, whatever became of it.
    metrics.delivery(event, outcome.split(" ", 1)[0].rstrip(":"))
    level = logging.WARNING if response.status_code >= 500 else logging.INFO
    # The delivery as the worker's lines carry it: a field in JSON, `delivery=` in text.
    log.log(level, "event=%s status=%d %s", event, response.status_code, outcome,
            extra={"delivery": delivery})
    return response


def _health_routes(app: Flask, jobs: Enqueuer) -> None:
    @app.get("/healthz")
    def healthz() -> Response:
        """Alive and able to queue: Redis answers (the workers are /readyz's business)."""
        if jobs.ping():
            return _json(200, status="ok", redis="up", workers=jobs.live_workers())
        return _json(503, status="unavailable", redis="down", workers=0)

    @app.get("/readyz")
    def readyz() -> Response:
        """Deliveries will be planned: Redis answers and at least one worker is alive."""
        workers = jobs.live_workers() if jobs.ping() else 0
        if workers:
            return _json(200, status="ready", workers=workers)
        return _json(503, status="unavailable", workers=0,
                     reason="no live worker: start `python -m workers`")

    @app.get("/metrics")
    def metrics_page() -> Response:
        return Response(jobs.metrics(), 200, content_type=CONTENT_TYPE_LATEST)


def _read_body(limit: int) -> bytes | None:
    """The raw body, or None when it is over `limit` bytes."""
    length = request.content_length
    if length is not None:
        return None if length > limit else request.get_data(cache=False)
    if not request.environ.get("wsgi.input_terminated"):
        return b""  # no length and not de-chunked by the server: no body (werkzeug's rule)
    # Chunked: read one byte past the limit ourselves. werkzeug's limited stream stops
    # at the limit without a word, and the cut body would then fail the signature (401).
    stream = request.environ["wsgi.input"]
    chunks, size = [], 0
    while size <= limit:
        chunk = stream.read(min(64 * 1024, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return None if size > limit else b"".join(chunks)


def _signed_body(settings: Settings) -> bytes | tuple[Response, str]:
    """The raw body once it is proven to come from GitHub, else the answer to give."""
    body = _read_body(settings.max_body_bytes)
    if body is None:
        return _error(413, "body too large")
    try:
        # Over the raw bytes, before any parsing: GitHub signed exactly these.
        verify(settings.webhook_secret, body, request.environ.get("HTTP_X_HUB_SIGNATURE_256"))
    except InvalidSignature as exc:
        return _error(401, str(exc))
    return body


def _ignored(reason: str) -> tuple[Response, str]:
    return _json(200, status="ignored", reason=reason), f"ignored: {reason}"


def _receive(settings: Settings, jobs: Enqueuer, event: str,
             delivery: str) -> tuple[Response, str]:
    """Answer one delivery; returns the response and what became of the delivery."""
    body = _signed_body(settings)
    if not isinstance(body, bytes):
        return body
    if not event or not delivery:
        return _error(400, "X-GitHub-Event and X-GitHub-Delivery headers are required")
    reason = glance.ignore_reason(event, body)
    if reason is not None:
        return _ignored(reason)
    try:
        payload = json.loads(body)
    # JSONDecodeError and UnicodeDecodeError are ValueErrors; deep nesting is RecursionError.
    except (ValueError, RecursionError):
        payload = None
    if not isinstance(payload, dict):
        return _error(400, "body must be a JSON object")

    decision = events.decide(event, delivery, payload)
    if isinstance(decision, events.Invalid):
        return _error(400, decision.reason)
    if isinstance(decision, events.Ignore):
        return _ignored(decision.reason)
    return _enqueue(jobs, decision.request)


def _enqueue(jobs: Enqueuer, plan: PlanRequest) -> tuple[Response, str]:
    try:
        with metrics.ENQUEUE_SECONDS.time():
            queued = jobs.enqueue(plan)
    except QueueUnavailable as exc:
        # Never 2xx unless the job is stored: GitHub would not deliver it again.
        return _unavailable("queue unavailable, retry later"), f"unavailable: {exc}"
    if queued is Enqueued.OTHER_LABEL:
        return _ignored(f"label {plan.label!r} is not a trigger label of {plan.repo}")
    if queued is Enqueued.DUPLICATE:
        return _json(200, status="duplicate", job_id=plan.job_id), f"duplicate of {plan.job_id}"
    return _json(202, status="queued", job_id=plan.job_id), f"queued {plan.job_id}"
