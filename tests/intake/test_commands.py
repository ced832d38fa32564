"""Finding `/plan` commands in comment bodies."""

from __future__ import annotations

import pytest

from bot.intake.commands import Command, parse


def names(body: str) -> list[tuple[str, str]]:
    return [(c.name, c.arg) for c in parse(body)]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("/plan", [("plan", "")]),
        ("/plan\n", [("plan", "")]),
        ("   /plan", [("plan", "")]),
        ("/plan   ", [("plan", "")]),
        ("/plan problem", [("problem", "")]),
        ("/plan hypotheses", [("hypotheses", "")]),
        ("/plan tasks", [("tasks", "")]),
        ("/plan again", [("again", "")]),
        ("/plan status", [("status", "")]),
        ("/plan handoff", [("handoff", "")]),
        ("/plan help", [("help", "")]),
        ("/plan HELP", [("help", "")]),
        ("/plan\tstatus", [("status", "")]),
        ("/plan revise", [("revise", "")]),
        ("/plan revise focus on the cache", [("revise", "focus on the cache")]),
        ("/plan frobnicate", [("unknown", "/plan frobnicate")]),
        ("Thanks!\n/plan tasks\r\n", [("tasks", "")]),
    ],
)
def test_command_table(body: str, expected: list[tuple[str, str]]) -> None:
    assert names(body) == expected


@pytest.mark.parametrize(
    "body",
    [
        "/planning",
        "/plans",
        "/plan-tasks",
        "/plan:",
        "Please /plan this",
        "    /plan",  # four spaces: an indented code block
        "\t/plan",
        "/Plan",
        "plan",
        "",
    ],
)
def test_near_misses_are_not_commands(body: str) -> None:
    assert parse(body) == []


def test_command_inside_backtick_fence_is_not_a_command() -> None:
    assert parse("Run this:\n\n```\n/plan\n```\n") == []


def test_command_inside_long_tilde_fence_is_not_a_command() -> None:
    body = "~~~~~ sh\n/plan tasks\n~~~\n/plan still inside\n~~~~~\n"
    assert parse(body) == []


def test_command_after_a_closed_fence_counts() -> None:
    assert names("````\n/plan again\n````\n/plan status") == [("status", "")]


def test_unclosed_fence_hides_the_rest_of_the_comment() -> None:
    assert parse("```\n/plan\n") == []


def test_command_in_indented_code_block_is_not_a_command() -> None:
    assert parse("Example:\n\n    /plan again\n") == []


def test_quoted_command_is_not_a_command() -> None:
    assert parse("> /plan again\n\nI agree.") == []


def test_lazy_line_of_a_quote_belongs_to_the_quote() -> None:
    # Markdown renders the second line inside the quote, so it is quoted text too.
    assert parse("> someone said\n/plan again") == []


def test_command_in_html_comment_is_not_a_command() -> None:
    assert parse("<!--\n/plan again\n-->\n") == []


def test_command_line_inside_a_paragraph_counts() -> None:
    assert names("This needs a plan.\n/plan") == [("plan", "")]


def test_several_command_lines_run_in_order_with_their_line_numbers() -> None:
    body = "/plan problem\n\nthen\n\n/plan hypotheses\n/plan status"
    assert parse(body) == [
        Command("problem", "", 1), Command("hypotheses", "", 5), Command("status", "", 6),
    ]


def test_revise_feedback_takes_the_lines_up_to_the_next_command() -> None:
    body = "/plan revise the cache\nis the suspect\n\nnot the parser\n/plan status"
    assert names(body) == [("revise", "the cache\nis the suspect\n\nnot the parser"),
                           ("status", "")]


def test_revise_feedback_may_start_on_the_next_line() -> None:
    assert names("/plan revise\nLook at `cache.py` first.") == [
        ("revise", "Look at `cache.py` first.")
    ]


def test_unknown_subcommand_keeps_the_whole_line() -> None:
    assert parse("hello\n  /plan deploy now") == [Command("unknown", "/plan deploy now", 2)]
