"""The tasks of an offline plan, fitted to the issue's kind: a bug is reproduced and fixed, a
feature placed and designed, a slow path measured, a question answered, a page rewritten."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.documents.kind import BUG, DOCS, FEATURE, PERFORMANCE, QUESTION, SECURITY
from bot.limits import PLANNER_TITLE
from bot.paths import is_code, kind_of, language_of
from bot.planners import checks, layout, reading
from bot.planners.brief import Brief, Steps, fitted, listed
from bot.planners.written import WrittenHypothesis

CHANGE = ("Change the code at the cause the checks confirmed, with the smallest change that "
          "makes the reproduction pass")
MAX_CHECKED = 3  # hypotheses named in one "if H1 does not hold" task
LOCALISE = ("Find where the problem is, starting with the files H1–H3 name (search matches, "
            "not findings); if none holds what the issue describes, ask the reporter for the "
            "exact output, version and steps")
LOCALISE_BY_OUTPUT = "Localise the problem from the reproduction's output"
FOLLOW = "follow its “How to verify”"


def _verify(h: WrittenHypothesis, lead: str) -> str:
    """"<lead>: <title> — <how to verify>", or the shortest of these that fits."""
    for title in (f"{lead}: {h.title} — {h.verify}", f"{lead}: {h.title} — {FOLLOW}",
                  f"{lead} as its “How to verify” says"):
        if len(title) <= PLANNER_TITLE and (h.verify or FOLLOW not in title):
            return title
    return f"{lead}: {h.title}"


def _others(brief: Brief, steps: Steps, after: int) -> list[int]:
    """One task for the other hypotheses worth checking, should the first not hold."""
    rest = brief.hypotheses[1:1 + MAX_CHECKED]
    if not rest:
        return []
    names = [f"H{h.number}" for h, _ in rest]
    which = f"{', '.join(names[:-1])} and {names[-1]}" if len(names) > 1 else names[0]
    how = "as it says" if len(rest) == 1 else "as each says"
    return [steps.add(f"If H{brief.hypotheses[0][0].number} does not hold, check {which} "
                      f"{how}", [after], brief.cited(1, 1 + MAX_CHECKED))]


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


def _tests(brief: Brief, steps: Steps, after: Sequence[int], why: str,
           written: tuple[str, ...] = ()) -> int:
    """Run the tests of the changed code, then record the change where the repository
    keeps a changelog."""
    code = brief.targets()
    ran = steps.add(checks.run_tests(code[0] if code else None, brief.paths, brief.findings,
                                     written, why), after)
    noted = checks.changelog_task(brief.paths, brief.files)
    if noted and brief.kind != FEATURE:  # a feature's docs task holds its changelog entry
        steps.add(noted[0], after[:1], noted[1])
    return ran


def _criteria(brief: Brief, steps: Steps, after: int) -> None:
    criteria = reading.items(brief.sections.get("acceptance criteria", ""))
    if criteria:
        steps.add(listed("Check each acceptance criterion in problem-definition.md holds: {}",
                         criteria, f"Check each of the {len(criteria)} acceptance criteria in "
                         "problem-definition.md holds"), [after])


def _start(brief: Brief, steps: Steps, first: str, paths: Sequence[str] = ()) -> list[int]:
    """The first task, then review feedback to address (if any) after it."""
    done = [steps.add(first, [], paths)]
    if brief.feedback_task:
        done.append(steps.add(brief.feedback_task, done[:1]))
    return done


def bug(brief: Brief, steps: Steps) -> None:
    """Reproduce, confirm the top hypothesis, change, regression test, run the suite."""
    first = _start(brief, steps, _reproduce(brief))
    if brief.unlocated:
        confirm = [steps.add(LOCALISE if brief.cited() else LOCALISE_BY_OUTPUT, first[-1:],
                             brief.cited())]
    else:
        h1, paths = brief.hypotheses[0]
        confirm = [steps.add(_verify(h1, f"Confirm H{h1.number}"), first[-1:], paths)]
        confirm += _others(brief, steps, first[-1])
    code = brief.targets()
    change = steps.add(CHANGE, confirm, code)
    title, where = checks.extend_tests(code[0] if code else None, brief.paths, brief.findings,
                                    "a regression test", layout.TEST_SHOULD)
    test = steps.add(title, [change], where)
    _tests(brief, steps, [change, test], "and fix anything the change broke", where)
    _criteria(brief, steps, change)


def feature(brief: Brief, steps: Steps) -> None:
    """Where it fits, the design decision, implement, tests, docs and changelog."""
    if brief.unlocated:
        first = _start(brief, steps, "Find where the feature belongs, starting with the files "
                       "H1–H3 name (search matches, not findings) and their callers, and write "
                       "the module into hypotheses.md", brief.cited())
    else:
        h1 = brief.hypotheses[0][0]
        first = _start(brief, steps, f"Read where H{h1.number} places the feature, and its "
                       "callers, and list the functions the feature touches", brief.cited(0, 1))
    design = steps.add("Decide the design before coding: the public name, arguments, defaults "
                       "and errors, and what existing callers see; write it under Acceptance "
                       "Criteria in problem-definition.md", first[-1:])
    code = brief.targets()
    implement = steps.add("Implement the feature as decided", [design], code)
    title, where = checks.extend_tests(code[0] if code else None, brief.paths, brief.findings,
                                    "tests of the new behaviour",
                                    "covering the decided arguments, defaults and errors")
    test = steps.add(title.replace(" for the reported case", ""), [implement], where)
    home, log = layout.docs_home(brief.paths), layout.changelog(brief.paths, brief.files)
    entry = " and add a changelog entry" if log else ""
    steps.add(f"Document the feature{entry}" if home else
              f"Document the feature in its docstrings{entry}", [implement],
              tuple(p.rstrip("/") for p in (home, log) if p))
    _tests(brief, steps, [implement, test], "and fix anything the feature broke", where)
    _criteria(brief, steps, implement)


def performance(brief: Brief, steps: Steps) -> None:
    """Measure first, find where the time goes, change, measure again, run the suite."""
    cited = brief.cited()
    language = next((lang for p in cited if (lang := language_of(p))), None)
    how = layout.measure(brief.paths, language)
    first = _start(brief, steps, f"Measure first: {how}; record the time, peak memory and "
                   "input size")
    if brief.unlocated:
        found = steps.add("Find the slow path: the top of the profile from task 1 names the "
                          "functions to look at; write them into hypotheses.md", first[-1:])
    else:
        h1, paths = brief.hypotheses[0]
        found = steps.add(_verify(h1, f"Confirm in the profile H{h1.number}"), first[-1:], paths)
    change = steps.add("Change the slow path the profile shows, keeping its results the same",
                       [found], brief.targets())
    steps.add("Measure again with the same benchmark and input as task 1, and put both "
              "figures in the pull request", [change])
    _tests(brief, steps, [change], "to show the results did not change")
    _criteria(brief, steps, change)


PRIVATE = ("Keep the details out of public channels until a fixed release is out: move the "
           "discussion to a private security advisory{policy}")
TRACE = ("Find the input that reaches the dangerous call: where the untrusted input the issue "
         "describes enters, and how it gets to the code H{n} names")
TRACE_UNLOCATED = ("Find the input that reaches the dangerous call (a process, a file path, "
                   "eval, a query, a URL fetch, deserialisation, HTML output), starting with the "
                   "files H1–H3 name (not findings)")
BOUNDARY = ("Fix it at the boundary where the untrusted input enters: validate or neutralise "
            "it there (or make the unsafe default safe), not only at the one call the issue "
            "shows")
MALICIOUS = "a regression test with the malicious input the issue describes"
REJECTED = "that checks it is rejected (it gets through before the fix)"
ADVISORY = ("Publish the advisory with the affected and fixed versions once the fix is "
            "released, crediting the reporter")
_POLICIES = ("SECURITY.md", ".github/SECURITY.md", "docs/SECURITY.md", "SECURITY.rst")


def security(brief: Brief, steps: Steps) -> None:
    """Private first; trace the input to the dangerous call; fix the boundary; a test with
    the malicious input; the changed code's tests; the advisory. Never a public request for
    a traceback or an exploit."""
    policy = next((p for p in _POLICIES if p in brief.paths), None)
    first = _start(brief, steps, PRIVATE.format(
        policy=f" and follow `{policy}`" if policy else ""), (policy,) if policy else ())
    if brief.unlocated:
        traced = [steps.add(TRACE_UNLOCATED, first[-1:], brief.cited())]
    else:
        h1, paths = brief.hypotheses[0]
        traced = [steps.add(TRACE.format(n=h1.number), first[-1:], paths)]
        traced += _others(brief, steps, first[-1])
    code = brief.targets()
    fix = steps.add(BOUNDARY, traced, code)
    title, where = checks.extend_tests(code[0] if code else None, brief.paths, brief.findings,
                                       MALICIOUS, REJECTED)
    test = steps.add(title.replace(" for the reported case", ""), [fix], where)
    ran = _tests(brief, steps, [fix, test], "and fix anything the change broke", where)
    steps.add(ADVISORY, [ran])
    _criteria(brief, steps, fix)


def question(brief: Brief, steps: Steps) -> None:
    """Answer from the code and docs, then improve the docs."""
    home = layout.docs_home(brief.paths)
    pages = f" and `{home}`" if home else ""
    answer = _start(brief, steps, f"Answer on the issue from the code{pages}: what the files "
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
        after = _start(brief, steps, "Find the section to change in the page the issue points "
                       "at", pages)
        if code:
            after.append(steps.add("Read the code the page describes, so the new text says "
                                   "what it does", after[:1], code))
        write = steps.add("Write the change: the wording or example the issue asks for", after,
                          pages)
    elif code:  # the issue is about docstrings: the code is the page
        after = _start(brief, steps, "Read the docstrings the issue is about and the code under "
                       "them, and list what they get wrong or leave out", code)
        write = steps.add("Write the docstrings the issue asks for, with an example each",
                          after[-1:], code)
    else:
        where = f"`{home}`" if home else "the README"
        after = _start(brief, steps, f"Find the page and section to change: search {where} for "
                       "the issue's terms", (home.rstrip("/"),) if home else ())
        write = steps.add("Write the change: the wording or example the issue asks for",
                          after[-1:])
    build = layout.docs_build(brief.paths)
    steps.add(f"Build the docs (`{build}`) and check the page renders and its links work"
              if build else "Preview the changed page and check its links work", [write])
    _criteria(brief, steps, write)


RECIPES: dict[str, Callable[[Brief, Steps], None]] = {
    BUG: bug, FEATURE: feature, PERFORMANCE: performance, SECURITY: security,
    QUESTION: question, DOCS: docs,
}
