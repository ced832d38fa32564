"""Which webhook deliveries become plan jobs: one pure decision per delivery."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.domain import is_bot_account
from bot.intake import commands
from bot.intake.request import COMMENT, LABEL, MERGED, REVIEW, PlanRequest
from bot.markers import OWN_MARKER, PLANNED_LABEL, plan_pr_issue


@dataclass(frozen=True)
class Enqueue:
    request: PlanRequest


@dataclass(frozen=True)
class Ignore:
    reason: str


@dataclass(frozen=True)
class Invalid:
    """A delivery planbot acts on, without the fields it needs: the body is malformed."""

    reason: str


Decision = Enqueue | Ignore | Invalid


class _Malformed(ValueError):
    """The payload lacks a field this event always has: not a delivery to act on."""


def _dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _str(value: Any) -> str:
    """A text field, or "" when a malformed payload holds a number, list or object there."""
    return value if isinstance(value, str) else ""


def _id(obj: Mapping[str, Any]) -> int | None:
    value = obj.get("id")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _number(obj: Mapping[str, Any], where: str) -> int:
    value = obj.get("number")
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Malformed(f"{where}.number")
    return value


def is_bot(user: Mapping[str, Any]) -> bool:
    return is_bot_account(str(user.get("type", "")), str(user.get("login", "")))


def issue_snapshot(issue: Mapping[str, Any]) -> dict[str, Any]:
    """The issue as this delivery saw it: dry-run mode has no GitHub to ask."""
    labels = issue.get("labels")
    return {
        "title": _str(issue.get("title")),
        "body": _str(issue.get("body")),
        "author": _str(_dict(issue.get("user")).get("login")),
        "url": _str(issue.get("html_url")),
        "labels": [_str(_dict(label).get("name")) for label in
                   (labels if isinstance(labels, list) else [])],
    }


def repository_snapshot(repository: Mapping[str, Any]) -> dict[str, Any]:
    """What the worker would otherwise GET: the default branch and the web address."""
    branch, url = _str(repository.get("default_branch")), _str(repository.get("html_url"))
    return {"default_branch": branch, "html_url": url} if branch and url else {}


def _request(delivery_id: str, payload: Mapping[str, Any], **fields: Any) -> Enqueue:
    installation = _id(_dict(payload.get("installation")))
    repository = _dict(payload.get("repository"))
    repo = repository.get("full_name")
    if not isinstance(repo, str) or "/" not in repo:
        raise _Malformed("repository.full_name")
    return Enqueue(
        PlanRequest(
            delivery_id=delivery_id,
            repo=repo,
            installation_id=installation,
            sender=_str(_dict(payload.get("sender")).get("login")),
            repository=repository_snapshot(repository),
            **fields,
        )
    )


def _labeled(delivery_id: str, payload: Mapping[str, Any]) -> Decision:
    label = _str(_dict(payload.get("label")).get("name"))
    if not label:
        raise _Malformed("label.name")
    if label == PLANNED_LABEL:
        return Ignore(f"label {label!r} is set by planbot itself")
    # Label payloads carry no association for the sender; GitHub itself only lets
    # people with triage access label (see bot.run.replies.may_run), hence association "".
    # The trigger labels are per repository (`labels.trigger` in .github/planbot.yml), and
    # reading that file would be a GitHub call in the request path: the decision is the
    # run's. The queue drops another label only once a run has told the edge the
    # repository's labels (bot.state.trigger_labels); until then the label is queued.
    issue = _dict(payload.get("issue"))
    return _request(
        delivery_id, payload, issue_number=_number(issue, "issue"), trigger=LABEL,
        label=label, association="", issue=issue_snapshot(issue),
    )


def _comment(delivery_id: str, payload: Mapping[str, Any]) -> Decision:
    comment, issue = _dict(payload.get("comment")), _dict(payload.get("issue"))
    body = _str(comment.get("body"))
    if OWN_MARKER in body:
        return Ignore("comment is planbot's own")
    parsed = commands.parse(body)
    if not parsed:
        return Ignore("comment has no /plan command")
    number = _number(issue, "issue")
    where: dict[str, Any] = {"issue_number": number, "issue": issue_snapshot(issue)}
    if issue.get("pull_request"):
        planned = plan_pr_issue(issue.get("body"))
        if planned is None:
            return Ignore("comment is on a pull request that is not a plan PR")
        # The payload describes the PR, not the planned issue: the worker fetches that.
        where = {"issue_number": planned, "pull_number": number, "issue": {}}
    return _request(
        delivery_id, payload, trigger=COMMENT,
        commands=tuple((c.name, c.arg) for c in parsed), comment_id=_id(comment),
        association=_str(comment.get("author_association")) or "NONE", **where,
    )


def _review(delivery_id: str, payload: Mapping[str, Any]) -> Decision:
    review, pull = _dict(payload.get("review")), _dict(payload.get("pull_request"))
    state = _str(review.get("state"))
    # Webhooks send "changes_requested", the REST API "CHANGES_REQUESTED".
    if state.lower() != "changes_requested":
        return Ignore(f"review state {state!r} asks for no changes")
    planned = plan_pr_issue(pull.get("body"))
    if planned is None:
        return Ignore("review is on a pull request that is not a plan PR")
    return _request(
        delivery_id, payload, issue_number=planned, trigger=REVIEW,
        commands=(("revise", _str(review.get("body"))),), review_id=_id(review),
        pull_number=_number(pull, "pull_request"),
        association=_str(review.get("author_association")) or "NONE",
    )


def _closed(delivery_id: str, payload: Mapping[str, Any]) -> Decision:
    pull = _dict(payload.get("pull_request"))
    planned = plan_pr_issue(pull.get("body"))
    if planned is None:
        return Ignore("closed pull request is not a plan PR")
    if not pull.get("merged"):
        return Ignore("plan PR was closed without merging")
    return _request(
        delivery_id, payload, issue_number=planned, trigger=MERGED,
        pull_number=_number(pull, "pull_request"), association="",
    )


_HANDLERS: dict[tuple[str, str], Callable[[str, Mapping[str, Any]], Decision]] = {
    ("issues", "labeled"): _labeled,
    ("issue_comment", "created"): _comment,
    ("pull_request_review", "submitted"): _review,
    ("pull_request", "closed"): _closed,
}
# What the web tier's cheap path (intake/glance.py) may ignore without a parse: the rest.
HANDLED = frozenset(_HANDLERS)


def decide(event: str, delivery_id: str, payload: Mapping[str, Any]) -> Decision:
    """Enqueue a plan request for this delivery, or say why not. No I/O."""
    if event == "ping":
        return Ignore("pong")
    action = _str(payload.get("action"))
    handler = _HANDLERS.get((event, action))
    if handler is None:
        return Ignore(f"planbot does not act on {event}.{action}" if action else
                      f"planbot does not act on {event}")
    # GitHub's rule for bots reacting to bots: never, or two bots can loop forever.
    if is_bot(_dict(payload.get("sender"))):
        return Ignore("sender is a bot")
    try:
        return handler(delivery_id, payload)
    except _Malformed as exc:
        return Invalid(f"{event}.{action} payload has no valid {exc}")
