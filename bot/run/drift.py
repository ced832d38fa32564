"""Drift: files the plan cites that changed on the default branch since the commit the plan
was made at (its documents' provenance `commit=`), from one comparison request."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping

from bot.documents.links import cited_paths
from bot.documents.provenance import provenance
from bot.domain import FILENAMES, Comparison
from bot.ports import GitHubError, RateLimited
from bot.text import code_span

log = logging.getLogger(__name__)
CHECKED = ("hypotheses", "tasks")  # the documents that cite the repository's files
MAX_NAMED = 10
CHANGED = ("**Code changed since the plan:** {files}, which {documents} cite{s}, changed on "
           "`{branch}` since the plan was made at `{base}` ({range}, {commits}). Comment "
           "`/plan hypotheses` to rebuild the hypotheses from the current code; `/plan` then "
           "refreshes the stale tasks.")
UNKNOWN = ("_Whether the files the plan cites changed since it was made at `{base}` is not "
           "known: GitHub's comparison failed ({status})._")
Compare = Callable[[str, str], Comparison]


def plan_commit(documents: Mapping[str, str | None], stages: Iterable[str]) -> str:
    """The commit the first of `stages` with a recorded one was made at ("" when none)."""
    for stage in stages:
        mark = provenance(documents.get(stage) or "")
        if mark and mark.commit:
            return mark.commit
    return ""


def changed_citations(cited: Iterable[str], changed: Iterable[str]) -> list[str]:
    """The cited paths among the changed files; a cited folder (`tests/`) by its files."""
    files = list(changed)
    return [path for path in cited
            if (path.endswith("/") and any(f.startswith(path) for f in files))
            or path in files]


def notice(changed: list[str], documents: list[str], branch: str, compared: Comparison) -> str:
    names = ", ".join(code_span(p) for p in changed[:MAX_NAMED])
    if len(changed) > MAX_NAMED:
        names += f" and {len(changed) - MAX_NAMED} more"
    shown = f"`{compared.base[:7]}..{compared.head[:7]}`"
    commits = f"{compared.commits} commit{'' if compared.commits == 1 else 's'}"
    return CHANGED.format(
        files=names, documents=" and ".join(f"`{FILENAMES[d]}`" for d in documents),
        s="s" if len(documents) == 1 else "", branch=branch, base=compared.base[:7],
        range=f"[{shown}]({compared.url})" if compared.url else shown, commits=commits)


def drift_note(compare: Compare | None, branch: str, documents: Mapping[str, str | None],
               built: Iterable[str] = ()) -> str:
    """What the status comment says about the code the plan cites: "" when nothing it cites
    changed (or there is nothing to compare). Documents this run `built` read the current
    code: they are not compared."""
    stages = [s for s in CHECKED if s not in set(built) and documents.get(s)]
    base = plan_commit(documents, stages)
    cited = {s: cited_paths(documents[s] or "") for s in stages}
    if compare is None or not base or not any(cited.values()):
        return ""
    try:
        compared = compare(base, branch)
    except RateLimited:
        raise
    except GitHubError as exc:
        log.warning("drift not checked: %s", exc)
        return UNKNOWN.format(base=base[:7], status=exc.status or "no answer")
    changed = changed_citations(dict.fromkeys(p for paths in cited.values() for p in paths),
                                compared.files)
    if not changed:
        return ""
    citing = [s for s in stages if set(cited[s]) & set(changed)]
    return notice(changed, citing, branch, compared)
