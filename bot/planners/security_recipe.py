"""The tasks of a vulnerability report: private first, the input traced to the dangerous
call, fixed at the boundary, tested with the malicious input, then the advisory. Never a
public request for a traceback or an exploit."""

from __future__ import annotations

from bot.planners.brief import Brief, Steps
from bot.planners.shared_steps import add_test, criteria, others, run_checks, start

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
    policy = next((p for p in _POLICIES if p in brief.paths), None)
    first = start(brief, steps, PRIVATE.format(
        policy=f" and follow `{policy}`" if policy else ""), (policy,) if policy else ())
    if brief.unlocated:
        traced = [steps.add(TRACE_UNLOCATED, first[-1:], brief.cited())]
    else:
        h1, paths = brief.hypotheses[0]
        traced = [steps.add(TRACE.format(n=h1.number), first[-1:], paths)]
        traced += others(brief, steps, first[-1])
    fix = steps.add(BOUNDARY, traced, brief.targets())
    test, where = add_test(brief, steps, fix, MALICIOUS, REJECTED)
    ran = run_checks(brief, steps, [fix, test], "and fix anything the change broke", where)
    steps.add(ADVISORY, [ran])
    criteria(brief, steps, fix)
