"""One log format for the web tier and the worker: timestamped text, or JSON for shippers."""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import logging.config
import sys
import time
from collections.abc import Iterator
from typing import Any

from bot.intake.request import delivery_of

# This module is imported by gunicorn.conf.py, in the web tier's master process: it must not
# import redis (and with it ssl) there, or each gevent worker patches ssl after the import,
# which gevent documents as unsupported (and says so in two unformatted lines per worker).

# The delivery a worker is running; every log line of a job carries it.
_DELIVERY: contextvars.ContextVar[str] = contextvars.ContextVar("delivery", default="")
TEXT = "%(asctime)s %(levelname)s %(name)s%(delivery_part)s: %(message)s"
CONTINUATION = "    "  # what starts a record's second and later lines in text format
# RQ's worker logs the whole traceback of every failed job; planbot logs what failed and
# what to do once (a traceback only for unexpected errors), so RQ's copy keeps its last line.
_RQ_FAILURE = "Worker %s: job %s: exception raised while executing"


@contextlib.contextmanager
def delivery(delivery_id: str) -> Iterator[None]:
    token = _DELIVERY.set(delivery_id)
    try:
        yield
    finally:
        _DELIVERY.reset(token)


def _delivery_named_by_rq(record: logging.LogRecord) -> str:
    """RQ's worker names the job in its lines, and logs the one that takes a job before the
    job runs: the job id names the delivery (bot.intake.request.job_id)."""
    if not record.name.startswith("rq.") or not isinstance(record.args, tuple):
        return ""
    return next(filter(None, (delivery_of(a) for a in record.args if isinstance(a, str))), "")


class Context(logging.Filter):
    """Adds the current delivery id to every record, and shortens RQ's failure tracebacks."""

    def filter(self, record: logging.LogRecord) -> bool:
        # The job's (a worker), the one a record names itself (the web tier's line per
        # delivery, `extra={"delivery": ...}`), or the one RQ's job id names.
        current = (_DELIVERY.get() or record.__dict__.get("delivery", "")
                   or _delivery_named_by_rq(record))
        record.delivery = current
        record.delivery_part = f" delivery={current}" if current else ""
        if isinstance(record.msg, str) and record.msg.startswith(_RQ_FAILURE) and \
                isinstance(record.args, tuple) and record.args:
            *head, trace = record.args
            last = str(trace).strip().splitlines()[-1:] or [""]
            record.args = (*head, last[0])
        _outage_in_one_line(record)
        return True


def _outage_in_one_line(record: logging.LogRecord) -> None:
    """RQ's scheduler and worker log a traceback for each try while Redis is away; the
    outage is one line per try ("Redis: Error 111 …"), the code path adds nothing."""
    error = record.exc_info[1] if record.exc_info else None
    # No Redis error can exist before redis is imported (see the note at the top).
    redis = sys.modules.get("redis")
    if record.name.startswith("rq.") and redis is not None and isinstance(error, redis.RedisError):
        record.msg = f"{record.getMessage()} (Redis: {error})"
        record.args, record.exc_info, record.exc_text = (), None, None


class UtcFormatter(logging.Formatter):
    """ISO 8601 timestamps in UTC, with milliseconds: the same in every process and host.

    A record's further lines (a traceback, a multi-line message) are indented under its
    stamped first line, so every line of the log either starts a record or belongs to the
    one above it.
    """

    def format(self, record: logging.LogRecord) -> str:
        return super().format(record).replace("\n", "\n" + CONTINUATION)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        stamp = time.strftime(datefmt or "%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        return f"{stamp}.{int(record.msecs):03d}Z"


class JsonFormatter(UtcFormatter):
    """One JSON object per line. The standard library's json is all this needs: no extra
    dependency for a dozen lines."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if getattr(record, "delivery", ""):
            entry["delivery"] = record.__dict__["delivery"]
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def config(level: str = "INFO", fmt: str = "text") -> dict[str, Any]:
    """A logging.config.dictConfig for planbot, RQ and gunicorn alike (UTC timestamps)."""
    formatter: dict[str, Any] = {"()": JsonFormatter} if fmt == "json" else \
        {"()": UtcFormatter, "format": TEXT}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": Context}},
        "formatters": {"planbot": formatter},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "planbot",
                                "filters": ["context"], "stream": "ext://sys.stderr"}},
        "root": {"level": level, "handlers": ["stderr"]},
        # Their own handlers would print every line twice, in another format.
        "loggers": {name: {"handlers": [], "propagate": True}
                    for name in ("rq.worker", "rq.scheduler", "gunicorn.error")}
        # No access log: the web tier writes one line per delivery with its id, event and
        # outcome (app.py). gunicorn writes access lines whenever a logging config is given.
        | {"gunicorn.access": {"handlers": [], "propagate": False}}
        # bm25s reports each index it builds ("Building index from IDs"): not news.
        | {"bm25s": {"level": "WARNING"}},
    }


def configure(level: str = "INFO", fmt: str = "text") -> None:
    logging.config.dictConfig(config(level, fmt))
    # A library's warning is a record in the same format, not a bare line on stderr.
    logging.captureWarnings(True)
