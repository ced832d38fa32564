"""How a plan reads where it is shown: comments link cited paths, committed files do not."""

from __future__ import annotations

import re

from bot.domain import Hypothesis, Task
from bot.markers import STAGE_MARKER
from tests.fakes import FakeGitHub, FakePlanner
from tests.helpers import LABELED, comment, repo, run

SHA = "4f2c1e9a7b3d5f6e8a9b0c1d2e3f4a5b6c7d8e9f"
BLOB = f"https://github.com/octo/widgets/blob/{SHA}"
PLANNER = FakePlanner(
    hypotheses_items=(Hypothesis("The parser drops the last line", "Most likely",
                                 ("`src/parser.py:2` keeps only the first token",),
                                 ("src/parser.py:2",), "Parse `a\\nb`."),),
    task_items=(Task("Reproduce with `a\\nb`"), Task("Fix the split", (1,), ("src/parser.py",)),
                Task("Add a regression test", (1, 2))),
)
# GitHub turns `#1` in a comment into a link to issue 1 and a cross-reference there.
ISSUE_REFERENCE = re.compile(r"(?<![\w&])#\d")


def planned(output: str) -> FakeGitHub:
    gh = repo({".github/planbot.yml": f"output: {output}\n"}, head_sha=SHA)
    run(gh, LABELED, PLANNER)
    return gh


def stage_comment(gh: FakeGitHub, stage: str) -> str:
    return next(c.body for c in gh.bot_comments(1)
                if c.body.startswith(STAGE_MARKER.format(stage=stage)))


def test_tasks_in_comment_mode_say_after_task_n_and_reference_no_issue() -> None:
    tasks = stage_comment(planned("comments"), "tasks")
    assert "; after task 1)" in tasks and "(after tasks 1 and 2)" in tasks
    assert not ISSUE_REFERENCE.search(tasks)


def test_comment_mode_links_cited_paths_to_their_lines_at_the_planned_commit() -> None:
    gh = planned("comments")
    hypotheses, tasks = stage_comment(gh, "hypotheses"), stage_comment(gh, "tasks")
    assert f"- [`src/parser.py:2`]({BLOB}/src/parser.py#L2)" in hypotheses
    assert f"[`src/parser.py:2`]({BLOB}/src/parser.py#L2) keeps only" in hypotheses
    assert f"in [`src/parser.py`]({BLOB}/src/parser.py)" in tasks


def test_linked_comments_read_back_as_the_documents_planbot_wrote() -> None:
    gh = planned("comments")
    assert run(gh, comment(("status", "")), PLANNER) == "status"
    reply = gh.comments[1][-1].body
    # Not "edited by a person": the links planbot added are not an edit.
    assert reply.count("| current |") == 3, reply


def test_branch_mode_commits_plain_paths_and_after_task_n() -> None:
    gh = planned("branch")
    files = gh.branches["planbot/issue-1"]
    hypotheses, tasks = files[".plans/issue-1/hypotheses.md"], files[".plans/issue-1/tasks.md"]
    assert "- `src/parser.py:2`" in hypotheses and "](" not in hypotheses
    assert "in `src/parser.py`; after task 1)" in tasks and "](" not in tasks
    assert not ISSUE_REFERENCE.search(tasks)
    assert f"commit={SHA}" in tasks  # the commit the paths were checked at
