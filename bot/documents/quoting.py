"""Quote untrusted Markdown (issue text, comments) inside a planbot document (pure)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it.token import Token

from bot.text import MARKDOWN, code_text, fence, model_text, normal_newlines

_MIN_PART = 200  # characters: less than this of a cut block says nothing useful


def _prose(text: str) -> str:
    safe = model_text(text)
    return re.sub(r"\n[ \t]*\n(?:[ \t]*\n)+", "\n\n", safe)  # where stripped tags stood


def _closed(token: Token, lines: Sequence[str]) -> bool:
    assert token.map is not None
    start, end = token.map
    last = lines[end - 1].strip() if end - start >= 2 else ""
    return last.startswith(token.markup) and set(last) == {token.markup[0]}


def embed(markdown: str, min_heading: int = 3) -> str:
    """`markdown` made safe to publish inside a document.

    Prose goes through model_text; code keeps every character (tracebacks are
    evidence); a fence left open is closed so it cannot swallow the document; and
    headings move down so none outranks `min_heading` in the document around it.
    """
    text = normal_newlines(markdown)
    lines = text.split("\n")
    tokens = MARKDOWN.parse(text)
    heads = [(t, tokens[i + 1].content) for i, t in enumerate(tokens)
             if t.type == "heading_open" and t.level == 0]
    shift = max(0, min_heading - min((int(t.tag[1]) for t, _ in heads), default=min_heading))
    replaced: dict[int, tuple[int, list[str]]] = {}
    for token, title in heads:
        assert token.map is not None
        level = min(6, int(token.tag[1]) + shift)
        replaced[token.map[0]] = (token.map[1], ["#" * level + " " + _prose(title)])
    for token in tokens:
        if token.type in ("fence", "code_block") and token.map is not None:
            start, end = token.map
            block = [code_text(line) for line in lines[start:end]]
            if token.type == "fence" and token.level == 0 and not _closed(token, lines):
                block.append(token.markup)
            replaced[start] = (end, block)
    out: list[str] = []
    prose: list[str] = []
    number = 0
    while number < len(lines):
        if number in replaced:
            out += [_prose("\n".join(prose))] if prose else []
            prose = []
            number, block = replaced[number]
            out += block
        else:
            prose.append(lines[number])
            number += 1
    out += [_prose("\n".join(prose))] if prose else []
    return "\n".join(out).strip("\n")


def shorten(markdown: str, limit: int) -> tuple[str, bool]:
    """At most about `limit` characters of `markdown`, cut between blocks; True if cut.

    A code block too long to keep whole is cut and fenced again, so the cut never
    leaves a fence open.
    """
    text = normal_newlines(markdown).strip()
    if len(text) <= limit:
        return text, False
    lines = text.split("\n")
    kept = ""
    for token in MARKDOWN.parse(text):
        if token.level != 0 or token.map is None or token.nesting == -1:
            continue
        start, end = token.map
        whole = "\n".join(lines[:end]).rstrip()
        if len(whole) <= limit:
            kept = whole
            continue
        room = limit - len(kept) - 2 if kept else limit
        # Worth a partial block (often the log that made the comment long) if there is room.
        if not kept or room >= _MIN_PART:
            kept = "\n\n".join(p for p in (kept, _cut(token, lines[start:end], room)) if p)
        break
    return kept, True


def _cut(token: Token, lines: Sequence[str], limit: int) -> str:
    """The head of one block that is longer than `limit` on its own."""
    body = token.content.split("\n") if token.type == "fence" else list(lines)
    room = limit - len(token.info) - 10  # the fence lines that wrap it again
    kept: list[str] = []
    for line in body:
        if len("\n".join([*kept, line])) > room:
            break
        kept.append(line)
    head = "\n".join(kept) if kept else body[0][:max(room, 0)]
    return fence(head, token.info.strip() or "text") if token.type == "fence" else head
