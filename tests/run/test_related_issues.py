"""Related issues in the problem definition (issue 20): one search per stage-1 run, up to
five found with their state, a possible duplicate put to a person, and a plan that goes on
when the search cannot be made."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot.documents.related import BACKTEST, unsearched
from bot.domain import FoundIssue
from bot.intake.request import PlanRequest
from bot.related.lookup import find_related
from bot.run.plan_run import PlanRun
from bot.run.wiring import run_for
from bot.settings import Settings
from tests.fakes import FakeGitHub, FakePlanner
from tests.helpers import ISSUE, LABELED, comment, helpers, repo

PROBLEM = ".plans/issue-1/problem-definition.md"
WEB = "https://github.com/octo/widgets"


def found(number: int, title: str, state: str = "open", pull: bool = False,
          merged: bool = False, body: str = "") -> FoundIssue:
    kind = "pull" if pull else "issues"
    return FoundIssue(number, title, state, f"{WEB}/{kind}/{number}", body, pull, merged)


def plan(gh: FakeGitHub, request: PlanRequest = LABELED) -> str:
    collaborators = replace(helpers(gh, FakePlanner()),
                            find_related=lambda r, issue: find_related(gh, r.full_name, issue))
    return PlanRun(request, gh, collaborators).handle()


def problem(gh: FakeGitHub) -> str:
    return gh.branches["planbot/issue-1"][PROBLEM]


def test_the_issues_a_search_finds_are_listed_with_their_state_and_kind() -> None:
    gh = repo()
    gh.found = [found(12, "Parser crashes on an empty file", "closed"),
                found(15, "Split lines before parsing", "closed", pull=True, merged=True),
                found(18, "Parser: keep trailing whitespace", pull=True),
                found(21, "Docs: the parser page")]
    plan(gh)
    text = problem(gh)
    section = text[text.index("## Related Issues"):]
    assert f"- [#12]({WEB}/issues/12) “Parser crashes on an empty file” (closed issue)" in section
    assert f"- [#15]({WEB}/pull/15) “Split lines before parsing” (merged pull request)" \
        in section
    assert "(open pull request)" in section and "(open issue)" in section
    assert "Possible duplicate" not in section
    (query,) = gh.searches
    assert query.startswith("repo:octo/widgets ") and " OR " in query
    assert "_From one GitHub search of this repository's issues and pull requests for `" \
        in section


def test_a_nearly_identical_open_issue_is_flagged_for_a_person_to_decide() -> None:
    gh = repo()
    gh.found = [found(9, "Parser drops the last line", body=ISSUE.body)]
    plan(gh)
    assert (f"- **Possible duplicate of [#9]({WEB}/issues/9)?** “Parser drops the last line” "
            "(open issue) shares most of this issue's words. A maintainer can compare the two "
            "and decide; planbot closes and labels nothing.") in problem(gh)
    assert gh.labels == [] and gh.calls.count("edit_comment") == 0


def test_a_spent_search_limit_skips_the_search_with_a_note_and_the_plan_goes_on() -> None:
    gh = repo(search_spent=True)
    assert plan(gh) == "label: ran problem, hypotheses, tasks"
    assert "_Not searched: GitHub's search limit for this installation is spent for the " \
           "minute; `/plan problem` searches again._" in problem(gh)
    assert "plan published" in gh.bot_comments(1)[0].body


def test_a_failing_search_skips_with_a_note_and_the_plan_goes_on() -> None:
    gh = repo(fail_on={"search_issues"})
    assert plan(gh) == "label: ran problem, hypotheses, tasks"
    assert "_Not searched: GitHub's search did not answer (502)" in problem(gh)


def test_one_search_per_stage_one_run_and_none_when_stage_one_does_not_run() -> None:
    gh = repo()
    plan(gh)
    plan(gh, comment(("plan", "")))  # nothing stale: stage 1 does not run
    plan(gh, comment(("tasks", "")))
    assert len(gh.searches) == 1
    plan(gh, comment(("problem", "")))
    assert len(gh.searches) == 2


def test_with_nothing_found_the_section_says_so() -> None:
    gh = repo()
    plan(gh)
    assert "_No other issue or pull request of this repository has these words._" \
        in problem(gh)


def test_dry_run_mode_does_not_search_and_the_section_says_so(tmp_path: Path) -> None:
    request = replace(LABELED, issue={"title": ISSUE.title, "body": ISSUE.body})
    run_for(Settings(out_dir=tmp_path), request, folder=tmp_path).handle()
    text = (tmp_path / "problem-definition.md").read_text()
    assert "## Related Issues\n\n_Not searched: dry-run mode has no GitHub to search._" in text


def test_the_backtest_does_not_search_and_the_section_says_so() -> None:
    assert unsearched(BACKTEST)(ISSUE) == "## Related Issues\n\n_Not searched in the backtest._\n"


@pytest.mark.parametrize("title", ["@alice please look <!-- planbot:stage=tasks -->",
                                   "<img src=x onerror=alert(1)> crash"])
def test_a_found_issues_title_cannot_mention_people_or_forge_markers(title: str) -> None:
    gh = repo()
    gh.found = [found(4, title)]
    plan(gh)
    section = problem(gh)[problem(gh).index("## Related Issues"):]
    assert "@alice " not in section.replace("`@alice`", "")
    assert "<!-- planbot:stage=tasks" not in section and "<img" not in section
