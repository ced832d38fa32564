"""Which deliveries become plan jobs: decide() over real payloads and visible variants."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bot.intake.events import (
    Decision,
    Enqueue,
    Ignore,
    Invalid,
    decide,
)
from bot.intake.request import COMMENT, LABEL, MERGED, REVIEW, PlanRequest
from bot.markers import plan_pr_issue, plan_pr_marker

Payload = dict[str, Any]
Loader = Callable[[str], Payload]


# Variants of the recorded payloads, each a visible edit of the original.
def as_is(p: Payload) -> None:
    pass


def label_plan(p: Payload) -> None:
    p["label"]["name"] = "plan"


def label_planned(p: Payload) -> None:
    p["label"]["name"] = "planned"


def bot_sender(p: Payload) -> None:
    p["sender"]["login"], p["sender"]["type"] = "dependabot[bot]", "Bot"


def bot_login_only(p: Payload) -> None:
    p["sender"]["login"] = "renovate[bot]"


def says(body: str) -> Callable[[Payload], None]:
    def edit(p: Payload) -> None:
        p["comment"]["body"] = body

    return edit


def on_plan_pr(body: str) -> Callable[[Payload], None]:
    """A comment on pull request #1 whose body carries the plan-PR marker of issue #7."""

    def edit(p: Payload) -> None:
        p["comment"]["body"] = body
        p["issue"]["pull_request"] = {"url": "https://api.github.com/repos/Codertocat/Hello-World/pulls/1"}
        p["issue"]["body"] = f"{plan_pr_marker(7)}\nPlan for the issue. Refs #7"

    return edit


def on_other_pr(p: Payload) -> None:
    p["comment"]["body"] = "/plan"
    p["issue"]["pull_request"] = {"url": "https://api.github.com/repos/Codertocat/Hello-World/pulls/1"}


def review(state: str, body: str | None = "Tasks miss the migration.", plan: bool = True
           ) -> Callable[[Payload], None]:
    def edit(p: Payload) -> None:
        p["review"]["state"], p["review"]["body"] = state, body
        if plan:
            p["pull_request"]["body"] = f"{plan_pr_marker(7)}\nRefs #7"

    return edit


def merged_plan_pr(merged: bool = True, plan: bool = True) -> Callable[[Payload], None]:
    def edit(p: Payload) -> None:
        p["pull_request"]["merged"] = merged
        if plan:
            p["pull_request"]["body"] = f"Plan.\n\n{plan_pr_marker(7)}"

    return edit


def no_installation(p: Payload) -> None:
    p.pop("installation", None)


def no_repository(p: Payload) -> None:
    del p["repository"]


def string_issue_number(p: Payload) -> None:
    p["issue"]["number"] = "1"


ENQUEUE = [
    ("issues.labeled", "issues", as_is, LABEL, (), 1),
    ("issues.labeled", "issues", label_plan, LABEL, (), 1),
    ("issue_comment.created", "issue_comment", says("/plan"), COMMENT, (("plan", ""),), 1),
    ("issue_comment.created", "issue_comment", says("/plan tasks\n/plan status"), COMMENT,
     (("tasks", ""), ("status", "")), 1),
    ("issue_comment.created", "issue_comment", says("/plan deploy"), COMMENT,
     (("unknown", "/plan deploy"),), 1),
    ("issue_comment.created", "issue_comment", on_plan_pr("/plan revise shorter"), COMMENT,
     (("revise", "shorter"),), 7),
    ("pull_request_review.submitted", "pull_request_review", review("changes_requested"),
     REVIEW, (("revise", "Tasks miss the migration."),), 7),
    ("pull_request_review.submitted", "pull_request_review", review("CHANGES_REQUESTED", None),
     REVIEW, (("revise", ""),), 7),
    ("pull_request.closed", "pull_request", merged_plan_pr(), MERGED, (), 7),
]


@pytest.mark.parametrize(("name", "event", "edit", "trigger", "commands", "issue"), ENQUEUE,
                         ids=[f"{row[0]}-{i}" for i, row in enumerate(ENQUEUE)])
def test_decisions_that_enqueue(load_payload: Loader, name: str, event: str,
                                edit: Callable[[Payload], None], trigger: str,
                                commands: tuple[tuple[str, str], ...], issue: int) -> None:
    payload = load_payload(name)
    edit(payload)
    decision = decide(event, "delivery-1", payload)
    assert isinstance(decision, Enqueue), decision
    request = decision.request
    assert (request.trigger, request.commands, request.issue_number) == (trigger, commands, issue)
    assert request.repo == "Codertocat/Hello-World"
    assert request.delivery_id == "delivery-1"
    assert request.sender == "Codertocat"


IGNORE = [
    ("ping", "ping", as_is, "pong"),
    ("installation.created", "installation", as_is, "does not act on installation.created"),
    ("issues.opened", "issues", as_is, "does not act on issues.opened"),
    ("issue_comment.edited", "issue_comment", says("/plan"), "does not act on issue_comment.edi"),
    ("pull_request.opened", "pull_request", as_is, "does not act on pull_request.opened"),
    ("pull_request_review_comment.created", "pull_request_review_comment", as_is,
     "does not act on"),
    ("issues.labeled", "issues", label_planned, "set by planbot itself"),
    ("issues.labeled", "issues", bot_sender, "sender is a bot"),
    ("issues.labeled", "issues", bot_login_only, "sender is a bot"),
    ("issue_comment.created", "issue_comment", as_is, "no /plan command"),
    ("issue_comment.created", "issue_comment", says("```\n/plan\n```"), "no /plan command"),
    ("issue_comment.created", "issue_comment", says("> /plan"), "no /plan command"),
    ("issue_comment.created", "issue_comment", says("/planning ahead"), "no /plan command"),
    ("issue_comment.created", "issue_comment", says("<!-- planbot:status -->\n/plan"),
     "planbot's own"),
    ("issue_comment.created", "issue_comment", on_other_pr, "not a plan PR"),
    ("pull_request_review.submitted", "pull_request_review", as_is, "'commented' asks for no"),
    ("pull_request_review.submitted", "pull_request_review", review("approved"), "asks for no"),
    ("pull_request_review.submitted", "pull_request_review",
     review("changes_requested", plan=False), "not a plan PR"),
    ("pull_request.closed", "pull_request", merged_plan_pr(merged=False), "without merging"),
    ("pull_request.closed", "pull_request", merged_plan_pr(plan=False), "not a plan PR"),
]

MALFORMED = [
    ("issues.labeled", "issues", no_repository, "repository.full_name"),
    ("issues.labeled", "issues", string_issue_number, "issue.number"),
]


@pytest.mark.parametrize(("name", "event", "edit", "reason"), IGNORE,
                         ids=[f"{row[0]}-{i}" for i, row in enumerate(IGNORE)])
def test_decisions_that_ignore(load_payload: Loader, name: str, event: str,
                               edit: Callable[[Payload], None], reason: str) -> None:
    payload = load_payload(name)
    edit(payload)
    decision = decide(event, "delivery-1", payload)
    assert isinstance(decision, Ignore), decision
    assert reason in decision.reason


@pytest.mark.parametrize(("name", "event", "edit", "field"), MALFORMED,
                         ids=[f"{row[0]}-{row[3]}" for row in MALFORMED])
def test_a_delivery_without_the_fields_planbot_needs_is_malformed(
        load_payload: Loader, name: str, event: str, edit: Callable[[Payload], None],
        field: str) -> None:
    payload = load_payload(name)
    edit(payload)
    decision = decide(event, "delivery-1", payload)
    assert decision == Invalid(f"{name} payload has no valid {field}")


def enqueued(decision: Decision) -> PlanRequest:
    assert isinstance(decision, Enqueue), decision
    return decision.request


def test_bot_comment_with_a_command_is_ignored(load_payload: Loader) -> None:
    payload = load_payload("issue_comment.created")
    says("/plan")(payload)
    bot_sender(payload)
    assert decide("issue_comment", "d", payload) == Ignore("sender is a bot")


def test_comment_request_carries_ids_association_and_issue_snapshot(load_payload: Loader) -> None:
    payload = load_payload("issue_comment.created.with-installation")
    payload["comment"]["body"] = "/plan"
    payload["comment"]["author_association"] = "CONTRIBUTOR"
    request = enqueued(decide("issue_comment", "d-7", payload))
    assert request.installation_id == payload["installation"]["id"]
    assert request.comment_id == payload["comment"]["id"]
    assert request.association == "CONTRIBUTOR"  # not judged here: the worker refuses
    assert request.pull_number is None
    assert request.issue == {
        "title": payload["issue"]["title"],
        "body": payload["issue"]["body"],
        "author": payload["issue"]["user"]["login"],
        "url": payload["issue"]["html_url"],
        "labels": [label["name"] for label in payload["issue"]["labels"]],
    }


def test_delivery_without_installation_leaves_the_lookup_to_the_worker(
        load_payload: Loader) -> None:
    payload = load_payload("issue_comment.created.with-installation")
    says("/plan")(payload)
    no_installation(payload)
    assert enqueued(decide("issue_comment", "d", payload)).installation_id is None


def test_comment_on_plan_pr_targets_the_planned_issue(load_payload: Loader) -> None:
    payload = load_payload("issue_comment.created")
    on_plan_pr("/plan tasks")(payload)
    request = enqueued(decide("issue_comment", "d", payload))
    assert (request.issue_number, request.pull_number) == (7, payload["issue"]["number"])
    assert request.issue == {}  # the payload describes the PR, not issue #7


def test_review_request_carries_review_and_pull(load_payload: Loader) -> None:
    payload = load_payload("pull_request_review.submitted")
    review("changes_requested")(payload)
    request = enqueued(decide("pull_request_review", "d", payload))
    assert request.review_id == payload["review"]["id"]
    assert request.pull_number == payload["pull_request"]["number"]
    assert request.association == payload["review"]["author_association"]
    assert request.installation_id == payload["installation"]["id"]


def test_label_request_snapshots_the_issue_for_dry_runs(load_payload: Loader) -> None:
    payload = load_payload("issues.labeled")
    request = enqueued(decide("issues", "d", payload))
    assert request.issue["title"] == payload["issue"]["title"]
    assert request.issue["labels"] == ["bug"]
    assert request.label == "bug"  # the worker compares it with the configured trigger label
    assert request.association == ""  # labels carry none; GitHub required triage access


def test_redelivery_maps_to_the_same_job_id(load_payload: Loader) -> None:
    first = enqueued(decide("issues", "same-delivery", load_payload("issues.labeled")))
    again = enqueued(decide("issues", "same-delivery", load_payload("issues.labeled")))
    other = enqueued(decide("issues", "other-delivery", load_payload("issues.labeled")))
    assert first.job_id == again.job_id != other.job_id


def test_request_survives_the_job_round_trip(load_payload: Loader) -> None:
    payload = load_payload("issue_comment.created")
    says("/plan revise more\ndetail")(payload)
    request = enqueued(decide("issue_comment", "d", payload))
    assert PlanRequest.from_job(request.to_job()) == request


@pytest.mark.parametrize(
    ("body", "issue"),
    [
        (plan_pr_marker(12), 12),
        (f"Plan\n\n{plan_pr_marker(3)}\nRefs #3", 3),
        ("<!--  planbot:plan-pr  issue=5  -->", 5),
        ("<!-- planbot:plan-pr issue=abc -->", None),
        ("Refs #3", None),
        (None, None),
    ],
)
def test_plan_pr_marker_names_the_issue(body: str | None, issue: int | None) -> None:
    assert plan_pr_issue(body) == issue
