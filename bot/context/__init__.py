"""Repository context for planners: snapshot a commit, rank files for the issue, fit the budget."""

from __future__ import annotations

from pathlib import Path

from bot.config import ContextBudget
from bot.context.assemble import assemble, estimate_tokens
from bot.context.fetch import fetch_snapshot
from bot.context.ranking import RankedFile, Ranking, rank, search
from bot.context.snapshot import Snapshot, from_directory
from bot.domain import RepoContext
from bot.ports import PlanBranch

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
    return _assembled(snapshot, search(snapshot, issue_text, budget.max_files), budget)


def local_context(repo_dir: Path, issue_text: str, budget: ContextBudget) -> RepoContext:
    """Context from a working copy on disk (`python -m bot plan --repo-dir DIR`)."""
    snapshot = from_directory(repo_dir, budget)
    return _assembled(snapshot, search(snapshot, issue_text, budget.max_files), budget)


def _assembled(snapshot: Snapshot, ranking: Ranking, budget: ContextBudget) -> RepoContext:
    return assemble(snapshot, ranking.files, budget, ranking.tests)


def empty_context() -> RepoContext:
    """No repository at all: a dry run without --repo-dir."""
    return RepoContext(commit_sha="", paths=frozenset(), tree_summary=NO_REPOSITORY,
                       prompt_text=NO_REPOSITORY)
