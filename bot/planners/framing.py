"""What an offline hypothesis says about named code, per issue kind: a bug's cause is not a
feature's home, a slow path, the call untrusted input reaches or the place an answer is
found."""

from __future__ import annotations

from dataclasses import dataclass

from bot.documents.kind import BUG, DOCS, FEATURE, PERFORMANCE, QUESTION, SECURITY


@dataclass(frozen=True)
class Framing:
    """Title and "How to verify" templates: {name}, {path}, {test}, {source} are filled in."""

    symbol: str
    symbol_verify: str
    file: str
    file_verify: str
    unlocated: str  # H1 when the issue names nothing the repository has
    unlocated_verify: str
    read: str  # {path}: how to check a file the search ranked, before trusting it
    frame_verify: str = ""  # {spot}, {name}: for an error's frame, when not a bug's test


ASK_REPORTER = (
    "Ask the reporter for the exact error output or traceback, the version or commit where it "
    "happens, and the smallest steps that reproduce it; then comment `/plan hypotheses` again."
)
_FRAMINGS = {
    BUG: Framing(
        "`{name}` in `{path}`, which the {source} names, mishandles the case it describes",
        "Write a failing test {test}; if it passes, rule this out.",
        "The problem lies in `{path}`, which the {source} names",
        "Read `{path}` for the behaviour the issue describes and write a failing test that "
        "exercises it with the reproduction input; a passing test rules it out.",
        "The issue gives too little to localise the problem",
        ASK_REPORTER,
        "Read `{path}` for the code that does what the issue describes and write a failing "
        "test of it with the issue's input; if nothing there does, rule it out.",
    ),
    FEATURE: Framing(
        "The feature belongs with `{name}` in `{path}`, which the {source} names",
        "Read `{name}` and its callers (search the code for `{name}`): the feature fits here "
        "if it can be added without changing what existing callers get.",
        "The feature belongs in `{path}`, which the {source} names",
        "Read `{path}` and its callers: the feature fits here if it can be added without "
        "changing what existing callers get.",
        "Where the feature belongs is not settled: the issue names no module",
        "Read the files below and their callers, pick the module the feature belongs in, and "
        "write the choice into this document before anyone codes it.",
        "Read `{path}` and its callers: the feature belongs here if it fits without changing "
        "what existing callers get; if it does not, rule it out.",
    ),
    # What the issue measures may be time, memory, or what runs in which order: a cause that
    # does not dominate a time profile can still decide it.
    PERFORMANCE: Framing(
        "`{name}` in `{path}`, which the {source} names, is where the time or memory goes",
        "Run the issue's example and measure what it reports (time, peak memory, or what runs "
        "in which order); if `{name}` neither dominates the profile nor decides that, rule "
        "this out.",
        "The slow path is in `{path}`, which the {source} names",
        "Run the issue's example and measure what it reports (time, peak memory, or what runs "
        "in which order); if `{path}` neither dominates the profile nor decides that, rule "
        "this out.",
        "The slow path is not located yet: the issue names no function or file",
        "Profile the issue's example on the default branch and write the functions at the top "
        "of the profile into this document; they are the hypotheses to test.",
        "Run the issue's example under a profiler: if `{path}` is near the top, or decides what "
        "the issue measures, read it; otherwise rule it out.",
    ),
    # A vulnerability is verified with the malicious input, never by asking in public for
    # an exploit or a traceback.
    SECURITY: Framing(
        "`{name}` in `{path}`, which the {source} names, lets untrusted input through",
        "Feed the malicious input the issue describes to `{name}` in a test ({test}) and "
        "expect it rejected; if it already is, rule this out.",
        "The vulnerable code is in `{path}`, which the {source} names",
        "Read `{path}` for where untrusted input reaches a dangerous call (a process, a file "
        "path, eval, a query, a URL fetch, deserialisation, HTML output), and write a test "
        "that feeds it the issue's malicious input; if the input is already rejected, rule "
        "it out.",
        "The vulnerable code is not located yet: the issue names no function or file",
        "Trace where the untrusted input the issue describes enters the code and which "
        "dangerous call it reaches, starting with the files below; write that call into this "
        "document. Keep exploit details out of public comments.",
        "Read `{path}` for where untrusted input reaches a dangerous call (a process, a file "
        "path, eval, a query, a URL fetch, deserialisation, HTML output); if none does, rule "
        "it out.",
    ),
    QUESTION: Framing(
        "`{name}` in `{path}` holds the answer",
        "Read `{name}` and what it does with the values the issue asks about: its code and "
        "docstring give the answer.",
        "`{path}`, which the {source} names, holds the answer",
        "Read `{path}` for what the issue asks about: its code and docstrings give the answer.",
        "The issue names no code: the answer is still to be found",
        "Search the code and the docs for the terms of the question, starting with the files "
        "below, and note where the answer is.",
        "Read `{path}` and its docstrings for what the issue asks about; note the answer if "
        "it is there.",
        "Read the code at {spot}: what {name} expects there, against what the issue passes "
        "it, is the answer to give.",
    ),
    DOCS: Framing(
        "The documentation of `{name}` in `{path}` needs the change",
        "Compare the docstring and pages about `{name}` with what its code does, and list what "
        "is wrong or missing.",
        "`{path}`, which the {source} names, holds the text to change",
        "Read what `{path}` says and compare it with what the code does; list what is wrong "
        "or missing.",
        "The page to change is not named in the issue",
        "Search the documentation for the terms of the issue, starting with the files below, "
        "and name the page and section to change.",
        "Read what `{path}` says about the issue's subject and compare it with what the code "
        "does.",
    ),
}


# A file the search ranked, when nothing the issue says points anywhere stronger: a place
# to read, said as such, never "X mishandles …".
READ_FIRST = "Read first: `{path}`, the repository search's {rank} match"
_READ_FIRST_PREFIX = READ_FIRST.split("`", 1)[0]


def framing(kind: str) -> Framing:
    return _FRAMINGS.get(kind, _FRAMINGS[BUG])


def unlocated_titles() -> frozenset[str]:
    """Every H1 title that says the issue names nothing in the repository."""
    return frozenset(f.unlocated for f in _FRAMINGS.values())


def reads_first(title: str) -> bool:
    """A place to start reading: a search match, or a name the issue only mentions."""
    return title.startswith(_READ_FIRST_PREFIX)


def is_located(title: str) -> bool:
    """A hypothesis that stands on what the issue says, not a place to start reading."""
    return title not in unlocated_titles() and not reads_first(title)
