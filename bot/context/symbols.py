"""Which files define which names: classes, functions and methods, by a pattern per language.

Python's `ast` would be exact, but parsing every file of a 20k-file tree takes seconds
(and fails on the syntax of other Python versions); a line pattern finds the same
`def` and `class` lines in a fraction of the time, and one pattern per family of
languages covers the rest. Definitions are what a name in an issue most often means.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping

PYTHON = re.compile(r"^[ \t]*(?:async[ \t]+)?(?:def|class)[ \t]+([A-Za-z_]\w*)", re.MULTILINE)
# JS/TS, Go, Rust, Java-like, Ruby, C-like: keyword, then the name.
OTHER = re.compile(
    r"^[ \t]*(?:export[ \t]+)?(?:default[ \t]+)?(?:pub(?:\([^)]*\))?[ \t]+)?"
    r"(?:(?:public|private|protected|static|abstract|final|async)[ \t]+)*"
    r"(?:function\*?|class|interface|struct|enum|trait|type|fn|func|def|module|const|let|var)"
    r"[ \t]+(?:\([^)]*\)[ \t]*)?([A-Za-z_$][\w$]*)",
    re.MULTILINE,
)
PYTHON_FILES = (".py", ".pyi", ".pyx")
MAX_DEFINERS = 12  # a name defined in more files than this ("get", "run") points nowhere


class SymbolIndex:
    """Lower-cased defined names -> files defining them, and the line of each definition."""

    def __init__(self, files: Mapping[str, str]) -> None:
        self.files = files
        self.definers: dict[str, list[str]] = defaultdict(list)
        for path, text in files.items():
            pattern = PYTHON if path.endswith(PYTHON_FILES) else OTHER
            for name in dict.fromkeys(m.lower() for m in pattern.findall(text)):
                self.definers[name].append(path)

    def defining(self, name: str) -> list[str]:
        """Files defining `name` (any case), none when too many do for it to point anywhere."""
        found = self.definers.get(name.lower(), [])
        return found if len(found) <= MAX_DEFINERS else []

    def lines(self, path: str, names: list[str]) -> list[int]:
        """1-based lines in `path` where any of `names` is defined, in file order."""
        text = self.files.get(path)
        if text is None or not names:
            return []
        wanted = {n.lower() for n in names}
        pattern = PYTHON if path.endswith(PYTHON_FILES) else OTHER
        return [text.count("\n", 0, m.start(1)) + 1 for m in pattern.finditer(text)
                if m.group(1).lower() in wanted]
