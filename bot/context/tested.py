"""Which test modules test a source file: the ones named after it, then the ones that import
it (pure). A contributor extends and runs those, not a new file or the whole suite."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping

from bot.paths import is_test_module

# `from a.b import c, d`, `from a.b import (c,\n d)`, `import a.b as x, e`
_IMPORT = re.compile(r"^[ \t]*(?:from[ \t]+(?P<base>[\w.]+)[ \t]+import[ \t]+"
                     r"(?P<names>\([^)]*\)|[^\n#]+)|import[ \t]+(?P<modules>[^\n#]+))",
                     re.MULTILINE)
# Folders that hold a package without being part of its import name.
_ROOTS = ("src", "lib", "python")
MAX_TESTS = 3


def module_name(path: str) -> str | None:
    """`src/pkg/sub/mod.py` → `pkg.sub.mod`, `pkg/__init__.py` → `pkg`; None if not Python."""
    if not path.endswith(".py"):
        return None
    parts = path.removesuffix(".py").split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    while parts[:1] and parts[0] in _ROOTS and len(parts) > 1:
        parts = parts[1:]
    return ".".join(parts) or None


def imported(text: str) -> set[str]:
    """Every module a Python file imports, and `base.name` for each name it imports from a
    base (which may be a module of that name)."""
    found: set[str] = set()
    for m in _IMPORT.finditer(text):
        if m["base"]:
            found.add(m["base"])
            names = m["names"].strip("() \t\n").replace("\n", " ")
            found |= {f"{m['base']}.{n.split()[0]}" for n in names.split(",") if n.split()}
        else:
            found |= {n.split()[0] for n in m["modules"].split(",") if n.split()}
    return found


def _stem(path: str) -> str:
    return posixpath.splitext(posixpath.basename(path))[0].lstrip("_")


def named_after(source: str, tests: Iterable[str]) -> list[str]:
    """Test modules named after `source`: `test_x.py`/`x_test.py`/`x.test.js` first, then
    names that hold its stem (`test_models_x.py`); nearest folder first within each."""
    stem = _stem(source)
    # A base class's module is tested through the module named for what it is the base of.
    stems = {stem, stem.removeprefix("base_"), stem.removesuffix("_base")}
    exact, holding = [], []
    for test in tests:
        name = _stem(test).removeprefix("test_").removesuffix("_test")
        name = name.split(".")[0]  # x.test.js, x.spec.ts
        if name in stems:
            exact.append(test)
        elif len(stem) >= 4 and re.search(rf"(?:^|_){re.escape(stem)}(?:_|$)", name):
            holding.append(test)

    def near(test: str) -> tuple[int, str]:
        shared = posixpath.commonpath([posixpath.dirname(source), posixpath.dirname(test)])
        return -len(shared.split("/")) if shared else 0, test

    return sorted(exact, key=near) + sorted(holding, key=near)


def modules_testing(sources: Iterable[str], files: Mapping[str, str],
             paths: Iterable[str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """For each source file, at most MAX_TESTS test modules: named after it, then the ones
    that import it (only read when their text mentions its stem)."""
    tests = sorted(p for p in paths if is_test_module(p))
    python = [t for t in tests if t.endswith(".py") and t in files]
    imports: dict[str, set[str]] = {}

    def imports_of(test: str) -> set[str]:
        if test not in imports:
            imports[test] = imported(files[test])
        return imports[test]

    out = []
    for source in dict.fromkeys(sources):
        found = named_after(source, tests)
        module = module_name(source)
        if module and len(found) < MAX_TESTS:
            stem = module.rsplit(".", 1)[-1]
            found += [t for t in python if t not in found and stem in files[t]
                      and module in imports_of(t)]
        if found:
            out.append((source, tuple(found[:MAX_TESTS])))
    return tuple(out)
