"""What stage 1 searches for, and which found issue may be a duplicate (pure)."""

from __future__ import annotations

from bot.domain import FoundIssue, Issue
from bot.markers import plan_pr_marker
from bot.related.match import (
    MAX_QUERY_CHARS,
    MAX_SHOWN,
    MAX_TERMS,
    matches,
    search_query,
    search_terms,
)

ISSUE = Issue(7, "Parser drops the last line", "Parsing `a\\nb` with `parse_lines` returns only "
              "`a`: the last line is dropped.\n\n<!-- Please describe the bug -->\n"
              "- [x] I searched the existing issues\n")


def found(number: int, title: str, body: str = "", state: str = "open",
          pull: bool = False) -> FoundIssue:
    return FoundIssue(number, title, state, f"https://github.com/o/r/issues/{number}", body,
                      pull)


def test_the_key_terms_are_retrievals_heaviest_words_title_and_identifiers_first() -> None:
    terms = search_terms(ISSUE)
    assert terms == ("line", "last", "parse_lines", "parse", "parser", "drop")
    assert len(terms) == MAX_TERMS
    # An issue form's instructions and checked boxes are not the bug.
    assert "searched" not in terms and "describe" not in terms


def test_the_query_is_scoped_to_the_repository_and_joins_terms_with_or() -> None:
    assert search_query("octo/widgets", ("parser", "line", "drop")) == (
        "repo:octo/widgets parser OR line OR drop")


def test_the_query_stays_within_githubs_length_and_operators() -> None:
    long_terms = tuple("x" * 60 + str(n) for n in range(MAX_TERMS))
    query = search_query("octo/widgets", long_terms)
    assert len(query) <= MAX_QUERY_CHARS
    assert query.count(" OR ") <= 5


def test_search_words_are_never_search_operators() -> None:
    assert not {"and", "or", "not"} & set(search_terms(Issue(1, "OR and NOT or", "and not")))


def test_a_near_copy_that_is_open_is_a_possible_duplicate() -> None:
    twin = found(3, "Parser drops the last line of input", ISSUE.body)
    (match,) = matches(ISSUE, [twin])
    assert match.similarity >= 0.6 and match.possible_duplicate


def test_a_closed_issue_or_a_pull_request_is_never_a_possible_duplicate() -> None:
    closed = found(3, ISSUE.title, ISSUE.body, state="closed")
    pull = found(4, ISSUE.title, ISSUE.body, pull=True)
    assert [m.possible_duplicate for m in matches(ISSUE, [closed, pull])] == [False, False]


def test_an_issue_sharing_a_word_or_two_is_related_not_a_duplicate() -> None:
    (match,) = matches(ISSUE, [found(5, "Support YAML lines in the config", "Add a parser")])
    assert match.similarity < 0.6 and not match.possible_duplicate


def test_the_issue_itself_and_plan_prs_are_left_out_and_five_are_kept() -> None:
    own = found(7, ISSUE.title, ISSUE.body)
    plan_pr = found(20, f"Plan: {ISSUE.title}", plan_pr_marker(7), pull=True)
    others = [found(n, f"Parser issue {n}") for n in range(30, 40)]
    kept = matches(ISSUE, [own, plan_pr, *others])
    assert [m.found.number for m in kept] == [30, 31, 32, 33, 34] and len(kept) == MAX_SHOWN
