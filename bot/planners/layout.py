"""Where a repository keeps its tests and how it runs them, guessed from its file tree."""

from __future__ import annotations

import posixpath
from collections import Counter
from collections.abc import Iterable

from bot.paths import is_test, language_of

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


def _test_dir(tests: Iterable[str]) -> str | None:
    """The folder most existing tests live in (ties: the first by name), None if no tests."""
    counts = Counter(posixpath.dirname(p) for p in tests)
    if not counts:
        return None
    return min(counts.items(), key=lambda item: (-item[1], item[0]))[0]


def _new_file(name: str, folder: str | None) -> tuple[str, tuple[str, ...]]:
    if folder is None:
        return f"in a new file {name}", ()
    if folder == "":
        return f"in a new file {name} at the repository root", ()
    return f"in a new file {name} under `{folder}/`", (folder,)


def regression_test(module: str | None, paths: frozenset[str]) -> tuple[str, tuple[str, ...]]:
    """A task title for the regression test of `module`, in the repository's test layout,
    and the existing paths it cites (a file to extend, or the folder for a new one)."""
    tests = sorted(p for p in paths if is_test(p))
    language = language_of(module) if module else None
    stem = posixpath.splitext(posixpath.basename(module))[0] if module else ""
    if not module or language is None:
        folder = _test_dir(tests)
        where = f" next to the existing tests in `{folder}/`" if folder else ""
        return f"Add a regression test for the reported case{where} {TEST_SHOULD}", (
            (folder,) if folder else ())
    if language == "Python":
        want, own = f"test_{stem}.py", [p for p in tests if p.endswith(".py")]
    elif language in ("JavaScript", "TypeScript"):
        want = f"{stem}.test{posixpath.splitext(module)[1]}"
        own = [p for p in tests if not p.endswith((".py", ".go"))]
    elif language == "Go":  # Go tests live next to the code they test
        folder = posixpath.dirname(module)
        want = f"{stem}_test.go"
        if posixpath.join(folder, want) in paths:
            cited_file = posixpath.join(folder, want)
            return f"Add a regression test to `{cited_file}` {TEST_SHOULD}", (cited_file,)
        text, cited = _new_file(want, folder)
        return f"Add a regression test {text} {TEST_SHOULD}", cited
    elif language == "Rust":
        return (f"Add a regression test to the `#[cfg(test)] mod tests` of `{module}` "
                f"{TEST_SHOULD}", (module,))
    else:
        return regression_test(None, paths)
    existing = sorted(p for p in own if posixpath.basename(p) == want)
    if existing:
        return f"Add a regression test to `{existing[0]}` {TEST_SHOULD}", (existing[0],)
    folder = _test_dir(own)
    if folder is None and language == "Python":
        return (f"Add a regression test in a new file tests/{want} (the repository has no "
                f"Python tests yet: set up pytest) {TEST_SHOULD}", ())
    text, cited = _new_file(want, folder)
    return f"Add a regression test {text} {TEST_SHOULD}", cited


def suite_commands(paths: frozenset[str]) -> list[str]:
    """The commands that run the repository's tests, by the files at its root."""
    commands: list[str] = []
    if _PYTEST_MARKERS & paths or any(is_test(p) and p.endswith(".py") for p in paths):
        commands.append("pytest")
    for marker, command in _SUITES:
        if marker in paths and command not in commands:
            commands.append(command)
    return commands
