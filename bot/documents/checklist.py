"""What a plan needs from an issue of each kind, and whether the issue gives it (pure)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.documents.kind import BUG, DOCS, FEATURE, PERFORMANCE, QUESTION, SECURITY
from bot.documents.sections import IssueSections
from bot.text import FENCED_BLOCK

REFRESH = "_Something missing? Edit the issue, then comment `/plan problem`._"
# A vulnerability's missing details must not be added to the public issue.
PRIVATE_REFRESH = ("_Something missing? Send it to the maintainers through a private security "
                   "advisory, not in this public issue._")
KIND_HINT = "_Wrong kind? Edit the **Kind** line above, then comment `/plan`._"

_STEPS = re.compile(r"^ {0,3}1[.)]\s+\S.*\n(?:.*\n)*? {0,3}2[.)]\s+\S", re.MULTILINE)
_ERROR_OUTPUT = re.compile(r"Traceback \(most recent call last\)|\b\w+(?:Error|Exception)\b:"
                           r"|^\s*at [\w.$<>]+\(.*:\d+\)|^panic: |^error(?:\[\w+\])?: "
                           r"|\berror message\b", re.MULTILINE | re.IGNORECASE)
# What the reporter expected, said in a sentence rather than under a heading.
_EXPECTED = re.compile(r"\b(expect(ed|ing|s)?|should(n't| not)?|would (like|want) it to|supposed to"
                       r"|ought to|instead of|used to (work|be|return)|worked (fine|before|in)"
                       r"|works (fine|correctly|as expected|with|in)|the same (as|result)"
                       r"|as (documented|in the docs))\b", re.IGNORECASE)
# What actually happens, said in a sentence: the outcome verbs of a report.
_ACTUAL = re.compile(r"\b(crash(es|ed)?|hangs?|freez(es|e)|fails?|failed|raises?|raised|throws?"
                     r"|returns?|returned|gives?|gave|got|produces?|produced|prints?|printed"
                     r"|shows?|showed|results? in|ends? up|complains?|reports?|(is|are|gets?) "
                     r"(lost|missing|ignored|dropped|empty|wrong|incorrect|skipped|truncated))\b",
                     re.IGNORECASE)
_VERSIONS = re.compile(r"\b(?:v?\d+\.\d+(?:\.\d+)?|version|python \d|windows|macos|linux"
                       r"|ubuntu)\b", re.IGNORECASE)
_HEADING = re.compile(r"^ {0,3}(?:#{1,6}\s+(.+?)|\*\*([^*\n]+?)\*\*:?)\s*$", re.MULTILINE)
_MOTIVATION = re.compile(r"\b(motivation|use ?case|background|related to a problem|why)\b"
                         r"|\b(i|we) (need|want|would like|have to|am trying|are trying)\b"
                         r"|\b(because|so that|in order to|currently|at the moment|annoying)\b",
                         re.IGNORECASE)
_PROPOSAL = re.compile(r"\b(propos\w*|solution|pitch|desired|something like|such as|e\.g\."
                       r"|for example|would (make|allow|let|accept|return)|should (accept|return"
                       r"|support|allow|take|be able))\b", re.IGNORECASE)
_ALTERNATIVES = re.compile(r"\b(alternatives?|workarounds?|instead|other (libraries|tools"
                           r"|projects)|currently (i|we) (use|have to))\b", re.IGNORECASE)
_MEASURED = re.compile(r"\d(?:[\d,.]*\d)?\s*(?:ms|µs|us|ns|s|secs?|seconds?|min(?:utes?)?"
                       r"|hours?|x|×|%|[kmgt]i?b|bytes|it/s|req/s|ops/s|rps)\b", re.IGNORECASE)
_SIZES = re.compile(r"\d(?:[\d,._]*\d)?\s*[kmb]?\s*(?:rows|records|items|files|elements|entries"
                    r"|lines|requests|urls|nodes|columns|pages|tasks|chunks|users|keys|[kmgt]i?b"
                    r"|bytes)\b|\brange\(\d{3,}|\*\s*\d{3,}|\bshape\b", re.IGNORECASE)
_BASELINE = re.compile(r"\b(compared (to|with)|than|vs\.?|versus|previous(ly)?|used to|before"
                       r"|regression|expected)\b", re.IGNORECASE)
# A section of measurements whose figures may be in a screenshot or a linked notebook.
_MEASUREMENTS = re.compile(r"\b(benchmarks?|timings?|profil\w*|measurements?)\b", re.IGNORECASE)
_TRIED = re.compile(r"\b(i|we) (tried|have tried|attempted|used|ran|followed)\b|\btried\b",
                    re.IGNORECASE)
_PAGE = re.compile(r"https?://\S+|\b[\w/.-]+\.(?:md|rst|txt|html|ipynb)\b|\bdocstrings?\b"
                   r"|\b(page|section|chapter|readme|tutorial|guide|quickstart|reference)\b",
                   re.IGNORECASE)
# What an attacker gains: the impact of a vulnerability.
_IMPACT = re.compile(r"\b(execut\w*|run (arbitrary|any|their)|read|write|overwrite|access|bypass"
                     r"\w*|leak\w*|disclos\w*|escalat\w*|denial|exhaust\w*|inject\w*|arbitrary"
                     r"|steal\w*|impersonat\w*|forge\w*|tamper\w*)\b", re.IGNORECASE)
# Where a vulnerability's missing details go: never into the public issue.
PRIVATELY = "through a private security advisory, not in this public issue"
_WORDING = re.compile(r"\b(should (say|read|mention|explain|document)|suggest\w*|propos\w*"
                      r"|instead|replace|could say|would be clearer)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Issue:
    """The issue as the checks read it: its parts, its body and its prose (no code)."""

    title: str
    body: str
    parts: IssueSections

    @property
    def prose(self) -> str:
        return FENCED_BLOCK.sub("", self.body)

    @property
    def has_code(self) -> bool:
        return FENCED_BLOCK.search(self.body) is not None or "\n    " in self.body

    def heading(self, pattern: re.Pattern[str]) -> bool:
        return any(pattern.search(a or b) for a, b in _HEADING.findall(self.prose))


# A check answers what the issue gives for one need ("" when it gives nothing).
Check = Callable[[Issue], str]


def _part(name: str) -> Check:
    return lambda issue: "given" if getattr(issue.parts, name) else ""


def _first(*checks: Check) -> Check:
    return lambda issue: next((found for c in checks if (found := c(issue))), "")


def _words(pattern: re.Pattern[str], where: str, title: bool = True) -> Check:
    """Words in the issue's prose, and in its title unless `title` is False: a title names
    the request ("… and propose a workaround"), it does not propose one."""
    return lambda issue: where if pattern.search(
        f"{issue.title}\n{issue.prose}" if title else issue.prose) else ""


def _said(pattern: re.Pattern[str]) -> Check:
    """Said in the description's own sentences (not under another section's heading)."""
    return lambda issue: "said in the issue" if pattern.search(
        FENCED_BLOCK.sub("", issue.parts.free_text)) else ""


def _code(where: str) -> Check:
    return lambda issue: where if issue.has_code else ""


def _steps(issue: Issue) -> str:
    return "numbered steps in the issue body" if _STEPS.search(issue.prose) else ""


def _error_output(issue: Issue) -> str:
    return "the error output in the issue body" if _ERROR_OUTPUT.search(issue.body) else ""


def _question(issue: Issue) -> str:
    asked = issue.title.rstrip().endswith("?") or re.search(r"\?\s*$", issue.prose, re.M)
    return "asked in the issue" if asked else ""


def _baseline(issue: Issue) -> str:
    """Words that compare, or two figures side by side ("95 s on 2.3; 4 s on 2.2")."""
    if _BASELINE.search(issue.prose):
        return "given"
    return "two figures to compare" if len(_MEASURED.findall(issue.body)) >= 2 else ""


def _headed(pattern: re.Pattern[str]) -> Check:
    return lambda issue: "given" if issue.heading(pattern) else ""


_REPRODUCTION = _first(_part("reproduction"), _code("code in the issue body"), _steps)
_ENVIRONMENT = _first(_part("environment"), _words(_VERSIONS, "versions named in the issue"))
# (need, what settles it, what to add). Bug reports get no acceptance check: the
# expected behaviour is what done means for them.
CHECKS: dict[str, tuple[tuple[str, Check, str], ...]] = {
    BUG: (
        ("Reproduction", _REPRODUCTION,
         'add a "Steps to reproduce" section (the commands or code that show the problem)'),
        ("Expected behaviour", _first(_part("expected"), _said(_EXPECTED)),
         'add an "Expected behaviour" section'),
        ("Actual behaviour", _first(_part("actual"), _error_output, _said(_ACTUAL)),
         'add an "Actual behaviour" section (the error or output you saw)'),
        ("Environment", _ENVIRONMENT, 'add an "Environment" section (versions, OS)'),
    ),
    FEATURE: (
        ("Motivation", _words(_MOTIVATION, "given"),
         'add a "Motivation" section (the problem or use case behind the request)'),
        ("Proposed behaviour", _first(_part("expected"), _words(_PROPOSAL, "given", title=False),
                                      _code("an example in the issue body")),
         'add a "Proposed behaviour" section (how it would be used: an example call or output)'),
        ("Alternatives considered", _words(_ALTERNATIVES, "given", title=False),
         'add an "Alternatives considered" section (workarounds or designs you ruled out)'),
        ("Acceptance criteria", _part("acceptance"),
         'add an "Acceptance criteria" section (a `- [ ]` list of what done means)'),
    ),
    PERFORMANCE: (
        ("Measurements", _first(_words(_MEASURED, "figures in the issue"),
                                _headed(_MEASUREMENTS)),
         "add measurements (timings or memory, and how you took them)"),
        ("Input sizes", lambda issue: "given" if _SIZES.search(issue.body) else "",
         "add the size of the input the figures were taken with"),
        ("Reproduction", _REPRODUCTION, "add the code or benchmark that shows the slowdown"),
        ("Baseline", _first(_part("expected"), _baseline),
         "add what to compare with (an earlier version, another library, or the time you "
         "expected)"),
        ("Environment", _ENVIRONMENT, 'add an "Environment" section (versions, OS, hardware)'),
    ),
    SECURITY: (
        ("Affected versions", _ENVIRONMENT, f"say which versions are affected, {PRIVATELY}"),
        ("How the input gets in", _first(_REPRODUCTION, _part("actual")),
         f"describe how untrusted input reaches the code (a proof of concept), {PRIVATELY}"),
        ("Impact", _words(_IMPACT, "given"),
         f"say what an attacker gains (code run, data read or written, service denied), "
         f"{PRIVATELY}"),
    ),
    QUESTION: (
        ("The question", _question, "say in one sentence what you want to know"),
        ("What you tried", _first(_words(_TRIED, "given"), _code("code in the issue body")),
         "add what you tried (code or command) and what happened"),
        ("Environment", _ENVIRONMENT, "add the versions you use"),
    ),
    DOCS: (
        ("The page", _first(_words(_PAGE, "given"), _headed(_PAGE)),
         "link the page, or name the docstring, that needs the change"),
        ("What is wrong or missing", lambda i: "given" if i.prose.strip() else "",
         "say what the page gets wrong or leaves out"),
        ("Suggested wording", _words(_WORDING, "given", title=False),
         "suggest the wording or example you would like to read"),
    ),
}


def reproduction_in_body(body: str, parts: IssueSections) -> str:
    """Where the body shows the problem without a section of its own ("" if nowhere)."""
    return "" if parts.reproduction else _REPRODUCTION(Issue("", body or "", parts))


def completeness(title: str, body: str, parts: IssueSections, kind: str) -> str:
    """A checklist of what a plan for this kind of issue needs, naming what to add."""
    issue = Issue(title, body or "", parts)
    lines, missing = [], False
    for name, check, fix in CHECKS[kind]:
        found = check(issue)
        if found:
            lines.append(f"- [x] {name}" + ("" if found == "given" else f" — {found}"))
        else:
            lines.append(f"- [ ] {name} — missing: {fix}")
            missing = True
    tail = [PRIVATE_REFRESH if kind == SECURITY else REFRESH] if missing else []
    return "\n\n".join(["\n".join(lines), *tail, KIND_HINT])
