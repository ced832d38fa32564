"""The planner's output schemas and checks, without a model (pure)."""

from __future__ import annotations

from typing import Any

from bot.documents.validate import check_hypotheses, check_tasks
from bot.domain import HypothesesDraft, RepoContext, TasksDraft
from bot.planners.schema import HYPOTHESES, TASKS, problems, to_hypotheses, to_tasks

KNOWN = frozenset({"src/app.py", "tests/test_app.py"})


def task(title: str, depends_on: list[int] | None = None, paths: list[str] | None = None
         ) -> dict[str, Any]:
    return {"title": title, "depends_on": depends_on or [], "paths": paths or []}


def hypothesis(title: str, likelihood: str = "Possible", where: list[str] | None = None
               ) -> dict[str, Any]:
    return {"title": title, "likelihood": likelihood, "evidence": ["seen in the log"],
            "where_to_look": where or [], "how_to_verify": "Run the test."}


def test_a_valid_task_list_has_no_problems() -> None:
    data = {"tasks": [task("Reproduce", paths=["src/app.py:12"]), task("Fix", [1])]}
    assert problems(TASKS, data, KNOWN) == []


def test_an_empty_task_list_is_invalid_as_the_seed_requires_one_task() -> None:
    assert problems(TASKS, {"tasks": []}) == ["tasks: [] should be non-empty"]


def test_more_than_seven_hypotheses_are_refused() -> None:
    data = {"hypotheses": [hypothesis(f"Cause {n}") for n in range(8)]}
    assert [p.split(":")[0] for p in problems(HYPOTHESES, data)] == ["hypotheses"]


def test_a_blank_title_is_invalid() -> None:
    found = problems(TASKS, {"tasks": [task("   ")]})
    assert len(found) == 1 and found[0].startswith("tasks[1].title:")


def test_duplicate_titles_are_named_with_the_first_occurrence() -> None:
    data = {"tasks": [task("Fix the parser"), task("Add a test"), task("fix  the Parser")]}
    assert problems(TASKS, data) == ["tasks[3].title: duplicates item 1; merge them"]


def test_a_dependency_on_itself_or_a_later_task_is_invalid() -> None:
    data = {"tasks": [task("Fix", [1]), task("Test", [1, 3]), task("Ship", [2])]}
    found = problems(TASKS, data)
    assert [p.split(":")[0] for p in found] == ["tasks[1].depends_on", "tasks[2].depends_on"]


def test_absolute_escaping_and_unknown_paths_are_problems_only_when_paths_are_checked() -> None:
    data = {"hypotheses": [hypothesis("A", where=["/etc/passwd", "../up.py", "src/nope.py"])]}
    found = problems(HYPOTHESES, data, KNOWN)
    assert [p.rsplit(" ", 1)[0].split("'")[1] for p in found] == [
        "/etc/passwd", "../up.py", "src/nope.py"]
    assert problems(HYPOTHESES, data) == []


def test_conversion_ranks_most_likely_first_and_validation_drops_unknown_paths_once() -> None:
    data = {"hypotheses": [
        hypothesis("Cache", "Unlikely", ["src/nope.py"]),
        hypothesis("Parser", "Most likely", ["src/app.py:3-9", "src/nope.py"]),
        hypothesis("Config", "Possible"),
    ]}
    items = to_hypotheses(data)
    assert [h.title for h in items] == ["Parser", "Config", "Cache"]
    # Every planner's draft passes bot.documents.validate before publishing: the one path rule.
    checked = check_hypotheses(HypothesesDraft(items, "anthropic"), RepoContext("", KNOWN))
    assert checked.items[0].where_to_look == ("src/app.py:3-9",)
    assert checked.notes == (
        "Path `src/nope.py` is not in the repository: dropped from the lists.",)


def test_task_conversion_keeps_order_and_numbers() -> None:
    items = to_tasks({"tasks": [task(" Reproduce "), task("Fix", [1], ["src/app.py"])]})
    assert [(t.title, t.depends_on, t.paths) for t in items] == [
        ("Reproduce", (), ()), ("Fix", (1,), ("src/app.py",))]
    assert check_tasks(TasksDraft(items, "anthropic"), RepoContext("", KNOWN)).notes == ()
