"""`python -m bot check`: every setting and dependency, one line each with what to fix."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import redis

from bot.intake.queue import JobQueue
from bot.ports import GitHubApp, GitHubError
from bot.settings import Settings, problems
from bot.state.connection import connect, redis_url_for
from bot.state.monthly_spend import MonthlySpend, month_of

OK, FAIL, SKIP = "ok", "FAIL", "skip"


@dataclass(frozen=True)
class Check:
    status: str
    name: str
    detail: str

    def line(self) -> str:
        return f"{self.status:<4}  {self.name:<14} {self.detail}"


def _settings(settings: Settings) -> Iterator[Check]:
    found = problems(settings)
    for problem in found:
        yield Check(FAIL, problem.split("=", 1)[0].split(" ", 1)[0], problem)
    if not found:
        mode = f"GitHub App {settings.app_id}" if settings.app_id else \
            f"dry run (no APP_ID): plans are written under {settings.out_dir}/"
        yield Check(OK, "settings", f"{mode}; planner: " + (
            "offline" if settings.offline_planner else f"anthropic, model {settings.model}"))
    if settings.webhook_secret:
        yield Check(OK, "WEBHOOK_SECRET", "set")
    elif settings.app_id:
        yield Check(FAIL, "WEBHOOK_SECRET", "not set: the web tier refuses to start; use the "
                    "App's webhook secret")
    else:
        yield Check(SKIP, "WEBHOOK_SECRET", "not set: the web tier serves only /setup")


def _github(settings: Settings, app: Callable[[], GitHubApp]) -> Check:
    if settings.dry_run:
        return Check(SKIP, "GitHub", "no APP_ID: nothing to reach (register the App at /setup)")
    if problems(settings):
        return Check(SKIP, "GitHub", "fix the settings above first")
    try:
        me = app().identity()
    except GitHubError as exc:
        hint = ("APP_ID and PRIVATE_KEY do not belong together, or the key was revoked"
                if exc.status == 401 else
                f"check GITHUB_API_URL={settings.github_api_url} (GitHub Enterprise Server: "
                "https://HOST/api/v3) and the network")
        return Check(FAIL, "GitHub", f"{exc}: {hint}")
    where = f"{me.name} ({me.slug}) at {settings.github_api_url}"
    if not me.installations:
        return Check(FAIL, "GitHub", f"{where} is installed nowhere: install it from "
                     f"{settings.github_url}/apps/{me.slug}/installations/new")
    return Check(OK, "GitHub", f"{where}, JWT accepted, {me.installations} installation(s)")


def _redis(settings: Settings) -> tuple[Check, redis.Redis | None]:
    where = f"REDIS_URL={settings.redis_url}" if settings.redis_url else \
        f"embedded Redis under {settings.state_dir}/"
    try:
        connection = connect(settings)
        connection.ping()
    except (redis.RedisError, OSError) as exc:
        fix = "start Redis or fix REDIS_URL" if settings.redis_url else \
            f"check that {settings.state_dir}/ is writable"
        return Check(FAIL, "Redis", f"{where} does not answer ({exc}): {fix}"), None
    return Check(OK, "Redis", f"{where} answers ({redis_url_for(settings)})"), connection


def _workers(connection: redis.Redis | None) -> Check:
    if connection is None:
        return Check(SKIP, "workers", "Redis is down")
    count = JobQueue(connection).live_workers()
    if not count:
        return Check(FAIL, "workers", "no live worker on queue `planbot`: start "
                     "`python -m workers`")
    return Check(OK, "workers", f"{count} live worker(s) on queue `planbot`")


def _spend(settings: Settings, connection: redis.Redis | None) -> Check:
    cap = settings.monthly_cap
    rule = (f"cap ${cap:,.2f} per installation (PLANBOT_MONTHLY_USD)" if cap is not None
            else "no cap (PLANBOT_MONTHLY_USD unset)")
    if connection is None:
        return Check(SKIP, "spend", f"Redis is down: this month's spend is unknown; {rule}")
    months = MonthlySpend(connection).installations()
    month = month_of()
    if not months:
        return Check(OK, "spend", f"{month} (UTC): no model spend yet; {rule}")
    spent = ", ".join(f"installation {i} ${m.usd:,.2f} ({m.runs} model run"
                      f"{'' if m.runs == 1 else 's'})" for i, m in sorted(months.items()))
    capped = [i for i, m in months.items() if cap is not None and m.usd >= cap]
    over = (f"; at the cap, planning offline until the 1st: installation "
            f"{', '.join(map(str, sorted(capped)))}" if capped else "")
    return Check(OK, "spend", f"{month} (UTC): {spent}; {rule}{over}")


def _model(settings: Settings, try_model: bool) -> Check:
    if settings.offline_planner:
        return Check(SKIP, "model", "no ANTHROPIC_API_KEY: the offline planner writes plans")
    if not try_model:
        return Check(OK, "model", f"ANTHROPIC_API_KEY set, model {settings.model} "
                     "(--model asks the API about it)")
    from bot.planners.anthropic import model_problem  # only this check loads the SDK

    problem = model_problem(settings.anthropic_api_key, settings.model,
                            settings.anthropic_base_url or None)
    if problem:
        return Check(FAIL, "model", problem)
    return Check(OK, "model", f"{settings.model} answers with this ANTHROPIC_API_KEY")


def checks(settings: Settings, app: Callable[[], GitHubApp], try_model: bool = False
           ) -> list[Check]:
    found = [*_settings(settings), _github(settings, app)]
    redis_check, connection = _redis(settings)
    found += [redis_check, _workers(connection), _model(settings, try_model),
              _spend(settings, connection)]
    if connection is not None:
        connection.close()
    return found
