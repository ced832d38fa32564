"""The problem definition's "Related Issues" section (pure): what one search found, each
with its state, and a possible duplicate put to a person, never decided by planbot."""

from __future__ import annotations

from collections.abc import Callable

from bot.domain import Issue
from bot.related.match import Match, Related
from bot.text import clip, code_span, model_text

HEADING = "## Related Issues"
SEARCHED = "_From one GitHub search of this repository's issues and pull requests for {terms}._"
NONE_FOUND = "_No other issue or pull request of this repository has these words._"
DUPLICATE = ("- **Possible duplicate of {link}?** {title} ({state}) shares most of this "
             "issue's words. A maintainer can compare the two and decide; planbot closes and "
             "labels nothing.")
FOUND = "- {link} {title} ({state})"
TITLE_CHARS = 120
DRY_RUN = "_Not searched: dry-run mode has no GitHub to search._"
BACKTEST = "_Not searched in the backtest._"


def _state(match: Match) -> str:
    found = match.found
    if not found.pull_request:
        return f"{found.state} issue"
    return "merged pull request" if found.merged else f"{found.state} pull request"


def _line(match: Match) -> str:
    found = match.found
    link = f"[#{found.number}]({found.url})" if found.url.startswith(("https://", "http://")) \
        else f"#{found.number}"
    title = model_text(clip(found.title, TITLE_CHARS)).strip() or "(no title)"
    shape = DUPLICATE if match.possible_duplicate else FOUND
    return shape.format(link=link, title=f"“{title}”", state=_state(match))


def related_section(related: Related) -> str:
    """The section, ready to follow the problem definition's last one."""
    if related.note:
        return f"{HEADING}\n\n{related.note}\n"
    terms = ", ".join(code_span(t) for t in related.terms)
    lines = [_line(m) for m in related.matches] or [NONE_FOUND]
    return "\n\n".join([HEADING, SEARCHED.format(terms=terms), "\n".join(lines)]) + "\n"


def unsearched(note: str) -> Callable[[Issue], str]:
    """Stage 1's section where nothing is searched (the backtest): `note` says why."""
    section = related_section(Related(note=note))
    return lambda issue: section
