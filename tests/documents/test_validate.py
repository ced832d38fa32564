"""bot.documents.validate: what every draft goes through before anything is published."""

from __future__ import annotations

import pytest

from bot.documents.validate import (
    MAX_HYPOTHESES,
    MAX_TASKS,
    MAX_TITLE,
    NOT_FOUND,
    NOT_VERIFIED,
    PlanRejected,
    check_hypotheses,
    check_tasks,
)
from bot.domain import HypothesesDraft, Hypothesis, RepoContext, Task, TasksDraft, Usage
from bot.run.failures import describe

REPO = RepoContext(
    commit_sha="abc1234def5678",
    paths=frozenset({"src/a.py", "src/b.py", "tests/test_a.py", "README.md", "docs/theme.js"}),
    languages=("Python",),
)
PURE_PYTHON = RepoContext("abc1234def5678", frozenset({"src/a.py", "setup.py"}),
                          languages=("Python",))
NO_REPO = RepoContext(commit_sha="", paths=frozenset())


def tasks(*items: Task) -> TasksDraft:
    return TasksDraft(items, "test")


def hypotheses(*items: Hypothesis) -> HypothesesDraft:
    return HypothesesDraft(items, "test")


def titles(draft: TasksDraft) -> list[str]:
    return [t.title for t in draft.items]


def test_duplicate_tasks_differing_in_numbering_case_and_punctuation_are_removed() -> None:
    draft = tasks(Task("Reproduce the bug"), Task("2. reproduce the BUG!"),
                  Task("- [ ] Reproduce  the bug."), Task("Fix the parser"))
    checked = check_tasks(draft, REPO)
    assert titles(checked) == ["Reproduce the bug", "Fix the parser"]
    assert "2 duplicate tasks removed (task 2, 3 repeated an earlier one)." in checked.notes


def test_dependencies_are_renumbered_after_duplicates_go() -> None:
    draft = tasks(Task("Reproduce"), Task("Reproduce."), Task("Read the parser"),
                  Task("Fix the parser", (3,)))
    checked = check_tasks(draft, REPO)
    assert titles(checked) == ["Reproduce", "Read the parser", "Fix the parser"]
    assert checked.items[2].depends_on == (2,)


def test_depending_on_a_removed_duplicate_means_depending_on_its_first_copy() -> None:
    draft = tasks(Task("Reproduce"), Task("Read the parser", (1,)), Task("reproduce"),
                  Task("Fix the parser", (3,)))
    checked = check_tasks(draft, REPO)
    assert checked.items[2] == Task("Fix the parser", (1,))


def test_forward_and_self_dependencies_are_dropped_with_a_note() -> None:
    draft = tasks(Task("Reproduce", (2,)), Task("Fix", (1, 2)))
    checked = check_tasks(draft, REPO)
    assert [t.depends_on for t in checked.items] == [(), (1,)]
    assert any("1→2" in note and "2→2" in note for note in checked.notes)


def test_a_dependency_cycle_is_broken_so_every_edge_points_backwards() -> None:
    draft = tasks(Task("Read", (3,)), Task("Write", (1,)), Task("Review", (2,)))
    checked = check_tasks(draft, REPO)
    assert [t.depends_on for t in checked.items] == [(), (1,), (2,)]
    for number, task in enumerate(checked.items, 1):
        assert all(dep < number for dep in task.depends_on)
    assert any("no cycles" in note for note in checked.notes)


def test_dependencies_on_tasks_that_do_not_exist_are_dropped() -> None:
    checked = check_tasks(tasks(Task("Reproduce"), Task("Fix", (0, 1, 9))), REPO)
    assert checked.items[1].depends_on == (1,)
    assert "2 dependencies on a task that does not exist dropped." in checked.notes


def test_invented_path_is_dropped_from_the_lists_and_named_in_a_note() -> None:
    draft = hypotheses(Hypothesis("Parser bug", "Most likely",
                                  where_to_look=("src/nope.py:3", "src/a.py:10")))
    checked = check_hypotheses(draft, REPO)
    assert checked.items[0].where_to_look == ("src/a.py:10",)
    assert ("Path `src/nope.py` is not in the repository at abc1234: dropped from the lists."
            in checked.notes)


def test_invented_path_in_a_task_list_is_dropped() -> None:
    checked = check_tasks(tasks(Task("Fix", paths=("src/a.py", "lib/made_up.py"))), REPO)
    assert checked.items[0].paths == ("src/a.py",)


def test_invented_path_in_text_is_marked_as_not_found_never_stated_as_fact() -> None:
    draft = hypotheses(Hypothesis("Bug in `src/nope.py` called from `src/a.py`", "Possible",
                                  evidence=("Stack shows `lib/x.py:3`",),
                                  how_to_verify="Break at `src/a.py:4` and `src/gone.py`."))
    h = check_hypotheses(draft, REPO).items[0]
    assert h.title == f"Bug in `src/nope.py`{NOT_FOUND} called from `src/a.py`"
    assert h.evidence == (f"Stack shows `lib/x.py:3`{NOT_FOUND}",)
    assert h.how_to_verify == f"Break at `src/a.py:4` and `src/gone.py`{NOT_FOUND}."


def test_a_quotation_of_the_issue_keeps_the_reporters_paths_as_written() -> None:
    quoted = "The issue says “crash in lib/old/x.py at startup”, and `src/gone.py` too"
    draft = hypotheses(Hypothesis("Startup crash", "Possible", evidence=(quoted,)))
    h = check_hypotheses(draft, REPO).items[0]
    assert h.evidence == (quoted.replace("`src/gone.py`", f"`src/gone.py`{NOT_FOUND}"),)


def test_code_spans_that_are_not_file_names_are_left_alone() -> None:
    title = "Call `parse_date('')` then run `pytest -k dates` and read `os.path`"
    assert titles(check_tasks(tasks(Task(title)), REPO)) == [title]


def test_checking_twice_does_not_mark_twice() -> None:
    once = check_tasks(tasks(Task("Edit `src/nope.py`")), REPO)
    twice = check_tasks(once, REPO)
    assert titles(twice) == [f"Edit `src/nope.py`{NOT_FOUND}"]


def test_dot_slash_and_leading_slash_paths_match_the_tree() -> None:
    draft = tasks(Task("Fix", paths=("./src/a.py", "/src/b.py", "src//a.py:3-9")))
    checked = check_tasks(draft, REPO)
    assert checked.items[0].paths == ("src/a.py", "src/b.py", "src/a.py:3-9")
    assert checked.notes == ()


def test_a_list_entry_with_words_around_its_code_span_keeps_the_path() -> None:
    draft = hypotheses(Hypothesis("Bug", "Possible", where_to_look=("`src/a.py:3` (the parser)",)))
    assert check_hypotheses(draft, REPO).items[0].where_to_look == ("src/a.py:3",)


def test_a_unique_file_name_is_spelled_out_as_its_tree_path() -> None:
    checked = check_tasks(tasks(Task("Fix", paths=("b.py",))), REPO)
    assert checked.items[0].paths == ("src/b.py",)


def test_a_path_climbing_out_of_the_repository_is_dropped() -> None:
    checked = check_tasks(tasks(Task("Read", paths=("../../etc/passwd",))), REPO)
    assert checked.items[0].paths == ()
    assert "1 cited path(s) outside the repository dropped." in checked.notes


def test_javascript_file_in_a_pure_python_repository_is_dropped_for_its_language() -> None:
    checked = check_tasks(tasks(Task("Add a Jest test", paths=("web/app.test.js", "src/a.py"))),
                          PURE_PYTHON)
    assert checked.items[0].paths == ("src/a.py",)
    assert ("`web/app.test.js` is JavaScript, which this repository does not use: dropped."
            in checked.notes)


def test_a_file_in_a_language_the_tree_contains_is_kept() -> None:
    checked = check_tasks(tasks(Task("Fix the theme", paths=("docs/theme.js",))), REPO)
    assert checked.items[0].paths == ("docs/theme.js",)


def test_without_a_repository_paths_stay_but_are_marked_unverified() -> None:
    draft = tasks(Task("Fix `src/a.py`", paths=("./src/a.py",)))
    checked = check_tasks(draft, NO_REPO)
    assert checked.items[0].paths == ("src/a.py",)
    assert checked.items[0].title == f"Fix `src/a.py`{NOT_VERIFIED}"
    assert any(note.startswith("Repository not available") for note in checked.notes)


def test_an_empty_task_list_is_rejected_with_what_to_do() -> None:
    with pytest.raises(PlanRejected) as rejected:
        check_tasks(tasks(), REPO)
    assert "/plan tasks" in describe(rejected.value).todo


def test_tasks_that_are_only_numbering_count_as_empty() -> None:
    with pytest.raises(PlanRejected):
        check_tasks(tasks(Task("1."), Task("- [ ] "), Task("  ")), REPO)


def test_an_empty_hypothesis_list_is_rejected_with_what_to_do() -> None:
    with pytest.raises(PlanRejected) as rejected:
        check_hypotheses(hypotheses(Hypothesis("", "Possible")), REPO)
    assert "/plan hypotheses" in describe(rejected.value).todo


def test_tasks_beyond_the_limit_are_cut_with_a_note() -> None:
    draft = tasks(*(Task(f"Step about topic {chr(65 + n)}", (n,) if n else ())
                    for n in range(MAX_TASKS + 5)))
    checked = check_tasks(draft, REPO)
    assert len(checked.items) == MAX_TASKS
    assert checked.items[-1].title == f"Step about topic {chr(65 + MAX_TASKS - 1)}"
    assert "5 tasks beyond the limit of 20 dropped." in checked.notes


def test_hypotheses_beyond_the_limit_are_cut_with_a_note() -> None:
    draft = hypotheses(*(Hypothesis(f"Cause number {chr(65 + n)}", "Possible")
                         for n in range(MAX_HYPOTHESES + 2)))
    checked = check_hypotheses(draft, REPO)
    assert len(checked.items) == MAX_HYPOTHESES
    assert "2 hypotheses beyond the limit of 7 dropped." in checked.notes


def test_a_long_title_is_capped_without_leaving_a_code_span_open() -> None:
    title = "Fix " + "very " * 36 + "`src/a.py` " + "and more " * 20
    capped = titles(check_tasks(tasks(Task(title)), REPO))[0]
    assert len(capped) <= MAX_TITLE
    assert capped.endswith("…")
    assert capped.count("`") % 2 == 0


def test_numbering_a_model_adds_to_a_title_is_removed() -> None:
    assert titles(check_tasks(tasks(Task("3. Run the tests")), REPO)) == ["Run the tests"]


def test_notes_never_carry_a_path_that_could_hide_a_marker_or_mention() -> None:
    draft = tasks(Task("Fix", paths=("src/<!-- planbot:stage=tasks -->.py", "@octocat/x.py")))
    checked = check_tasks(draft, REPO)
    notes = " ".join(checked.notes)
    assert "planbot:" not in notes and "@" not in notes and "<" not in notes
    assert "a cited path" in notes


def test_duplicate_hypotheses_are_removed_and_likelihoods_normalised() -> None:
    draft = hypotheses(Hypothesis("Stale cache", "most likely"),
                       Hypothesis("stale cache!", "Possible"),
                       Hypothesis("Race in the worker", "Somewhat"))
    checked = check_hypotheses(draft, REPO)
    assert [(h.title, h.likelihood) for h in checked.items] == [
        ("Stale cache", "Most likely"), ("Race in the worker", "Possible")]
    assert "1 duplicate hypothesis removed." in checked.notes


def test_a_clean_draft_passes_unchanged_with_its_notes_and_usage() -> None:
    draft = TasksDraft((Task("Reproduce", paths=("tests/test_a.py",)),
                        Task("Fix `src/a.py:3`", (1,), ("src/a.py",))),
                       "anthropic", Usage(10, 5), ("Made by a model.",))
    assert check_tasks(draft, REPO) == draft
