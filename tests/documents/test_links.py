"""Cited paths shown on GitHub link to the planned commit; read back, they are plain again."""

from __future__ import annotations

import pytest

from bot.documents.links import linked, unlinked
from bot.documents.validate import NOT_FOUND

REPO = "https://github.com/octo/widgets"
SHA = "0123456789abcdef0123456789abcdef01234567"
BLOB = f"{REPO}/blob/{SHA}"


@pytest.mark.parametrize(("span", "link"), [
    ("`src/dates.py:8`", f"[`src/dates.py:8`]({BLOB}/src/dates.py#L8)"),
    ("`src/dates.py:3-9`", f"[`src/dates.py:3-9`]({BLOB}/src/dates.py#L3-L9)"),
    ("`src/dates.py`", f"[`src/dates.py`]({BLOB}/src/dates.py)"),
    ("`setup.cfg`", f"[`setup.cfg`]({BLOB}/setup.cfg)"),
    ("`tests/`", f"[`tests/`]({BLOB}/tests)"),
    ("`docs/usage.md:12-20`", f"[`docs/usage.md:12-20`]({BLOB}/docs/usage.md?plain=1#L12-L20)"),
])
def test_a_cited_path_links_to_its_lines_at_the_planned_commit(span: str, link: str) -> None:
    assert linked(f"- {span}\n", REPO, SHA) == f"- {link}\n"


@pytest.mark.parametrize("text", [
    "`parse_date('')`", "`ValueError: bad`", "`os.path`", "`a/b`", "`return date.fromisoformat(v)`",
    "`/etc/passwd`", "`../outside.py`", f"`src/gone.py`{NOT_FOUND}",
    f"[`src/dates.py`]({REPO}/blob/main/src/dates.py)",
])
def test_code_that_is_no_cited_path_stays_as_written(text: str) -> None:
    assert linked(text, REPO, SHA) == text


def test_paths_inside_a_code_block_are_not_linked() -> None:
    text = "```\nsee `src/dates.py:8`\n```\n"
    assert linked(text, REPO, SHA) == text


def test_without_a_commit_id_nothing_is_linked() -> None:
    # A branch name moves: a link to it would show other lines tomorrow.
    assert linked("`src/dates.py:8`", REPO, "main") == "`src/dates.py:8`"
    assert linked("`src/dates.py:8`", "", SHA) == "`src/dates.py:8`"


def test_reading_a_linked_document_back_gives_the_document_as_written() -> None:
    document = ("# Tasks\n\n- [ ] 1. Reproduce (in `src/dates.py:8`)\n"
                "- [ ] 2. Fix `src/dates.py` and `docs/usage.md:3-4` (after task 1)\n"
                f"- [ ] 3. Keep [`my link`](https://example.com) and `src/gone.py`{NOT_FOUND}\n")
    shown = linked(document, REPO, SHA)
    assert shown.count(BLOB) == 3
    assert unlinked(shown, REPO) == document


def test_a_link_a_person_wrote_to_other_lines_is_kept() -> None:
    theirs = f"[`src/dates.py:8`]({BLOB}/src/dates.py#L9)"
    assert unlinked(theirs, REPO) == theirs
