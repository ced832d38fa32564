"""An issue's kind (bug, feature, performance, security, question, docs) and reading it
back (pure)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.text import FENCED_BLOCK

BUG = "bug report"
FEATURE = "feature request"
PERFORMANCE = "performance issue"
SECURITY = "security vulnerability"
QUESTION = "question or support"
DOCS = "documentation"
KINDS: tuple[str, ...] = (BUG, FEATURE, PERFORMANCE, SECURITY, QUESTION, DOCS)

# A label names a kind in any of the ways projects spell them ("type: bug", "kind/feature",
# "C-enhancement", "🐛 bug"). When labels disagree, the narrower kind wins: a "bug" that is
# also "security" is handled as a vulnerability, one also "performance" is measured first,
# a "bug" in "documentation" is a docs change.
_LABELS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (SECURITY, re.compile(r"\b(security|vulnerability|cve)\b")),
    (PERFORMANCE, re.compile(r"\b(perf(ormance)?|slow(ness)?|speed|memory|optimi[sz]ation)\b")),
    (DOCS, re.compile(r"\b(docs?|documentation|docstrings?|typo)\b")),
    (BUG, re.compile(r"\b(bug|defect|regression|crash)\b")),
    (FEATURE, re.compile(r"\b(enhancement|feature|proposal|rfc|idea|improvement|request)\b")),
    (QUESTION, re.compile(r"\b(question|support|usage|how ?to)\b")),
)
# Headings of the issue templates GitHub and projects ship ("**Describe the bug**",
# "### Is your feature request related to a problem?"), matched in lower case.
_TEMPLATE: tuple[tuple[str, re.Pattern[str]], ...] = (
    (BUG, re.compile(r"^(describe the bug|bug (report|description|summary)|to reproduce"
                     r"|steps to reproduce|minimal (complete )?(verifiable|reproducible) example"
                     r"|expected behaviou?r|actual behaviou?r|traceback|stack ?trace)\b")),
    (FEATURE, re.compile(r"^(feature request|is your feature request|describe the solution"
                         r"|describe alternatives|alternatives( considered)?|motivation|pitch"
                         r"|proposal|proposed (solution|api|change|behaviou?r)|use ?case)\b")),
    (PERFORMANCE, re.compile(r"^(performance|benchmarks?|profil(e|ing)|timings?)\b")),
    (SECURITY, re.compile(r"^(vulnerability|security|proof of concept|poc|affected versions"
                          r"|patched versions|cwe|cvss)\b")),
    (DOCS, re.compile(r"^(documentation|location of the documentation|docs? (issue|problem)"
                      r"|suggested fix for (the )?documentation)\b")),
    (QUESTION, re.compile(r"^(question|your question|what are you trying to do)\b")),
)
_NAMES = {BUG: re.compile(r"\bbug\b"), FEATURE: re.compile(r"\bfeature\b"),
          PERFORMANCE: re.compile(r"\bperformance\b"), DOCS: re.compile(r"\bdocumentation\b"),
          QUESTION: re.compile(r"\bquestion\b"), SECURITY: re.compile(r"\bvulnerability\b")}
# What a title or a body says, each pattern worth its weight once. Phrases a complaint
# uses for a missing feature ("does not support", "no way to") outweigh the bug words
# they contain; "feature" counts only where it names the request itself.
_WORDS: dict[str, tuple[tuple[re.Pattern[str], int], ...]] = {
    BUG: (
        (re.compile(r"\b(bug|crash(es|ed|ing)?|segfault|panic|regression|broken"
                    r"|traceback|exception|error|fail(s|ed|ing|ure)?|raises?|wrong|incorrect"
                    r"|false (positive|negative)|not working|does ?n[o']t work"
                    r"|unexpected(ly)?)\b"), 2),
        (re.compile(r"\b(instead of|should (be|return|not)|mismatch|inconsistent|difference "
                    r"between|ignored|stuck|hangs?)\b"), 1),
    ),
    FEATURE: (
        (re.compile(r"^\s*[\[(]?(feature|feat|enhancement|proposal|rfc|request|idea)"
                    r"\s*[\]):/-]"), 4),
        (re.compile(r"\b(feature request|add(ing)? (support|an? option|the ability)|support for"
                    r"|would be (nice|great|useful|helpful)|it would be|please add|ability to"
                    r"|option to|allow(ing)? (users? )?to|make \S+ (configurable|changeable"
                    r"|optional)|new (option|flag|argument|parameter|method|function|api)"
                    r"|(does|do|can) ?n[o']t (support|allow|let|provide|offer)|no way to"
                    r"|there is no (way|option)|not (currently )?(possible|supported)"
                    r"|deprecate|tracking issue|(ideal|proposed|possible) solution"
                    r"|(improve|better|clearer) (the )?(error|warning) messages?"
                    # a behaviour to add, said as a setting or a check the code lacks
                    r"|(an?|new) (option|flag|setting|switch|toggle|parameter|keyword argument)"
                    r" (to|for)|would be (good|nice to have)|nice to have"
                    r"|should (accept|support|allow|take|expose|provide|offer|warn|reject"
                    r"|refuse|validate|complain)"
                    r"|should (raise|throw|emit|give|show) an? (\w+ ){0,2}(\w*error|\w*exception"
                    r"|\w*warning|message) (when|if|for|on|instead))\b"), 3),
        # A check to add, said as an order: "Raise an error when …", "Error out on …"
        (re.compile(r"^\s*((raise|throw|emit|give|show|log) an? (\w+ ){0,2}(error|exception"
                    r"|warning|message) (when|if|for|on|before|after)|error out (on|when|if))\b"),
         3),
        (re.compile(r"^\s*(add|allow|support|implement|expose|provide|introduce|improve"
                    r"|make|enable|update|extend|warn|use|let|accept|reject|refuse|validate"
                    r"|detect|deprecate|emit|check (that|whether|for|if)"
                    r"|(raise|throw|give|show) an? (\w+ ){0,2}(error|exception|warning|message)"
                    r"|error out|(an? )?(option|flag|setting|switch|way) (to|for))\b"), 2),
    ),
    PERFORMANCE: (
        (re.compile(r"\b(slow(er|ly|ness|down|s)?|performance|perf|speed ?up|faster|latency"
                    r"|takes (too )?long|execution time|throughput|inefficien(t|cy)"
                    r"|unnecessary|redundant)\b"), 3),
        (re.compile(r"\b((memory|cpu|ram) (usage|use|leak|consumption|pressure|footprint"
                    r"|not (being )?released)|memory|out of memory|oom|consumes? more)\b"), 3),
        (re.compile(r"\b(linear (search|scan|time)|quadratic|time complexity|benchmarks?|timeit"
                    r"|c?profile[rd]?|flame ?graph)\b|\bO\(n(\^?2| ?log ?n)?\)", re.I), 2),
    ),
    # A vulnerability of this project: what an attacker can do, and with what input. These
    # words are rare elsewhere, so one in the body outweighs a title's "crash"; a security
    # tool's own words ("security group", "a vulnerability scan") are none.
    SECURITY: (
        (re.compile(r"^\s*[\[(]?(security|vulnerability|cve-\d+-\d+)\s*[\]):/-]"), 4),
        (re.compile(r"\b(cve-\d{4}-\d+|ghsa(-\w{4}){3}|security (vulnerabilit(y|ies)|issue|flaw"
                    r"|hole|advisory|fix|bug|problem|risk|report)|vulnerable to|(is|are|be|being"
                    r"|makes?|making|leaves?|leaving) (\w+ ){0,3}vulnerable|(a|this|security)"
                    r" vulnerabilit(y|ies)\b(?! ?(scan|check|database|db|feed|data|list|id"
                    r"|report))|vulnerabilit(y|ies) in|exploit(s|able|ed|ing)?"
                    r"|(remote|arbitrary) (code|command)( execution)?|code execution|\brce\b"
                    r"|(sql|command|code|shell|header|template|ldap|xpath|html|script|prompt|os"
                    r"|crlf|log|csv|formula) ?injection|(path|directory) traversal|zip ?slip"
                    r"|\bssrf\b"
                    r"|\bxss\b|cross[- ]site (scripting|request forgery)|\bcsrf\b"
                    r"|denial[- ]of[- ]service|\bredos\b|dos attack|privilege escalation"
                    r"|(untrusted|malicious|attacker[- ]controlled) (input|data|file|code|user"
                    r"|search path|path|url|payload|archive|package)|specially crafted"
                    r"|crafted (input|file|request|payload|archive|url|header|package)"
                    r"|(allows?|lets?|can) (\w+ ){0,3}(execute|run) (arbitrary |malicious )?code"
                    r"|attackers?|(overly )?permissive (file )?permissions|world[- ](readable"
                    r"|writable)|open redirect|(insecure|unsafe) deserializ\w*|timing attack"
                    r"|padding oracle|authentication bypass|bypass(es)? (the )?"
                    r"(authentication|authori[sz]ation|sandbox)|(secrets?|credentials?|tokens?)"
                    r" (leak(s|ed)?|exposed|in (the )?logs))"), 7),
    ),
    QUESTION: (
        (re.compile(r"^\s*[\[(]?(question|help|how (do|can|should|to)|what is the|is there a"
                    r"|is it possible|can (i|we|you)|should (i|we)|why does|why is)\b"), 3),
        (re.compile(r"\?\s*$"), 2),
        (re.compile(r"\b(how (do|can|should) (i|we)|what is the (right|recommended|best) way"
                    r"|is there a way|any (way|idea|advice)|am i (missing|doing)|thanks in "
                    r"advance|recommended way)\b"), 2),
    ),
    DOCS: (
        (re.compile(r"\b(docs?|documentation|docstrings?|typo|readme|tutorial|changelog"
                    r"|broken link|dead link|misleading|undocumented|not documented)\b"), 3),
        (re.compile(r"^\s*document\b"), 3),
    ),
}
_TAGS = re.compile(r"^(?:\s*\[[^\]\n]*\]|\s*[\w./-]+:(?=\s))+\s*")
_TITLE_WEIGHT = 3  # the title is the reporter's summary: it outweighs any paragraph
_TEMPLATE_WEIGHT = 6  # a template's headings say what the reporter chose to file
_TRACEBACK_WEIGHT = 4
_QUESTION_TITLE = 6  # a title that asks (" ... ?", "How do I") makes a pasted error evidence
# Ties go to the narrower kind: its plan (measure, answer, edit a page) fits it better.
_TIES = (SECURITY, PERFORMANCE, DOCS, QUESTION, FEATURE, BUG)
_HEADING = re.compile(r"^ {0,3}(?:#{1,6}\s+(?P<atx>.+?)\s*#*|\*\*(?P<bold>[^*\n]+?)\*\*:?)\s*$",
                      re.MULTILINE)
_TRACEBACK = re.compile(r"Traceback \(most recent call last\)|^\s+at [\w.$]+\(.*:\d+\)"
                        r"|^panic: |\b\w+(Error|Exception): ", re.MULTILINE)
# The kind line stage 1 writes and a person may edit: "- Kind: **feature request** (...)".
KIND_LINE = "- Kind: **{kind}** ({reason})"
_KIND_LINE = re.compile(r"^\s*[-*]\s*(?:kind|reads as an?)\s*:?\s*(?P<value>.+)$",
                        re.IGNORECASE | re.MULTILINE)
_SPELLINGS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (SECURITY, re.compile(r"secur|vulnerab|cve")),
    (PERFORMANCE, re.compile(r"perf|slow|speed|memory")),
    (DOCS, re.compile(r"doc")),
    (QUESTION, re.compile(r"question|support|help")),
    (FEATURE, re.compile(r"feature|enhancement|request|proposal")),
    (BUG, re.compile(r"bug|defect|crash|error")),
)


@dataclass(frozen=True)
class Reading:
    """A kind and what decided it, for the reader to judge."""

    kind: str
    reason: str


def _label_kind(labels: Iterable[str]) -> Reading | None:
    found = {kind: label for label in labels for kind, rx in _LABELS if rx.search(label.lower())}
    for kind, _ in _LABELS:
        if kind in found:
            return Reading(kind, f"from the label `{found[kind]}`")
    return None


def _headings(prose: str) -> list[str]:
    return [(m["atx"] or m["bold"]).strip().lower() for m in _HEADING.finditer(prose)]


def _template_kind(prose: str) -> str | None:
    """The kind whose template headings the body follows: two of them, or one that names
    the kind ("Bug summary", "Feature request")."""
    votes = {kind: sum(2 if _NAMES[kind].search(h) else 1 for h in _headings(prose)
                       if rx.match(h)) for kind, rx in _TEMPLATE}
    best = max(votes.values())
    return next((k for k, v in votes.items() if v == best), None) if best >= 2 else None


def _score(text: str, weight: int) -> dict[str, int]:
    # "[chaturbate] Support …", "ROB: reading …": what follows the tags starts the sentence.
    rest = _TAGS.sub("", text, count=1)
    return {kind: weight * sum(w for rx, w in patterns if rx.search(text) or rx.search(rest))
            for kind, patterns in _WORDS.items()}


def detect(title: str, body: str, labels: Iterable[str] = ()) -> Reading:
    """The issue's kind: a label beats a template's headings, which beat the words.

    Words count in the title three times over; a traceback in the body counts for a bug
    unless the title asks a question (people paste the error they want explained).
    """
    by_label = _label_kind(labels)
    if by_label:
        return by_label
    prose = FENCED_BLOCK.sub("", body or "")
    scores = _score(title.lower(), _TITLE_WEIGHT)
    titled = dict(scores)
    if _TRACEBACK.search(body or "") and scores[QUESTION] < _QUESTION_TITLE:
        scores[BUG] += _TRACEBACK_WEIGHT
    for kind, points in _score(prose.lower(), 1).items():
        scores[kind] += points
    template = _template_kind(prose)
    if template:
        scores[template] += _TEMPLATE_WEIGHT
    best = max(scores.values())
    if best == 0:
        return Reading(BUG, "no sign of another kind")
    kind = next(k for k in _TIES if scores[k] == best)
    if kind == template and titled[kind] < best - _TEMPLATE_WEIGHT:
        return Reading(kind, "from the issue template's headings")
    return Reading(kind, "from the title" if titled[kind] * 2 >= best else "from the text")


def kind_line(reading: Reading) -> str:
    return KIND_LINE.format(kind=reading.kind, reason=reading.reason)


def written_kind(problem_md: str) -> str | None:
    """The kind a problem definition names, as a person may have corrected it; None when
    it names none (an older document, or the line was removed)."""
    match = _KIND_LINE.search(problem_md)
    if not match:
        return None
    value = re.sub(r"\([^)]*\)", "", match["value"]).replace("*", "").strip().lower()
    return next((kind for kind, rx in _SPELLINGS if rx.search(value)), None)
