"""Which words to search for, and how alike a found issue is to this one (pure).

The words are retrieval's own (bot.context.query.parse_query over the issue's title and
body): its tokens weigh by repetition, title words and identifiers counting more, so the
most repeated are the issue's key terms. GitHub's search takes at most five AND/OR/NOT
operators and 256 characters: six terms joined by OR.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from bot.context.issue import without_form_noise
from bot.context.query import parse_query
from bot.context.tokens import tokenize
from bot.domain import FoundIssue, Issue
from bot.markers import OWN_MARKER

MAX_TERMS = 6  # five ORs: GitHub's most operators in one query
MAX_QUERY_CHARS = 256  # GitHub's longest query
MAX_SHOWN = 5
# An open issue whose words are this alike is worth a person's look as a duplicate.
DUPLICATE_SIMILARITY = 0.6
_OPERATORS = frozenset({"and", "or", "not"})
_TEXT_CHARS = 4000  # of a body compared: the opening says what an issue is about


@dataclass(frozen=True)
class Match:
    found: FoundIssue
    similarity: float  # 0 to 1: how much of the two issues' words they share

    @property
    def possible_duplicate(self) -> bool:
        """Open, an issue (not a pull request), and nearly the same words."""
        return (self.found.state == "open" and not self.found.pull_request
                and self.similarity >= DUPLICATE_SIMILARITY)


@dataclass(frozen=True)
class Related:
    """What the search found (best first), with the terms it searched for; or, when it did
    not search, `note` says why."""

    matches: tuple[Match, ...] = ()
    terms: tuple[str, ...] = ()
    note: str = ""


def search_terms(issue: Issue) -> tuple[str, ...]:
    """The issue's key terms, heaviest first (ties in the issue's order)."""
    tokens = parse_query(f"{issue.title}\n{without_form_noise(issue.body)}").tokens
    weight = Counter(tokens)
    usable = [t for t in weight if len(t) > 2 and not t.isdigit() and t not in _OPERATORS]
    return tuple(sorted(usable, key=lambda t: -weight[t])[:MAX_TERMS])


def search_query(repo: str, terms: tuple[str, ...]) -> str:
    """`repo:owner/name a OR b OR c`, within GitHub's length."""
    query = f"repo:{repo}"
    for n, term in enumerate(terms):
        more = f"{query} {'OR ' if n else ''}{term}"
        if len(more) > MAX_QUERY_CHARS:
            break
        query = more
    return query


def _words(title: str, body: str = "") -> set[str]:
    return set(tokenize(f"{title}\n{body[:_TEXT_CHARS]}"))


def _dice(a: set[str], b: set[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def similarity(issue: Issue, found: FoundIssue) -> float:
    """Dice's coefficient of the two titles' words, or of their titles and bodies together
    when that is higher."""
    return max(_dice(_words(issue.title), _words(found.title)),
               _dice(_words(issue.title, issue.body), _words(found.title, found.body)))


def matches(issue: Issue, found: list[FoundIssue]) -> tuple[Match, ...]:
    """Up to MAX_SHOWN of `found` in GitHub's order, less the issue itself and plan PRs
    (planbot's own, which share the issue's title)."""
    kept = [f for f in found if f.number != issue.number and OWN_MARKER not in f.body]
    return tuple(Match(f, round(similarity(issue, f), 2)) for f in kept[:MAX_SHOWN])
