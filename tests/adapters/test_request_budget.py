"""What a plan costs in GitHub requests, counted on the loopback GitHub (issue 10).

The exact counts are asserted: a change that adds a request to a plan fails here and
must say why it is worth GitHub's budget (then update the figure and bench/README.md).
Before issue 10 the same scenarios cost 26/10 writes (4 repeated GETs), 17, 9 and 14/4;
before issue 20 (one search per stage-1 run, one comparison for the drift notice) 13/7,
10/6, 4 and 5/2.
Each job runs as the worker runs it moments after its delivery (see PlanRun's `fresh`),
with the model planner a user with an API key runs (the loopback Messages API): a model
run once wrote a "working" status the offline planner's did not, which the scenario missed.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bench.github_budget import Spend, scenarios
from bot.adapters.github_app import PyGitHubApp
from bot.ports import GitHubApp
from bot.settings import Settings
from bot.state.connection import connect
from tests.loopback_github import LoopbackGitHub, private_key_pem


@pytest.fixture(scope="module")
def spent(tmp_path_factory: pytest.TempPathFactory, redis_url: str,
          ) -> Iterator[dict[str, Spend]]:
    apps: list[PyGitHubApp] = []

    def app(gh: LoopbackGitHub) -> GitHubApp:
        apps.append(PyGitHubApp("42", private_key_pem(), gh.url, polite=False))
        return apps[-1]

    connection = connect(Settings(redis_url=redis_url))
    connection.flushdb()
    yield scenarios(tmp_path_factory.mktemp("budget"), connection, app)
    for made in apps:
        made.close()
    connection.close()


def test_a_label_plans_a_fresh_issue_in_branch_mode_in_14_requests_7_writes_no_repeated_get(
        spent: dict[str, Spend]) -> None:
    plan = spent["label → branch plan"]
    assert (plan.requests, plan.writes, plan.repeated_gets) == (14, 7, 0), plan.operations
    assert plan.operations.count("GET /search/issues") == 1  # related issues (issue 20)


def test_plan_in_comment_mode_costs_11_requests_6_writes(spent: dict[str, Spend]) -> None:
    plan = spent["/plan → comment plan"]
    assert (plan.requests, plan.writes) == (11, 6), plan.operations


def test_plan_status_costs_5_requests(spent: dict[str, Spend]) -> None:
    status = spent["/plan status"]
    assert (status.requests, status.writes) == (5, 1), status.operations
    assert "GET /repos/{owner}/{repo}/compare/{basehead}" in status.operations  # drift


def test_a_second_plan_with_nothing_stale_costs_6_requests_2_writes(
        spent: dict[str, Spend]) -> None:
    again = spent["second /plan, nothing stale"]
    assert (again.requests, again.writes) == (6, 2), again.operations


def test_plan_handoff_costs_5_requests_1_write(spent: dict[str, Spend]) -> None:
    handoff = spent["/plan handoff"]
    assert (handoff.requests, handoff.writes) == (5, 1), handoff.operations
