"""What planbot answers besides plans: help, unknown commands, refusals, who may run."""

from __future__ import annotations

import pytest

from bot.intake.commands import SUBCOMMANDS, Command, parse
from bot.intake.request import COMMENT, LABEL, MERGED, REVIEW
from bot.run.replies import HELP, association_rule, help_text, may_run, refusal, unknown_reply


def test_help_lists_every_subcommand() -> None:
    for name in SUBCOMMANDS:
        assert f"`/plan {name}" in HELP
    assert "`/plan`" in HELP


def test_help_names_who_may_run_commands() -> None:
    assert association_rule() in HELP
    assert "`OWNER`, `MEMBER`, `COLLABORATOR`" in HELP
    assert "`OWNER`, `CONTRIBUTOR`" in help_text(["OWNER", "CONTRIBUTOR"])


def test_unknown_reply_quotes_the_line_without_pinging_anyone() -> None:
    reply = unknown_reply(parse("/plan `deploy` @octocat")[0])
    assert reply.startswith("``/plan `deploy` @octocat`` is not a planbot command.")
    assert HELP in reply


def test_refusal_names_the_command_and_the_association() -> None:
    text = refusal(Command("again"), "CONTRIBUTOR", ["OWNER"])
    assert "`/plan again`" in text
    assert "`CONTRIBUTOR`" in text
    assert association_rule(["OWNER"]) in text


@pytest.mark.parametrize(
    ("trigger", "association", "allowed"),
    [
        (COMMENT, "OWNER", True),
        (COMMENT, "member", True),
        (COMMENT, "CONTRIBUTOR", False),
        (COMMENT, "NONE", False),
        (REVIEW, "COLLABORATOR", True),
        (REVIEW, "FIRST_TIME_CONTRIBUTOR", False),
        (LABEL, "", True),  # GitHub only lets people with triage access label
        (MERGED, "", True),  # and only people with write access merge
    ],
)
def test_who_may_run(trigger: str, association: str, allowed: bool) -> None:
    assert may_run(trigger, association) is allowed


def test_configured_allowed_list_replaces_the_default() -> None:
    assert may_run(COMMENT, "CONTRIBUTOR", ["CONTRIBUTOR"])
    assert not may_run(COMMENT, "OWNER", ["CONTRIBUTOR"])
