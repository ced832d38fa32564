"""Stage 1's one search for related issues: never fails a plan; when it cannot search, the
section says why."""

from __future__ import annotations

import logging

from bot.domain import Issue
from bot.observe import metrics
from bot.ports import Conversation, GitHubError, SearchUnavailable
from bot.related.match import Related, matches, search_query, search_terms

log = logging.getLogger(__name__)
PER_PAGE = 10  # room for the issue itself and plan PRs among the first five

NO_TERMS = "_Not searched: the issue has no words distinctive enough to search for._"
SPENT = ("_Not searched: GitHub's search limit for this installation is spent for the "
         "minute; `/plan problem` searches again._")
FAILED = ("_Not searched: GitHub's search did not answer ({status}); the plan went on "
          "without it, and `/plan problem` searches again._")


def find_related(gh: Conversation, repo: str, issue: Issue) -> Related:
    terms = search_terms(issue)
    if not terms:
        return Related(note=NO_TERMS)
    try:
        found = gh.search_issues(search_query(repo, terms), PER_PAGE)
    except SearchUnavailable as exc:
        metrics.add("planbot_related_searches", outcome="skipped")
        log.info("related issues not searched: %s", exc)
        return Related(terms=terms, note=SPENT)
    except GitHubError as exc:
        metrics.add("planbot_related_searches", outcome="failed")
        log.warning("related issues not searched: %s", exc)
        return Related(terms=terms, note=FAILED.format(status=exc.status or "no answer"))
    metrics.add("planbot_related_searches", outcome="found" if found else "none")
    return Related(matches(issue, found), terms)
