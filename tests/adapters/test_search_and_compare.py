"""The two requests issue 20 added, on the loopback GitHub (answers checked against GitHub's
description too): one issue search within the search limit, one commit comparison."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis

from bot.adapters.github_app import PyGitHubApp
from bot.domain import FoundIssue
from bot.ports import GitHub, SearchUnavailable
from bot.state.github_budget import SEARCHES_PER_MINUTE, InstallationBudget
from tests.loopback_github import LoopbackGitHub

REPO = "octo/widgets"
SEARCH = "GET /search/issues"
COMPARE = "GET /repos/{owner}/{repo}/compare/{basehead}"


@pytest.fixture
def gh() -> Iterator[LoopbackGitHub]:
    with LoopbackGitHub() as server:
        server.add_repo(REPO, {"src/save.py": "def save(): ...\n", "README.md": "hi\n"})
        server.add_issue(REPO, 1, "Saving crashes on a full disk", "OSError on save")
        server.add_issue(REPO, 2, "Loading is slow", "takes minutes")
        server.add_issue(REPO, 3, "Crash when saving twice", "the second save crashes")
        server.close(REPO, 3)
        yield server
        assert server.errors == []


def client(app: PyGitHubApp, conn: redis.Redis | None = None) -> GitHub:
    return app.client(1, REPO, budget=InstallationBudget(conn, 1) if conn else None)


def test_an_issue_search_finds_issues_and_pull_requests_with_their_state(
        loopback_app: PyGitHubApp, gh: LoopbackGitHub) -> None:
    gh.push(REPO, "fix-save", {"src/save.py": "def save(): return 1\n"})
    fix = gh.add_pull(REPO, "fix-save", title="Fix the crash on save", draft=False)
    gh.close(REPO, fix, merged=True)
    found = client(loopback_app).search_issues(f"repo:{REPO} crash OR save", 10)
    assert {f.number: (f.state, f.pull_request, f.merged) for f in found} == {
        1: ("open", False, False), 3: ("closed", False, False), fix: ("closed", True, True)}
    assert found[0].number == fix  # both words in its title: GitHub's best match
    assert found[1] == FoundIssue(3, "Crash when saving twice", "closed",
                                  f"{gh.world.root}/{REPO}/issues/3", "the second save crashes")
    (call,) = gh.calls(SEARCH)
    assert call.query == {"q": f"repo:{REPO} crash OR save", "per_page": "10"}


def test_a_search_past_githubs_limit_is_unavailable_and_blocks_only_searches(
        loopback_app: PyGitHubApp, gh: LoopbackGitHub, redis_conn: redis.Redis) -> None:
    gh.world.search_limit = (1, 60.0)
    repo = client(loopback_app, redis_conn)
    repo.search_issues(f"repo:{REPO} crash", 5)  # the minute's one search
    with pytest.raises(SearchUnavailable):
        repo.search_issues(f"repo:{REPO} crash", 5)  # GitHub said 0 remaining: not sent
    assert len(gh.calls(SEARCH)) == 1
    budget = InstallationBudget(redis_conn, 1)
    assert budget.connection is not None and budget.connection.exists(budget.search_block_key)
    assert not budget.connection.exists(budget.block_key)  # other requests go on
    assert repo.issue(1).number == 1


def test_githubs_search_refusal_is_unavailable_not_a_retry_or_an_installation_block(
        loopback_app: PyGitHubApp, gh: LoopbackGitHub, redis_conn: redis.Redis) -> None:
    gh.fail_next(SEARCH, 403, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "9999999999",
                               "X-RateLimit-Resource": "search"}, "API rate limit exceeded")
    with pytest.raises(SearchUnavailable):
        client(loopback_app, redis_conn).search_issues(f"repo:{REPO} crash", 5)
    assert len(gh.calls(SEARCH)) == 1
    assert not redis_conn.exists(InstallationBudget(redis_conn, 1).block_key)


def test_the_installation_budget_paces_searches_across_workers(
        redis_conn: redis.Redis) -> None:
    first, second = InstallationBudget(redis_conn, 1), InstallationBudget(redis_conn, 1)
    taken = [(first if n % 2 else second).before_search() for n in range(SEARCHES_PER_MINUTE)]
    assert all(taken)
    assert first.before_search() is False and second.before_search() is False
    assert InstallationBudget(redis_conn, 2).before_search() is True  # its own minute


def test_a_search_does_not_count_against_the_core_limit_planbot_watches(
        loopback_app: PyGitHubApp, gh: LoopbackGitHub, redis_conn: redis.Redis) -> None:
    gh.world.search_limit = (3, 60.0)
    repo = client(loopback_app, redis_conn)
    repo.issue(1)  # a core answer: no X-RateLimit headers from the loopback
    for _ in range(3):
        repo.search_issues(f"repo:{REPO} crash", 5)  # search's remaining: 2, 1, 0
    repo.issue(2)
    assert not redis_conn.exists(InstallationBudget(redis_conn, 1).block_key)


def test_a_comparison_names_the_files_changed_since_a_commit_and_the_head(
        loopback_app: PyGitHubApp, gh: LoopbackGitHub) -> None:
    base = gh.branch_sha(REPO, "main")
    assert base is not None
    gh.push(REPO, "main", {"src/save.py": "def save(): return 2\n"})
    head = gh.push(REPO, "main", {"docs/new.md": "new\n"})
    compared = client(loopback_app).compare(base, "main")
    assert (compared.base, compared.head, compared.commits) == (base, head, 2)
    assert compared.files == ("docs/new.md", "src/save.py")
    assert compared.url.endswith(f"compare/octo:{base}...octo:{head}")
    assert client(loopback_app).compare(head, "main").files == ()
    assert len(gh.calls(COMPARE)) == 2
