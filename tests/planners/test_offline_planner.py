"""The offline planner: useful, grounded and repeatable plans without a model."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pytest

from bot.context.issue import issue_text
from bot.context.sites import find_sites
from bot.context.tracebacks import Frame
from bot.documents.problem import render_problem
from bot.documents.render import render_hypotheses
from bot.documents.validate import check_hypotheses, check_tasks
from bot.domain import Comment, Findings, Hypothesis, Issue, PlanInput, RepoContext, Snippet
from bot.planners import versions
from bot.planners.framing import is_located
from bot.planners.hypotheses import NO_SIGNAL_TITLE
from bot.planners.layout import regression_test, suite_commands
from bot.planners.offline import DERIVED_NOTE, NO_REPO_NOTE, NOTE, OfflinePlanner
from bot.planners.recipes import CHANGE

TREE = frozenset({
    "pyproject.toml", "README.md", "src/widgets/__init__.py", "src/widgets/cli.py",
    "src/widgets/importer.py", "src/widgets/dates.py", "src/widgets/cache.py",
    "src/widgets/sku.py", "tests/test_importer.py", "tests/conftest.py",
})
DATES = Snippet("src/widgets/dates.py", 1, 9, (
    "from datetime import date\n\n\ndef parse_date(value):\n"
    '    """ISO date or None."""\n    if value is None:\n        return None\n'
    "    return date.fromisoformat(value)\n"), 3.0)
IMPORTER = Snippet("src/widgets/importer.py", 28, 31, (
    "def load(path):\n    rows = read_rows(path)\n"
    "    return [parse_date(r['date']) for r in rows]\n"), 2.0)
SKU = Snippet("src/widgets/sku.py", 10, 14, (
    "def normalise_sku(raw):\n    if not raw:\n"
    '        raise ValueError("an SKU needs at least one character")\n    return raw.lower()\n'),
    1.5)
CACHE = Snippet("src/widgets/cache.py", 1, 3, "KEY = '{user}'\n\ndef cache_key(user):\n", 1.0)
CONTEXT = RepoContext("abc1234def", TREE, snippets=(DATES, IMPORTER, SKU, CACHE),
                      languages=("Python",))

TRACEBACK = """Importing a CSV with an empty date column crashes.

```
Traceback (most recent call last):
  File "/home/me/widgets/src/widgets/cli.py", line 12, in main
    rows = load(path)
  File "/home/me/widgets/src/widgets/importer.py", line 30, in load
    return [parse_date(r['date']) for r in rows]
  File "/home/me/widgets/src/widgets/dates.py", line 8, in parse_date
    return date.fromisoformat(value)
  File "/usr/lib/python3.11/site-packages/dateutil/compat.py", line 3, in fromisoformat
    raise ValueError(msg)
ValueError: Invalid isoformat string: ''
```"""


def problem(body: str, criteria: Sequence[str] = (), steps: Sequence[str] = ()) -> str:
    """problem-definition.md as stage 1 writes it."""
    given = "_Not given in the issue._"
    crit = "\n".join(f"- [ ] {c}" for c in criteria) or given
    repro = "\n".join(f"{n}. {s}" for n, s in enumerate(steps, 1)) or given
    return (
        "# Problem Definition\n\n## Overview\n\nCase: issue-7\n\nGitHub Issue: octo/widgets#7\n\n"
        f"- Reads as a bug report\n\n## Issue Body\n\n**Title:** Import fails\n\n{body}\n\n"
        f"## Acceptance Criteria\n\n{crit}\n\n## Reproduction Steps\n\n{repro}\n\n"
        "### Expected behaviour\n\n- The import finishes\n\n"
        "## Discussion\n\n_No comments from people yet._\n"
    )


PLANNER = OfflinePlanner()
BUG = problem(TRACEBACK, criteria=("Empty dates import as blank",
                                   "The CLI names the row of a bad date"),
              steps=("Create `rows.csv` with an empty `date` cell",
                     "Run `widgets import rows.csv`"))


def located(items: Sequence[Hypothesis]) -> list[Hypothesis]:
    """The hypotheses that stand on what the issue says, not places to read first."""
    return [h for h in items if is_located(h.title)]


def plan(body: str = BUG, context: RepoContext = CONTEXT, hypotheses_md: str = "",
         feedback: str = "") -> PlanInput:
    return PlanInput(body, context, hypotheses_md, feedback)


def stage3(body: str = BUG, context: RepoContext = CONTEXT, feedback: str = "") -> PlanInput:
    drafted = PLANNER.hypotheses(plan(body, context, feedback=feedback))
    return plan(body, context, render_hypotheses(drafted.items, drafted.notes), feedback)


def test_python_traceback_makes_the_innermost_repository_frame_the_first_hypothesis() -> None:
    first = PLANNER.hypotheses(plan()).items[0]
    assert first.likelihood == "Most likely"
    assert first.title == "The failure originates in `src/widgets/dates.py:8` (`parse_date`)"
    assert first.where_to_look[0] == "src/widgets/dates.py:8"
    assert any("return date.fromisoformat(value)" in e for e in first.evidence)
    assert any("ValueError: Invalid isoformat string" in e for e in first.evidence)
    assert "breakpoint at `src/widgets/dates.py:8`" in first.how_to_verify


def test_a_frame_function_named_without_a_call_is_never_an_empty_code_span() -> None:
    named = TRACEBACK.replace("crashes.", "crashes in `parse_date`.")
    first = PLANNER.hypotheses(plan(problem(named))).items[0]
    assert "``" not in first.how_to_verify and "calls `parse_date`" in first.how_to_verify


def test_the_next_frame_out_becomes_the_caller_hypothesis() -> None:
    second = PLANNER.hypotheses(plan()).items[1]
    assert second.likelihood == "Possible"
    assert second.where_to_look[0] == "src/widgets/importer.py:30"
    assert "`load`" in second.title and "`parse_date`" in second.title


def test_a_javascript_stack_points_at_its_first_repository_frame() -> None:
    context = RepoContext("abc1234", frozenset({"package.json", "src/price.js",
                                                "src/cart.js"}), languages=("JavaScript",))
    body = problem("TypeError: Cannot read properties of undefined\n"
                   "    at formatPrice (/app/src/price.js:12:9)\n"
                   "    at total (/app/src/cart.js:40:3)\n"
                   "    at node:internal/main:1:1")
    items = PLANNER.hypotheses(plan(body, context)).items
    assert items[0].where_to_look[0] == "src/price.js:12"
    assert "`formatPrice`" in items[0].title
    assert items[1].where_to_look[0] == "src/cart.js:40"


# IPython's frames, as a notebook exported to Markdown pastes them: links, innermost last.
NOTEBOOK = (
    "`load` fails on an empty date.\n\n"
    "> File [\\<shortened\\>/site-packages/widgets/importer.py:30]"
    "(http://localhost:8888/x/importer.py#line=29), in load(path)\n"
    "> File [\\<shortened\\>/site-packages/widgets/dates.py:8]"
    "(http://localhost:8888/x/dates.py#line=7), in parse_date(value)\n"
    "> ValueError: Invalid isoformat string: ''\n"
)


def test_notebook_frames_are_read_as_a_python_traceback_innermost_last() -> None:
    items = PLANNER.hypotheses(plan(problem(NOTEBOOK))).items
    assert items[0].where_to_look[0] == "src/widgets/dates.py:8"
    assert items[1].where_to_look[0] == "src/widgets/importer.py:30"
    quoted = [e for h in items for e in h.evidence if "The issue says" in e and "File" in e]
    assert quoted == []  # a frame's line is the frame's evidence, not a mention besides it
    assert all("http" not in e for h in items for e in h.evidence)


def test_a_function_the_traceback_runs_is_placed_in_its_frame_not_in_a_namesake() -> None:
    namesake = Snippet("src/widgets/cache.py", 20, 22, "def load(key):\n    return KEY\n", 4.0)
    context = replace(CONTEXT, snippets=(namesake, *CONTEXT.snippets))
    items = PLANNER.hypotheses(plan(problem(NOTEBOOK), context)).items
    about_load = [h for h in items if any("`load`" in e for e in h.evidence)]
    assert [h.where_to_look[0] for h in about_load] == ["src/widgets/importer.py:30"]
    assert not any("cache.py" in e for h in about_load for e in h.evidence)


def test_a_function_the_issue_names_cites_the_file_that_defines_it() -> None:
    body = problem("`normalise_sku('')` raises instead of returning an empty SKU.")
    first = PLANNER.hypotheses(plan(body)).items[0]
    assert "src/widgets/sku.py:10" in first.where_to_look
    assert "`normalise_sku('')`" in first.how_to_verify


def found_in(context: RepoContext, body: str) -> RepoContext:
    """The context as the search builds it: the lines holding what the issue quotes."""
    files = {s.path: "\n" * (s.start_line - 1) + s.text for s in context.snippets}
    return replace(context, findings=Findings(sites=find_sites(files, issue_text(body))))


def test_an_error_message_is_traced_to_the_line_that_emits_it() -> None:
    body = problem("Saving fails with ValueError: an SKU needs at least one character")
    first = PLANNER.hypotheses(plan(body, found_in(CONTEXT, body))).items[0]
    assert first.where_to_look == ("src/widgets/sku.py:12",)
    assert first.title == "`src/widgets/sku.py:12` emits the message the issue reports"
    assert first.likelihood == "Most likely"


def test_a_named_file_that_exists_is_cited_and_an_invented_one_is_not() -> None:
    body = problem("Since the refactor of cache.py and src/widgets/ghost.py keys collide.")
    items = PLANNER.hypotheses(plan(body)).items
    cited = [ref for h in items for ref in h.where_to_look]
    assert cited[0] == "src/widgets/cache.py:1-3"
    assert not any("ghost" in ref for ref in cited)


def test_a_search_hit_alone_is_a_place_to_read_first_after_what_the_issue_names() -> None:
    body = problem("Since the refactor of cache.py keys collide.")
    items = PLANNER.hypotheses(plan(body)).items
    assert items[0].where_to_look == ("src/widgets/cache.py:1-3",)
    assert [h.title for h in items[1:]] == [  # three hypotheses in all, the named file first
        "Read first: `src/widgets/dates.py`, the repository search's first match",
        "Read first: `src/widgets/importer.py`, the repository search's second match"]
    assert {h.likelihood for h in items[1:]} == {"Possible"}


def test_with_nothing_to_follow_the_search_best_files_are_read_first_never_most_likely() -> None:
    items = PLANNER.hypotheses(plan(problem("Sometimes it feels slow."))).items
    assert [h.where_to_look for h in items] == [
        ("src/widgets/dates.py:1-9",), ("src/widgets/importer.py:28-31",),
        ("src/widgets/sku.py:10-14",)]
    assert [h.likelihood for h in items] == ["Possible"] * 3
    assert not any(is_located(h.title) for h in items)
    assert items[0].how_to_verify.startswith("Read `src/widgets/dates.py` for the code that")


def test_without_a_repository_the_planner_says_so_and_cites_nothing() -> None:
    draft = PLANNER.hypotheses(plan(context=RepoContext("", frozenset())))
    assert [h.title for h in draft.items] == [NO_SIGNAL_TITLE]
    assert draft.items[0].where_to_look == ()
    assert NO_REPO_NOTE in draft.notes


def test_every_draft_says_it_was_made_without_a_model() -> None:
    assert NOTE in PLANNER.hypotheses(plan()).notes
    assert NOTE in PLANNER.tasks(stage3()).notes
    assert PLANNER.name == PLANNER.hypotheses(plan()).generator == "offline"


def test_the_same_input_gives_the_same_plan() -> None:
    assert OfflinePlanner().hypotheses(plan()) == OfflinePlanner().hypotheses(plan())
    assert OfflinePlanner().tasks(stage3()) == OfflinePlanner().tasks(stage3())


@pytest.mark.parametrize("body", [BUG, problem("`normalise_sku('')` raises"),
                                  problem("Sometimes it feels slow.")])
def test_offline_drafts_pass_validation_unchanged(body: str) -> None:
    hypotheses = PLANNER.hypotheses(plan(body))
    assert check_hypotheses(hypotheses, CONTEXT) == hypotheses
    tasks = PLANNER.tasks(stage3(body))
    assert check_tasks(tasks, CONTEXT) == tasks


def test_a_bug_plan_reproduces_confirms_changes_tests_runs_and_checks_the_criteria() -> None:
    titles = [t.title for t in PLANNER.tasks(stage3()).items]
    assert titles[0].startswith("Reproduce the problem")
    assert "1) Create rows.csv with an empty date cell; 2) Run widgets import rows.csv" in titles[0]
    assert titles[1].startswith("Confirm H1: The failure originates in `src/widgets/dates.py:8`")
    assert titles[2] == "If H1 does not hold, check H2 and H3 as each says"
    assert titles[3] == CHANGE
    assert titles[4].startswith("Add a regression test")
    assert titles[5] == ("Run the tests of the changed code (`pytest -k dates`) and fix anything "
                         "the change broke; CI runs the whole suite")
    assert titles[6] == ("Check each acceptance criterion in problem-definition.md holds: "
                         "1) Empty dates import as blank; 2) The CLI names the row of a bad date")
    assert len(titles) == 7


def test_task_dependencies_name_earlier_tasks_in_the_planned_order() -> None:
    items = PLANNER.tasks(stage3()).items
    assert [t.depends_on for t in items] == [(), (1,), (1,), (2, 3), (4,), (4, 5), (4,)]


def test_checks_and_change_cite_the_hypotheses_files() -> None:
    items = PLANNER.tasks(stage3()).items
    assert items[1].paths == ("src/widgets/dates.py",)
    change = next(t for t in items if t.title == CHANGE)
    assert change.paths[:2] == ("src/widgets/dates.py", "src/widgets/importer.py")


def test_the_regression_test_goes_into_the_existing_tests_folder_named_after_the_module() -> None:
    test = next(t for t in PLANNER.tasks(stage3()).items if t.title.startswith("Add a"))
    assert test.title.startswith("Add a regression test in a new file test_dates.py under `tests/`")
    assert test.paths == ("tests",)


def test_an_existing_test_module_for_the_file_is_extended() -> None:
    title, paths = regression_test("src/widgets/importer.py", TREE)
    assert title.startswith("Add a regression test to `tests/test_importer.py`")
    assert paths == ("tests/test_importer.py",)


@pytest.mark.parametrize(("module", "tree", "expected"), [
    ("src/cart.js", {"package.json", "src/cart.js", "test/price.test.js"},
     "in a new file cart.test.js under `test/`"),
    ("pkg/store/db.go", {"go.mod", "pkg/store/db.go"},
     "in a new file db_test.go under `pkg/store/`"),
    ("src/lib.rs", {"Cargo.toml", "src/lib.rs"}, "`#[cfg(test)] mod tests` of `src/lib.rs`"),
    ("app/models.py", {"app/models.py"}, "in a new file tests/test_models.py"),
    ("bot/cli/plan.py", {"bot/cli/plan.py", "tests/cli/test_cli.py", "tests/run/test_a.py",
                         "tests/run/test_b.py"}, "in a new file test_plan.py under `tests/cli/`"),
    ("pkg/_writer.py", {"pkg/_writer.py", "tests/test_writer.py"}, "to `tests/test_writer.py`"),
    ("pkg/util.py", {"pkg/util.py", "pkg/test_util.py", "tests/test_core.py"},
     "in a new file test_util.py under `tests/`"),
    ("pkg/opt/base.py", {"pkg/opt/base.py", "pkg/opt/sgd_test.py", "pkg/nn/dense_test.py",
                         "pkg/nn/conv_test.py"}, "in a new file base_test.py under `pkg/opt/`"),
    ("m/core/pandas/qc.py", {"m/core/pandas/qc.py", "m/test/io/pandas/test_io.py",
                             "m/test/test_a.py", "m/test/test_b.py"},
     "in a new file test_qc.py under `m/test/`"),
])
def test_the_regression_test_follows_the_languages_layout(module: str, tree: set[str],
                                                          expected: str) -> None:
    title, _ = regression_test(module, frozenset(tree))
    assert expected in title


@pytest.mark.parametrize(("tree", "commands"), [
    ({"src/a.py", "tests/test_a.py"}, ["pytest"]),
    ({"package.json", "index.js"}, ["npm test"]),
    ({"Cargo.toml", "src/main.rs"}, ["cargo test"]),
    ({"go.mod", "main.go"}, ["go test ./..."]),
    ({"README.md"}, []),
])
def test_the_suite_command_is_guessed_from_the_tree(tree: set[str], commands: list[str]) -> None:
    assert suite_commands(frozenset(tree)) == commands


def test_a_hypothesis_written_by_a_person_is_honoured_by_stage_3() -> None:
    edited = ("# Hypotheses\n\n## H1 — Most likely: The cache key ignores the locale\n\n"
              "**Evidence**\n\n- Keys collide for de and en users\n\n"
              "**Where to look**\n\n- `src/widgets/cache.py:3`\n\n"
              "**How to verify**\n\nLog the keys of two users with different locales.\n")
    items = PLANNER.tasks(plan(hypotheses_md=edited)).items
    assert items[1].title == ("Confirm H1: The cache key ignores the locale — "
                              "Log the keys of two users with different locales.")
    assert items[1].paths == ("src/widgets/cache.py",)
    assert not any("check H" in t.title for t in items)
    assert next(t for t in items if t.title == CHANGE).paths == ("src/widgets/cache.py",)


def test_a_hand_written_hypothesis_without_where_to_look_uses_the_paths_in_its_text() -> None:
    edited = "## H1 — Possible: `sku.py` lower-cases too late\n\nTry `normalise_sku('A')`.\n"
    items = PLANNER.tasks(plan(hypotheses_md=edited)).items
    assert items[1].paths == ("src/widgets/sku.py",)


def test_review_feedback_adds_a_task_and_moves_the_named_hypothesis_first() -> None:
    feedback = "H2 is the real cause: the caller should skip empty cells."
    draft = PLANNER.tasks(stage3(feedback=feedback))
    titles = [t.title for t in draft.items]
    assert titles[1].startswith("Address review feedback: “H2 is the real cause")
    assert titles[2].startswith("Confirm H2")
    assert titles[3].startswith("If H2 does not hold, check H1")
    assert any(note.startswith("Revised with review feedback") for note in draft.notes)


def test_feedback_naming_a_file_makes_it_the_first_hypothesis() -> None:
    draft = PLANNER.hypotheses(plan(feedback="Look at src/widgets/cache.py instead."))
    assert draft.items[0].where_to_look[0].startswith("src/widgets/cache.py")


def test_an_empty_hypotheses_document_falls_back_to_hypotheses_from_the_issue() -> None:
    draft = PLANNER.tasks(plan(hypotheses_md=""))
    assert DERIVED_NOTE in draft.notes
    assert draft.items[1].title.startswith("Confirm H1: The failure originates")


def test_without_reproduction_steps_the_first_task_reproduces_the_reported_error() -> None:
    first = PLANNER.tasks(stage3(problem(TRACEBACK))).items[0]
    assert first.title.startswith("Reproduce the reported error “ValueError: Invalid isoformat")


def test_stage_1s_note_that_the_body_holds_the_code_is_not_read_as_a_step() -> None:
    noted = problem(TRACEBACK).replace(
        "## Reproduction Steps\n\n_Not given in the issue._",
        "## Reproduction Steps\n\n_No section of its own: the issue body above has code._")
    assert "No section of its own" in noted
    first = PLANNER.tasks(stage3(noted)).items[0]
    assert first.title.startswith("Reproduce the reported error “ValueError: Invalid isoformat")
    assert "No section" not in first.title


def test_acceptance_criteria_that_were_not_given_make_no_tasks() -> None:
    titles = [t.title for t in PLANNER.tasks(stage3(problem(TRACEBACK))).items]
    assert not any("acceptance criterion" in t for t in titles)
    assert titles[-1].startswith("Run the tests of the changed code")


def test_a_stage_1_document_is_read_for_steps_criteria_and_traceback() -> None:
    body = ("Importing crashes on empty dates.\n\n### Steps to reproduce\n\n"
            "1. Create `rows.csv` with an empty `date` cell\n2. Run `widgets import rows.csv`\n\n"
            "### Acceptance criteria\n\n- [ ] Empty dates import as blank\n\n"
            f"### Actual behaviour\n\n{TRACEBACK}\n")
    document = render_problem("octo/widgets", Issue(7, "Import crashes", body), [])
    drafted = PLANNER.hypotheses(plan(document))
    assert drafted.items[0].where_to_look[0] == "src/widgets/dates.py:8"
    titles = [t.title for t in PLANNER.tasks(stage3(document)).items]
    assert "1) Create rows.csv with an empty date cell; 2) Run widgets import" in titles[0]
    assert titles[-1] == ("Check each acceptance criterion in problem-definition.md holds: "
                          "1) Empty dates import as blank")


def kind_problem(kind: str, body: str, criteria: Sequence[str] = ()) -> str:
    """A stage 1 document whose Kind line names `kind`, as stage 1 or a person wrote it."""
    return problem(body, criteria).replace("- Reads as a bug report", f"- Kind: **{kind}**")


def titles_for(document: str, context: RepoContext = CONTEXT) -> list[str]:
    return [t.title for t in PLANNER.tasks(stage3(document, context)).items]


def test_the_issues_own_words_leave_out_what_planbot_wrote() -> None:
    document = render_problem("octo/widgets", Issue(
        7, "Import crashes", "It fails in `normalise_sku`.", "ann",
        "https://github.com/octo/widgets/issues/7"), [Comment(1, "Same in `parse_date`.", "bob")])
    text = issue_text(document)
    assert "Import crashes" in text and "`normalise_sku`" in text and "`parse_date`" in text
    for planbot_said in ("GitHub Issue", "Case:", "Kind", "Reported by", "Completeness",
                         "/plan", "Not given", "@bob", "**Title:**"):
        assert planbot_said not in text


def test_an_error_with_no_message_is_not_located_by_its_name_in_tests_or_docs() -> None:
    tests_and_docs = RepoContext("abc1234", TREE | {"docs/errors.md"}, snippets=(
        Snippet("tests/test_importer.py", 1, 2, "def test_x():\n    raise AssertionError\n"),
        Snippet("docs/errors.md", 1, 1, "An AssertionError means a bug in widgets.\n"),
        DATES), languages=("Python",))
    body = problem("Importing an empty file fails with AssertionError.")
    assert not located(PLANNER.hypotheses(plan(body, tests_and_docs)).items)
    raised = replace(tests_and_docs, snippets=(*tests_and_docs.snippets, Snippet(
        "src/widgets/importer.py", 40, 42, "def rows(path):\n    if not path:\n"
        "        raise AssertionError\n")))
    first = PLANNER.hypotheses(plan(body, raised)).items[0]
    assert first.where_to_look == ("src/widgets/importer.py:42",)
    assert "bare `AssertionError`" in first.title


def test_a_feature_request_is_placed_designed_built_tested_and_documented() -> None:
    body = kind_problem("feature request", "`normalise_sku` should accept a `keep_case` flag.")
    first = PLANNER.hypotheses(plan(body)).items[0]
    assert first.title == ("The feature belongs with `normalise_sku` in `src/widgets/sku.py`, "
                           "which the issue names")
    titles = titles_for(body)
    assert [t.split(" ")[0] for t in titles] == ["Read", "Decide", "Implement", "Add",
                                                 "Document", "Run"]
    assert not any("eproduce" in t or "regression" in t for t in titles)


def test_a_request_for_a_better_message_is_designed_as_the_message_a_user_reads() -> None:
    body = kind_problem("feature request", "`normalise_sku` should say which row is empty.")
    titles = titles_for(body.replace("**Title:** Import fails",
                                     "**Title:** Improve the error message for an empty SKU"))
    assert titles[1].startswith("Decide the message before coding: when it appears, what it says")
    assert titles[3].startswith("Add tests of the new message in a new file test_sku.py")
    assert titles[3].endswith("that trigger it with the issue's input and check what it says")
    assert "public name" not in " ".join(titles)


def test_a_performance_issue_is_measured_before_and_after_the_change() -> None:
    body = kind_problem("performance issue", "`load` takes 40 s for 100,000 rows.")
    titles = titles_for(body)
    assert titles[0].startswith("Measure first: run the issue's example under `python -m "
                                "cProfile")
    assert titles[1].startswith("Confirm in the profile H1")
    assert titles[3].startswith("Measure again with the same benchmark and input as task 1")
    assert titles[4] == ("Add the issue's example as a regression test to "
                         "`tests/test_importer.py` that checks what the issue measures (a bound "
                         "on time or memory, or the order or number of calls it makes)")
    assert len(titles) == 6


def test_a_question_is_answered_from_the_code_then_the_docs_improve() -> None:
    body = kind_problem("question or support", "How do I make `parse_date` accept `''`?")
    items = PLANNER.tasks(stage3(body)).items
    assert items[0].title.startswith("Answer on the issue from the code")
    assert items[0].paths == ("src/widgets/dates.py",)
    assert items[1].title.startswith("Improve the docs so the answer is there next time")
    assert len(items) == 2  # no docs build to run in this repository


def test_a_documentation_issue_changes_the_page_and_builds_the_docs() -> None:
    tree = TREE | {"docs/conf.py", "docs/usage.rst"}
    context = replace(CONTEXT, paths=tree)
    body = kind_problem("documentation", "`docs/usage.rst` shows `parse_date(None)` raising.")
    items = PLANNER.tasks(stage3(body, context)).items
    assert items[0].paths == ("docs/usage.rst",)
    assert items[1].paths == ("src/widgets/dates.py",)  # the code the page describes
    assert items[2].title.startswith("Write the change") and items[2].paths == ("docs/usage.rst",)
    assert items[3].title.startswith("Build the docs (`sphinx-build -W -b html docs ")


def test_a_kind_a_person_corrected_in_the_problem_definition_decides_the_plan() -> None:
    as_bug = titles_for(BUG)
    as_question = titles_for(BUG.replace("- Reads as a bug report",
                                         "- Kind: question or support (corrected by hand)"))
    assert as_bug[0].startswith("Reproduce") and as_question[0].startswith("Answer on the issue")


def test_a_change_is_never_aimed_at_tests_docs_or_workflows_the_issue_does_not_name() -> None:
    edited = ("## H1 — Most likely: The import workflow misreads dates\n\n**Where to look**\n\n"
              "- `.github/workflows/ci.yml`\n- `tests/test_importer.py`\n- `README.md`\n"
              "- `src/widgets/importer.py:30`\n")
    context = replace(CONTEXT, paths=TREE | {".github/workflows/ci.yml"})
    items = PLANNER.tasks(plan(hypotheses_md=edited, context=context)).items
    assert items[1].paths == (".github/workflows/ci.yml", "tests/test_importer.py", "README.md",
                              "src/widgets/importer.py")  # all of them are worth reading
    assert next(t for t in items if t.title == CHANGE).paths == ("src/widgets/importer.py",)
    named = problem("The test `tests/test_importer.py` asserts the wrong date.")
    items = PLANNER.tasks(plan(named, context, hypotheses_md=edited)).items
    assert "tests/test_importer.py" in next(t for t in items if t.title == CHANGE).paths


def test_a_plan_that_cannot_locate_the_problem_changes_no_file_it_merely_searched() -> None:
    items = PLANNER.tasks(stage3(problem("Sometimes it feels slow."))).items
    assert items[1].title.startswith("Find where the problem is, starting with the files H1–H3 "
                                     "name (search matches, not findings)")
    assert "ask the reporter" in items[1].title
    assert next(t for t in items if t.title == CHANGE).paths == ()


def test_a_frame_line_from_another_version_is_relocated_by_its_code_and_said() -> None:
    # The reporter runs an older release: their parse_date sat 40 lines further down.
    older = TRACEBACK.replace("dates.py\", line 8,", "dates.py\", line 48,")
    first = PLANNER.hypotheses(plan(problem(older))).items[0]
    assert first.where_to_look[0] == "src/widgets/dates.py:8"
    assert ("The traceback's line 48 is from the reporter's version: at abc1234 the code it "
            "quotes is line 8") in first.evidence
    # Without the quoted code, the function the frame names places it.
    bare = older.replace("    return date.fromisoformat(value)\n  File \"/usr", "  File \"/usr")
    whole = replace(DATES, end_line=13, text=DATES.text + "\n\ndef today():\n    ...\n")
    context = replace(CONTEXT, snippets=(whole, IMPORTER))
    first = PLANNER.hypotheses(plan(problem(bare), context)).items[0]
    assert first.where_to_look[0] == "src/widgets/dates.py:4"
    assert ("The traceback's line 48 is from the reporter's version: at abc1234 it is not in "
            "`parse_date`, which starts at line 4") in first.evidence


def test_a_frame_whose_quoted_code_moved_cites_the_line_that_holds_it_now() -> None:
    frame = Frame("src/widgets/dates.py", 6, "parse_date", python=True)
    moved = versions.locate(CONTEXT.snippets, frame, 8, "abc1234def")
    assert moved == versions.Located(8, "The traceback's line 6 is from the reporter's "
                                        "version: at abc1234 the code it quotes is line 8")
    whole = replace(DATES, end_line=13, text=DATES.text + "\n\ndef today():\n    ...\n")
    gone = versions.locate([whole], frame, None, "abc1234def")
    assert gone.line == 4 and "the code it quotes is not in `parse_date`" in gone.note
    # The excerpt ends inside parse_date: the quoted line may be further down.
    unchecked = versions.locate(CONTEXT.snippets, frame, None, "abc1234def")
    assert unchecked.line == 4 and "line 6 could not be checked at abc1234" in unchecked.note
    assert versions.locate(CONTEXT.snippets, frame, 6, "abc1234def") == versions.Located(6)
    elsewhere = Frame("src/widgets/dates.py", 200, "parse", python=True)
    unseen = versions.locate(CONTEXT.snippets, elsewhere, None, "abc1234def")
    assert unseen.line is None and "outside the excerpts planbot read at abc1234" in unseen.note
    covered = versions.locate(CONTEXT.snippets, replace(elsewhere, line=5), None, "abc1234def")
    assert "line 5 is from the reporter's version" in covered.note


def test_a_link_to_a_line_on_github_is_evidence_for_that_line() -> None:
    link = "https://github.com/octo/widgets/blob/0a1b2c3/src/widgets/cache.py#L3"
    first = PLANNER.hypotheses(plan(problem(f"Keys collide here: {link}"))).items[0]
    assert first.title == "The problem lies in `src/widgets/cache.py:3`, which the issue names"
    assert first.evidence == ("The issue links `src/widgets/cache.py`, line 3 at the linked "
                              "commit",)
    assert first.where_to_look[0] == "src/widgets/cache.py:3"


def test_a_question_with_a_traceback_reads_the_frame_for_the_answer_not_for_a_test() -> None:
    body = kind_problem("question or support", f"Is an empty date allowed?\n\n{TRACEBACK}")
    first = PLANNER.hypotheses(plan(body)).items[0]
    assert first.where_to_look[0] == "src/widgets/dates.py:8"
    assert first.how_to_verify == ("Read the code at `src/widgets/dates.py:8`: what "
                                   "`parse_date` expects there, against what the issue passes "
                                   "it, is the answer to give.")


def test_a_module_the_issue_names_by_its_dotted_path_is_evidence_for_its_file() -> None:
    first = PLANNER.hypotheses(plan(problem("Keys from `widgets.cache` collide."))).items[0]
    assert first.where_to_look == ("src/widgets/cache.py:1-3",)
    assert first.evidence == ("The issue names the module `widgets.cache`",)


def test_the_component_a_title_names_is_evidence_for_the_one_file_named_after_it() -> None:
    document = render_problem("octo/widgets", Issue(7, "[importer] Rows go missing", ""), [])
    first = PLANNER.hypotheses(plan(document)).items[0]
    assert first.where_to_look == ("src/widgets/importer.py:28-31",)
    assert first.evidence[0] == ("The issue names `importer` in the title's component, and "
                                 "`src/widgets/importer.py` is the one code file named after it")


def test_a_test_file_the_issue_names_is_evidence_for_the_code_it_tests() -> None:
    items = located(PLANNER.hypotheses(plan(problem(
        "Update the cases in `tests/test_importer.py`."))).items)
    assert [h.where_to_look[0].split(":")[0] for h in items] == [
        "tests/test_importer.py", "src/widgets/importer.py"]
    assert items[1].evidence[0] == ("The issue names `tests/test_importer.py`, the tests of "
                                    "`src/widgets/importer.py`")


def test_a_package_the_issue_names_is_no_evidence_for_its_init_file() -> None:
    items = PLANNER.hypotheses(plan(problem("Importing `src.widgets` is broken."))).items
    assert not located(items)


def test_a_package_prefix_in_the_title_is_no_namesake_evidence() -> None:
    # `importer.Row` may be another project's package: our importer.py only shares its name.
    document = render_problem("octo/widgets", Issue(7, "Support `importer.Row`", ""), [])
    assert not located(PLANNER.hypotheses(plan(document)).items)


def test_a_long_quote_is_shortened_inside_the_task_never_the_task_itself() -> None:
    long_error = "ValueError: " + "the amount column holds a value no parser accepts " * 6
    body = problem(f"Import fails.\n\n{long_error}")
    titles = [t.title for t in PLANNER.tasks(stage3(body)).items]
    assert titles[0].endswith("on the default branch and save the full output")
    assert all(not t.endswith("…") for t in titles)


def test_steps_too_long_for_a_task_title_are_pointed_to_not_cut() -> None:
    steps = [f"Run step number {n} of the long migration with the production settings"
             for n in range(6)]
    titles = [t.title for t in PLANNER.tasks(stage3(problem(TRACEBACK, steps=steps))).items]
    assert titles[0] == ("Reproduce the problem on the default branch following the 6 "
                         "reproduction steps in problem-definition.md, and save the output")
