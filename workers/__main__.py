"""`python -m workers [--burst]`: an RQ worker on queue `planbot`, scheduler on."""

from __future__ import annotations

import argparse
import logging

from rq import Queue, SimpleWorker

from bot import settings as bot_settings
from bot.intake.connection import connect
from bot.intake.queue import QUEUE_NAME


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workers", description=__doc__)
    parser.add_argument("--burst", action="store_true", help="drain the queue, then exit")
    args = parser.parse_args(argv)
    settings = bot_settings.from_env()
    logging.basicConfig(level=settings.log_level,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    connection = connect(settings)
    # SimpleWorker runs jobs in this process instead of a fork per job, so the App
    # client cached in bot.run.wiring keeps its installation tokens between jobs (a
    # forked child would mint a new token for every delivery). Job timeouts still
    # apply: RQ enforces them with SIGALRM in the main thread.
    worker = SimpleWorker([Queue(QUEUE_NAME, connection=connection)], connection=connection)
    # The scheduler runs RQ's delayed retries (Retry intervals) inside this worker.
    worker.work(burst=args.burst, with_scheduler=True, logging_level=settings.log_level)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
