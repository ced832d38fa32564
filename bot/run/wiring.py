"""The composition root: a PlanRun with real adapters chosen from settings (worker and CLI)."""

from __future__ import annotations

from functools import lru_cache, partial
from pathlib import Path

from redis import Redis

from bot import context as repo_context
from bot.adapters.dryrun import DryRunConversation
from bot.config import CONFIG_PATH, RepoConfig, read_local
from bot.context.snapshot import directory_paths
from bot.documents.related import DRY_RUN
from bot.domain import RepoContext, Repository
from bot.intake.request import PlanRequest
from bot.planners import make_planner
from bot.ports import GitHub, GitHubApp
from bot.related.lookup import find_related
from bot.related.match import Related
from bot.run.plan_run import PlanRun
from bot.run.stores import DirectoryStore, PlanStore, store_for
from bot.run.turn import Collaborators, RunState
from bot.settings import Settings
from bot.state.document_cache import DocumentCache
from bot.state.github_budget import InstallationBudget
from bot.state.issue_lock import IssueLocks
from bot.state.monthly_spend import MonthlySpend
from bot.state.refusals import Refusals
from bot.state.trigger_labels import TriggerLabels


@lru_cache(maxsize=4)
def github_app(app_id: str, private_key: str, base_url: str) -> GitHubApp:
    """One App client per process, so installation tokens are reused until they expire."""
    from bot.adapters.github_app import PyGitHubApp  # only the GitHub mode needs PyGithub loaded

    return PyGitHubApp(app_id, private_key, base_url)


def state_in(connection: Redis | None, announce: bool = True) -> RunState:
    """planbot's state for one run, every piece in the queue's Redis (None: no Redis).
    `announce`: see IssueLocks."""
    return RunState(IssueLocks(connection, announce), TriggerLabels(connection),
                    Refusals(connection), DocumentCache(connection),
                    # The installation's budget: every worker shares it.
                    partial(InstallationBudget, connection), MonthlySpend(connection))


def run_for(settings: Settings, request: PlanRequest, state: RunState | None = None,
            repo_dir: Path | None = None, folder: Path | None = None,
            app: GitHubApp | None = None, fresh: bool = False) -> PlanRun:
    """The run of `request`: on GitHub through the App (the process's own unless `app` is
    given, as tests and benchmarks do), or in dry-run mode on disk. `fresh`: the job
    started soon after its delivery, whose copy of the issue may stand in for GitHub's."""
    state = state or RunState()
    if settings.dry_run:
        folder = folder or settings.dry_run_folder(request.repo, request.issue_number)
        issue = request.issue_seen()
        checkout = repo_dir or settings.repo_dir
        return PlanRun(request, DryRunConversation(issue, folder),
                       dry_run_collaborators(settings, request.repo, folder, checkout), state)
    app = app or github_app(settings.app_id, settings.private_key, settings.github_api_url)
    installation = request.installation_id or app.installation_id(request.repo)
    budget = state.budget(installation)
    gh = app.client(installation, request.repo, known_repository(request), budget)
    return PlanRun(request, gh, github_collaborators(settings, gh, state.documents), state,
                   fresh, budget, installation)


def known_repository(request: PlanRequest) -> Repository | None:
    """The repository as the delivery described it, when it did."""
    facts = request.repository
    if not (facts.get("default_branch") and facts.get("html_url")):
        return None
    return Repository(request.repo, str(facts["default_branch"]), str(facts["html_url"]))


def github_collaborators(settings: Settings, gh: GitHub,
                         cache: DocumentCache | None = None) -> Collaborators:
    def store(repo: Repository, config: RepoConfig, number: int) -> PlanStore:
        return store_for(gh, repo, config, number, cache)

    def context(repo: Repository, config: RepoConfig, text: str) -> RepoContext:
        return repo_context.build_context(gh, repo.default_branch, text, config.context,
                                          cache_dir=settings.state_dir / "cache")

    return Collaborators(
        repository=gh.repository,
        read_config=lambda repo: gh.read_file(CONFIG_PATH, repo.default_branch),
        make_store=store,
        make_planner=lambda config: make_planner(settings, config),
        make_context=context,
        monthly_cap=settings.monthly_cap,
        find_related=lambda repo, issue: find_related(gh, repo.full_name, issue),
        compare=gh.compare,
        repo_paths=lambda repo: frozenset(e.path for e in gh.tree(repo.default_branch).entries),
    )


def dry_run_collaborators(settings: Settings, full_name: str, folder: Path,
                          repo_dir: Path | None = None) -> Collaborators:
    """No GitHub: documents go to `folder`, the repository (if any) is a local checkout."""
    def read_config(repo: Repository) -> str | None:
        return read_local(repo_dir)

    def context(repo: Repository, config: RepoConfig, text: str) -> RepoContext:
        if repo_dir is None:
            return repo_context.empty_context()
        return repo_context.local_context(repo_dir, text, config.context)

    return Collaborators(
        repository=lambda: Repository(full_name, "main", f"https://github.com/{full_name}"),
        read_config=read_config,
        make_store=lambda repo, config, number: DirectoryStore(folder),
        make_planner=lambda config: make_planner(settings, config),
        make_context=context,
        monthly_cap=settings.monthly_cap,
        find_related=lambda repo, issue: Related(note=DRY_RUN),
        repo_paths=lambda repo: local_paths(repo_dir),
    )


def local_paths(repo_dir: Path | None) -> frozenset[str]:
    """Every path of a local checkout (git's ignored files left out), or none."""
    if repo_dir is None:
        return frozenset()
    return directory_paths(repo_dir)
