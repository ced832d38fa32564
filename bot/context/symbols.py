"""Which files define the issue's names: classes, functions, methods, by a pattern per language.

Python's `ast` would be exact, but parsing every file of a 20k-file tree takes seconds
(and fails on the syntax of other Python versions); a line pattern finds the same
`def` and `class` lines in a fraction of the time, and one pattern per family of
languages covers the rest. Only the issue's names are looked for: indexing every
definition of a 48 MB tree cost 1.5 s, looking up fifty names costs a tenth of it.
Definitions are what a name in an issue most often means.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.paths import CODE_EXTENSIONS, kind_of

# One pattern per keyword: a pattern that starts with a literal is searched for that
# literal alone, where `(?:def|class)` is tried at every "d" and "c" (0.10 s against
# 0.31 s over the 37 MB of Python in the 20k-file bench). What precedes the keyword on
# its line is checked after: nothing, or "async".
PYTHON = (r"def[ \t]+({names})\b", r"class[ \t]+({names})\b")
# JS/TS, Go, Rust, Java-like, Ruby, PHP, Swift…: a keyword, then the name; what stands
# before the keyword on its line may only be modifiers. (C and C++ name functions after
# their return type: no keyword finds them, so they are left out.) Anchored at a
# newline, which the engine skips to, with the modifiers in the pattern: a pattern
# starting with the keywords is tried at each of their first letters, about every other
# character of code (0.06 s against 0.21 s over the bench's 7 MB of JavaScript).
MODIFIERS = ("export", "default", "pub", "public", "private", "protected", "static",
             "abstract", "final", "async", "declare", "open", "internal", "override")
KEYWORDS = (r"function\*?", "class", "interface", "struct", "enum", "trait", "type", "fn",
            "func", "def", "module", "const", "let", "var")
BLANK = r"[^\S\n]"  # whitespace within a line
OTHER = (rf"{BLANK}*(?:(?:{'|'.join(MODIFIERS)}){BLANK}+)*(?:{'|'.join(KEYWORDS)})"
         r"[ \t]+(?:\([^)]*\)[ \t]*)?({names})\b")
PYTHON_FILES = (".py", ".pyi", ".pyx")
KEYWORDLESS = frozenset({"c", "h", "cc", "cpp", "cxx", "hpp", "hh", "m", "mm"})
# A test defining a name is not where the name lives (and scanning tests
# costs a third of the time in a large tree).
ELSEWHERE = frozenset({"test", "ci", "template", "data"})
MAX_DEFINERS = 12  # a name defined in more files than this ("get", "run") points nowhere


@dataclass(frozen=True)
class Patterns:
    python: tuple[re.Pattern[str], ...]
    first_line: re.Pattern[str]  # other languages: the file's first line…
    line: re.Pattern[str]  # …and every line after a newline


def _patterns(names: Iterable[str]) -> Patterns | None:
    wanted = sorted({n for n in names if n.isidentifier()}, key=len, reverse=True)
    if not wanted:
        return None
    alternatives = "(?i:" + "|".join(re.escape(n) for n in wanted) + ")"
    other = OTHER.format(names=alternatives)
    return Patterns(tuple(re.compile(p.format(names=alternatives)) for p in PYTHON),
                    re.compile(other), re.compile("\n" + other))


def _matches(path: str, text: str, patterns: Patterns) -> list[re.Match[str]]:
    """Definitions in `text`, in file order; a match's group 1 is the name."""
    if not path.endswith(PYTHON_FILES):
        first = patterns.first_line.match(text)
        return [first, *patterns.line.finditer(text)] if first else list(
            patterns.line.finditer(text))
    found = []
    for pattern in patterns.python:
        for m in pattern.finditer(text):
            before = text[text.rfind("\n", 0, m.start()) + 1 : m.start()].split()
            if (not before or before == ["async"]) and not _in_docstring(text, m.start()):
                found.append(m)
    return sorted(found, key=lambda m: m.start())


def _in_docstring(text: str, at: int) -> bool:
    """Whether `at` lies inside a triple-quoted string: a docstring's example
    (`class Foo(Bar): ...`) defines nothing. Counting the quotes before it is exact for
    the docstrings code is written with, and costs nothing for the few lines matched."""
    return text.count('"""', 0, at) % 2 == 1 or text.count("'''", 0, at) % 2 == 1


class SymbolIndex:
    """The issue's names, lower-cased -> files defining them, and the line of each."""

    def __init__(self, files: Mapping[str, str], names: Iterable[str]) -> None:
        self.files = files
        self.definers: dict[str, list[str]] = defaultdict(list)
        self.patterns = _patterns(names)
        if self.patterns is None:
            return
        for path, text in files.items():
            extension = path.rsplit(".", 1)[-1].lower()
            if (extension not in CODE_EXTENSIONS or extension in KEYWORDLESS
                    or kind_of(path) in ELSEWHERE):
                continue  # data, docs and config define nothing a name could mean
            found = _matches(path, text, self.patterns)
            for name in dict.fromkeys(m.group(1).lower() for m in found):
                self.definers[name].append(path)

    def defining(self, name: str) -> list[str]:
        """Files defining `name` (any case), none when too many do for it to point anywhere."""
        found = self.definers.get(name.lower(), [])
        return found if len(found) <= MAX_DEFINERS else []

    def lines(self, path: str, names: list[str], exact: bool = False) -> list[int]:
        """1-based lines in `path` where any of `names` is defined, in file order; with
        `exact`, only where it is spelt as given (Python's names are case-sensitive: an
        issue's `foo` is not defined by `class Foo`)."""
        text = self.files.get(path)
        if text is None or not names or self.patterns is None:
            return []
        wanted = set(names) if exact else {n.lower() for n in names}
        return [text.count("\n", 0, m.start(1)) + 1 for m in _matches(path, text, self.patterns)
                if (m.group(1) if exact else m.group(1).lower()) in wanted]
