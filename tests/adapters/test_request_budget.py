"""What a plan costs in GitHub requests, counted on the loopback GitHub (issue 10).

The exact counts are asserted: a change that adds a request to a plan fails here and
must say why it is worth GitHub's budget (then update the figure and bench/README.md).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bench.github_budget import Spend, scenarios
from bot.adapters.github import PyGitHubApp
from bot.ports import GitHubApp
from tests.loopback_github import LoopbackGitHub, private_key_pem


@pytest.fixture(scope="module")
def spent(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Spend]]:
    apps: list[PyGitHubApp] = []

    def app(gh: LoopbackGitHub) -> GitHubApp:
        apps.append(PyGitHubApp("42", private_key_pem(), gh.url, polite=False))
        return apps[-1]

    yield scenarios(tmp_path_factory.mktemp("budget"), app)
    for made in apps:
        made.close()


def test_a_branch_mode_plan_on_a_fresh_issue_costs_26_requests_10_writes(
        spent: dict[str, Spend]) -> None:
    plan = spent["branch plan"]
    assert (plan.requests, plan.writes, plan.repeated_gets) == (26, 10, 4), plan.operations


def test_a_comment_mode_plan_costs_17_requests(spent: dict[str, Spend]) -> None:
    plan = spent["comment plan"]
    assert (plan.requests, plan.writes) == (17, 9), plan.operations


def test_plan_status_costs_9_requests(spent: dict[str, Spend]) -> None:
    status = spent["/plan status"]
    assert (status.requests, status.writes) == (9, 1), status.operations


def test_a_second_plan_with_nothing_stale_costs_14_requests_4_writes(
        spent: dict[str, Spend]) -> None:
    again = spent["second /plan"]
    assert (again.requests, again.writes) == (14, 4), again.operations

