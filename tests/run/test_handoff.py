"""`/plan handoff` and the hand-off at the end of tasks.md (issue 20): a prompt for a coding
agent from the documents as they stand, made again when the plan changes; no model call."""

from __future__ import annotations

from bot.documents.handoff import block_inputs
from bot.documents.handoff_text import NO_PLAN
from bot.domain import Hypothesis, Task
from bot.markers import HANDOFF
from tests.fakes import FakeGitHub, FakePlanner
from tests.helpers import LABELED, comment, repo, run

TASKS = ".plans/issue-1/tasks.md"
HYPOTHESES = ".plans/issue-1/hypotheses.md"
BRANCH = "planbot/issue-1"
PLANNER = FakePlanner(
    hypotheses_items=(Hypothesis("The parser drops the last line", "Most likely",
                                 ("`src/parser.py:2` keeps only the first token",),
                                 ("src/parser.py:2",), "Parse `a\\nb`."),
                      Hypothesis("The reader strips newlines", "Possible", (),
                                 ("src/reader.py",), "Read a two-line file.")),
    task_items=(Task("Reproduce with `a\\nb`"), Task("Fix the split", (1,), ("src/parser.py",))),
)


def planned(output: str = "branch") -> FakeGitHub:
    gh = repo({"src/reader.py": "x = 1\n", "tests/test_parser.py": "pass\n",
               ".github/planbot.yml": f"output: {output}\n"})
    run(gh, LABELED, PLANNER)
    return gh


def handoff(gh: FakeGitHub) -> str:
    assert run(gh, comment(("handoff", "")), PLANNER) == "handoff"
    return gh.written[-1]


def test_the_plan_ends_tasks_md_with_the_hand_off_collapsed() -> None:
    tasks = planned().branches[BRANCH][TASKS]
    block = HANDOFF.search(tasks)
    assert block is not None and "<details>\n<summary>Hand-off" in block.group(0)
    assert "1. Reproduce with `a\\nb`\n2. Fix the split (in `src/parser.py`; after task 1)" \
        in block.group(0)
    assert "Run the test suite with: `pytest`" in block.group(0)
    assert tasks.rstrip().splitlines()[-1].startswith("<!-- planbot:stage=tasks ")


def test_plan_handoff_replies_with_the_prompt_and_calls_no_model() -> None:
    gh = planned()
    asked = len(PLANNER.seen)
    reply = handoff(gh)
    assert reply.startswith("**Hand-off for a coding agent**")
    assert "You are a coding agent working in the repository octo/widgets on its issue 1" \
        in reply
    assert "H2 — Possible: The reader strips newlines" in reply
    assert len(PLANNER.seen) == asked
    assert len(gh.commits) == 1  # a reply, nothing committed


def test_the_hand_off_reflects_a_persons_edit_and_the_plan_makes_the_block_again() -> None:
    gh = planned()
    tasks = gh.branches[BRANCH][TASKS]
    hypotheses = gh.branches[BRANCH][HYPOTHESES]
    edited_tasks = tasks.replace("- [ ] 2. Fix the split",
                                 "- [ ] 2. Ask Ana about Windows line endings\n"
                                 "- [ ] 3. Fix the split")
    struck = hypotheses.replace("## H2 — Possible: The reader strips newlines",
                                "## ~~H2 — Possible: The reader strips newlines~~")
    gh.human_commit(BRANCH, {TASKS: edited_tasks, HYPOTHESES: struck})
    reply = handoff(gh)
    assert "2. Ask Ana about Windows line endings\n3. Fix the split" in reply
    assert "The reader strips newlines" not in reply  # struck through: not kept
    assert "H1 — Most likely: The parser drops the last line" in reply
    # `/plan` keeps the person's edits (tasks are stale now: their hypotheses changed, and
    # a person edited them) and makes the block again from the documents as they are.
    run(gh, comment(("plan", "")), PLANNER)
    tasks_now = gh.branches[BRANCH][TASKS]
    block = HANDOFF.search(tasks_now)
    assert block is not None and "Ask Ana about Windows line endings" in block.group(0)
    assert block_inputs(tasks_now) != block_inputs(tasks)
    assert gh.commits[-1][1].startswith("planbot: the hand-off in tasks for #1")
    run(gh, comment(("status", "")), PLANNER)
    assert "Edited by a person: `hypotheses.md`, `tasks.md`." in gh.written[-1]


def test_an_unchanged_plan_does_not_rewrite_the_block() -> None:
    gh = planned()
    trees = gh.calls.count("tree")
    run(gh, comment(("plan", "")), PLANNER)
    assert len(gh.commits) == 1 and gh.calls.count("tree") == trees  # nor a read for paths


def test_in_comment_mode_the_block_is_in_the_tasks_comment_and_reads_back_unchanged() -> None:
    gh = planned("comments")
    (tasks,) = [c.body for c in gh.bot_comments(1) if c.body.startswith(
        "<!-- planbot:stage=tasks -->")]
    assert "<summary>Hand-off" in tasks
    run(gh, comment(("status", "")), PLANNER)
    assert gh.written[-1].count("| current |") == 3


def test_without_a_plan_handoff_says_to_plan_first() -> None:
    gh = repo()
    assert run(gh, comment(("handoff", ""))) == "handoff: no plan yet"
    assert gh.written == [NO_PLAN]
