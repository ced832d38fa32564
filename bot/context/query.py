"""Turn an issue's text into weighted search terms (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.context.tokens import STOPWORDS, split_identifier, tokenize
from bot.context.tracebacks import (
    JAVA_FRAME,
    POSITION_FRAME,
    PYTHON_FRAME,
    Frame,
    frames,
    mentioned_paths,
    normalize,
)
from bot.paths import CODE_SPAN

FENCE = re.compile(r"^(`{3,}|~{3,}).*?$(.*?)^\1", re.MULTILINE | re.DOTALL)
# snake_case, camelCase, CamelCase with two humps: names people paste from code
IDENTIFIER = re.compile(
    r"\b(?:[A-Za-z][a-z0-9]*(?:_[A-Za-z0-9]+)+|[a-z]+[A-Z]\w*|[A-Z][a-z0-9]+[A-Z]\w*)\b"
)
NAME = re.compile(r"[A-Za-z_][\w.]*\w")
TRACEBACK_HEADER = re.compile(r"Traceback \(most recent call last\):")
ERROR = re.compile(r"\b([A-Z]\w*(?:Error|Exception|Panic|Failure))\b(?::\s*(.{0,200}))?")
MAX_QUERY_CHARS = 100_000  # a pasted log beyond this adds noise and time, not meaning
STRONG_WEIGHT = 3  # how much more an identifier counts than a prose word
TITLE_WEIGHT = 2  # the first line is the issue title: the reporter's own summary


@dataclass(frozen=True)
class Query:
    tokens: tuple[str, ...]  # BM25 query; repetition is weight
    strong: tuple[str, ...]  # identifiers as written, most distinctive first
    frames: tuple[Frame, ...]
    mentions: tuple[str, ...]  # raw path-like words


def _without_trace_noise(text: str) -> str:
    # Frame paths repeat folder names ("home", "site-packages") that describe the
    # reporter's machine, not the bug; their function names stay.
    text = TRACEBACK_HEADER.sub(" ", text)
    for pattern in (PYTHON_FRAME, JAVA_FRAME, POSITION_FRAME):
        text = pattern.sub(lambda m: " " + (m.groupdict().get("func") or "") + " ", text)
    return text


def _strong_terms(text: str, found: list[Frame]) -> list[str]:
    spans = [m.group(1) for m in CODE_SPAN.finditer(text)]
    spans += [m.group(2) for m in FENCE.finditer(text)]
    # Functions of installed packages' frames (wsgi_app, dispatch_request) are not the
    # project's; the traceback itself still points at their files if the tree has them.
    words = [f.function for f in found
             if f.function and not f.function.startswith("<") and not normalize(f.path)[1]]
    words += [m.group(1) for m in ERROR.finditer(text)]
    words += IDENTIFIER.findall(_without_trace_noise(text))
    for span in spans:  # inside backticks even a plain word is a name from the code
        words += NAME.findall(span)
    unique = list(dict.fromkeys(w.split(".")[-1] for w in words))
    usable = [w for w in unique if len(w) > 2 and w.lower() not in STOPWORDS]
    # Longer identifiers are rarer in a code base, so they narrow the search most.
    return sorted(usable, key=len, reverse=True)


def parse_query(issue_text: str) -> Query:
    """Search terms for `issue_text` (title on its first line, then body and discussion)."""
    issue_text = issue_text[:MAX_QUERY_CHARS]
    found = frames(issue_text)
    strong = _strong_terms(issue_text, found)
    title = issue_text.split("\n", 1)[0]
    tokens = tokenize(_without_trace_noise(issue_text))
    tokens += tokenize(title) * (TITLE_WEIGHT - 1)
    for word in strong:
        tokens += list(split_identifier(word)) * (STRONG_WEIGHT - 1)
    for m in ERROR.finditer(issue_text):  # messages are often verbatim in the raising code
        tokens += tokenize(m.group(2) or "")
    return Query(tuple(tokens), tuple(strong), tuple(found), tuple(mentioned_paths(issue_text)))
