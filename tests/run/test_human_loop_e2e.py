"""Issue #4's loop inside "GitHub": label, read the plan, edit it, `/plan`, review, merge.

Every step is a recorded delivery (tests/payloads), changed visibly here, signed and
posted to the web tier, then worked off by a real `python -m workers --burst` against
the loopback GitHub, which checks each request against GitHub's OpenAPI description.
PyGithub paces writes as in production (about 1 s each), so each test walks one
scenario through several steps rather than planning from scratch for each check.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import redis
from rq import Queue

from bot.documents.provenance import State, body_of, digest, provenance
from bot.intake.queue import QUEUE_NAME
from bot.markers import PLANNED_LABEL, STAGE_MARKER, STATUS_MARKER, plan_pr_marker
from tests.deliveries import Deliver, load_payload
from tests.e2e import DEFAULT_BRANCH, REPO, WEB, burst, labeled_plan, status_of, worker_env
from tests.loopback_github import LoopbackGitHub

BRANCH = "planbot/issue-1"
PLAN_DIR = ".plans/issue-1"
NAMES = {"problem": "problem-definition.md", "hypotheses": "hypotheses.md",
         "tasks": "tasks.md"}
PROBLEM, HYPOTHESES, TASKS = (f"{PLAN_DIR}/{name}" for name in NAMES.values())
TITLE = load_payload("issues.labeled")["issue"]["title"]
# What a maintainer adds to planbot's problem definition before asking for the rest.
NO_CRITERIA = "## Acceptance Criteria\n\n_Not given in the issue._"
CRITERION = "README.md spells commit with one t"
WITH_CRITERIA = f"## Acceptance Criteria\n\n- [ ] {CRITERION}"


class Steps:
    """One delivery at a time: posted to the web tier, then drained by a burst worker."""

    def __init__(self, deliver: Deliver, conn: redis.Redis, env: dict[str, str]) -> None:
        self.deliver, self.conn, self.env = deliver, conn, env

    def __call__(self, event: str, payload: dict[str, Any]) -> str:
        response = self.deliver(event, payload)
        assert response.status_code == 202, response.get_json()
        burst(self.env)
        return status_of(self.conn, response)



@pytest.fixture
def step(deliver: Deliver, redis_conn: redis.Redis, redis_url: str, tmp_path: Path,
         github: LoopbackGitHub) -> Steps:
    return Steps(deliver, redis_conn, worker_env(redis_url, tmp_path, github))


def comment_by(github: LoopbackGitHub, body: str, association: str = "OWNER",
               login: str = "Codertocat") -> dict[str, Any]:
    """issue_comment.created for a comment a person just wrote on issue 1."""
    payload = load_payload("issue_comment.created.with-installation")
    # The comment exists on the loopback too, so planbot's reactions have a target.
    payload["comment"]["id"] = github.add_comment(REPO, 1, body, author=login,
                                                  association=association)
    payload["comment"]["body"] = body  # the recording's comment holds no command
    payload["comment"]["author_association"] = association
    payload["comment"]["user"]["login"] = payload["sender"]["login"] = login
    return payload


def touched(github: LoopbackGitHub, sha: str) -> set[str]:
    """The paths a commit changed against its (first) parent."""
    before = github.files(REPO, github.commit(REPO, sha).parents[0])
    after = github.files(REPO, sha)
    return {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}


# The loopback hands out its live records: copies, so that a later edit shows as a change.
def bot_comments(github: LoopbackGitHub) -> list[dict[str, Any]]:
    return [dict(c) for c in github.comments(REPO, 1) if c["user"]["type"] == "Bot"]


def pulls(github: LoopbackGitHub) -> list[dict[str, Any]]:
    return [dict(p) for p in github.pulls(REPO)]


def status_comments(github: LoopbackGitHub) -> list[dict[str, Any]]:
    return [c for c in bot_comments(github) if c["body"].startswith(STATUS_MARKER)]


def stage_comments(github: LoopbackGitHub) -> dict[str, dict[str, Any]]:
    """Comment mode: stage -> planbot's comment holding that document."""
    found = {}
    for comment in bot_comments(github):
        for stage in NAMES:
            if comment["body"].startswith(STAGE_MARKER.format(stage=stage) + "\n"):
                assert stage not in found, f"two {stage} comments"
                found[stage] = comment
    return found


def document(comment: dict[str, Any]) -> str:
    return str(comment["body"]).partition("\n")[2]  # below the stage marker line


def table_states(text: str) -> dict[str, str]:
    """File name -> state, read from the rows of a status table."""
    states = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        for name in NAMES.values():
            if len(cells) > 1 and f"`{name}`" in cells[0]:
                states[name] = cells[1]
    return states


def links(github: LoopbackGitHub) -> list[str]:
    web = WEB  # the html_url the delivery named
    return [f"[`{name}`]({web}/blob/{BRANCH}/{PLAN_DIR}/{name})" for name in NAMES.values()]


def test_a_maintainer_checks_status_reviews_edits_replans_and_merges_on_the_plan_pr(
        step: Steps, github: LoopbackGitHub, deliver: Deliver,
        redis_conn: redis.Redis) -> None:
    pull, status = label_opens_one_plan_pr(step, github)
    touched_up = status_after_an_edit_says_what_is_stale(step, github)
    review_revises_hypotheses_and_tasks(step, github, pull, touched_up)
    again = replan_keeps_a_persons_edit_of_the_problem(step, github, pull, status)
    closing_does_nothing_and_merging_labels_the_issue(step, github, deliver, redis_conn, pull,
                                                      again)
    assert github.errors == []


def label_opens_one_plan_pr(step: Steps, github: LoopbackGitHub
                            ) -> tuple[dict[str, Any], dict[str, Any]]:
    """Label: one commit with the three documents, one draft plan PR, one status comment."""
    main = github.branch_sha(REPO, DEFAULT_BRANCH)
    assert step("issues", labeled_plan()) == "finished"
    first = github.branch_sha(REPO, BRANCH) or ""
    assert github.commit(REPO, first).parents == [main]
    assert touched(github, first) == {PROBLEM, HYPOTHESES, TASKS}
    (pull,) = pulls(github)
    assert pull["draft"] and pull["title"] == f"Plan: {TITLE}" and "Refs #1" in pull["body"]
    (status,) = status_comments(github)
    for link in links(github):
        assert link in pull["body"] and link in status["body"]
    return pull, status


def status_after_an_edit_says_what_is_stale(step: Steps, github: LoopbackGitHub) -> str:
    """A maintainer adds a line to a hypothesis on the plan branch, then asks for status:
    tasks, built on the old hypotheses, are stale now."""
    hypotheses = github.files(REPO, BRANCH)[HYPOTHESES]
    touched_up = github.push(REPO, BRANCH, {HYPOTHESES: hypotheses + "\nThe typo is on line 2.\n"})
    assert step("issue_comment", comment_by(github, "/plan status")) == "finished"
    assert table_states(bot_comments(github)[-1]["body"]) == {
        NAMES["problem"]: State.CURRENT.value, NAMES["hypotheses"]: State.EDITED.value,
        NAMES["tasks"]: State.STALE.value}
    return touched_up


def review_revises_hypotheses_and_tasks(step: Steps, github: LoopbackGitHub,
                                        pull: dict[str, Any], touched_up: str) -> None:
    """A reviewer requests changes on the plan PR, with one inline comment on a document."""
    review = load_payload("pull_request_review.submitted")
    review["review"]["state"] = "changes_requested"  # the recording only comments
    review["review"]["body"] = "Look at the second line of the README first."
    # The review is on the plan PR the worker opened, whose body carries the marker.
    assert plan_pr_marker(1) in pull["body"]
    review["pull_request"].update(number=pull["number"], body=pull["body"])
    github.add_review_comment(REPO, pull["number"], review["review"]["id"],
                              "This hypothesis is too vague.", HYPOTHESES, 3)
    assert step("pull_request_review", review) == "finished"

    revised = github.branch_sha(REPO, BRANCH) or ""
    assert github.commit(REPO, revised).parents == [touched_up]
    assert touched(github, revised) == {HYPOTHESES, TASKS}
    # The task itself, not the hand-off prompt after the tasks, which repeats it.
    (feedback_task,) = [line for line in body_of(github.files(REPO, BRANCH)[TASKS]).splitlines()
                        if "Address review feedback" in line]
    assert "Look at the second line of the README first." in feedback_task
    assert "hypotheses.md:3" in feedback_task and "This hypothesis is too vague." in feedback_task
    # The inline comment sits on the plan's own file: not a repository path gone missing.
    assert "not found" not in feedback_task
    assert "not in the repository" not in github.files(REPO, BRANCH)[TASKS]
    assert (("issue", pull["number"]), "rocket") in github.reactions(REPO)


def replan_keeps_a_persons_edit_of_the_problem(step: Steps, github: LoopbackGitHub,
                                               pull: dict[str, Any], status: dict[str, Any]
                                               ) -> dict[str, Any]:
    """The maintainer writes the missing acceptance criteria into the problem definition
    on the plan branch (the web editor commits to the branch), and comments /plan."""
    planned = github.files(REPO, BRANCH)
    edited = planned[PROBLEM].replace(NO_CRITERIA, WITH_CRITERIA)
    assert edited != planned[PROBLEM]
    person = github.push(REPO, BRANCH, {PROBLEM: edited}, "Add the acceptance criteria")
    body_before = pulls(github)[0]["body"]
    assert step("issue_comment", comment_by(github, "/plan")) == "finished"

    replanned = github.branch_sha(REPO, BRANCH) or ""
    assert github.commit(REPO, replanned).parents == [person]
    assert touched(github, replanned) == {HYPOTHESES, TASKS}
    now = github.files(REPO, BRANCH)
    assert now[PROBLEM] == edited
    hypotheses_mark, tasks_mark = provenance(now[HYPOTHESES]), provenance(now[TASKS])
    assert hypotheses_mark is not None and hypotheses_mark.inputs == digest(edited)
    assert tasks_mark is not None and tasks_mark.inputs == digest(edited, now[HYPOTHESES])
    assert f"holds: 1) {CRITERION}" in now[TASKS]  # the offline planner read the edit
    (again,) = pulls(github)
    assert again["number"] == pull["number"] and again["body"] != body_before
    assert table_states(again["body"])[NAMES["problem"]] == State.EDITED.value
    assert len(github.calls("POST /repos/{owner}/{repo}/pulls")) == 1
    (status_now,) = status_comments(github)
    assert status_now["id"] == status["id"] and status_now["body"] != status["body"]
    return again


def closing_does_nothing_and_merging_labels_the_issue(
        step: Steps, github: LoopbackGitHub, deliver: Deliver, redis_conn: redis.Redis,
        pull: dict[str, Any], again: dict[str, Any]) -> None:
    """The plan PR is closed unmerged (nothing to do), then merged."""
    closed = load_payload("pull_request.closed")
    # The recording closes an unrelated PR unmerged; here it is the plan PR.
    closed["pull_request"].update(number=pull["number"], body=again["body"])
    jobs = set(redis_conn.keys("rq:job:*"))
    ignored = deliver("pull_request", closed)
    assert ignored.status_code == 200 and ignored.get_json()["status"] == "ignored"
    assert Queue(QUEUE_NAME, connection=redis_conn).count == 0
    assert set(redis_conn.keys("rq:job:*")) == jobs

    closed["pull_request"]["merged"] = True  # ...and now it is merged
    assert step("pull_request", closed) == "finished"
    merged = bot_comments(github)[-1]["body"]
    assert f"#{pull['number']}" in merged
    assert f"]({WEB}/tree/{DEFAULT_BRANCH}/{PLAN_DIR})" in merged
    assert PLANNED_LABEL in github.labels(REPO, 1)


def test_comment_mode_edits_stage_comments_in_place_around_a_persons_edit(
        step: Steps, github: LoopbackGitHub) -> None:
    github.push(REPO, DEFAULT_BRANCH, {".github/planbot.yml": "output: comments\n"})
    assert step("issues", labeled_plan()) == "finished"

    stages = stage_comments(github)
    assert set(stages) == set(NAMES)
    assert github.branch_sha(REPO, BRANCH) is None and pulls(github) == []
    # The maintainer edits planbot's problem comment in place, as GitHub lets them.
    edited = stages["problem"]["body"].replace(NO_CRITERIA, WITH_CRITERIA)
    assert edited != stages["problem"]["body"]
    github.edit_comment(REPO, stages["problem"]["id"], edited)
    command = comment_by(github, "/plan")
    ids = {c["id"] for c in github.comments(REPO, 1)}

    assert step("issue_comment", command) == "finished"

    after = stage_comments(github)
    assert {s: c["id"] for s, c in after.items()} == {s: c["id"] for s, c in stages.items()}
    assert {c["id"] for c in github.comments(REPO, 1)} == ids  # nothing new was posted
    assert after["problem"]["body"] == edited
    mark = provenance(document(after["hypotheses"]))
    assert mark is not None and mark.inputs == digest(document(after["problem"]))
    assert f"holds: 1) {CRITERION}" in document(after["tasks"])
    assert github.errors == []


def test_a_contributors_plan_command_gets_one_short_reply_and_commits_nothing(
        step: Steps, github: LoopbackGitHub) -> None:
    command = comment_by(github, "/plan", association="CONTRIBUTOR", login="passerby")
    assert step("issue_comment", command) == "finished"

    (reply,) = bot_comments(github)
    assert "`/plan`" in reply["body"] and "`CONTRIBUTOR`" in reply["body"]
    writes = [r.operation for r in github.requests if r.method != "GET"
              and not r.operation.startswith("POST /app/")]
    assert writes == ["POST /repos/{owner}/{repo}/issues/{issue_number}/comments"]
    assert github.branch_sha(REPO, BRANCH) is None and pulls(github) == []
    assert github.errors == []
