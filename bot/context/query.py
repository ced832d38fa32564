"""Turn an issue's text into weighted search terms (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.context.mentions import Mention, area, mentions, without_urls
from bot.context.tokens import STOPWORDS, split_identifier, tokenize
from bot.context.tracebacks import (
    JAVA_FRAME,
    PYTHON_FRAME,
    Frame,
    frames,
    normalize,
    position_frames,
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


TITLE_NAME_WEIGHT = 1.5  # a name in the title is what the issue is about
PLAIN_NAME_WEIGHT = 0.5  # a plain title word ("bincount") may still be a function's name
CODE_NAME_WEIGHT = 0.5  # a name only inside pasted code or logs
JOINED_NAME_WEIGHT = 0.7  # "payload registry" may be PayloadRegistry or payload_registry
MIN_QUOTE = 6  # shorter quoted code ("x", "None") matches too many lines to centre on
MAX_QUOTES = 40
# Words in a title that make tests, docs or CI what the issue is about, not just noise.
ABOUT = {
    "test": re.compile(r"\b(?:tests?|testing|pytest|unittest|test suite|fixtures?)\b", re.I),
    "docs": re.compile(r"\b(?:docs?|documentation|readme|tutorial|typo)\b", re.I),
    "ci": re.compile(r"\b(?:ci|workflows?|github actions?|pipeline)\b", re.I),
    "template": re.compile(r"\b(?:issue templates?|issue forms?)\b", re.I),
}
PLAIN_WORD = re.compile(r"[A-Za-z][a-z0-9]{3,}")


@dataclass(frozen=True)
class Query:
    tokens: tuple[str, ...]  # BM25 query; repetition is weight
    strong: tuple[str, ...]  # identifiers as written, most distinctive first
    frames: tuple[Frame, ...]
    mentions: tuple[Mention, ...]
    names: tuple[tuple[str, float], ...] = ()  # names to look up in the symbol index
    area: str = ""  # the component a title prefix names ("[athena]", "order:")
    quoted: tuple[str, ...] = ()  # code the issue quotes, to centre excerpts on
    about: frozenset[str] = frozenset()  # non-source kinds the title is about


def _without_trace_noise(text: str) -> str:
    # Frame paths repeat folder names ("home", "site-packages") that describe the
    # reporter's machine, not the bug; their function names stay.
    text = TRACEBACK_HEADER.sub(" ", text)
    for pattern in (PYTHON_FRAME, JAVA_FRAME):
        text = pattern.sub(lambda m: " " + (m.groupdict().get("func") or "") + " ", text)
    for m in reversed(position_frames(text)):
        text = f"{text[: m.start()]} {m['func'] or ''} {text[m.end():]}"
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


def _names(title: str, body: str, found: list[Frame]) -> list[tuple[str, float]]:
    """Names to look up among definitions, with how much a definition of each counts:
    names in the title most, names written in the body's prose next, names only inside
    pasted code or logs least; plain words in code are no names."""
    def spans(text: str) -> list[str]:
        return [n for span in CODE_SPAN.findall(text) for n in NAME.findall(span)]

    prose = FENCE.sub(" ", body)
    weighted = [
        (IDENTIFIER.findall(title) + spans(title), TITLE_NAME_WEIGHT),
        (IDENTIFIER.findall(_without_trace_noise(prose)) + spans(prose)
         + [f.function for f in found if f.function and not normalize(f.path)[1]], 1.0),
        (IDENTIFIER.findall(_without_trace_noise(body)), CODE_NAME_WEIGHT),
    ]
    names: dict[str, float] = {}
    for words, weight in weighted:
        for word in words:
            name = word.split(".")[-1]
            if len(name) > 2 and name.lower() not in STOPWORDS and name.isidentifier():
                names.setdefault(name, weight)
    words = [w for w in PLAIN_WORD.findall(title) if w.lower() not in STOPWORDS]
    for first, second in zip(words, words[1:], strict=False):
        names.setdefault(first + second, JOINED_NAME_WEIGHT)
        names.setdefault(f"{first}_{second}", JOINED_NAME_WEIGHT)
    for word in words:
        names.setdefault(word, PLAIN_NAME_WEIGHT)
    return list(names.items())


def _quoted(text: str) -> list[str]:
    """Code the issue quotes, minus traceback frame lines (their paths are the reporter's)."""
    found = [m.group(1).strip() for m in CODE_SPAN.finditer(text)]
    for m in FENCE.finditer(text):
        found += [line.strip() for line in m.group(2).splitlines()
                  if not PYTHON_FRAME.search(line)]
    usable = [q for q in found if len(q) >= MIN_QUOTE and any(c.isalpha() for c in q)]
    return list(dict.fromkeys(usable))[:MAX_QUOTES]


def parse_query(issue_text: str) -> Query:
    """Search terms for `issue_text` (title on its first line, then body and discussion)."""
    issue_text = issue_text[:MAX_QUERY_CHARS]
    found = frames(issue_text)
    named = mentions(issue_text)
    text = without_urls(issue_text)
    strong = _strong_terms(text, found)
    title = text.split("\n", 1)[0]
    tokens = tokenize(_without_trace_noise(text))
    tokens += tokenize(title) * (TITLE_WEIGHT - 1)
    for word in strong:
        tokens += list(split_identifier(word)) * (STRONG_WEIGHT - 1)
    for m in ERROR.finditer(text):  # messages are often verbatim in the raising code
        tokens += tokenize(m.group(2) or "")
    about = frozenset(kind for kind, words in ABOUT.items() if words.search(title))
    names = _names(title, text.partition("\n")[2], found)
    return Query(tuple(tokens), tuple(strong), tuple(found), tuple(named), tuple(names),
                 area(title), tuple(_quoted(issue_text)), about)
