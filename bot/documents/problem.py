"""Stage 1: the problem definition, a template over the issue and its discussion (pure)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from bot.documents.checklist import completeness, reproduction_in_body
from bot.documents.kind import Reading, detect, kind_line
from bot.documents.provenance import digest
from bot.documents.quoting import embed, shorten
from bot.documents.sections import IssueSections, describes, sections
from bot.domain import MAINTAINERS, Comment, Issue
from bot.intake.commands import is_command_line
from bot.limits import PROBLEM_BODY_CHARS, PROBLEM_DISCUSSION_CHARS
from bot.markers import OWN_MARKER
from bot.text import model_text

# A 500-comment issue must not become a 500-section document: keep the latest.
MAX_COMMENTS = 30
MAX_COMMENT_CHARS = 4000

NOT_GIVEN = "_Not given in the issue._"
EMPTY_BODY = "_The issue has no description._"
ALL_IN_SECTIONS = "_The description is all in the sections below._"
NO_DISCUSSION = "_No comments from people yet._"
OMITTED = "_{count} other comments are not shown; read them on the issue._"
SHORTENED = "_Shortened from {total:,} characters{where}._"


def _is_command_only(body: str) -> bool:
    lines = [line for line in body.splitlines() if line.strip()]
    return bool(lines) and all(is_command_line(line) for line in lines)


def discussion(comments: Sequence[Comment]) -> tuple[list[Comment], int]:
    """The comments stage 1 shows, in the thread's order, and how many it leaves out.

    Bots (planbot included) and bare `/plan` commands say nothing about the problem. A
    long thread keeps the maintainers' comments first (they decide what the fix is),
    then the newest of the rest.
    """
    said = [c for c in comments
            if not c.by_bot and OWN_MARKER not in c.body and c.body.strip()
            and not _is_command_only(c.body)]
    kept = sorted(_by_priority(said)[:MAX_COMMENTS])
    return [said[i] for i in kept], len(said) - len(kept)


def _by_priority(comments: Sequence[Comment]) -> list[int]:
    """Indexes of `comments`, maintainers' first, newest first within each group."""
    return sorted(range(len(comments)), reverse=True,
                  key=lambda i: (comments[i].association in MAINTAINERS, i))


def _login(comment_author: str) -> str:
    # GitHub logins are letters, digits and hyphens; anything else cannot be one.
    return re.sub(r"[^A-Za-z0-9-]", "", comment_author.removesuffix("[bot]")) or "ghost"


def problem_inputs(issue: Issue, comments: Sequence[Comment]) -> str:
    """A digest of everything render_problem reads: it changes exactly when the document would."""
    shown, omitted = discussion(comments)
    kind = detect(issue.title, issue.body, issue.labels)
    said = [f"{c.author}\n{c.association}\n{c.url}\n{c.body}" for c in shown]
    return digest(issue.title, issue.body, kind.kind, kind.reason, str(omitted), *said)


def _overview(repo: str, issue: Issue, kind: Reading) -> str:
    # A blank line between the two seed lines: Markdown joins adjacent lines into one.
    lines = [f"Case: issue-{issue.number}", "", f"GitHub Issue: {repo}#{issue.number}", "",
             kind_line(kind)]
    if issue.author:
        lines.append(f"- Reported by `@{_login(issue.author)}`")
    if issue.url:
        lines.append(f"- Link: {issue.url}")
    return "\n".join(lines)


def in_place(parts: IssueSections) -> IssueSections:
    """An issue whose only sentences are its account of what happens (a body of headings
    and nothing else) keeps that account as its description, in the issue body."""
    if parts.free_text or not describes(parts.actual.splitlines()):
        return parts
    return replace(parts, free_text=parts.actual, actual="")


def _body(issue: Issue, parts: IssueSections, cut: bool) -> str:
    title = f"**Title:** {model_text(issue.title).strip()}"
    note = ""
    if cut:
        where = f"; the full issue is at {issue.url}" if issue.url else ""
        note = "\n\n" + SHORTENED.format(total=len(issue.body), where=where)
    if parts.free_text:
        return f"{title}\n\n{embed(parts.free_text)}{note}"
    return f"{title}\n\n{ALL_IN_SECTIONS if issue.body.strip() else EMPTY_BODY}{note}"


def _reproduction(parts: IssueSections, body: str) -> str:
    # Code or numbered steps in the body reproduce too: "not given" would contradict the
    # checklist below, which counts them.
    in_body = reproduction_in_body(body, parts).removesuffix(" in the issue body")
    shown = f"_No section of its own: the issue body above has {in_body}._" if in_body \
        else NOT_GIVEN
    blocks = [embed(parts.reproduction) if parts.reproduction else shown]
    for name, text in (("Expected behaviour", parts.expected), ("Actual behaviour", parts.actual),
                       ("Environment", parts.environment)):
        if text:
            blocks.append(f"### {name}\n\n{embed(text, min_heading=4)}")
    return "\n\n".join(blocks)


def _comment(comment: Comment) -> str:
    role = " (Maintainer)" if comment.association in MAINTAINERS else ""
    text, cut = shorten(comment.body, MAX_COMMENT_CHARS)
    blocks = [f"### `@{_login(comment.author)}`{role}", embed(text, min_heading=4)]
    if cut:
        where = f"; the full comment is at {comment.url}" if comment.url else ""
        blocks.append(SHORTENED.format(total=len(comment.body), where=where))
    return "\n\n".join(blocks)


def _discussion(comments: Sequence[Comment]) -> str:
    shown, omitted = discussion(comments)
    if not shown:
        return NO_DISCUSSION
    # What fits the budget, in the same order of priority: the document must fit one
    # GitHub comment.
    kept: dict[int, str] = {}
    for i in _by_priority(shown):
        block = _comment(shown[i])
        if kept and sum(map(len, kept.values())) + len(block) > PROBLEM_DISCUSSION_CHARS:
            break
        kept[i] = block
    omitted += len(shown) - len(kept)
    blocks = [OMITTED.format(count=omitted)] if omitted else []
    return "\n\n".join(blocks + [kept[i] for i in sorted(kept)])


def render_problem(repo: str, issue: Issue, comments: Sequence[Comment]) -> str:
    """problem-definition.md without its provenance line (documents.finish adds it)."""
    shortened, cut = shorten(issue.body, PROBLEM_BODY_CHARS)
    parts = in_place(sections(shortened if cut else issue.body))
    kind = detect(issue.title, issue.body, issue.labels)
    blocks = [
        "# Problem Definition",
        "## Overview", _overview(repo, issue, kind),
        "## Issue Body", _body(issue, parts, cut),
        "## Acceptance Criteria", embed(parts.acceptance) if parts.acceptance else NOT_GIVEN,
        "## Reproduction Steps", _reproduction(parts, shortened if cut else issue.body),
        "## Discussion", _discussion(comments),
        "## Completeness", completeness(issue.title, issue.body, parts, kind.kind),
    ]
    return "\n\n".join(blocks) + "\n"
