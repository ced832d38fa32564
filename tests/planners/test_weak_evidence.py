"""When the issue points at nothing in the tree, the plan says so: the search's matches and
the names the issue only mentions are places to read first, never findings, and no task
changes them."""

from __future__ import annotations

from bot.documents.render import render_hypotheses
from bot.domain import PlanInput, RepoContext
from bot.planners.framing import is_located
from bot.planners.offline import NOTHING_NAMED, OfflinePlanner
from tests.planners.test_hypothesis_rules import FILES, context, first_file, plan

PLANNER = OfflinePlanner()


def problem(title: str, body: str, kind: str) -> str:
    return (f"# Problem Definition\n\n## Overview\n\n- Kind: **{kind}**\n\n## Issue Body\n\n"
            f"**Title:** {title}\n\n{body}\n\n## Acceptance Criteria\n\n_Not given._\n")


def planned(document: str, repo: RepoContext) -> tuple[list[str], list[str], list[str]]:
    """Notes and titles of the hypotheses, then the tasks' titles with their paths."""
    drafted = PLANNER.hypotheses(PlanInput(document, repo))
    written = render_hypotheses(drafted.items, drafted.notes)
    tasks = PLANNER.tasks(PlanInput(document, repo, written)).items
    return (list(drafted.notes), [h.title for h in drafted.items],
            [f"{t.title} {t.paths}" for t in tasks])


def test_a_name_the_issue_only_mentions_is_a_place_to_read_not_a_finding() -> None:
    text = "Support negative totals\nI build my rows with `MoneyField` before exporting them."
    items = plan(text)
    mentioned = next(h for h in items if "`MoneyField`" in h.title)
    assert mentioned.title == ("Read first: `MoneyField` in `ledger/money.py`, which the issue "
                               "mentions")
    assert not is_located(mentioned.title)


def test_a_name_the_issue_says_goes_wrong_is_a_finding() -> None:
    items = plan("Totals are off\nCalling `build_report` drops the last row.")
    assert first_file(items) == "ledger/report.py" and is_located(items[0].title)


def test_a_name_only_a_tracebacks_listing_shows_is_the_frames_evidence_not_a_lead() -> None:
    text = ("Email parsing fails\n```\nTraceback (most recent call last):\n"
            '  File "/app/ledger/report.py", line 5, in build_report\n'
            "    MoneyField().parse(rows)\nValueError: bad\n```")
    assert not any("`MoneyField`" in h.title for h in plan(text))


def test_an_issue_that_names_nothing_in_the_tree_says_so_and_changes_nothing() -> None:
    document = problem("Support negative totals",
                       "We'd like negative amounts, as I use `MoneyField` for rows.",
                       "feature request")
    notes, titles, tasks = planned(document, context(document))
    assert NOTHING_NAMED in notes
    assert all(title.startswith("Read first: ") for title in titles)
    assert tasks[0].startswith("Find where the feature belongs, starting with the files H1–H3 "
                               "name (search matches, not findings)")
    assert tasks[2] == "Implement the feature as decided ()"


def test_an_issue_that_points_into_the_tree_has_no_such_note() -> None:
    document = problem("Totals are off", "Calling `build_report` drops the last row.",
                       "bug report")
    notes, _, tasks = planned(document, context(document))
    assert NOTHING_NAMED not in notes
    assert any(t.startswith("Change the code") and "ledger/report.py" in t for t in tasks)


def test_a_repository_with_nothing_to_read_gets_the_one_honest_hypothesis_instead() -> None:
    empty = RepoContext("abc1234", frozenset(FILES), languages=("Python",))
    notes, titles, _ = planned(problem("Odd", "Everything feels off.", "bug report"), empty)
    assert titles == ["The issue gives too little to localise the problem"]
    assert NOTHING_NAMED not in notes
