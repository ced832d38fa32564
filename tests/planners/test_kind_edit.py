"""A maintainer corrects the issue's kind in problem-definition.md; the next stages follow."""

from __future__ import annotations

from bot.documents.kind import BUG, QUESTION
from bot.domain import Issue
from bot.planners.framing import framing
from bot.planners.offline import OfflinePlanner
from tests.helpers import LABELED, comment, repo, run

BRANCH = "planbot/issue-1"
PROBLEM, HYPOTHESES, TASKS = (f".plans/issue-1/{name}" for name in
                              ("problem-definition.md", "hypotheses.md", "tasks.md"))
# Read as a question ("How do I ... ?"), though it is a bug in the parser.
ISSUE = Issue(1, "How do I parse a file whose last line has no newline?",
              "`parse('a\\nb')` returns only `a`. Is there an option I am missing?", "alice")


def test_a_corrected_kind_line_replans_hypotheses_and_tasks_for_that_kind() -> None:
    gh = repo()
    gh.issues[1] = ISSUE
    run(gh, LABELED, OfflinePlanner())
    problem = gh.branches[BRANCH][PROBLEM]
    assert "- Kind: **question or support** (from the title)" in problem
    assert gh.branches[BRANCH][TASKS].splitlines()[4].startswith("- [ ] 1. Answer on the issue")
    assert framing(QUESTION).unlocated in gh.branches[BRANCH][HYPOTHESES]

    corrected = problem.replace("**question or support** (from the title)",
                                "**bug report** (corrected: the parser drops the line)")
    gh.human_commit(BRANCH, {PROBLEM: corrected})
    assert run(gh, comment(("plan", "")), OfflinePlanner()) == "plan: ran hypotheses, tasks"

    files = gh.branches[BRANCH]
    assert files[PROBLEM] == corrected  # the person's edit is kept
    assert framing(BUG).unlocated in files[HYPOTHESES]
    tasks = [line for line in files[TASKS].splitlines() if line.startswith("- [ ]")]
    assert tasks[0].startswith("- [ ] 1. Reproduce")
    assert any("Add a regression test" in task for task in tasks)
