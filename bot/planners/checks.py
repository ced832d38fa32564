"""How a change is checked and recorded: the test module to extend, the tests to run, the
changelog entry (pure). A contributor runs the tests of what they changed; a suite that
takes an hour is CI's to run."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping

from bot.domain import Findings
from bot.limits import PLANNER_TITLE
from bot.paths import language_of
from bot.planners import layout
from bot.planners.copies import in_side

RUN_SUITE = "Run the whole test suite ({how}) {why}"
RUN_TESTS = "Run the tests of the changed code (`{command}`) {why}; CI runs the whole suite"
RUN_TESTS_SHORT = "Run the tests of the changed code (`{command}`) {why}"
NO_COMMAND = "no test command could be inferred from the repository: see its README or CI"
CHANGELOG = "Add a changelog entry for the change to `{where}`"
FRAGMENT = "Add a change note under `{where}/`, in the form its other notes take"


def _tests_of(module: str, findings: Findings, side: frozenset[str]) -> tuple[str, ...]:
    """The test modules of `module`, those of a side copy's tests (an experimental
    engine's) only when there are no others."""
    found = findings.tests_of(module)
    return tuple(t for t in found if not in_side(t, side)) or found


def extend_tests(module: str | None, paths: frozenset[str], findings: Findings, what: str,
                 should: str, side: frozenset[str] = frozenset()) -> tuple[str, tuple[str, ...]]:
    """"Add {what} to <the module that already tests `module`> {should}", found by its
    name or its imports; else where the repository's layout puts a new one."""
    existing = _tests_of(module, findings, side) if module else ()
    if existing:
        return f"Add {what} to `{existing[0]}` {should}", (existing[0],)
    return layout.test_task(module, paths, what, should)


def run_tests(module: str | None, paths: frozenset[str], findings: Findings,
              written: tuple[str, ...], why: str, side: frozenset[str] = frozenset()) -> str:
    """The command that runs the tests of `module` (the test files written or found for
    it, else its name as a keyword), or the whole suite when nothing narrower is known."""
    commands = layout.suite_commands(paths)
    if module and "pytest" in commands and language_of(module) == "Python":
        tests = [t for t in (*written, *_tests_of(module, findings, side))
                 if t.endswith(".py") and t in paths]
        stem = posixpath.splitext(posixpath.basename(module))[0].lstrip("_")
        targets = [" ".join(dict.fromkeys(tests)), *dict.fromkeys(tests)] if tests else []
        # The longest form that fits a task title: every test module, then the first alone.
        for target in [*targets, f"-k {stem}"]:
            for form in (RUN_TESTS, RUN_TESTS_SHORT):
                title = form.format(command=f"pytest {target}", why=why)
                if len(title) <= PLANNER_TITLE:
                    return title
    how = " and ".join(f"`{c}`" for c in commands) if commands else NO_COMMAND
    return RUN_SUITE.format(how=how, why=why)


def changelog_task(paths: frozenset[str],
                   files: Mapping[str, str]) -> tuple[str, tuple[str, ...]] | None:
    """The changelog entry, where the repository keeps one per change (change notes, or a
    changelog whose top section is still open)."""
    where = layout.changelog(paths, files)
    if where is None:
        return None
    if where.endswith("/"):
        return FRAGMENT.format(where=where.rstrip("/")), (where.rstrip("/"),)
    return CHANGELOG.format(where=where), (where,)
