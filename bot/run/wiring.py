"""The composition root: real adapters chosen from settings, for the worker and the CLI."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from bot import context as repo_context
from bot.adapters.dryrun import DryRunGitHub, issue_from_snapshot
from bot.config import RepoConfig
from bot.domain import RepoContext, Repository
from bot.intake.request import PlanRequest
from bot.planners import make_planner
from bot.ports import GitHub, GitHubApp, Planner
from bot.run.plan_run import Collaborators
from bot.run.stores import BranchStore, CommentStore, DirectoryStore, PlanStore
from bot.settings import Settings


@lru_cache(maxsize=4)
def github_app(app_id: str, private_key: str, base_url: str) -> GitHubApp:
    """One App client per process, so installation tokens are reused until they expire."""
    from bot.adapters.github import PyGitHubApp  # only the GitHub mode needs PyGithub loaded

    return PyGitHubApp(app_id, private_key, base_url)


def dry_run_folder(settings: Settings, repo: str, number: int) -> Path:
    return settings.out_dir / repo / f"issue-{number}"


def github_for(settings: Settings, request: PlanRequest, repo_dir: Path | None = None,
               folder: Path | None = None) -> GitHub:
    if settings.dry_run:
        folder = folder or dry_run_folder(settings, request.repo, request.issue_number)
        issue = issue_from_snapshot(request.issue_number, request.issue)
        return DryRunGitHub(request.repo, issue, folder, repo_dir)
    app = github_app(settings.app_id, settings.private_key, settings.github_api_url)
    installation = request.installation_id or app.installation_id(request.repo)
    return app.client(installation, request.repo)


def collaborators(settings: Settings, repo_dir: Path | None = None,
                  folder: Path | None = None) -> Collaborators:
    def store(gh: GitHub, repo: Repository, config: RepoConfig, number: int) -> PlanStore:
        if settings.dry_run:
            return DirectoryStore(folder or dry_run_folder(settings, repo.full_name, number))
        if config.output == "comments":
            return CommentStore(gh, number)
        return BranchStore(gh, repo, config, number)

    def planner(config: RepoConfig) -> Planner:
        return make_planner(settings, config)

    def context(gh: GitHub, repo: Repository, config: RepoConfig, text: str) -> RepoContext:
        if repo_dir is not None:
            return repo_context.local_context(repo_dir, text, config.context)
        if settings.dry_run:
            return repo_context.empty_context()
        return repo_context.build_context(gh, repo.default_branch, text, config.context,
                                          cache_dir=settings.state_dir / "cache")

    return Collaborators(store, planner, context)
