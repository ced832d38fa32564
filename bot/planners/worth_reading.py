"""Search matches not worth reading first: a module that only holds a version string, a
generated file (its header says so), a package's `__init__.py` that only re-exports (pure).
The search ranks them for the issue's words; the behaviour lives elsewhere."""

from __future__ import annotations

import posixpath
import re

VERSION_MODULES = frozenset({"version.py", "_version.py", "__version__.py", "__about__.py"})
_GENERATED = re.compile(r"auto-?generated|generated (by|from|with)|do not edit", re.IGNORECASE)
_HEADER_LINES = 5
# A line of re-exporting: imports (maybe under `if TYPE_CHECKING:` or `try:`), `__all__`
# and its names, `del`, comments, brackets, blank lines.
_IMPORTS = re.compile(r"^\s*(from\s+\S+\s+import\b|import\s|__(all|getattr|dir)__\b|#|\"\"\"|'''"
                      r"|[)\]]|$|if TYPE_CHECKING\b|else:|try:|except\b|pass\b|del\s)"
                      r"|^\s+([\w, ]+|[\"'][\w.]+[\"']),?\s*$")
REEXPORTS = 0.8  # of an __init__'s lines imports, `__all__` or blank: it only re-exports


def worth_reading(path: str, text: str | None) -> bool:
    """Whether a search match at `path` (its text, if read) is worth reading first."""
    name = posixpath.basename(path)
    if name in VERSION_MODULES:
        return False
    if text is None:
        return True
    if _GENERATED.search("\n".join(text.splitlines()[:_HEADER_LINES])):
        return False
    lines = text.splitlines()
    if name == "__init__.py" and lines:
        return sum(bool(_IMPORTS.match(line)) for line in lines) < REEXPORTS * len(lines)
    return True
