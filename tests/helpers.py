"""Small builders shared by unit tests (payload-free): requests and jobs over fakes."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.config import CONFIG_PATH, RepoConfig
from bot.domain import Issue, RepoContext, Repository
from bot.intake.request import COMMENT, LABEL, PlanRequest
from bot.ports import Planner
from bot.run.plan_run import PlanRun
from bot.run.stores import PlanStore, store_for
from bot.run.turn import Collaborators
from tests.fakes import FakeGitHub, FakePlanner

ISSUE = Issue(1, "Parser drops the last line", "Parsing `a\\nb` returns only `a`.\n\n"
              "## Acceptance Criteria\n\n- [ ] every line is parsed\n", "alice")


def repo(files: dict[str, str] | None = None, **kwargs: Any) -> FakeGitHub:
    gh = FakeGitHub(files={"src/parser.py": "def parse(text):\n    return text.split()[0]\n",
                           **(files or {})}, **kwargs)
    gh.issues[1] = ISSUE
    return gh


def helpers(gh: FakeGitHub, planner: Planner) -> Collaborators:
    def store(repository: Repository, config: RepoConfig, number: int) -> PlanStore:
        return store_for(gh, repository, config, number)

    def context(repository: Repository, config: RepoConfig, text: str) -> RepoContext:
        tree = gh.tree(repository.default_branch)
        paths = frozenset(e.path for e in tree.entries)
        return RepoContext(tree.commit_sha, paths, languages=("Python",))

    def paths(repository: Repository) -> frozenset[str]:
        return frozenset(e.path for e in gh.tree(repository.default_branch).entries)

    return Collaborators(gh.repository, lambda r: gh.read_file(CONFIG_PATH, r.default_branch),
                         store, lambda config: planner, context, compare=gh.compare,
                         repo_paths=paths)


def comment(*commands: tuple[str, str], association: str = "OWNER", **kw: Any) -> PlanRequest:
    return PlanRequest("d-1", "octo/widgets", 1, COMMENT, tuple(commands), 1, "alice",
                       association, comment_id=77, **kw)


LABELED = PlanRequest("d-0", "octo/widgets", 1, LABEL, (), 1, "alice", "OWNER", label="plan")


def run(gh: FakeGitHub, request: PlanRequest, planner: Planner | None = None) -> str:
    return PlanRun(request, gh, helpers(gh, planner or FakePlanner())).handle()


def relabel(request: PlanRequest, label: str) -> PlanRequest:
    return replace(request, label=label)
