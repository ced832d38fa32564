"""GitHub's limits on what planbot publishes, and text no reader can see kept out of it."""

from __future__ import annotations

from dataclasses import replace

from bot.domain import Comment
from bot.limits import GITHUB_BODY_CHARS
from tests import helpers
from tests.fakes import FakePlanner

COMMENT_MODE = {".github/planbot.yml": "output: comments\n"}
# What a terminal paste or a hostile issue carries: NUL, BEL, backspace, DEL, C1 controls,
# colour and title escape sequences.
CONTROLS = "\x00\x07\x08\x7f\x85\x1b[31m\x1b[0m\x1b]0;owned\x07\x1b[2J"


def test_a_65000_character_issue_in_comment_mode_is_published_shortened_with_a_link() -> None:
    gh = helpers.repo(COMMENT_MODE)
    paragraph = "The parser drops the last line when the input ends without a newline. "
    gh.issues[1] = replace(helpers.ISSUE, body=(paragraph * 1000)[:65_000],
                           url="https://github.com/octo/widgets/issues/1")
    gh.comments[1] = [Comment(100 + n, f"Same here, log {n}:\n\n" + "x" * 3990, f"user{n}",
                              url=f"https://github.com/octo/widgets/issues/1#c{n}")
                      for n in range(40)]
    outcome = helpers.run(gh, helpers.LABELED, FakePlanner())
    assert outcome.startswith("label: ran problem, hypotheses, tasks"), outcome
    published = [c.body for c in gh.comments[1] if c.author == gh.bot_login]
    problem = next(body for body in published if "# Problem Definition" in body)
    assert max(map(len, published)) <= GITHUB_BODY_CHARS
    assert "_Shortened from 65,000 characters; the full issue is at " \
           "https://github.com/octo/widgets/issues/1._" in problem
    assert "other comments are not shown" in problem


def test_control_characters_in_the_issue_reach_no_document() -> None:
    gh = helpers.repo(COMMENT_MODE)
    gh.issues[1] = replace(helpers.ISSUE, title=f"Parser{CONTROLS} drops lines",
                           body=(f"It fails{CONTROLS} here.\n\n```\nTraceback{CONTROLS}\n```\n"
                                 "\n## Acceptance Criteria\n\n- [ ] every line" + CONTROLS))
    helpers.run(gh, helpers.LABELED, FakePlanner())
    published = "".join(gh.written)
    leftovers = {ch for ch in published if ord(ch) < 32 and ch not in "\n\t" or
                 0x7f <= ord(ch) <= 0x9f}
    assert not leftovers, leftovers
    assert "[31m" not in published and "owned" not in published
