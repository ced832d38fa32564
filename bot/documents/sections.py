"""Split an issue body into the parts people write under headings (pure)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from markdown_it.token import Token

from bot.text import FENCED_BLOCK, MARKDOWN, for_model, normal_newlines

KINDS: tuple[str, ...] = ("acceptance", "reproduction", "expected", "actual", "environment")

# Heading texts seen in real issues and in the templates GitHub and projects ship,
# matched against the normalised text (lower case, no punctuation, no "(...)").
_LABELS: dict[str, re.Pattern[str]] = {
    "acceptance": re.compile(
        r"(acceptance|success|done|completion) criteri(a|on)|acceptance( tests?)?"
        r"|definition of done|done when"
    ),
    "reproduction": re.compile(
        r"(steps |how )?to reproduce( .*)?|steps( .*)?|repro( steps| case| code)?"
        r"|reproduction( steps| case| code)?|reproducer|reproducible example"
        r"|minimal (reproducible example|reproduction|repro|example)|mcve|mre"
    ),
    "expected": re.compile(
        r"expected( behaviou?r| results?| outcome| output)?|desired behaviou?r"
        r"|what (did )?you expect(ed)?( to happen)?|what should (have )?happen(ed)?"
    ),
    "actual": re.compile(
        r"(actual|observed)( behaviou?r| results?| outcome| output)?( with .*)?"
        r"|current( behaviou?r| results?| outcome| output)?"
        r"|what (actually )?happen(s|ed)( instead)?"
        r"|(full |complete )?(tracebacks?|stack ?traces?|error( messages?| output| logs?)?)"
        r"|logs?( output)?( tracebacks?)?|(relevant )?log output"
    ),
    "environment": re.compile(
        r"((your|system|runtime|test|development) )?environment( details| info(rmation)?)?"
        r"|env|versions?( info(rmation)?| used)?|(system|platform) info(rmation)?|platform"
        r"|desktop|smartphone|software versions?|os( version)?|operating system"
        r"|(python|package) versions?|setup"
    ),
}
# A label line inside a paragraph: "**To Reproduce**", "**Environment:** Linux",
# "Steps to reproduce:" (a plain label needs its colon, or any sentence would match).
_LABEL_LINE = re.compile(
    r"^ {0,3}(?:(\*\*|__)(?P<bold>[^\n]+?)\1|(?P<plain>[^:*_`#>|\[\]\n]{1,60}?)(?=\s*:))"
    r"\s*(?P<colon>:?)\s*(?P<rest>.*)$"
)
# GitHub issue forms render an optional field left empty as this line.
_NO_RESPONSE = "_No response_"
_LABEL_LEVEL = 7  # below every ATX level: a label never ends a section under a real heading
DESCRIPTION_WORDS = 10  # a line this long is a sentence, not an environment fact


@dataclass(frozen=True)
class IssueSections:
    """Each part's source text, verbatim; "" when the issue does not give it."""

    free_text: str = ""
    acceptance: str = ""
    reproduction: str = ""
    expected: str = ""
    actual: str = ""
    environment: str = ""


@dataclass(frozen=True)
class _Head:
    start: int  # line of the heading or label
    body: int  # first line of what it introduces
    level: int  # 1-6 for headings, _LABEL_LEVEL for label lines
    kind: str | None  # None: a heading planbot does not extract
    rest: str = ""  # text written after a label on its own line


def kind_of(label: str) -> str | None:
    """Which part a heading's text introduces, or None."""
    text = re.sub(r"\([^)]*\)", " ", label.lower())
    text = " ".join(re.sub(r"[^\w\s]|_", " ", text).split())
    return next((kind for kind, rx in _LABELS.items() if rx.fullmatch(text)), None)


def _label_heads(paragraph: Token, lines: Sequence[str]) -> list[_Head]:
    assert paragraph.map is not None
    first, end = paragraph.map
    heads = []
    for number in range(first, end):
        match = _LABEL_LINE.match(lines[number])
        if not match:
            continue
        label = match["bold"] or match["plain"]
        kind, rest = kind_of(label), match["rest"].strip()
        colon = bool(match["colon"]) or label.rstrip().endswith(":")
        if kind is not None and (not rest or colon):
            heads.append(_Head(number, number + 1, _LABEL_LEVEL, kind, rest))
        elif match["bold"] and not rest and number == first and len(label) <= 80:
            # "**Describe the bug**": not extracted, but it ends the label section above it.
            heads.append(_Head(number, number + 1, _LABEL_LEVEL, None))
    return heads


def _heads(tokens: Sequence[Token], lines: Sequence[str]) -> list[_Head]:
    heads: list[_Head] = []
    for i, token in enumerate(tokens):
        if token.level != 0 or token.map is None:
            continue  # headings inside quotes and lists are quoted, not structure
        if token.type == "heading_open":
            label = tokens[i + 1].content
            heads.append(_Head(token.map[0], token.map[1], int(token.tag[1]), kind_of(label)))
        elif token.type == "paragraph_open":
            heads += _label_heads(token, lines)
    # Inside a section, a label of the same kind is its content: "**To Reproduce**" then
    # "Steps to reproduce the behavior:", or "OS: Linux" under "## Environment".
    kept: list[_Head] = []
    open_kind, open_level = "", 0
    for head in heads:
        if head.level == _LABEL_LEVEL and head.kind == open_kind:
            continue
        kept.append(head)
        if head.kind:
            open_kind, open_level = head.kind, head.level
        elif head.level <= open_level:
            open_kind = ""
    return kept


def _is_blank(lines: Sequence[str]) -> bool:
    """Nothing a reader would miss: blank, template comments, or issue-form placeholders."""
    return not for_model("\n".join(lines)).replace(_NO_RESPONSE, "").strip()


def _trim(lines: Sequence[str]) -> str:
    return "\n".join(lines).strip("\n")


def describes(content: Sequence[str]) -> bool:
    """Sentences of a description, not facts of an environment ("OS: Linux", versions)."""
    prose = FENCED_BLOCK.sub("", "\n".join(content))
    return any(len(line.split()) >= DESCRIPTION_WORDS for line in prose.splitlines())


def sections(body: str) -> IssueSections:
    """The parts of `body`, each sliced from the source so code and tracebacks survive.
    Sentences under an environment heading are the reporter's description: they stay."""
    text = normal_newlines(body or "")
    lines = text.split("\n")
    heads = _heads(MARKDOWN.parse(text), lines)
    parts: list[tuple[str, str]] = []  # kind, content
    removed = [False] * len(lines)
    for i, head in enumerate(heads):
        later = heads[i + 1:]
        if head.kind is None:
            end = later[0].start if later else len(lines)
            if _is_blank(lines[head.body:end]) and (not later or later[0].level <= head.level):
                removed[head.start:end] = [True] * (end - head.start)  # an empty form field
            continue
        end = next((h.start for h in later if h.kind or h.level <= head.level), len(lines))
        content = ([head.rest] if head.rest else []) + list(lines[head.body:end])
        if head.kind == "environment" and describes(content):
            continue  # the reporter's description, under a heading that asks for versions
        removed[head.start:end] = [True] * (end - head.start)
        if not _is_blank(content):
            parts.append((head.kind, _trim(content)))
    return IssueSections(
        free_text=_free_text(lines, removed),
        **{kind: "\n\n".join(c for k, c in parts if k == kind) for kind in KINDS},
    )


def _free_text(lines: Sequence[str], removed: Sequence[bool]) -> str:
    chunks: list[list[str]] = [[]]
    for line, gone in zip(lines, removed, strict=True):
        if gone:
            if chunks[-1]:
                chunks.append([])
        else:
            chunks[-1].append(line)
    text = "\n\n".join(t for t in (_trim(c) for c in chunks) if t.strip())
    return "" if _is_blank([text]) else text
