"""The monthly spend cap (issue 20): PLANBOT_MONTHLY_USD and `budget.monthly_usd` (lower
only); a run that would cross it plans offline, and the status comment says so."""

from __future__ import annotations

from dataclasses import replace

import pytest
import redis

from bot.config import RepoConfig, parse
from bot.domain import HypothesesDraft, PlanInput, TasksDraft, Usage
from bot.intake.request import PlanRequest
from bot.planners.offline import OfflinePlanner
from bot.run.plan_run import PlanRun
from bot.run.spend import FROM_CONFIG, FROM_SETTINGS, monthly_cap, would_cross
from bot.run.wiring import state_in
from bot.state.monthly_spend import Month, MonthlySpend
from tests.fakes import FakeGitHub, FakePlanner
from tests.helpers import LABELED, comment, helpers, repo


class PricedPlanner(FakePlanner):
    """A model planner whose drafts cost `cost` each (what the Anthropic planner records)."""

    cost: float = 0.5

    def hypotheses(self, plan: PlanInput) -> HypothesesDraft:
        return replace(super().hypotheses(plan), usage=Usage(1000, 100, cost_usd=self.cost))

    def tasks(self, plan: PlanInput) -> TasksDraft:
        return replace(super().tasks(plan), usage=Usage(800, 80, cost_usd=self.cost))


def plan(gh: FakeGitHub, conn: redis.Redis, planner: FakePlanner, cap: float | None,
         request: PlanRequest = LABELED) -> str:
    collaborators = replace(helpers(gh, planner), monthly_cap=cap)
    return PlanRun(request, gh, collaborators, state_in(conn), installation=7).handle()


def test_a_model_run_counts_its_estimated_spend_for_the_installation(
        redis_conn: redis.Redis) -> None:
    plan(repo(), redis_conn, PricedPlanner(), cap=None)
    month = MonthlySpend(redis_conn).month(7)
    assert (month.usd, month.runs) == (1.0, 1)  # two drafts of $0.50, one run


def test_the_cap_reached_plans_offline_and_the_status_comment_says_spend_and_cap(
        redis_conn: redis.Redis) -> None:
    MonthlySpend(redis_conn).add(7, 49.9, new_run=True)  # one run of $49.90 this month
    gh, model = repo(), PricedPlanner()
    assert plan(gh, redis_conn, model, cap=50.0).startswith("label: ran problem")
    assert model.seen == []  # no model call
    tasks = gh.branches["planbot/issue-1"][".plans/issue-1/tasks.md"]
    assert "generator=offline" in tasks
    status = gh.bot_comments(1)[0].body
    assert "Made without a model" in status
    assert "$49.90" in status and "$50.00" in status and "`PLANBOT_MONTHLY_USD`" in status
    assert MonthlySpend(redis_conn).month(7).usd == 49.9  # the offline plan cost nothing


def test_under_the_cap_the_model_plans_and_nothing_is_said(redis_conn: redis.Redis) -> None:
    MonthlySpend(redis_conn).add(7, 10.0, new_run=True)
    gh, model = repo(), PricedPlanner()
    plan(gh, redis_conn, model, cap=50.0)
    assert [stage for stage, _ in model.seen] == ["hypotheses", "tasks"]
    assert "Made without a model" not in gh.bot_comments(1)[0].body


def test_a_repositorys_lower_budget_caps_it_and_is_named_as_the_cap(
        redis_conn: redis.Redis) -> None:
    MonthlySpend(redis_conn).add(7, 6.0, new_run=True)
    gh = repo({".github/planbot.yml": "budget:\n  monthly_usd: 5\n"})
    plan(gh, redis_conn, PricedPlanner(), cap=50.0, request=comment(("plan", "")))
    assert "`budget.monthly_usd` in `.github/planbot.yml`" in gh.bot_comments(1)[0].body


@pytest.mark.parametrize(("installation", "config", "expected"), [
    (None, "", (None, FROM_SETTINGS)),
    (50.0, "", (50.0, FROM_SETTINGS)),
    (50.0, "budget:\n  monthly_usd: 80\n", (50.0, FROM_SETTINGS)),  # lower only
    (50.0, "budget:\n  monthly_usd: 20\n", (20.0, FROM_CONFIG)),
    (None, "budget:\n  monthly_usd: 20\n", (20.0, FROM_CONFIG)),
])
def test_a_repository_may_lower_the_installations_cap_never_raise_it(
        installation: float | None, config: str, expected: tuple[float | None, str]) -> None:
    assert monthly_cap(installation, parse(config) if config else RepoConfig()) == expected


def test_a_run_that_would_cross_the_cap_at_this_months_cost_per_run_is_stopped() -> None:
    assert not would_cross(Month("2026-12"), 1.0)  # the month's first run
    assert not would_cross(Month("2026-12", 3.0, 3), 5.0)  # $1 a run: $4 after this one
    assert would_cross(Month("2026-12", 4.5, 3), 5.0)  # $1.50 a run: $6 would cross $5
    assert would_cross(Month("2026-12", 5.0, 0), 5.0)  # reached


def test_the_offline_planner_is_never_capped_or_counted(redis_conn: redis.Redis) -> None:
    MonthlySpend(redis_conn).add(7, 100.0, new_run=True)
    gh = repo()
    collaborators = replace(helpers(gh, FakePlanner()), monthly_cap=1.0,
                            make_planner=lambda config: OfflinePlanner())
    PlanRun(LABELED, gh, collaborators, state_in(redis_conn), installation=7).handle()
    assert "Made without a model" not in gh.bot_comments(1)[0].body
    month = MonthlySpend(redis_conn).month(7)
    assert (month.usd, month.runs) == (100.0, 1)



def test_two_capped_commands_in_one_comment_say_the_cap_once(redis_conn: redis.Redis) -> None:
    MonthlySpend(redis_conn).add(7, 49.9, new_run=True)
    gh = repo()
    plan(gh, redis_conn, PricedPlanner(), cap=50.0,
         request=comment(("problem", ""), ("hypotheses", ""), ("tasks", "")))
    status = gh.bot_comments(1)[0].body
    assert status.count("Made without a model") == 1
