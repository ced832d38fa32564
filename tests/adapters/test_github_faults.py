"""GitHub's faults as a plan meets them (issue 11), on the loopback GitHub: a lost answer,
a refusal that would be refused again, a file too large to read."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from bench.github_budget import REPO, label_request, settings_for, world
from bot.adapters.github_app import PyGitHubApp
from bot.markers import STATUS_MARKER
from bot.ports import GitHubError
from bot.run.failures import describe
from bot.run.wiring import run_for, state_in
from tests.loopback_github import LoopbackGitHub, private_key_pem

CREATE_COMMENT = "POST /repos/{owner}/{repo}/issues/{issue_number}/comments"


@pytest.fixture
def gh() -> Iterator[LoopbackGitHub]:
    with world() as server:
        yield server


@pytest.fixture
def app(gh: LoopbackGitHub) -> Iterator[PyGitHubApp]:
    # polite: as in production (PyGithub's retries on), so a re-sent POST would show.
    with PyGitHubApp("42", private_key_pem(), gh.url) as made:
        yield made


def plan(gh: LoopbackGitHub, app: PyGitHubApp, tmp_path: Path, conn: redis.Redis,
         delivery: str = "d-1", fresh: bool = True) -> str:
    run = run_for(settings_for(gh, tmp_path), label_request(gh, delivery), state_in(conn),
                  app=app, fresh=fresh)
    return run.handle()


def status_comments(gh: LoopbackGitHub) -> list[str]:
    return [c["body"] for c in gh.comments(REPO, 7) if c["body"].startswith(STATUS_MARKER)]


def test_a_lost_answer_to_creating_the_status_comment_leaves_one_status_comment(
        gh: LoopbackGitHub, app: PyGitHubApp, tmp_path: Path,
        redis_conn: redis.Redis) -> None:
    gh.fail_next(CREATE_COMMENT, 502, after=True)  # GitHub makes it; the answer is lost
    with pytest.raises(GitHubError):
        plan(gh, app, tmp_path, redis_conn)
    assert len(gh.calls(CREATE_COMMENT)) == 1  # never sent twice
    (failed,) = status_comments(gh)  # the lost one, found and told the failure
    assert "the run failed" in failed
    # RQ runs the job again: it publishes into the same comment.
    assert plan(gh, app, tmp_path, redis_conn, fresh=False).startswith("label:")
    (published,) = status_comments(gh)
    assert "plan published" in published


def test_the_confused_reaction_of_a_failed_attempt_goes_when_a_later_attempt_publishes(
        gh: LoopbackGitHub, app: PyGitHubApp, tmp_path: Path,
        redis_conn: redis.Redis) -> None:
    gh.fail_next("POST /repos/{owner}/{repo}/git/commits", 500)
    with pytest.raises(GitHubError):
        plan(gh, app, tmp_path, redis_conn)
    assert (("issue", 7), "confused") in gh.reactions(REPO)
    plan(gh, app, tmp_path, redis_conn, fresh=False)
    reactions = gh.reactions(REPO)
    assert (("issue", 7), "rocket") in reactions
    assert (("issue", 7), "confused") not in reactions


def test_a_422_is_not_retried_and_says_what_github_refused(
        gh: LoopbackGitHub, app: PyGitHubApp, tmp_path: Path,
        redis_conn: redis.Redis) -> None:
    gh.fail_next("POST /repos/{owner}/{repo}/git/refs", 422, message="Reference is invalid",
                 errors=[{"resource": "Reference", "field": "ref", "code": "invalid"}])
    with pytest.raises(GitHubError) as raised:
        plan(gh, app, tmp_path, redis_conn)
    failure = describe(raised.value)
    assert failure.retry is False
    # What GitHub refused, quoted on the issue: the call and GitHub's errors.
    assert "commit_files" in failure.detail
    assert "Reference is invalid (ref: invalid)" in failure.detail
    assert len(gh.calls("POST /repos/{owner}/{repo}/git/refs")) == 1
    (told,) = status_comments(gh)
    assert "would be refused again" in told and "Reference is invalid (ref: invalid)" in told


def test_a_config_file_too_large_to_read_is_called_too_large_not_a_permission_problem(
        gh: LoopbackGitHub, app: PyGitHubApp, tmp_path: Path,
        redis_conn: redis.Redis) -> None:
    gh.fail_next("GET /repos/{owner}/{repo}/contents/{path}", 403,
                 message="This API returns blobs up to 1 MB in size. The requested blob is "
                         "too large to fetch via the API",
                 errors=[{"resource": "Blob", "field": "data", "code": "too_large"}])
    with pytest.raises(GitHubError) as raised:
        plan(gh, app, tmp_path, redis_conn)
    failure = describe(raised.value)
    assert failure.retry is False
    assert "`.github/planbot.yml` is too large" in failure.detail
    (told,) = status_comments(gh)
    assert "too large" in told and "permissions" not in told
