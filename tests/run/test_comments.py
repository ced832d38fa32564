"""What people read on the issue when a run fails, and the `/plan status` reply."""

from __future__ import annotations

import pytest

from bot.config import ConfigError
from bot.documents.validate import PlanRejected
from bot.markers import STATUS_MARKER
from bot.ports import GitHubError, ModelUnavailable
from bot.run.failures import describe
from bot.run.status import StageRow, failed_rows, headline_of, status_comment, status_reply
from tests.fakes import FakeGitHub, FakePlanner
from tests.helpers import LABELED, comment, repo, run

MODEL_DOWN = ModelUnavailable("Anthropic (529), model m: the API is unavailable or overloaded; "
                              "try again in a few minutes. Overloaded", transient=True)


def status_of(gh: FakeGitHub) -> str:
    (body,) = [c.body for c in gh.bot_comments(1) if c.body.startswith(STATUS_MARKER)]
    return body


def test_a_failed_stage_is_marked_failed_and_names_the_delivery() -> None:
    gh = repo()
    with pytest.raises(ModelUnavailable):
        run(gh, LABELED, FakePlanner(error=MODEL_DOWN))
    body = status_of(gh)
    assert "| `hypotheses.md` | failed |" in body
    assert "| `problem-definition.md` | done, not published |" in body  # nothing was saved
    assert "running" not in body and "| done |" not in body
    assert f"Delivery `{LABELED.delivery_id}`." in body


def test_the_error_is_quoted_in_a_code_block_below_words() -> None:
    gh = repo()
    with pytest.raises(ModelUnavailable):
        run(gh, LABELED, FakePlanner(error=MODEL_DOWN))
    body = status_of(gh)
    assert "**What failed:** The model's API could not be reached" in body
    assert f"```text\n{MODEL_DOWN}\n```" in body


def test_what_to_do_is_split_between_the_issue_and_the_operator() -> None:
    unusable = describe(ModelUnavailable("Anthropic (401): the API key was rejected; check "
                                         "ANTHROPIC_API_KEY", transient=False))
    assert "`/plan`" in unusable.todo and "ANTHROPIC_API_KEY" not in unusable.todo
    assert "`ANTHROPIC_API_KEY`" in unusable.operator and not unusable.retry

    config = describe(ConfigError("output", "must be `branch` or `comments`"))
    assert "`output`" in config.todo and config.operator == ""  # the repository's own setting


def test_a_run_that_fails_before_any_stage_shows_no_empty_table() -> None:
    gh = repo({".github/planbot.yml": "output: pull-request\n"})
    with pytest.raises(ConfigError):
        run(gh, LABELED)
    body = status_of(gh)
    assert "| Stage |" not in body and "**What failed:**" in body


def test_github_refusing_a_body_is_not_retried_and_not_blamed_on_permissions() -> None:
    refused = describe(GitHubError("GitHub create_comment: 422 body is too long", 422))
    assert not refused.retry and "permissions" not in refused.operator
    assert "422 body is too long" in refused.detail


def test_planbots_own_sentences_are_not_quoted_twice() -> None:
    rejected = describe(PlanRejected("tasks", "no task survived validation"))
    assert "no task survived validation" in rejected.what and rejected.detail == ""


def test_unfinished_rows_of_a_failed_run_say_what_happened_to_them() -> None:
    rows = [StageRow("problem", "done"), StageRow("hypotheses", "running"),
            StageRow("tasks", "current")]
    assert [r.state for r in failed_rows(rows)] == ["done, not published", "failed", "current"]


def test_status_reply_has_a_heading_a_summary_and_the_next_command() -> None:
    gh = repo()
    run(gh, LABELED)
    run(gh, comment(("status", "")))
    reply = gh.comments[1][-1].body
    assert reply.startswith("### planbot: plan status for #1\n")
    assert "The plan is up to date." in reply
    assert "Next: edit any document and comment `/plan`" in reply


def test_status_before_any_plan_says_so_and_what_to_run() -> None:
    reply = status_reply(4, [StageRow(s, "missing") for s in ("problem", "hypotheses", "tasks")])
    assert "No plan yet." in reply and "Next: comment `/plan` to write all three" in reply


def test_status_names_what_is_out_of_date_and_what_a_person_edited() -> None:
    reply = status_reply(4, [StageRow("problem", "edited by a person"),
                             StageRow("hypotheses", "stale"), StageRow("tasks", "stale")])
    assert "Out of date: `hypotheses.md` (stale), `tasks.md` (stale)." in reply
    assert "Edited by a person: `problem-definition.md`." in reply
    assert "Next: comment `/plan` to rerun the stale and missing stages" in reply


def test_a_status_comments_headline_reads_back_as_it_was_written() -> None:
    written = status_comment("the run failed", [StageRow("problem", "failed")], "footer")
    assert headline_of(written) == "the run failed"
    assert headline_of(written.replace("\n", "\r\n")) == "the run failed"  # edited on the web
    assert headline_of(STATUS_MARKER + "\nplanbot failed") is None
    assert headline_of(None) is None
