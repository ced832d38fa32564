"""Finding acceptance criteria, reproduction steps and the rest in real-world issue bodies."""

from __future__ import annotations

import pytest

from bot.documents.sections import IssueSections, kind_of, sections

# (body, part, the part's text) — the heading styles people and templates write.
HEADING_STYLES = [
    ("## Acceptance Criteria\n- [ ] a", "acceptance", "- [ ] a"),
    ("### Acceptance criteria:\n\n- [ ] a", "acceptance", "- [ ] a"),
    ("**Acceptance criteria**\n- [ ] a", "acceptance", "- [ ] a"),
    ("## Definition of Done\n- [ ] shipped", "acceptance", "- [ ] shipped"),
    ("### Steps to reproduce\n\n1. run it", "reproduction", "1. run it"),
    ("**To Reproduce**\n1. run it", "reproduction", "1. run it"),
    ("## Repro\n1. run it", "reproduction", "1. run it"),
    ("## Steps\n1. run it", "reproduction", "1. run it"),
    ("#### How to reproduce?\n1. run it", "reproduction", "1. run it"),
    ("Steps to reproduce:\n- run it", "reproduction", "- run it"),
    ("# Expected behavior\nit loads", "expected", "it loads"),
    ("**Expected behaviour**\nit loads", "expected", "it loads"),
    ("**Expected behaviour:**\nit loads", "expected", "it loads"),
    ("__Expected result__:\nit loads", "expected", "it loads"),
    ("Expected behavior: it loads", "expected", "it loads"),
    ("Expected behaviour\n---\nit loads", "expected", "it loads"),
    ("## Actual result\nboom", "actual", "boom"),
    ("**Actual behavior**\nboom", "actual", "boom"),
    ("## Traceback\n```\nKeyError: 1\n```", "actual", "```\nKeyError: 1\n```"),
    ("### Logs/tracebacks\nboom", "actual", "boom"),
    ("### Actual Result with Screenshots or Logs\nboom", "actual", "boom"),
    ("**Error message**\nboom", "actual", "boom"),
    ("## Environment\n- OS: Linux", "environment", "- OS: Linux"),
    ("**Versions**\npython 3.11", "environment", "python 3.11"),
    ("**Environment:** Python 3.11", "environment", "Python 3.11"),
    ("**Desktop (please complete the following information):**\n- OS: iOS",
     "environment", "- OS: iOS"),
    ("## 🐛 Steps to Reproduce\n1. run it", "reproduction", "1. run it"),
]


@pytest.mark.parametrize(("body", "part", "text"), HEADING_STYLES)
def test_each_heading_style_is_found(body: str, part: str, text: str) -> None:
    found = sections(body)
    assert getattr(found, part) == text
    assert found.free_text == ""


@pytest.mark.parametrize("label", ["Notes", "Description", "Describe the bug", "Example",
                                   "Screenshots", "Next steps", "Additional context"])
def test_other_headings_are_not_extracted(label: str) -> None:
    assert kind_of(label) is None
    assert sections(f"## {label}\ntext").free_text == f"## {label}\ntext"


def test_github_bug_template_splits_at_every_bold_heading() -> None:
    body = (
        "**Describe the bug**\nIt crashes.\n\n"
        "**To Reproduce**\nSteps to reproduce the behavior:\n1. Go to '...'\n2. Click\n\n"
        "**Expected behavior**\nIt does not crash.\n\n"
        "**Screenshots**\nnone\n\n"
        "**Desktop (please complete the following information):**\n - OS: iOS\n"
    )
    found = sections(body)
    assert found.reproduction == "Steps to reproduce the behavior:\n1. Go to '...'\n2. Click"
    assert found.expected == "It does not crash."
    assert found.environment == " - OS: iOS"
    assert found.free_text == "**Describe the bug**\nIt crashes.\n\n**Screenshots**\nnone"


def test_issue_form_fields_left_empty_count_as_not_given() -> None:
    body = (
        "### What happened?\n\nIt crashed\n\n"
        "### Steps to reproduce\n\n1. pip install widgets\n2. widgets run\n\n"
        "### Expected behavior\n\n_No response_\n\n"
        "### Anything else?\n\n_No response_\n\n"
        "### Relevant log output\n\n```shell\nTraceback (most recent call last):\n```\n"
    )
    found = sections(body)
    assert found.reproduction == "1. pip install widgets\n2. widgets run"
    assert found.expected == ""
    # The log the form asks for is what happened too: a traceback is the actual behaviour.
    assert found.actual == "It crashed\n\n```shell\nTraceback (most recent call last):\n```"
    assert "Anything else" not in found.free_text
    assert found.free_text == ""


def test_headings_inside_a_code_fence_do_not_split_the_section() -> None:
    code = "```markdown\n## Expected behavior\nnot a heading\n# Environment\n```"
    found = sections(f"## Steps to reproduce\n1. save this file:\n\n{code}\n\n## Actual\nboom")
    assert found.reproduction == f"1. save this file:\n\n{code}"
    assert found.expected == "" and found.environment == ""
    assert found.actual == "boom"


def test_an_unclosed_fence_keeps_everything_after_it_in_its_section() -> None:
    found = sections("## Steps\n```\nrun\n## Expected\nno")
    assert found.reproduction == "```\nrun\n## Expected\nno"
    assert found.expected == ""


def test_traceback_survives_verbatim() -> None:
    trace = (
        "```\nTraceback (most recent call last):\n"
        '  File "app/main.py", line 3, in <module>\n    run()\nKeyError: \'x\'\n```'
    )
    assert sections(f"**Actual behaviour**\n\n{trace}\n").actual == trace


def test_a_subheading_stays_in_its_section_but_a_peer_heading_ends_it() -> None:
    body = "## Steps to reproduce\n1. run\n### Details\nslow disk\n## Notes\nlater"
    found = sections(body)
    assert found.reproduction == "1. run\n### Details\nslow disk"
    assert found.free_text == "## Notes\nlater"


def test_checklists_under_acceptance_criteria_keep_their_boxes() -> None:
    body = ("Intro.\n\n## Acceptance criteria\n\n"
            "- [ ] exports CSV\n- [x] imports CSV\n  - [ ] nested")
    found = sections(body)
    assert found.acceptance == "- [ ] exports CSV\n- [x] imports CSV\n  - [ ] nested"
    assert found.free_text == "Intro."


def test_free_text_keeps_what_surrounds_the_sections_in_order() -> None:
    body = ("First.\n\n## Repro\n1. run\n\n## Context\nSecond.\n\n"
            "**Expected:** quiet\n\n# End\nThird.")
    found = sections(body)
    assert found.free_text == "First.\n\n## Context\nSecond.\n\n# End\nThird."
    assert found.expected == "quiet"


def test_label_lines_in_one_paragraph_split_it() -> None:
    found = sections("Expected: it loads\nActual: a blank page")
    assert (found.expected, found.actual) == ("it loads", "a blank page")


def test_a_sentence_with_a_colon_is_not_a_heading() -> None:
    body = "Note: the steps are below.\n**Important**: read this"
    assert sections(body) == IssueSections(free_text=body)


def test_headings_quoted_from_someone_else_are_not_structure() -> None:
    body = "> ## Steps to reproduce\n> 1. quoted"
    assert sections(body) == IssueSections(free_text=body)


def test_a_section_of_only_template_comments_is_not_given() -> None:
    found = sections("## Steps to reproduce\n<!-- Tell us how -->\n\n## Expected\nworks")
    assert found.reproduction == ""
    assert found.expected == "works"


def test_labels_of_the_same_kind_inside_a_section_are_its_content() -> None:
    found = sections("## Environment\nOS: Linux\nPython version: 3.11\n\n**Expected:** works")
    assert found.environment == "OS: Linux\nPython version: 3.11"
    assert found.expected == "works"


def test_repeated_sections_are_joined() -> None:
    found = sections("## Environment\nLinux\n\n## Notes\nx\n\n## Versions\npy3.11")
    assert found.environment == "Linux\n\npy3.11"


def test_windows_line_endings_parse_like_unix_ones() -> None:
    found = sections("## Steps to reproduce\r\n1. run\r\n\r\n## Expected\r\nworks\r\n")
    assert (found.reproduction, found.expected) == ("1. run", "works")


def test_empty_body_has_no_parts() -> None:
    assert sections("") == IssueSections()
    assert sections("_No response_") == IssueSections()


def test_sentences_under_an_environment_heading_are_the_description_and_stay() -> None:
    body = ("### Environment\n\nWe run the exporter nightly from cron, and since 2.3 the CSV "
            "it writes has no header row.\n\n### Version\n\n2.3.1")
    found = sections(body)
    assert found.free_text.startswith("### Environment\n\nWe run the exporter nightly")
    assert found.environment == "2.3.1"
