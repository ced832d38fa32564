"""Where a repository keeps its code, tests, docs and changelog, and how it runs, builds and
measures them, guessed from its file tree."""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from collections.abc import Iterable, Mapping

from bot.paths import TEST_DIRS, in_test_dir, is_test_module, language_of

# Marker file at the root → the command its ecosystem runs tests with.
_SUITES: tuple[tuple[str, str], ...] = (
    ("package.json", "npm test"),
    ("Cargo.toml", "cargo test"),
    ("go.mod", "go test ./..."),
    ("pom.xml", "mvn test"),
    ("build.gradle", "gradle test"),
    ("build.gradle.kts", "gradle test"),
)
_PYTEST_MARKERS = frozenset({"conftest.py", "pytest.ini", "tox.ini", "noxfile.py"})
TEST_SHOULD = "that fails before the change and passes after"


def _test_dir(tests: Iterable[str], module: str = "") -> str | None:
    """The folder the tests of `module` go in: one that mirrors its package (`tests/cli/`
    for `bot/cli/plan.py`), else the one most existing tests live in; None if there are
    no tests."""
    counts = Counter(posixpath.dirname(p) for p in tests)
    if not counts:
        return None
    package = posixpath.dirname(module)

    def in_tests(folder: str) -> bool:
        return not TEST_DIRS.isdisjoint(folder.split("/"))

    beside = sum(n for d, n in counts.items() if not in_tests(d))
    if package in counts and beside * 2 > sum(counts.values()):
        return package  # most tests live beside their code (`a/b_test.py` next to `a/b.py`)

    mirrors = [d for d in counts if _mirrors(d, package)]

    def rank(folder: str) -> tuple[int, bool, str]:  # a tests/ folder wins a tie
        return -counts[folder], not in_tests(folder), folder

    return min(mirrors or counts, key=rank)


def _mirrors(folder: str, package: str) -> bool:
    """`tests/cli` mirrors `bot/cli`: below its test folder, it ends the package's path."""
    parts = folder.split("/")
    root = next((i for i, part in enumerate(parts) if part in TEST_DIRS), None)
    rest = parts[root + 1:] if root is not None else []
    return bool(rest) and package.split("/")[-len(rest):] == rest


def _new_file(name: str, folder: str | None) -> tuple[str, tuple[str, ...]]:
    if folder is None:
        return f"in a new file {name}", ()
    if folder == "":
        return f"in a new file {name} at the repository root", ()
    return f"in a new file {name} under `{folder}/`", (folder,)


def regression_test(module: str | None, paths: frozenset[str]) -> tuple[str, tuple[str, ...]]:
    """A task title for the regression test of `module`, in the repository's test layout,
    and the existing paths it cites (a file to extend, or the folder for a new one)."""
    return test_task(module, paths, "a regression test", TEST_SHOULD)


def test_task(module: str | None, paths: frozenset[str], what: str,
              should: str) -> tuple[str, tuple[str, ...]]:
    """"Add {what} to/in <where the tests of `module` go> {should}", and the paths it cites."""
    tests = sorted(p for p in paths if is_test_module(p))
    language = language_of(module) if module else None
    # `_writer.py` is tested in test_writer.py: a private module's underscore is not kept.
    stem = posixpath.splitext(posixpath.basename(module))[0].lstrip("_") if module else ""
    if not module or language is None:
        folder = _test_dir(tests)
        where = f" next to the existing tests in `{folder}/`" if folder else ""
        return f"Add {what}{where} {should}", (
            (folder,) if folder else ())
    if language == "Python":
        own = [p for p in tests if p.endswith(".py")]
        suffixed = sum(p.endswith("_test.py") for p in own)
        # Most tests named `x_test.py` (keras, jax): name the new one the same way.
        want = f"{stem}_test.py" if suffixed * 2 > len(own) else f"test_{stem}.py"
    elif language in ("JavaScript", "TypeScript"):
        want = f"{stem}.test{posixpath.splitext(module)[1]}"
        own = [p for p in tests if not p.endswith((".py", ".go"))]
    elif language == "Go":  # Go tests live next to the code they test
        folder = posixpath.dirname(module)
        want = f"{stem}_test.go"
        if posixpath.join(folder, want) in paths:
            cited_file = posixpath.join(folder, want)
            return f"Add {what} to `{cited_file}` {should}", (cited_file,)
        text, cited = _new_file(want, folder)
        return f"Add {what} {text} {should}", cited
    elif language == "Rust":
        return (f"Add {what} to the `#[cfg(test)] mod tests` of `{module}` {should}", (module,))
    else:
        return test_task(None, paths, what, should)
    # A helper named test_x.py beside the code (`pkg/test_util.py`) holds no tests of x.py.
    existing = sorted(p for p in own if posixpath.basename(p) == want
                      and in_test_dir(p))
    if existing:
        return f"Add {what} to `{existing[0]}` {should}", (existing[0],)
    folder = _test_dir(own, module)
    if folder is None and language == "Python":
        return (f"Add {what} in a new file tests/{want} (the repository has no Python tests "
                f"yet: set up pytest) {should}", ())
    text, cited = _new_file(want, folder)
    return f"Add {what} {text} {should}", cited


def suite_commands(paths: frozenset[str]) -> list[str]:
    """The commands that run the repository's tests, by the files at its root."""
    commands: list[str] = []
    if _PYTEST_MARKERS & paths or any(is_test_module(p) and p.endswith(".py") for p in paths):
        commands.append("pytest")
    for marker, command in _SUITES:
        if marker in paths and command not in commands:
            commands.append(command)
    return commands


_CHANGELOGS = ("CHANGELOG.md", "CHANGELOG.rst", "CHANGES.md", "CHANGES.rst", "CHANGES.txt",
               "HISTORY.md", "HISTORY.rst", "NEWS.md", "NEWS.rst", "docs/changelog.md",
               "docs/changelog.rst", "docs/changes.rst", "docs/history.rst")
# Folders of one-file-per-change fragments (towncrier, changesets and the like).
_FRAGMENTS = ("CHANGES", "changes", "changelog.d", "newsfragments", "news", "changelog",
              ".changeset")
# A changelog's headings: Markdown (`## 1.2 (2024-05-01)`) or reStructuredText (a line
# underlined with = - ~ ^).
_HEADING = re.compile(r"^#{1,6}[ \t]+(?P<md>\S[^\n]*)$|^(?P<rst>\S[^\n]*)\n[=~^-]{3,}[ \t]*$",
                      re.MULTILINE)
_UNRELEASED = re.compile(r"\b(unreleased|not yet released|upcoming|next|in progress"
                         r"|in development|development version|tbd|tba)\b", re.IGNORECASE)
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_DATE = re.compile(rf"\b\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}\b|\b{_MONTH} \d{{1,2}},? \d{{4}}\b"
                   rf"|\b\d{{1,2}} {_MONTH},? \d{{4}}\b", re.IGNORECASE)
_VERSION = re.compile(r"\d+\.\d+")
_HEAD_CHARS = 20_000  # the top of a changelog says how it is kept


def docs_home(paths: frozenset[str]) -> str | None:
    """Where the repository's documentation lives: its docs folder, else its README."""
    folders = {p.split("/", 1)[0] for p in paths if "/" in p}
    for name in ("docs", "doc", "documentation"):
        if name in folders:
            return name + "/"
    return next((p for p in ("README.md", "README.rst", "README.txt", "README") if p in paths),
                None)


def changelog(paths: frozenset[str], files: Mapping[str, str]) -> str | None:
    """Where a change records its own entry, if the repository keeps per-change entries:
    a folder of change fragments, or a changelog (`files` holds its text) whose top
    section is still open. A changelog written at release time takes none from a change."""
    folders = {p.split("/", 1)[0] for p in paths if "/" in p}
    fragments = next((f for f in _FRAGMENTS if f in folders), None)
    if fragments:
        return fragments + "/"
    return next((p for p in _CHANGELOGS if p in paths and _open_at_top(files.get(p, ""))),
                None)


def _open_at_top(text: str) -> bool:
    """The first section names no release yet: "Unreleased", "Next release", or a version
    without the date that the sections below it carry."""
    heads = [m["md"] or m["rst"] for m in _HEADING.finditer(text[:_HEAD_CHARS])]
    sections = [h for h in heads if _UNRELEASED.search(h) or _VERSION.search(h)]
    if not sections:
        return False
    top, below = sections[0], sections[1:]
    if _UNRELEASED.search(top):
        return True
    return not _DATE.search(top) and any(_DATE.search(h) for h in below)


def docs_build(paths: frozenset[str]) -> str | None:
    """The command that builds the documentation, by the tool's config file."""
    if "mkdocs.yml" in paths or "mkdocs.yaml" in paths:
        return "mkdocs build --strict"
    conf = next((p for p in ("docs/conf.py", "doc/conf.py", "docs/source/conf.py")
                 if p in paths), None)
    if conf:
        return f"sphinx-build -W -b html {posixpath.dirname(conf)} /tmp/docs-html"
    return None


def measure(paths: frozenset[str], language: str | None) -> str:
    """How to measure the issue's case before and after: the repository's own benchmarks
    if it keeps them, else the language's profiler."""
    if "asv.conf.json" in paths or any(p.startswith("asv_bench/") for p in paths):
        return ("add the issue's case to the asv benchmarks and run `asv run` on the default "
                "branch")
    folders = {p.split("/", 1)[0] for p in paths if "/" in p}
    bench = next((f for f in ("benchmarks", "benchmark", "bench") if f in folders), None)
    if bench:
        return (f"add the issue's case to the benchmarks in `{bench}/` and run them on the "
                "default branch")
    return {
        "Go": "write a `Benchmark` for the issue's case and run `go test -bench . -benchmem`",
        "Rust": "add a `cargo bench` benchmark for the issue's case and run it",
        "JavaScript": "run the issue's case under `node --cpu-prof`",
        "TypeScript": "run the issue's case under `node --cpu-prof`",
    }.get(language or "", "run the issue's example under `python -m cProfile -s cumtime` "
          "(and `tracemalloc` for memory) on the default branch")
