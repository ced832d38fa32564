"""Which regular expressions grep runs, and the literal every match must contain (pure).

Python's `re` backtracks, cannot be interrupted (no timeout, and a match holds the GIL),
and a model's pattern is untrusted text: `(a+)+$` takes exponential time on a line of
"a"s, `.*.*.*x` polynomial. So grep refuses the constructs that make backtracking blow
up — repeats nested in repeats, repeated alternations, backreferences, lookarounds — and
caps the product of the repeats' widths (`*` is as wide as a line), which bounds the
steps one line can cost (measured: `\\w*\\w*x` on 250 "a"s took 19 ms, with a third `\\w*`
1.6 s). grep then matches line by line, lines cut at MAX_LINE, under a deadline checked
between lines. The literal that every match must contain lets grep skip most files with `in`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.research.results import ToolError

MAX_PATTERN = 200  # characters
MAX_COUNT = 1_000  # largest n in `{m,n}`
MAX_LINE = 300  # characters of a line a pattern is matched against
# Product of the repeats' widths (`*` counts MAX_LINE): two `*` and two `?`, or
# `\w{1,50}\s{0,5}=\s{0,5}\w{1,50}`, but not `\w+\s*=\s*\w+`. Two `*` cost ≈ 35 ms
# on one worst-case line of MAX_LINE characters.
MAX_WIDTHS = 4 * MAX_LINE**2
REFUSED = (
    (re.compile(r"\\[1-9]|\(\?P="), "backreferences are not supported"),
    (re.compile(r"\(\?<?[=!]"), "lookarounds are not supported"),
    (re.compile(r"\(\?\("), "conditional groups are not supported"),
)
NESTED = ("a repeated group may not hold a repeat or `|` (`(a+)+` and `(a|b)*` can take "
          "exponential time): repeat its parts instead")
TOO_MANY = ("the pattern could backtrack too long: at most two unbounded repeats (`*`, `+`, "
            "`{m,}`); bound the others (`\\s{0,3}`, `\\w{1,40}`) or use literals")
_COUNT = re.compile(r"\{(\d*)(,?)(\d*)\}")
_OPENING = re.compile(r"\(\?(?::|>|P?<\w+>)")  # a group's `(?:`, `(?>`, `(?P<name>`
_FLAGS = re.compile(r"\(\?([aiLmsux]+)\)")


@dataclass
class _Group:
    repeated: bool = False  # holds a repeat or an alternation
    run: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Pattern:
    regex: re.Pattern[str]
    literal: str  # every match contains it ("" when nothing is certain)


def _quantifier(pattern: str, i: int) -> tuple[int, int, bool] | None:
    """(length, width: how many counts it may try, may repeat zero times) of the
    quantifier at `i`, or None."""
    char = pattern[i]
    if char in "*+?":
        size, width, optional = 1, 2 if char == "?" else MAX_LINE, char != "+"
    elif char == "{" and (m := _COUNT.match(pattern, i)) and (m[1] or m[3]):
        low, high = int(m[1] or 0), int(m[3]) if m[3] else None
        if max(high or 0, low) > MAX_COUNT:
            raise ToolError(f"a repeat count may be at most {MAX_COUNT}")
        size, optional = len(m[0]), low == 0
        width = 1 if not m[2] else MAX_LINE if high is None else min(MAX_LINE, high - low + 1)
    else:
        return None
    return size + (pattern[i + size : i + size + 1] in ("?", "+")), width, optional


def _atom_end(pattern: str, i: int) -> int:
    """Where the atom starting at `i` ends: an escape, a character class, or one char."""
    if pattern[i] == "\\":
        return i + 2
    if pattern[i] == "[":
        j = i + 1 + (pattern[i + 1 : i + 2] == "^")
        j += pattern[j : j + 1] == "]"
        while j < len(pattern) and pattern[j] != "]":
            j += 2 if pattern[j] == "\\" else 1
        return j + 1
    return i + 1


def _literal_char(atom: str) -> str | None:
    if len(atom) == 1 and atom not in ".^$":
        return atom
    if len(atom) == 2 and atom[0] == "\\" and not atom[1].isalnum():
        return atom[1]
    return None


class _Scanner:
    """One left-to-right pass over a pattern: the rules above, and the literal runs."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.stack = [_Group()]
        self.runs: list[str] = []
        self.widths = 1
        self.alternation = False  # at the top level: no literal is certain
        self.last: _Group | None = None  # the group just closed, which a repeat may follow

    def flush(self) -> None:
        """End the current run; one inside a group may be optional or an alternative."""
        if len(self.stack) == 1:
            self.runs.append("".join(self.stack[0].run))
        self.stack[-1].run = []

    def step(self, i: int) -> int:
        """Read the token at `i`; return where the next one starts."""
        char, last, self.last = self.pattern[i], self.last, None
        if char == "(":
            self.flush()
            self.stack.append(_Group())
            opening = _OPENING.match(self.pattern, i)
            return opening.end() if opening else i + 1
        if char == ")":
            if len(self.stack) == 1:
                raise ToolError("unbalanced parenthesis")
            self.flush()
            self.last = self.stack.pop()
            self.stack[-1].repeated |= self.last.repeated
            return i + 1
        if char == "|":
            self.stack[-1].repeated = True
            self.alternation |= len(self.stack) == 1
            return i + 1
        found = _quantifier(self.pattern, i)
        if found is not None:
            return i + self.repeat(last, *found)
        end = _atom_end(self.pattern, i)
        literal = _literal_char(self.pattern[i:end])
        if literal is None:
            self.flush()
        else:
            self.stack[-1].run.append(literal)
        return end

    def repeat(self, last: _Group | None, size: int, width: int, optional: bool) -> int:
        self.widths *= width
        if last is not None and last.repeated:
            raise ToolError(NESTED)
        group = self.stack[-1]
        group.repeated = True
        if last is None and optional and group.run:  # the char before may be absent
            group.run.pop()
        self.flush()
        return size

    def literal(self) -> str:
        i = 0
        while i < len(self.pattern):
            i = self.step(i)
        if self.widths > MAX_WIDTHS:
            raise ToolError(TOO_MANY)
        if len(self.stack) != 1:
            raise ToolError("unbalanced parenthesis")
        self.flush()
        return "" if self.alternation else max(self.runs, key=len)


def compile_pattern(pattern: str) -> Pattern:
    """The pattern, compiled, once it passes the rules; ToolError says why not."""
    if not pattern:
        raise ToolError("the pattern is empty")
    if len(pattern) > MAX_PATTERN:
        raise ToolError(f"the pattern is longer than {MAX_PATTERN} characters")
    for rule, why in REFUSED:
        if rule.search(pattern):
            raise ToolError(why)
    flags = "".join(_FLAGS.findall(pattern))
    literal = _Scanner(_FLAGS.sub("", pattern)).literal()
    try:
        regex = re.compile(pattern)
    except re.error as exc:
        raise ToolError(f"not a valid regular expression: {exc}") from exc
    # Only top-level runs count, and no run survives a case-insensitive flag.
    return Pattern(regex, "" if "i" in flags else literal)
