"""Where the tree holds what the issue quotes: the error or warning text a user saw (a literal
or a format string in the code that emits it), a line of code it pastes, a literal value it
names (pure).

A pasted message is usually a string in the code that prints it, with the runtime values
(`'read_only'`, `5`, a path) filled in: the words between them are what to look for, and
they may be split over the lines of an f-string. Each needle is one substring pass over
the code files, so the needles are few: the longest fragments of at most a few messages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from bot.context.tokens import STOPWORDS
from bot.context.tracebacks import frames
from bot.domain import Site
from bot.paths import CODE_SPAN, is_code
from bot.text import FENCED_BLOCK

# "ValueError: bad date", "pydantic_core.ValidationError: 1 validation error", "UserWarning: …"
_ERROR_LINE = re.compile(r"(?<![\w.])(?:[A-Za-z_]\w*\.)*[A-Z]\w*(?:Error|Exception|Warning|Fault)"
                         r":[ \t]*(?P<message>[^\n]{8,300})")
# A log line: "ERROR: …", "WARNING: …", "[error] …"
_LOG_LINE = re.compile(r"^[ \t]*\[?(?:ERROR|WARNING|WARN|FATAL|error|warning)\]?:?[ \t]+"
                       r"(?P<message>[^\n]{8,300})", re.MULTILINE)
# A message quoted in the reporter's words: "…", “…”, '…'.
_QUOTED = re.compile(r"\"(?P<a>[^\"\n]{12,200})\"|“(?P<b>[^”\n]{12,200})”"
                     r"|(?<![\w'])'(?P<c>[^'\n]{12,200})'(?![\w'])")
# Runtime values inside a message: quoted names, placeholders, numbers, paths, URLs.
_VALUES = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"|`[^`\n]*`|<[^<>\n]*>|\S*[/\\]\S*[/\\]\S*"
                     r"|\[[^\]\n]*\]|[^\s:;,]*\d[^\s:;,]*")
_CAUSED_BY = re.compile(r" \(caused by", re.IGNORECASE)
_SEGMENT = re.compile(r"[.;!?:]\s+|\s\(|\)\s")
_WORD = re.compile(r"[A-Za-z_][A-Za-z_]+")
# IPython marks the line a frame stopped at: "--> 632     if v.flag:", "---> 35  assert …"
_MARKED = re.compile(r"^\s*-+>\s*\d*\s+(?P<code>\S[^\n]*)$", re.MULTILINE)
_CODE_LIKE = re.compile(r"[(=\[.:]")
_PLACEHOLDER = re.compile(r"\{[^{}\s]*\}|%[sdrf]")
_COMMENT = re.compile(r"^\s*(?:#|//|/?\*)")
# "x = 3", "x: int = 3", "def f(x=3)", "{'x': 3}": a value at its definition.
_DEFINES = r"(?:[\w\]'\"]\s*(?::[^=\n]{0,40})?=|['\"]\s*:)\s*[\[({]?\s*"

# Content words a message needs to be the project's: fewer ("object has no attribute",
# "length mismatch") are the runtime's own templates, found in any code that words alike.
MIN_WORDS = 3
MIN_SHARE = 0.75  # of a fragment's words a window must hold, in the message's order
# Words the code may hold between two of a message's words: placeholders and their
# expressions (`{len(chunks[i])}`), an f-string's next line (`"\n    f"`).
MAX_GAP = 6
MIN_CODE = 20  # a shorter pasted line ("return x") is in too many files to point anywhere
MAX_FILES = 3  # text found in more files than this points nowhere
MAX_MESSAGES = 4
MAX_CODE = 6
MAX_VALUES = 3


@dataclass(frozen=True)
class Needle:
    what: str  # "message", "code" or "value"
    quoted: str  # the words
    anchor: str  # the substring every match holds
    words: tuple[str, ...] = ()  # for a message: the words a window around it must hold


def _fragments(message: str) -> list[tuple[str, ...]]:
    """The literal word runs of a message, runtime values taken out."""
    # What a library appends after the message itself ("… (Caused by NewConnectionError(…))",
    # as urllib3 words it) is another exception's text, not this message's.
    plain = _VALUES.sub(" ", _CAUSED_BY.split(message, 1)[0])
    runs = [tuple(w for w in _WORD.findall(part) if w.lower() not in STOPWORDS)
            for part in _SEGMENT.split(plain)]
    # In the message's order: what a program appends to its messages (hints, where to
    # report) comes after the message itself.
    return list(dict.fromkeys(r for r in runs if len(r) >= MIN_WORDS and len(" ".join(r)) >= 10))


def _messages(text: str) -> list[str]:
    prose = FENCED_BLOCK.sub("\n", text)
    found = [m["message"] for m in _ERROR_LINE.finditer(text)]
    found += [m["message"] for m in _LOG_LINE.finditer(text)]
    found += [m["a"] or m["b"] or m["c"] for m in _QUOTED.finditer(prose)]
    found += [s for s in CODE_SPAN.findall(prose)
              if len(s.split()) >= 3 and not _CODE_LIKE.search(s) and not s.startswith("[")]
    # "Dimension {i} has …": the reporter pasted the code, whose line is a code site.
    return [m for m in dict.fromkeys(m.strip() for m in found) if not _PLACEHOLDER.search(m)]


def _code_lines(text: str) -> list[str]:
    lines = [f.source for f in frames(text)]
    # Only lines the output marks: code a reporter writes in prose is often what they
    # propose, found where it already exists, not where it should go.
    lines += [m["code"] for m in _MARKED.finditer(text)]
    return [c.strip() for c in dict.fromkeys(lines)
            if len(c.strip()) >= MIN_CODE and _WORD.search(c)]


def _values(text: str) -> list[str]:
    """Literal values the title or prose quotes: numbers, and quoted strings without spaces."""
    spans = CODE_SPAN.findall(FENCED_BLOCK.sub("\n", text))
    return [s for s in dict.fromkeys(spans)
            if re.fullmatch(r"-?\d+(?:\.\d+)?|0[xob][\da-fA-F]+", s) and len(s) >= 2
            or re.fullmatch(r"(['\"])[^'\"\s]{1,40}\1", s)]


def needles(text: str) -> list[Needle]:
    """What to look for in the tree, strongest evidence first."""
    out: list[Needle] = []
    for message in _messages(text)[:MAX_MESSAGES]:
        for words in _fragments(message)[:1]:
            out.append(Needle("message", message, max(words, key=len), words))
    out += [Needle("code", c, c) for c in _code_lines(text)[:MAX_CODE]]
    out += [Needle("value", v, v.strip("'\"")) for v in _values(text)[:MAX_VALUES]]
    return out


def _line_at(text: str, index: int) -> tuple[int, int, int]:
    """(1-based line number, start, end) of the line holding `index`."""
    start = text.rfind("\n", 0, index) + 1
    end = text.find("\n", index)
    return text.count("\n", 0, index) + 1, start, len(text) if end < 0 else end


def _hits(text: str, needle: Needle) -> Iterator[tuple[int, str]]:
    """(line, code) of each match of `needle` in one file's text."""
    at = text.find(needle.anchor)
    while at >= 0:
        number, start, end = _line_at(text, at)
        line = text[start:end]
        if needle.what == "message":
            after = text.find("\n", end + 1)
            window = text[text.rfind("\n", 0, max(start - 1, 0)) + 1:after if after >= 0 else None]
            held = _in_order(needle.words, _WORD.findall(window))
            quoted = "'" in line or '"' in line
            if quoted and not _COMMENT.match(line) and held >= MIN_SHARE * len(needle.words):
                yield number, line.strip()
        elif needle.what == "code":
            if line.strip() == needle.anchor:
                yield number, line.strip()
        elif re.search(_DEFINES + r"(['\"]?)" + re.escape(needle.anchor) + r"\1(?![\w.])", line):
            yield number, line.strip()
        at = text.find(needle.anchor, end)


def _in_order(words: tuple[str, ...], window: list[str]) -> int:
    """How many of a message's words the window holds in the message's order, each within
    MAX_GAP words of the one before: a docstring that happens to use the same words in
    another order, far apart, is not the code that prints the message."""
    best = 0
    for start, token in enumerate(window):
        if token not in words:
            continue
        at, found, last = words.index(token) + 1, 1, start
        for position in range(start + 1, min(len(window), start + 1 + MAX_GAP * len(words))):
            if at >= len(words) or position - last > MAX_GAP + 1:
                break
            if window[position] in words[at:]:
                at, found, last = words.index(window[position], at) + 1, found + 1, position
        best = max(best, found)
    return best


def find_sites(files: Mapping[str, str], text: str) -> tuple[Site, ...]:
    """The lines of the code files that hold the issue's messages, code lines and values;
    a needle found in more than MAX_FILES files is left out."""
    code = {p: t for p, t in files.items() if is_code(p)}
    sites: list[Site] = []
    done: set[str] = set()
    for needle in needles(text):
        if needle.quoted in done:
            continue  # a longer fragment of this message was already found
        found = [Site(p, line, c[:200], needle.what, needle.quoted)
                 for p, t in code.items() for line, c in _first(_hits(t, needle))]
        if 0 < len(found) <= MAX_FILES:
            sites += found
            done.add(needle.quoted)
    return tuple(sites)


def _first(hits: Iterator[tuple[int, str]]) -> list[tuple[int, str]]:
    return next(([h] for h in hits), [])
