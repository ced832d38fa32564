"""A vulnerability report: kept private, traced from the input to the dangerous call, fixed
at the boundary, tested with the malicious input; never a public request for an exploit."""

from __future__ import annotations

from bot.context.snapshot import Snapshot
from bot.documents.checklist import PRIVATE_REFRESH, completeness
from bot.documents.kind import SECURITY, detect
from bot.documents.render import render_hypotheses
from bot.documents.sections import sections
from bot.domain import Findings, PlanInput, RepoContext, Snippet, TreeEntry
from bot.planners.framing import ASK_REPORTER
from bot.planners.offline import OfflinePlanner
from bot.planners.security_recipe import ADVISORY, BOUNDARY
from bot.planners.sinks import sinks

FILES = {
    "tool/__init__.py": "",
    "tool/runner.py": ("import subprocess\n\n\ndef run(cmd):\n"
                       "    return subprocess.Popen(cmd, shell=True)\n"),
    "tool/errors.py": ('"""Raised when `Popen()` fails."""\n\n\nclass RunError(Exception):\n'
                       "    pass\n"),
    "tool/report.py": ("import logging\n\nlog = logging.getLogger(__name__)\n\n\n"
                       "def show(cmd):\n    log.info(\"Popen(%s)\", cmd)\n"),
    "tool/config.py": "DEFAULTS = {'colour': True}\n",
    "scripts/release.py": "import os\n\nos.system('make dist')\n",
    "tests/test_runner.py": "from tool.runner import run\n",
    "SECURITY.md": "Report vulnerabilities privately.\n",
}
REPORT = ("CVE-2031-0001: arbitrary command execution through the job name\n"
          "A job name from an untrusted config file ends up executed by the shell.")
PLANNER = OfflinePlanner()


def context() -> RepoContext:
    snippets = tuple(Snippet(p, 1, t.count("\n") or 1, t) for p, t in FILES.items()
                     if p.startswith("tool/") and t)
    order = ("tool/config.py", "tool/errors.py", "tool/report.py", "tool/runner.py")
    entries = tuple(TreeEntry(p, len(t)) for p, t in sorted(FILES.items()))
    return RepoContext("abc1234", frozenset(FILES), snippets=snippets, languages=("Python",),
                       findings=Findings(reasons=tuple((p, ("content",)) for p in order),
                                         tests=(("tool/runner.py", ("tests/test_runner.py",)),)),
                       source=Snapshot("abc1234", entries, FILES))


def document(title: str, body: str) -> str:
    return (f"# Problem Definition\n\n## Overview\n\n- Kind: **{SECURITY}**\n\n## Issue Body"
            f"\n\n**Title:** {title}\n\n{body}\n\n## Acceptance Criteria\n\n_Not given._\n")


def test_the_code_an_attack_needs_is_found_where_it_is_made_not_where_it_is_mentioned() -> None:
    found = sinks(REPORT, FILES)
    assert [(f.path, f.lines) for f in found] == [("tool/runner.py", (5,))]
    assert sinks("The colour setting is ignored", FILES) == []


def test_a_report_that_names_no_code_reads_first_where_the_attack_would_happen() -> None:
    title, _, body = REPORT.partition("\n")
    items = PLANNER.hypotheses(PlanInput(document(title, body), context())).items
    assert items[0].title == "Read first: `tool/runner.py:5`, where the code runs a program"
    assert all(ASK_REPORTER not in h.how_to_verify for h in items)


def test_a_vulnerability_is_kept_private_traced_fixed_at_the_boundary_and_tested() -> None:
    title, _, body = REPORT.partition("\n")
    problem = document(title, body)
    drafted = PLANNER.hypotheses(PlanInput(problem, context()))
    written = render_hypotheses(drafted.items, drafted.notes)
    tasks = PLANNER.tasks(PlanInput(problem, context(), written)).items
    titles = [t.title for t in tasks]
    assert titles[0].startswith("Keep the details out of public channels until a fixed release")
    assert tasks[0].paths == ("SECURITY.md",)
    assert titles[1].startswith("Find the input that reaches the dangerous call")
    assert BOUNDARY in titles
    assert any(t.startswith("Add a regression test with the malicious input the issue "
                            "describes") for t in titles)
    assert titles[-1] == ADVISORY
    assert not any("ask the reporter" in t.lower() for t in titles)


def test_a_vulnerabilitys_missing_details_are_asked_for_privately() -> None:
    title, _, body = REPORT.partition("\n")
    assert detect(title, body).kind == SECURITY
    checklist = completeness(title, body, sections(body), SECURITY)
    assert "private security advisory, not in this public issue" in checklist
    assert PRIVATE_REFRESH in checklist
