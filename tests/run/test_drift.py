"""The drift notice (issue 20): `/plan status`, and the status comment after a later `/plan`,
name the files the plan cites that changed on the default branch since the commit it was
made at, with the commit range, from one comparison."""

from __future__ import annotations

from bot.documents.links import cited_paths
from bot.documents.provenance import finish
from bot.domain import Comparison, Hypothesis, Task
from bot.run.drift import changed_citations, drift_note, plan_commit
from tests.fakes import FakeGitHub, FakePlanner
from tests.helpers import LABELED, comment, repo, run

SHA = "4f2c1e9a7b3d5f6e8a9b0c1d2e3f4a5b6c7d8e9f"
NEW = "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0"
PLANNER = FakePlanner(
    hypotheses_items=(Hypothesis("The parser drops the last line", "Most likely",
                                 ("`src/parser.py:2` keeps only the first token",),
                                 ("src/parser.py:2",), "Parse `a\\nb`."),),
    task_items=(Task("Reproduce"), Task("Fix the split", (1,), ("src/parser.py",)),
                Task("Add a regression test", (1, 2), ("tests/test_parser.py",))),
)


def planned() -> FakeGitHub:
    gh = repo({"src/lexer.py": "x = 1\n", "tests/test_parser.py": "pass\n"}, head_sha=SHA)
    run(gh, LABELED, PLANNER)
    return gh


def status(gh: FakeGitHub) -> str:
    run(gh, comment(("status", "")), PLANNER)
    return gh.written[-1]


def test_status_names_the_cited_file_a_push_changed_and_the_commit_range() -> None:
    gh = planned()
    gh.human_commit("main", {"src/parser.py": "def parse(text):\n    return text\n"}, NEW)
    reply = status(gh)
    assert ("**Code changed since the plan:** `src/parser.py`, which `hypotheses.md` and "
            "`tasks.md` cite, changed on `main` since the plan was made at `4f2c1e9` "
            f"([`4f2c1e9..a1b2c3d`](https://github.com/octo/widgets/compare/{SHA}...{NEW}), "
            "1 commit). Comment `/plan hypotheses` to rebuild the hypotheses from the current "
            "code; `/plan` then refreshes the stale tasks.") in reply
    assert gh.calls.count("compare") == 1


def test_a_change_to_a_file_the_plan_does_not_cite_says_nothing() -> None:
    gh = planned()
    gh.human_commit("main", {"src/lexer.py": "x = 2\n"}, NEW)
    assert "Code changed" not in status(gh)
    assert gh.calls.count("compare") == 1


def test_a_file_only_the_tasks_cite_is_named_with_tasks_md_alone() -> None:
    gh = planned()
    gh.human_commit("main", {"tests/test_parser.py": "def test(): ...\n"}, NEW)
    assert "`tests/test_parser.py`, which `tasks.md` cites, changed" in status(gh)


def test_a_later_plan_says_it_in_the_status_comment_once() -> None:
    gh = planned()
    gh.human_commit("main", {"src/parser.py": "changed\n"}, NEW)
    run(gh, comment(("plan", "")), PLANNER)  # nothing stale: no stage runs
    (status_comment,) = [c.body for c in gh.bot_comments(1) if "planbot:status" in c.body]
    assert "Code changed since the plan:** `src/parser.py`" in status_comment
    edits = gh.calls.count("edit_comment")
    run(gh, comment(("plan", "")), PLANNER)  # already said: no edit, no PR lookup
    assert gh.calls.count("edit_comment") == edits


def test_rebuilt_stages_read_the_current_code_and_drift_ends() -> None:
    gh = planned()
    gh.human_commit("main", {"src/parser.py": "changed\n"}, NEW)
    run(gh, comment(("hypotheses", "")), PLANNER)  # rebuilt at NEW; tasks now stale
    run(gh, comment(("plan", "")), PLANNER)  # refreshes the stale tasks, as before
    assert "Code changed" not in status(gh)


def test_a_failed_comparison_is_said_and_the_status_still_answers() -> None:
    gh = planned()
    gh.fail_on.add("compare")
    reply = status(gh)
    assert reply.startswith("### planbot: plan status for #1")
    assert "is not known: GitHub's comparison failed (502)" in reply


def test_documents_without_a_recorded_commit_cost_no_comparison() -> None:
    gh = repo()  # a head that is no commit id: nothing recorded to compare from
    run(gh, LABELED, PLANNER)
    status(gh)
    assert "compare" not in gh.calls


def test_the_plan_commit_is_the_first_recorded_one_and_citations_are_paths() -> None:
    hypotheses = finish("hypotheses", "- `src/a.py:3` and `docs/`\n```\n`not/cited.py`\n```",
                        "x", "offline", commit=SHA)
    tasks = finish("tasks", "- [ ] 1. Fix (in `src/a.py`)", "y", "offline", commit=NEW)
    assert plan_commit({"hypotheses": hypotheses, "tasks": tasks}, ["hypotheses", "tasks"]) \
        == SHA
    assert cited_paths(hypotheses) == ["src/a.py", "docs/"]
    assert changed_citations(["src/a.py", "docs/"], ["docs/x.md", "src/b.py"]) == ["docs/"]


def test_no_comparison_without_a_compare_port_or_citations() -> None:
    asked: list[tuple[str, str]] = []

    def compare(base: str, head: str) -> Comparison:
        asked.append((base, head))
        return Comparison(base, head, (), 0)

    plain = {"hypotheses": finish("hypotheses", "# Hypotheses\n\nno files", "x", "o",
                                  commit=SHA), "tasks": None}
    assert drift_note(None, "main", plain) == drift_note(compare, "main", plain) == ""
    assert asked == []
