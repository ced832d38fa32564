"""The tasks of an offline plan, fitted to the issue's kind: a bug is reproduced and fixed, a
feature placed and designed, a slow path measured, a vulnerability kept private and fixed
at its boundary (bot/planners/security_recipe.py), a question answered, a page rewritten."""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.documents.kind import BUG, DOCS, FEATURE, PERFORMANCE, QUESTION, SECURITY
from bot.paths import is_code, kind_of, language_of
from bot.planners import layout, reading
from bot.planners.brief import Brief, Steps, fitted, listed
from bot.planners.security_recipe import security
from bot.planners.shared_steps import add_test, criteria, others, run_checks, start, verify

CHANGE = ("Change the code at the cause the checks confirmed, with the smallest change that "
          "makes the reproduction pass")
LOCALISE = ("Find where the problem is, starting with the files H1–H3 name (search matches, "
            "not findings); if none holds what the issue describes, ask the reporter for the "
            "exact output, version and steps")
LOCALISE_BY_OUTPUT = "Localise the problem from the reproduction's output"
DESIGN = ("Decide the design before coding: the public name, arguments, defaults and errors, "
          "and what existing callers see; write it under Acceptance Criteria in "
          "problem-definition.md")
# A request for a better error or warning is designed as the message a user reads.
DESIGN_MESSAGE = ("Decide the message before coding: when it appears, what it says (the values "
                  "that help) and what the user should do; write it under Acceptance Criteria "
                  "in problem-definition.md")
TEST_FEATURE = ("tests of the new behaviour", "covering the decided arguments, defaults and errors")
TEST_MESSAGE = ("tests of the new message", "that trigger it with the issue's input and check "
                "what it says")
_MESSAGE = re.compile(r"\b((error|exception|warning) messages?|warn(ing)?s?|raise an? (\w+ )?"
                      r"(error|exception)|messages?)\b", re.IGNORECASE)
CHANGE_FAST = ("Change the code the measurement points to, keeping what callers rely on (the "
               "existing tests pass)")
PERF_TEST = ("the issue's example as a regression test", "that checks what the issue measures "
             "(a bound on time or memory, or the order or number of calls it makes)")


def _reproduce(brief: Brief) -> str:
    given = reading.items(reading.lead(brief.sections.get("reproduction steps", "")))
    if given:
        return listed("Reproduce the problem on the default branch and save the output, "
                      "following the reproduction steps: {}", given,
                      "Reproduce the problem on the default branch following the "
                      f"{len(given)} reproduction steps in problem-definition.md, and save "
                      "the output")
    errors = reading.errors(brief.issue)
    code = "```" in brief.issue
    if errors:
        how = " with the code in the issue" if code else ""
        return fitted(f"Reproduce the reported error {{}}{how} on the default branch and save "
                      "the full output", errors[-1])
    if code:
        return ("Reproduce the reported behaviour on the default branch with the code in the "
                "issue, and save its output")
    return ("Reproduce the reported behaviour on the default branch from the issue description, "
            "and write the exact steps into problem-definition.md")


def bug(brief: Brief, steps: Steps) -> None:
    """Reproduce, confirm the top hypothesis, change, regression test, run the suite."""
    first = start(brief, steps, _reproduce(brief))
    if brief.unlocated:
        confirm = [steps.add(LOCALISE if brief.cited() else LOCALISE_BY_OUTPUT, first[-1:],
                             brief.cited())]
    else:
        h1, paths = brief.hypotheses[0]
        confirm = [steps.add(verify(h1, f"Confirm H{h1.number}"), first[-1:], paths)]
        confirm += others(brief, steps, first[-1])
    change = steps.add(CHANGE, confirm, brief.targets())
    test, where = add_test(brief, steps, change, "a regression test", layout.TEST_SHOULD)
    run_checks(brief, steps, [change, test], "and fix anything the change broke", where)
    criteria(brief, steps, change)


def feature(brief: Brief, steps: Steps) -> None:
    """Where it fits, the design decision, implement, tests, docs and changelog."""
    if brief.unlocated:
        first = start(brief, steps, "Find where the feature belongs, starting with the files "
                      "H1–H3 name (search matches, not findings) and their callers, and write "
                      "the module into hypotheses.md", brief.cited())
    else:
        h1 = brief.hypotheses[0][0]
        first = start(brief, steps, f"Read where H{h1.number} places the feature, and its "
                      "callers, and list the functions the feature touches", brief.cited(0, 1))
    message = bool(_MESSAGE.search(brief.issue.partition("\n")[0]))
    design = steps.add(DESIGN_MESSAGE if message else DESIGN, first[-1:])
    implement = steps.add("Implement the feature as decided", [design], brief.targets())
    test, where = add_test(brief, steps, implement, *(TEST_MESSAGE if message else TEST_FEATURE))
    home, log = layout.docs_home(brief.paths), layout.changelog(brief.paths, brief.files)
    entry = " and add a changelog entry" if log else ""
    steps.add(f"Document the feature{entry}" if home else
              f"Document the feature in its docstrings{entry}", [implement],
              tuple(p.rstrip("/") for p in (home, log) if p))
    run_checks(brief, steps, [implement, test], "and fix anything the feature broke", where)
    criteria(brief, steps, implement)


def performance(brief: Brief, steps: Steps) -> None:
    """Measure first, find where the time goes, change, measure again, run the suite."""
    cited = brief.cited()
    language = next((lang for p in cited if (lang := language_of(p))), None)
    how = layout.measure(brief.paths, language)
    first = start(brief, steps, f"Measure first: {how}; record the time, peak memory and "
                  "input size")
    if brief.unlocated:
        found = steps.add("Find the slow path: the top of the profile from task 1 names the "
                          "functions to look at; write them into hypotheses.md", first[-1:])
    else:
        h1, paths = brief.hypotheses[0]
        found = steps.add(verify(h1, f"Confirm in the profile H{h1.number}"), first[-1:], paths)
    change = steps.add(CHANGE_FAST, [found], brief.targets())
    steps.add("Measure again with the same benchmark and input as task 1, and put both "
              "figures in the pull request", [change])
    test, where = add_test(brief, steps, change, *PERF_TEST)
    run_checks(brief, steps, [change, test], "to show the results did not change", where)
    criteria(brief, steps, change)


def question(brief: Brief, steps: Steps) -> None:
    """Answer from the code and docs, then improve the docs."""
    home = layout.docs_home(brief.paths)
    pages = f" and `{home}`" if home else ""
    answer = start(brief, steps, f"Answer on the issue from the code{pages}: what the files "
                   "H1 lists do for the case asked about, with a short working example",
                   brief.cited()[:3] if brief.unlocated else brief.cited(0, 1))
    improve = steps.add("Improve the docs so the answer is there next time: add the example "
                        "from task 1 where a reader of that feature looks", answer[-1:],
                        (home.rstrip("/"),) if home else ())
    build = layout.docs_build(brief.paths)
    if build:
        steps.add(f"Build the docs (`{build}`) and check the new text renders", [improve])


def docs(brief: Brief, steps: Steps) -> None:
    """Find the page (or docstring), check it against the code, write the change, build."""
    pages = tuple(p for p in brief.cited() if kind_of(p) == "docs")
    code = tuple(p for p in brief.cited() if is_code(p))
    home = layout.docs_home(brief.paths)
    if pages:
        after = start(brief, steps, "Find the section to change in the page the issue points "
                      "at", pages)
        if code:
            after.append(steps.add("Read the code the page describes, so the new text says "
                                   "what it does", after[:1], code))
        write = steps.add("Write the change: the wording or example the issue asks for", after,
                          pages)
    elif code:  # the issue is about docstrings: the code is the page
        after = start(brief, steps, "Read the docstrings the issue is about and the code under "
                      "them, and list what they get wrong or leave out", code)
        write = steps.add("Write the docstrings the issue asks for, with an example each",
                          after[-1:], code)
    else:
        where = f"`{home}`" if home else "the README"
        after = start(brief, steps, f"Find the page and section to change: search {where} for "
                      "the issue's terms", (home.rstrip("/"),) if home else ())
        write = steps.add("Write the change: the wording or example the issue asks for",
                          after[-1:])
    build = layout.docs_build(brief.paths)
    steps.add(f"Build the docs (`{build}`) and check the page renders and its links work"
              if build else "Preview the changed page and check its links work", [write])
    criteria(brief, steps, write)


RECIPES: dict[str, Callable[[Brief, Steps], None]] = {
    BUG: bug, FEATURE: feature, PERFORMANCE: performance, SECURITY: security,
    QUESTION: question, DOCS: docs,
}
