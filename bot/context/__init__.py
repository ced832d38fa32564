"""Repository context for planners: snapshot a commit, rank files for the issue, fit the budget."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from bot.config import ContextBudget
from bot.context.assemble import assemble, estimate_tokens
from bot.context.fetch import fetch_snapshot
from bot.context.issue import issue_text as own_words
from bot.context.ranking import RankedFile, rank, search
from bot.context.sites import find_sites
from bot.context.snapshot import Snapshot, from_directory
from bot.context.tested import modules_testing
from bot.domain import Findings, RepoContext
from bot.ports import GitHubError, PlanBranch

log = logging.getLogger(__name__)
SINGLE_READS = 24  # files read one by one when the archive is out of reach

NO_REPOSITORY = (
    "No repository is available for this plan: cite no file paths, "
    "and say which files would need to be looked at instead."
)

__all__ = [
    "RankedFile", "Snapshot", "build_context", "empty_context", "estimate_tokens",
    "fetch_snapshot", "local_context", "rank", "search",
]


def build_context(
    github: PlanBranch,
    ref: str,
    issue_text: str,
    budget: ContextBudget,
    cache_dir: Path | None = None,
) -> RepoContext:
    """Context from the repository at `ref`: one tree request, at most one archive per commit."""
    snapshot = fetch_snapshot(github, ref, budget, cache_dir)
    if snapshot.tree_only:
        snapshot = read_best(github, snapshot, issue_text, budget)
    return _assembled(snapshot, issue_text, budget)


def read_best(github: PlanBranch, snapshot: Snapshot, issue_text: str,
              budget: ContextBudget) -> Snapshot:
    """A snapshot without contents (no archive: too large, or unavailable) with the files
    its paths rank best read one by one: grounding degrades, it is not switched off."""
    sizes = {entry.path: entry.size for entry in snapshot.entries}
    files: dict[str, str] = {}
    for ranked in search(snapshot, issue_text, SINGLE_READS).files:
        if sizes.get(ranked.path, 0) > budget.max_file_bytes:
            continue
        try:
            text = github.read_file(ranked.path, snapshot.commit_sha)
        except GitHubError as exc:
            log.warning("could not read %s: %s", ranked.path, exc)
            continue
        if text is not None:
            files[ranked.path] = text
    return replace(snapshot, files=files, tree_only=not files) if files else snapshot


def local_context(repo_dir: Path, issue_text: str, budget: ContextBudget) -> RepoContext:
    """Context from a working copy on disk (`python -m bot plan --repo-dir DIR`)."""
    snapshot = from_directory(repo_dir, budget)
    return _assembled(snapshot, issue_text, budget)


def _assembled(snapshot: Snapshot, text: str, budget: ContextBudget) -> RepoContext:
    """The prompt context, and what the search found besides for a planner that reads no
    files: why each file ranked, where the issue's strings and names are, their tests."""
    ranking = search(snapshot, text, budget.max_files)
    context = assemble(snapshot, ranking.files, budget, ranking.tests)
    sites = find_sites(snapshot.files, own_words(text))
    sources = [*(f.path for f in ranking.files), *(s.path for s in sites),
               *(path for _, path, _ in ranking.definitions)]
    return replace(context, findings=Findings(
        reasons=tuple((f.path, f.reasons) for f in ranking.files),
        sites=sites,
        definitions=ranking.definitions,
        tests=modules_testing(sources, snapshot.files, snapshot.paths),
    ))


def empty_context() -> RepoContext:
    """No repository at all: a dry run without --repo-dir."""
    return RepoContext(commit_sha="", paths=frozenset(), tree_summary=NO_REPOSITORY,
                       prompt_text=NO_REPOSITORY)
