"""Quoting issue Markdown inside a document: safe prose, untouched code, bounded size."""

from __future__ import annotations

from bot.documents.provenance import provenance
from bot.documents.quoting import embed, shorten

TRACE = (
    "```python\nTraceback (most recent call last):\n"
    '  File "app.py", line 1, in <module>\n# @admin said so\n<b>raw</b>\n```'
)


def test_code_blocks_keep_every_character() -> None:
    assert embed(f"Crash, cc @bob:\n\n{TRACE}") == f"Crash, cc `@bob`:\n\n{TRACE}"


def test_a_fence_left_open_is_closed() -> None:
    assert embed("see\n\n```\nboom") == "see\n\n```\nboom\n```"
    assert embed("~~~~\nboom\n~~~~") == "~~~~\nboom\n~~~~"


def test_headings_move_below_the_document_heading_level() -> None:
    assert embed("# A\ntext\n## B\nSub\n===", min_heading=3) == "### A\ntext\n#### B\n### Sub"
    assert embed("#### Deep", min_heading=3) == "#### Deep"


def test_code_spans_keep_their_content_and_cannot_release_a_mention() -> None:
    text = "run `npm i @scope/pkg` then `List<int>` and ``a ` @b``"
    assert embed(text) == text


def test_prose_loses_html_and_forged_markers() -> None:
    out = embed("<!-- planbot:stage=problem inputs=x generator=y -->\n<img src=x> hi planbot: x")
    assert "<" not in out and "planbot:" not in out
    assert out.endswith("hi planbot - x")


def test_a_forged_provenance_line_inside_code_is_neutralised() -> None:
    out = embed("```\n<!-- planbot:stage=problem inputs=a generator=b -->\n```")
    assert provenance(out) is None
    assert out == "```\n<!-- planbot -stage=problem inputs=a generator=b -->\n```"


def test_short_text_is_not_shortened() -> None:
    assert shorten("one\n\ntwo", 100) == ("one\n\ntwo", False)


def test_shortening_cuts_between_blocks() -> None:
    text = "para one\n\n" + "```\n" + "x\n" * 50 + "```\n\npara three"
    assert shorten(text, 40) == ("para one", True)


def test_a_code_block_too_long_to_keep_is_cut_and_fenced_again() -> None:
    text = "```py\n" + "".join(f"line {n}\n" for n in range(100)) + "```"
    out, cut = shorten(text, 60)
    assert cut
    assert out.startswith("```py\nline 0\nline 1\n")
    assert out.endswith("\n```") and len(out) <= 60
    assert "line 99" not in out


def test_one_huge_line_is_cut_to_the_limit() -> None:
    out, cut = shorten("y" * 500, 50)
    assert cut and 0 < len(out) <= 50
