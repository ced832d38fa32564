"""Issue 20's features end to end on the loopback GitHub, through the worker's own wiring
(bot.run.wiring.run_for, PyGithub, the installation's budget in a real Redis): related
issues from one search, the spent search limit and a plan that goes on without it, and the
drift notice after a push to a cited file, from the loopback's compare endpoint."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from bench.github_budget import NUMBER, REPO, comment_request, label_request, settings_for, world
from bot.adapters.github_app import PyGitHubApp
from bot.run.wiring import run_for, state_in
from tests.loopback_github import LoopbackGitHub

SEARCH = "GET /search/issues"
COMPARE = "GET /repos/{owner}/{repo}/compare/{basehead}"
BRANCH = f"planbot/issue-{NUMBER}"
PLAN_DIR = f".plans/issue-{NUMBER}"


@pytest.fixture
def gh() -> Iterator[LoopbackGitHub]:
    with world() as server:
        server.add_issue(REPO, 3, "Saving a widget crashes when the disk is full",
                         "save() raises AttributeError")
        server.add_issue(REPO, 4, "Saving a widget crashes", "Saving a widget crashes.\n\n"
                         "AttributeError: 'NoneType' object has no attribute 'dump'")
        server.close(REPO, 3)
        yield server
        assert server.errors == []


def plan(gh: LoopbackGitHub, app: PyGitHubApp, tmp_path: Path, conn: redis.Redis,
         command: str | None = None, delivery: str = "d-label") -> str:
    request = label_request(gh, delivery) if command is None else comment_request(
        gh, delivery, command)
    return run_for(settings_for(gh, tmp_path), request, state_in(conn), app=app,
                   fresh=True).handle()


def document(gh: LoopbackGitHub, name: str) -> str:
    return gh.files(REPO, BRANCH)[f"{PLAN_DIR}/{name}"]


def test_stage_one_lists_the_issues_one_search_found_and_flags_an_open_twin(
        gh: LoopbackGitHub, loopback_app: PyGitHubApp, tmp_path: Path,
        redis_conn: redis.Redis) -> None:
    plan(gh, loopback_app, tmp_path, redis_conn)
    (search,) = gh.calls(SEARCH)
    assert search.query["q"].startswith(f"repo:{REPO} ")
    problem = document(gh, "problem-definition.md")
    related = problem[problem.index("## Related Issues"):]
    assert f"**Possible duplicate of [#4]({gh.world.root}/{REPO}/issues/4)?**" in related
    assert f"[#3]({gh.world.root}/{REPO}/issues/3) “Saving a widget crashes when the disk is " \
           "full” (closed issue)" in related
    assert f"/issues/{NUMBER})" not in related  # not the issue itself


def test_a_spent_search_limit_leaves_a_note_and_the_plan_is_published(
        gh: LoopbackGitHub, loopback_app: PyGitHubApp, tmp_path: Path,
        redis_conn: redis.Redis) -> None:
    gh.world.search_limit = (0, 60.0)  # GitHub answers 403, search limit exceeded
    assert plan(gh, loopback_app, tmp_path, redis_conn).startswith("label: ran problem, hypotheses")
    assert "_Not searched: GitHub's search limit for this installation is spent" in document(
        gh, "problem-definition.md")
    assert len(gh.calls(SEARCH)) == 1
    # The next stage-1 run within the minute does not even ask.
    plan(gh, loopback_app, tmp_path, redis_conn, "problem", "d-problem")
    assert len(gh.calls(SEARCH)) == 1


def test_plan_status_names_a_cited_file_pushed_since_the_plan_from_one_comparison(
        gh: LoopbackGitHub, loopback_app: PyGitHubApp, tmp_path: Path,
        redis_conn: redis.Redis) -> None:
    plan(gh, loopback_app, tmp_path, redis_conn)
    planned_at = gh.branch_sha(REPO, "main")
    assert planned_at is not None
    assert f"commit={planned_at}" in document(gh, "hypotheses.md")
    plan(gh, loopback_app, tmp_path, redis_conn, "status", "d-status-before")
    assert "Code changed" not in gh.comments(REPO, NUMBER)[-1]["body"]
    pushed = gh.push(REPO, "main", {"widgets/save.py": "def save(widget, path):\n"
                                    "    if widget is None:\n        return\n"})
    plan(gh, loopback_app, tmp_path, redis_conn, "status", "d-status-after")
    reply = gh.comments(REPO, NUMBER)[-1]["body"]
    assert "**Code changed since the plan:** `widgets/save.py`" in reply
    assert f"`{planned_at[:7]}..{pushed[:7]}`" in reply and "1 commit)" in reply
    assert len(gh.calls(COMPARE)) == 2
