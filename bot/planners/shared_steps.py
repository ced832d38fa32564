"""Steps every recipe takes the same way: the first task (and review feedback after it),
checking a hypothesis and the others should it fail, the test to add, the changed code's
tests and changelog entry, the acceptance criteria."""

from __future__ import annotations

from collections.abc import Sequence

from bot.documents.kind import FEATURE
from bot.limits import PLANNER_TITLE
from bot.planners import checks, reading
from bot.planners.brief import Brief, Steps, listed
from bot.planners.written import WrittenHypothesis

MAX_CHECKED = 3  # hypotheses named in one "if H1 does not hold" task
FOLLOW = "follow its “How to verify”"


def start(brief: Brief, steps: Steps, first: str, paths: Sequence[str] = ()) -> list[int]:
    """The first task, then review feedback to address (if any) after it."""
    done = [steps.add(first, [], paths)]
    if brief.feedback_task:
        done.append(steps.add(brief.feedback_task, done[:1]))
    return done


def verify(h: WrittenHypothesis, lead: str) -> str:
    """"<lead>: <title> — <how to verify>", or the shortest of these that fits."""
    for title in (f"{lead}: {h.title} — {h.verify}", f"{lead}: {h.title} — {FOLLOW}",
                  f"{lead} as its “How to verify” says"):
        if len(title) <= PLANNER_TITLE and (h.verify or FOLLOW not in title):
            return title
    return f"{lead}: {h.title}"


def others(brief: Brief, steps: Steps, after: int) -> list[int]:
    """One task for the other hypotheses worth checking, should the first not hold."""
    rest = brief.hypotheses[1:1 + MAX_CHECKED]
    if not rest:
        return []
    names = [f"H{h.number}" for h, _ in rest]
    which = f"{', '.join(names[:-1])} and {names[-1]}" if len(names) > 1 else names[0]
    how = "as it says" if len(rest) == 1 else "as each says"
    return [steps.add(f"If H{brief.hypotheses[0][0].number} does not hold, check {which} "
                      f"{how}", [after], brief.cited(1, 1 + MAX_CHECKED))]


def add_test(brief: Brief, steps: Steps, after: int, what: str,
             should: str) -> tuple[int, tuple[str, ...]]:
    """"Add {what} to <the module that tests the changed code> {should}": the task, and the
    test files it cites."""
    code = brief.targets()
    title, where = checks.extend_tests(code[0] if code else None, brief.paths, brief.findings,
                                       what, should, brief.side)
    return steps.add(title, [after], where), where


def run_checks(brief: Brief, steps: Steps, after: Sequence[int], why: str,
               written: tuple[str, ...] = ()) -> int:
    """Run the tests of the changed code, then record the change where the repository
    keeps a changelog per change."""
    code = brief.targets()
    ran = steps.add(checks.run_tests(code[0] if code else None, brief.paths, brief.findings,
                                     written, why, brief.side), after)
    noted = checks.changelog_task(brief.paths, brief.files)
    if noted and brief.kind != FEATURE:  # a feature's docs task holds its changelog entry
        steps.add(noted[0], after[:1], noted[1])
    return ran


def criteria(brief: Brief, steps: Steps, after: int) -> None:
    found = reading.items(brief.sections.get("acceptance criteria", ""))
    if found:
        steps.add(listed("Check each acceptance criterion in problem-definition.md holds: {}",
                         found, f"Check each of the {len(found)} acceptance criteria in "
                         "problem-definition.md holds"), [after])
