"""Label rules (issue 20): several trigger labels, and `labels.skip`, which declines to plan
an issue politely, before any model call, on a label and on `/plan` alike."""

from __future__ import annotations

from dataclasses import replace

import pytest
import redis

from bot.intake.request import PlanRequest
from bot.run.plan_run import PlanRun
from bot.run.wiring import state_in
from tests.fakes import FakeGitHub, FakePlanner
from tests.helpers import ISSUE, LABELED, comment, helpers, relabel, repo, run

RULES = "labels:\n  trigger: [plan, needs-plan]\n  skip: [wontfix, duplicate]\n"


def skip_labelled(*labels: str) -> FakeGitHub:
    gh = repo({".github/planbot.yml": RULES})
    gh.issues[1] = replace(ISSUE, labels=labels)
    return gh


@pytest.mark.parametrize("request_", [relabel(LABELED, "needs-plan"), comment(("plan", "")),
                                      comment(("again", "")), comment(("tasks", ""))],
                         ids=["label", "/plan", "/plan again", "/plan tasks"])
def test_a_skip_label_declines_planning_politely_with_no_model_call(
        request_: PlanRequest) -> None:
    gh, planner = skip_labelled("bug", "WontFix"), FakePlanner()
    assert run(gh, request_, planner) == "declined: skip label"
    assert planner.seen == []
    (reply,) = gh.written
    assert "`WontFix`" in reply and "`labels.skip`" in reply and "comment `/plan`" in reply
    assert gh.commits == [] and gh.reactions == []


def test_status_and_help_still_answer_on_an_issue_with_a_skip_label() -> None:
    gh, planner = skip_labelled("duplicate"), FakePlanner()
    outcome = run(gh, comment(("status", ""), ("plan", ""), ("help", "")), planner)
    assert outcome == "declined: skip label; status; help"
    assert planner.seen == []
    declined, status, usage = gh.written
    assert declined.startswith("planbot did not plan this issue")
    assert status.startswith("### planbot: plan status for #1")
    assert usage.startswith("**planbot** turns this issue")


def test_the_decline_is_said_once_an_hour_per_person(redis_conn: redis.Redis) -> None:
    gh = skip_labelled("wontfix")
    outcomes = [PlanRun(comment(("plan", "")), gh, helpers(gh, FakePlanner()),
                        state_in(redis_conn)).handle() for _ in range(2)]
    assert outcomes == ["declined: skip label", "declined: skip label (already told this hour)"]
    assert len(gh.written) == 1


def test_on_a_plan_pr_the_issues_own_labels_decide() -> None:
    gh = skip_labelled("wontfix")
    on_pr = comment(("plan", ""), pull_number=5)  # the delivery describes the PR: no labels
    assert run(gh, on_pr) == "declined: skip label"
    assert gh.calls.count("issue") == 1


@pytest.mark.parametrize("label", ["plan", "needs-plan", "Needs-Plan"])
def test_each_of_several_trigger_labels_plans_the_issue(label: str) -> None:
    gh, planner = skip_labelled("bug"), FakePlanner()
    assert run(gh, relabel(LABELED, label), planner).startswith("label: ran problem")
    assert [stage for stage, _ in planner.seen] == ["hypotheses", "tasks"]


def test_a_label_that_is_neither_trigger_nor_skip_is_ignored() -> None:
    gh = skip_labelled()
    assert run(gh, relabel(LABELED, "wontfix")) == "ignored: label 'wontfix' is not a trigger label"
    assert gh.written == []


def test_the_older_label_key_plans_and_its_deprecation_note_is_shown_on_the_issue() -> None:
    gh = repo({".github/planbot.yml": "label: needs-plan\n"})
    assert run(gh, relabel(LABELED, "needs-plan")).startswith("label: ran problem")
    status_comment = gh.bot_comments(1)[0].body
    assert "`label` in `.github/planbot.yml` is deprecated" in status_comment
    run(gh, comment(("status", "")))
    assert "trigger: [needs-plan]" in gh.written[-1]
