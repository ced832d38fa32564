"""How an offline plan checks a change: the test module that already tests the changed file,
the command that runs it, and a changelog entry where the repository keeps one."""

from __future__ import annotations

import pytest

from bot.domain import Findings
from bot.limits import PLANNER_TITLE
from bot.planners.checks import changelog_task, extend_tests, run_tests

PATHS = frozenset({"shop/overlap.py", "shop/tests/test_atop.py", "shop/tests/test_cart.py",
                   "conftest.py", "CHANGES.md"})
IMPORTS = Findings(tests=(("shop/overlap.py", ("shop/tests/test_atop.py",)),))


def test_the_regression_test_goes_to_the_module_that_already_tests_the_file() -> None:
    title, cited = extend_tests("shop/overlap.py", PATHS, IMPORTS, "a regression test",
                                "that fails first")
    assert title == "Add a regression test to `shop/tests/test_atop.py` that fails first"
    assert cited == ("shop/tests/test_atop.py",)


def test_the_tests_of_a_side_copy_are_the_last_resort() -> None:
    experimental = "shop/experimental/tests/test_overlap_engine.py"
    found = Findings(tests=(("shop/overlap.py", (experimental, "shop/tests/test_atop.py")),))
    side = frozenset({"shop/experimental"})
    title, cited = extend_tests("shop/overlap.py", PATHS | {experimental}, found,
                                "a regression test", "that fails first", side)
    assert cited == ("shop/tests/test_atop.py",)
    assert "`pytest shop/tests/test_atop.py`" in run_tests(
        "shop/overlap.py", PATHS | {experimental}, found, (), "now", side)


def test_the_tests_to_run_are_the_changed_files_own_not_the_whole_suite() -> None:
    assert run_tests("shop/overlap.py", PATHS, IMPORTS, (), "and fix what broke") == (
        "Run the tests of the changed code (`pytest shop/tests/test_atop.py`) and fix what "
        "broke; CI runs the whole suite")


def test_without_a_test_module_the_file_name_selects_the_tests() -> None:
    assert "`pytest -k cart`" in run_tests("shop/_cart.py", PATHS, Findings(), (), "now")


def test_without_a_changed_file_or_pytest_the_whole_suite_runs() -> None:
    assert run_tests(None, PATHS, IMPORTS, (), "now") == "Run the whole test suite (`pytest`) now"
    web = frozenset({"package.json", "src/cart.js"})
    assert run_tests("src/cart.js", web, Findings(), (), "now") == (
        "Run the whole test suite (`npm test`) now")


OPEN = "# Changes\n\n## Unreleased\n\n- Fix totals.\n\n## 1.2.0 (2024-05-01)\n\n- CSV.\n"


def test_a_changelog_entry_only_where_each_change_writes_one() -> None:
    assert changelog_task(PATHS, {"CHANGES.md": OPEN}) == (
        "Add a changelog entry for the change to `CHANGES.md`", ("CHANGES.md",))
    fragments = frozenset({"changes/123.bugfix.md", "shop/a.py"})
    assert changelog_task(fragments, {}) == (
        "Add a change note under `changes/`, in the form its other notes take", ("changes",))
    assert changelog_task(frozenset({"shop/a.py"}), {}) is None


@pytest.mark.parametrize("top", [
    "Release notes\n=============\n\nNext release\n------------\n\n- Faster.\n",
    "# Log\n\n## 1.3.0\n\n- Faster.\n\n## 1.2.0 (May 1, 2024)\n\n- CSV.\n",
    "## [Unreleased]\n\n### Fixed\n\n- Totals.\n",
])
def test_a_changelog_open_at_the_top_takes_an_entry_per_change(top: str) -> None:
    assert changelog_task(PATHS, {"CHANGES.md": top}) is not None


@pytest.mark.parametrize("top", [
    "## v1.3.0 (2024-06-01)\n\n### Fixes\n\n- Totals.\n\n## v1.2.0 (2024-05-01)\n",
    "Shop changelog\n==============\n\n1.3.0\n-----\n\n- Totals.\n\n1.2.0\n-----\n",
    "# Changes\n\nNothing here yet.\n",
    "",  # not read: nothing says a change writes its own entry
])
def test_a_changelog_written_at_release_time_takes_no_entry_from_a_change(top: str) -> None:
    assert changelog_task(PATHS, {"CHANGES.md": top}) is None


def test_the_test_command_fits_a_task_title_however_long_the_paths() -> None:
    deep = "tests/" + "/".join(["providers"] * 12) + "/test_overlap.py"
    found = Findings(tests=(("shop/overlap.py", (deep, deep.replace("test_", "test_more_"))),))
    title = run_tests("shop/overlap.py", PATHS | {deep, deep.replace("test_", "test_more_")},
                      found, (), "and fix what broke")
    assert len(title) <= PLANNER_TITLE and not title.endswith("…")
    assert title.startswith("Run the tests of the changed code (`pytest ")
