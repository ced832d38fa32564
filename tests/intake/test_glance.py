"""The cheap path: deliveries planbot ignores, told from the header and the bytes alone."""

from __future__ import annotations

import json

import pytest

from bot.intake import events
from bot.intake.glance import ignore_reason
from tests.deliveries import load_payload


def raw(name: str, **edits: str) -> bytes:
    payload = load_payload(name)
    for field, value in edits.items():
        payload["comment"][field] = value
    return json.dumps(payload).encode()


@pytest.mark.parametrize(("event", "name"), [
    ("issues", "issues.opened"),
    ("issue_comment", "issue_comment.created"),
    ("issue_comment", "issue_comment.edited"),
    ("installation", "installation.created"),
    ("pull_request", "pull_request.opened"),
    ("ping", "ping"),
])
def test_the_cheap_answer_is_the_one_the_full_decision_gives(event: str, name: str) -> None:
    body = raw(name)
    decision = events.decide(event, "d", json.loads(body))
    assert isinstance(decision, events.Ignore)
    assert ignore_reason(event, body) == decision.reason


@pytest.mark.parametrize("comment", ["/plan", "Sure.\n/plan tasks", "\\/plan", "\\u002Fplan"])
def test_a_comment_that_may_hold_a_command_goes_to_the_full_decision(comment: str) -> None:
    body = raw("issue_comment.created").replace(b'"body": "', b'"body": "' + comment.encode(), 1)
    assert ignore_reason("issue_comment", body) is None


@pytest.mark.parametrize(("event", "name"), [
    ("issues", "issues.labeled"),
    ("pull_request_review", "pull_request_review.submitted"),
    ("pull_request", "pull_request.closed"),
])
def test_deliveries_planbot_may_act_on_are_always_parsed(event: str, name: str) -> None:
    assert ignore_reason(event, raw(name)) is None


def test_action_not_written_first_is_left_to_the_full_parse() -> None:
    body = b'{"zen": "x", "action": "opened"}'
    assert ignore_reason("issues", body) is None


@pytest.mark.parametrize("body", [b"not json", b"[1]", b'{"action": "opened"', b""])
def test_a_body_that_is_not_object_shaped_is_left_to_the_full_parse(body: bytes) -> None:
    assert ignore_reason("issues", body) is None
