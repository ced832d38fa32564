"""The issue's own words inside a problem definition, planbot's template text left out (pure).

The pipeline hands repository search the problem definition a person may have edited.
What it should search with is what the reporter and the discussion said: the title,
the body, acceptance criteria, reproduction, comments. Its headings, "Case:",
"GitHub Issue:", the reporter's login, the link and the completeness checklist are
planbot's, and would otherwise become search terms.
"""

from __future__ import annotations

import re

from bot.text import ESCAPED_LT, sections

TITLE = re.compile(r"^\*\*Title:\*\*\s*(.*)$", re.MULTILINE)
ISSUE_SECTIONS = ("issue body", "acceptance criteria", "reproduction steps", "discussion")
# Whole-line notes in italics are planbot's ("_Not given in the issue._"); a comment's
# heading is a login in backticks, maybe "(Maintainer)".
_NOTE = re.compile(r"^\s*_[^_\n].*_\s*$", re.MULTILINE)
_LOGIN = re.compile(r"^#{3,6} `@[\w-]+`(?: \(Maintainer\))?\s*$", re.MULTILINE)
_SUBHEADING = re.compile(r"^#{3,6} (?:Expected behaviour|Actual behaviour|Environment)\s*$",
                         re.MULTILINE)
# Issue forms: checked boxes are the reporter's attestations ("I have searched the
# existing issues"), HTML comments are the template's instructions. Neither is the bug.
_CHECKED = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+\[[xX]\].*$", re.MULTILINE)
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)


def without_form_noise(text: str) -> str:
    """Issue text without HTML comments and checked attestation boxes."""
    return _CHECKED.sub("", _HTML_COMMENT.sub("", text))


def issue_text(document: str) -> str:
    """The issue's title on the first line, then its own words. A document that is not
    planbot's problem definition (or was rewritten) is taken whole, first line as title."""
    parts_of = sections(document)
    if "issue body" not in parts_of:
        return without_form_noise(document)
    body = parts_of["issue body"]
    found = TITLE.search(body)
    title = found.group(1).strip() if found else ""
    if found:
        body = body[: found.start()] + body[found.end():]
    parts = [body, *(parts_of.get(name, "") for name in ISSUE_SECTIONS[1:])]
    text = "\n\n".join(parts)
    for pattern in (_NOTE, _LOGIN, _SUBHEADING):
        text = pattern.sub("", text)
    # A tag the reporter wrote was escaped to be published (bot.text.model_text): it is
    # their `<`, as the tree's code would spell it.
    return f"{title}\n{without_form_noise(text).strip()}".replace(ESCAPED_LT, "<")
