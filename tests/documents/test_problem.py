"""Stage 1: the problem definition rendered from an issue and its discussion."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

from bot.documents.checklist import KIND_HINT, REFRESH
from bot.documents.kind import written_kind
from bot.documents.problem import (
    ALL_IN_SECTIONS,
    EMPTY_BODY,
    MAX_COMMENT_CHARS,
    MAX_COMMENTS,
    NO_DISCUSSION,
    NOT_GIVEN,
    problem_inputs,
    render_problem,
)
from bot.documents.provenance import State, finish, provenance, state
from bot.documents.sections import sections
from bot.domain import Comment, Issue

PAYLOADS = Path(__file__).parents[1] / "payloads"
SEED_HEADINGS = ["# Problem Definition", "## Overview", "## Issue Body",
                 "## Acceptance Criteria", "## Reproduction Steps"]
# GitHub notifies for an @name that follows a non-word character and is not in code.
PING = re.compile(r"(?<![\w`])@\w")

BUG_BODY = (
    "Saving fails.\n\n"
    "## Steps to reproduce\n1. open a file\n2. press save\n\n"
    "## Expected behaviour\nThe file is saved.\n\n"
    "## Actual behaviour\n```\nTraceback (most recent call last):\n"
    '  File "app/save.py", line 9, in <module>\nOSError: disk full\n```\n\n'
    "## Environment\nLinux, Python 3.11\n\n"
    "## Acceptance criteria\n- [ ] saving a file works\n"
)


def section(document: str, heading: str) -> str:
    """The text under one `## ` heading of the document, up to the next one."""
    after = document.split(f"\n{heading}\n", 1)[1]
    return after.split("\n## ", 1)[0].strip()


def human(number: int, body: str, author: str = "carol", association: str = "NONE") -> Comment:
    return Comment(number, body, author=author, association=association)


def test_real_labeled_payload_renders_the_seed_headings_in_order() -> None:
    payload = json.loads((PAYLOADS / "issues.labeled.json").read_text())
    raw = payload["issue"]
    issue = Issue(raw["number"], raw["title"], raw["body"] or "", raw["user"]["login"],
                  raw["html_url"], tuple(label["name"] for label in raw["labels"]))

    document = render_problem(payload["repository"]["full_name"], issue, [])

    headings = [line for line in document.splitlines() if line.startswith("#")]
    assert headings[:5] == SEED_HEADINGS
    assert "Case: issue-1\n\nGitHub Issue: Codertocat/Hello-World#1\n" in document
    assert section(document, "## Issue Body") == (
        "**Title:** Spelling error in the README file\n\n" + raw["body"]
    )
    assert section(document, "## Acceptance Criteria") == NOT_GIVEN
    assert provenance(document) is None  # the pipeline appends it with documents.finish


def test_sections_from_the_body_fill_their_headings_and_leave_the_issue_body() -> None:
    document = render_problem("octo/widgets", Issue(7, "Save fails", BUG_BODY), [])
    assert section(document, "## Issue Body") == "**Title:** Save fails\n\nSaving fails."
    assert section(document, "## Acceptance Criteria") == "- [ ] saving a file works"
    reproduction = section(document, "## Reproduction Steps")
    assert reproduction.startswith("1. open a file\n2. press save\n\n### Expected behaviour\n")
    assert "### Environment\n\nLinux, Python 3.11" in reproduction


def test_traceback_survives_verbatim() -> None:
    document = render_problem("octo/widgets", Issue(7, "Save fails", BUG_BODY), [])
    assert sections(BUG_BODY).actual in document
    assert 'File "app/save.py", line 9, in <module>' in document


def test_empty_body_says_so() -> None:
    document = render_problem("octo/widgets", Issue(3, "Crash", ""), [])
    assert section(document, "## Issue Body") == f"**Title:** Crash\n\n{EMPTY_BODY}"
    assert section(document, "## Reproduction Steps") == NOT_GIVEN


def test_an_account_of_what_happens_is_the_description_when_nothing_else_is() -> None:
    body = ("### Current behavior\n\nThe CSV written since 2.3 has no header row, so our "
            "nightly import fails every morning.\n\n### Version\n\n2.3.1")
    document = render_problem("o/r", Issue(3, "Header lost", body), [])
    assert "The CSV written since 2.3 has no header row" in section(document, "## Issue Body")
    assert ALL_IN_SECTIONS not in document
    assert "### Actual behaviour" not in section(document, "## Reproduction Steps")


def test_body_made_only_of_sections_says_where_the_description_is() -> None:
    issue = Issue(3, "Crash", "## Steps to reproduce\n1. run")
    assert ALL_IN_SECTIONS in section(render_problem("o/r", issue, []), "## Issue Body")


def test_mentions_and_forged_markers_in_the_issue_are_neutralised() -> None:
    body = ("Ping @octocat and @octo-org/team now.\n"
            "<!-- planbot:stage=tasks inputs=x generator=y -->\n")
    document = render_problem("o/r", Issue(2, "Hi @hubot <script>x</script>", body), [])
    assert not PING.search(document)
    assert "`@octocat`" in document and "`@octo-org/team`" in document
    assert "planbot:" not in document and "<script>" not in document
    assert provenance(document) is None


def test_discussion_leaves_out_bots_planbot_and_bare_commands() -> None:
    comments = [
        human(1, "I see it too on macOS."),
        Comment(2, "Thanks for the report!", author="welcome[bot]", author_type="Bot"),
        Comment(3, "Coverage went down", author="codecov", author_type="Bot"),
        human(4, "<!-- planbot:stage=status -->\nPlanning…", author="someone"),
        human(5, "/plan\n/plan tasks", author="alice", association="OWNER"),
        human(6, "Probably the cache.", author="alice", association="MEMBER"),
    ]
    text = section(render_problem("o/r", Issue(1, "Bug", "x"), comments), "## Discussion")
    assert text == (
        "### `@carol`\n\nI see it too on macOS.\n\n"
        "### `@alice` (Maintainer)\n\nProbably the cache."
    )


def test_a_comment_that_only_looks_like_a_command_is_discussion() -> None:
    # The command grammar of bot.intake.commands: "/plan-ahead" and "/planning" are words.
    comments = [human(1, "/plan-ahead: split this before the release"),
                human(2, "  /plan again", author="alice", association="OWNER")]
    text = section(render_problem("o/r", Issue(1, "Bug", "x"), comments), "## Discussion")
    assert text == "### `@carol`\n\n/plan-ahead: split this before the release"


def test_every_maintainer_association_is_marked_and_nobody_is_pinged() -> None:
    comments = [human(n, f"note from @{who} cc @dave", author=who, association=role)
                for n, (who, role) in enumerate([("o", "OWNER"), ("m", "MEMBER"),
                                                  ("c", "COLLABORATOR"), ("x", "CONTRIBUTOR")])]
    text = section(render_problem("o/r", Issue(1, "Bug", "x"), comments), "## Discussion")
    headings = [line for line in text.splitlines() if line.startswith("### ")]
    assert headings == ["### `@o` (Maintainer)", "### `@m` (Maintainer)",
                        "### `@c` (Maintainer)", "### `@x`"]
    assert not PING.search(text)


def test_no_comments_says_so() -> None:
    bot_only = [Comment(1, "hi", author="stale[bot]", author_type="Bot")]
    document = render_problem("o/r", Issue(1, "Bug", "x"), bot_only)
    assert section(document, "## Discussion") == NO_DISCUSSION


def test_a_long_discussion_keeps_the_latest_comments() -> None:
    comments = [human(n, f"comment number {n}") for n in range(MAX_COMMENTS + 12)]
    text = section(render_problem("o/r", Issue(1, "Bug", "x"), comments), "## Discussion")
    assert text.count("### `@carol`") == MAX_COMMENTS
    assert "12 other comments are not shown" in text
    assert "comment number 11\n" not in text and f"comment number {MAX_COMMENTS + 11}" in text


def test_a_long_discussion_keeps_the_maintainers_comments_before_the_newest_others() -> None:
    comments = [human(0, "maintainer: the fix belongs in the parser", "alice", "MEMBER"),
                *(human(n, f"me too {n}") for n in range(1, MAX_COMMENTS + 5))]
    text = section(render_problem("o/r", Issue(1, "Bug", "x"), comments), "## Discussion")
    assert "the fix belongs in the parser" in text  # the oldest, but a maintainer's
    assert text.index("the fix belongs in the parser") < text.index(f"me too {MAX_COMMENTS + 4}")
    assert f"me too {MAX_COMMENTS + 4}" in text and "me too 5\n" not in text
    assert "5 other comments are not shown" in text


def test_a_huge_comment_is_shortened_without_leaving_a_fence_open() -> None:
    log = "```\n" + "".join(f"log line {n}\n" for n in range(3000)) + "```"
    comment = replace(human(1, f"Full log:\n\n{log}"), url="https://github.com/o/r/issues/1#c1")
    document = render_problem("o/r", Issue(1, "Bug", "x"), [comment])
    text = section(document, "## Discussion")
    assert len(text) < MAX_COMMENT_CHARS + 300
    assert "the full comment is at https://github.com/o/r/issues/1#c1" in text
    assert "log line 0\n" in text and "log line 2999" not in text
    assert text.count("```") % 2 == 0
    assert "\n## Completeness\n" in document


def test_completeness_names_what_a_bug_report_lacks() -> None:
    issue = Issue(1, "Crash on save", "Saving is a problem.\n\n## Expected\nno crash",
                  labels=("bug",))
    text = section(render_problem("o/r", issue, []), "## Completeness")
    assert "- [x] Expected behaviour" in text
    assert '- [ ] Reproduction — missing: add a "Steps to reproduce" section' in text
    assert "- [ ] Actual behaviour — missing" in text
    assert "- [ ] Environment — missing" in text
    assert "Acceptance criteria" not in text  # the expected behaviour says what done means
    assert text.endswith(f"{REFRESH}\n\n{KIND_HINT}")


def test_expected_and_actual_behaviour_said_in_prose_count_as_given() -> None:
    body = ("Since 2.3 the exporter drops the header row, so the import fails. It used to "
            "write one, and it should.\n\nPython 3.12")
    issue = Issue(1, "Header lost", body, labels=("bug",))
    text = section(render_problem("o/r", issue, []), "## Completeness")
    assert "- [x] Expected behaviour — said in the issue" in text
    assert "- [x] Actual behaviour — said in the issue" in text


def test_a_pasted_traceback_is_the_actual_behaviour_and_code_is_the_reproduction() -> None:
    body = ("Merging this file fails.\n\n```python\nwriter.append('a.pdf')\n```\n\n"
            "```\nTraceback (most recent call last):\n  File \"w.py\", line 3, in append\n"
            "TypeError: 'NullObject' object is not subscriptable\n```\n\nWindows 11, pypdf 5.1.0")
    text = section(render_problem("o/r", Issue(1, "append fails", body), []), "## Completeness")
    assert "- [x] Reproduction — code in the issue body" in text
    assert "- [x] Actual behaviour — the error output in the issue body" in text
    assert "- [x] Environment — versions named in the issue" in text


def test_numbered_steps_in_the_description_count_as_reproduction() -> None:
    body = "Saving loses data.\n\n1. open a file\n2. press save\n\nIt should keep the data."
    text = section(render_problem("o/r", Issue(1, "Save is broken", body), []),
                   "## Completeness")
    assert "- [x] Reproduction — numbered steps in the issue body" in text


def test_a_feature_request_is_asked_for_motivation_proposal_and_alternatives() -> None:
    issue = Issue(1, "Dark mode", "## Acceptance criteria\n- [ ] a toggle", labels=("enhancement",))
    text = section(render_problem("o/r", issue, []), "## Completeness")
    assert text.splitlines()[:4] == [
        '- [ ] Motivation — missing: add a "Motivation" section (the problem or use case '
        "behind the request)",
        '- [ ] Proposed behaviour — missing: add a "Proposed behaviour" section (how it would '
        "be used: an example call or output)",
        '- [ ] Alternatives considered — missing: add an "Alternatives considered" section '
        "(workarounds or designs you ruled out)",
        "- [x] Acceptance criteria",
    ]
    assert "reproduce" not in text.lower()


def test_a_title_that_names_the_request_is_not_its_proposal_or_alternatives() -> None:
    issue = Issue(1, "Warn about mixed types in read_csv and propose a workaround instead",
                  "Part of #3278.", labels=("enhancement",))
    text = section(render_problem("o/r", issue, []), "## Completeness")
    assert "- [ ] Proposed behaviour — missing" in text
    assert "- [ ] Alternatives considered — missing" in text


def test_code_in_the_body_is_the_reproduction_the_steps_section_points_to() -> None:
    body = "Merging fails.\n\n```python\nwriter.append('a.pdf')\n```\n"
    document = render_problem("o/r", Issue(1, "append fails", body), [])
    steps = section(document, "## Reproduction Steps")
    assert steps.startswith("_No section of its own: the issue body above has code._")
    assert "_Not given in the issue._" not in steps


def test_a_complete_feature_request_has_nothing_missing() -> None:
    body = ("We export every night and have to compress the files by hand because the "
            "exporter only writes plain CSV.\n\nIt would accept `compress='gzip'`, for "
            "example:\n\n```python\nexport(rows, compress='gzip')\n```\n\nThe workaround is "
            "a cron job running gzip.\n\n## Acceptance criteria\n- [ ] `.csv.gz` is written")
    text = section(render_problem("o/r", Issue(1, "Add gzip output", body), []),
                   "## Completeness")
    assert "- [ ]" not in text and REFRESH not in text


def test_a_performance_issue_is_asked_for_measurements_sizes_and_a_baseline() -> None:
    issue = Issue(1, "Import is slow", "Importing takes forever.", labels=("performance",))
    text = section(render_problem("o/r", issue, []), "## Completeness")
    assert [line.split(" — ")[0] for line in text.splitlines()[:5]] == [
        "- [ ] Measurements", "- [ ] Input sizes", "- [ ] Reproduction", "- [ ] Baseline",
        "- [ ] Environment"]
    measured = Issue(1, "Import is slow", "Importing 200,000 rows takes 95 s on 2.3; it "
                     "took 4 s on 2.2.\n\n```python\nimport_rows(path)\n```")
    text = section(render_problem("o/r", measured, []), "## Completeness")
    assert "- [ ]" not in text


def test_a_benchmarks_section_counts_as_measurements_even_when_its_figures_are_images() -> None:
    issue = Issue(1, "postprocess is slow", "### Benchmarks\n\n![timings](https://x/t.png)",
                  labels=("performance",))
    text = section(render_problem("o/r", issue, []), "## Completeness")
    assert text.splitlines()[0] == "- [x] Measurements"


def test_a_question_and_a_docs_issue_get_their_own_checklists() -> None:
    question = Issue(1, "How do I set a proxy?", "I tried `proxy=` with 3.9.1, it is ignored.")
    text = section(render_problem("o/r", question, []), "## Completeness")
    assert text.splitlines()[:3] == ["- [x] The question — asked in the issue",
                                     "- [x] What you tried", "- [x] Environment — versions named "
                                     "in the issue"]
    docs = Issue(1, "Typo in the quickstart", "", labels=("documentation",))
    text = section(render_problem("o/r", docs, []), "## Completeness")
    assert text.splitlines()[:3] == [
        "- [x] The page",
        "- [ ] What is wrong or missing — missing: say what the page gets wrong or leaves out",
        "- [ ] Suggested wording — missing: suggest the wording or example you would like to "
        "read"]


def test_a_complete_bug_report_has_nothing_missing() -> None:
    text = section(render_problem("o/r", Issue(7, "Save fails", BUG_BODY), []), "## Completeness")
    assert "- [ ]" not in text and REFRESH not in text


def test_the_overview_names_the_kind_and_why_on_lines_of_their_own() -> None:
    issue = Issue(106, "Feature: a --quiet flag", "", "ann", "https://github.com/o/r/issues/106")
    overview = section(render_problem("o/r", issue, []), "## Overview")
    assert overview.split("\n\n")[:2] == ["Case: issue-106", "GitHub Issue: o/r#106"]
    assert "- Kind: **feature request** (from the title)" in overview
    assert written_kind(render_problem("o/r", issue, [])) == "feature request"


def test_problem_inputs_change_with_the_issue_and_its_discussion_only() -> None:
    issue = Issue(1, "Crash", "It crashes.", labels=("bug",))
    comments = [human(1, "Same here.")]
    before = problem_inputs(issue, comments)

    assert problem_inputs(issue, [*comments, human(2, "Also on Windows.")]) != before
    assert problem_inputs(replace(issue, body="It crashes on save."), comments) != before
    assert problem_inputs(replace(issue, title="Crash on save"), comments) != before
    assert problem_inputs(issue, [replace(comments[0], body="Same here, v2.")]) != before

    ignored = [
        Comment(2, "Thanks!", author="welcome[bot]", author_type="Bot"),
        human(3, "<!-- planbot:stage=status -->\nRunning", author="planbot"),
        human(4, "/plan", author="alice", association="OWNER"),
    ]
    assert problem_inputs(issue, [*comments, *ignored]) == before
    assert problem_inputs(replace(issue, labels=("bug", "plan")), comments) == before
    assert problem_inputs(replace(issue, labels=("enhancement",)), comments) != before
    assert problem_inputs(Issue(1, "Crash", "It crashes.", labels=("bug",)), comments) == before


def test_a_new_comment_makes_a_finished_problem_definition_stale() -> None:
    issue = Issue(1, "Crash", "It crashes.")
    comments = [human(1, "Same here.")]
    document = finish("problem", render_problem("o/r", issue, comments),
                      problem_inputs(issue, comments), "template")
    assert state(document, problem_inputs(issue, comments)) is State.CURRENT
    newer = problem_inputs(issue, [*comments, human(2, "And here.")])
    assert state(document, newer) is State.STALE
