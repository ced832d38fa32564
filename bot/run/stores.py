"""Where a plan's documents live: a plan branch, issue comments, or a local folder."""

from __future__ import annotations

import abc
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from bot.config import RepoConfig
from bot.documents.links import linked, unlinked
from bot.documents.provenance import provenance
from bot.domain import FILENAMES, STAGES, PullRequest, Repository
from bot.markers import STAGE_MARKER
from bot.ports import Conversation, GitHub, PlanBranch
from bot.state.document_cache import DocumentCache
from bot.text import normal_newlines


class PlanStore(abc.ABC):
    """Reads the documents as people left them and writes new ones."""

    @abc.abstractmethod
    def load(self) -> dict[str, str | None]:
        """Every stage's current text, human edits included (None: missing)."""

    @abc.abstractmethod
    def save(self, documents: Mapping[str, str], message: str) -> None:
        """Publish `documents` (stage -> text) together."""

    @abc.abstractmethod
    def link(self, stage: str) -> str:
        """Where a person reads (and edits) `stage`; empty when nowhere yet."""

    def open_review(self, title: str, body: str) -> str:
        """Where the team reviews the plan as a whole, made or refreshed; "" when the
        documents themselves are the place (comments, a local folder)."""
        return ""


class BranchStore(PlanStore):
    """Branch mode: `.plans/issue-<n>/` on `planbot/issue-<n>`, one commit per run.

    Reads cost one folder listing (documents planbot wrote are taken from `cache` by their
    blob id); a new branch is followed by a new PR without looking for one."""

    def __init__(self, gh: PlanBranch, repo: Repository, config: RepoConfig,
                 issue_number: int, cache: DocumentCache | None = None) -> None:
        self.gh, self.repo, self.config, self.number = gh, repo, config, issue_number
        self.branch = config.branch(issue_number)
        self.cache = cache or DocumentCache()
        self.pull: PullRequest | None = None
        self.created = False  # this run made the branch: it can have no PR yet

    def path(self, stage: str) -> str:
        return f"{self.config.plan_dir(self.number)}/{FILENAMES[stage]}"

    def load(self) -> dict[str, str | None]:
        # Read at the branch head: a person's commits on the plan branch are inputs.
        # Without the branch (never made, or deleted after its PR merged) the plan
        # on the default branch, if one was merged, is where the documents live; that
        # tree is the one the context reads too, so it costs nothing extra.
        ref, found = self.branch, self.gh.list_folder(self.config.plan_dir(self.number),
                                                      self.branch)
        if found is None:
            ref = self.repo.default_branch
            tree = self.gh.tree(ref)
            found = {e.path: e.sha for e in tree.entries}
            if tree.truncated:
                found = self.gh.list_folder(self.config.plan_dir(self.number), ref) or {}
        return {stage: self._text(self.path(stage), found, ref) for stage in STAGES}

    def _text(self, path: str, found: Mapping[str, str], ref: str) -> str | None:
        if path not in found:
            return None
        text = self.cache.get(found[path])
        if text is None:
            text = self.gh.read_file(path, ref)
            if text is not None:
                self.cache.put(text)
        return text

    def save(self, documents: Mapping[str, str], message: str) -> None:
        if not documents:
            return
        base = self.gh.branch_sha(self.branch)
        self.created = base is None
        base = base or self.gh.branch_sha(self.repo.default_branch)
        if base is None:
            raise LookupError(f"default branch {self.repo.default_branch!r} has no head")
        files = {self.path(stage): text for stage, text in documents.items()}
        self.gh.commit_files(self.branch, base, files, message)
        for text in documents.values():
            self.cache.put(text)

    def link(self, stage: str) -> str:
        return f"{self.repo.html_url}/blob/{self.branch}/{self.path(stage)}"

    def open_review(self, title: str, body: str) -> str:
        """The one draft plan PR of this issue, created on first publish, body refreshed
        when it changed."""
        if self.pull is None and not self.created:
            self.pull = self.gh.find_pull(self.branch)
        if self.pull is None:
            self.pull = self.gh.create_draft_pull(
                self.branch, self.repo.default_branch, title, body)
        elif self.pull.body != body:
            self.gh.update_pull(self.pull.number, body)
            self.pull = replace(self.pull, body=body)
        return f"Plan PR: {self.pull.url}"


class CommentStore(PlanStore):
    """Comment mode: one comment per stage, found again by its first line.

    A comment is read on GitHub, so the paths it cites are links to the planned commit;
    they are plain `path:line` again once read back, as in a committed document.
    """

    def __init__(self, gh: Conversation, issue_number: int, repo_url: str = "") -> None:
        self.gh, self.number, self.repo_url = gh, issue_number, repo_url
        self._found: dict[str, tuple[int, str, str]] = {}  # stage -> (id, url, body)

    def _scan(self) -> None:
        self._found = {}
        for comment in self.gh.issue_comments(self.number):
            # Only a bot's comment can be a stage document: a person cannot forge one
            # by pasting the marker (they may still edit planbot's comment, as intended).
            if not comment.by_bot:
                continue
            first, _, rest = normal_newlines(comment.body).partition("\n")
            for stage in STAGES:
                if first.strip() == STAGE_MARKER.format(stage=stage):
                    self._found.setdefault(stage, (comment.id, comment.url,
                                                   unlinked(rest, self.repo_url)))

    def load(self) -> dict[str, str | None]:
        self._scan()
        return {stage: self._found[stage][2] if stage in self._found else None
                for stage in STAGES}

    def save(self, documents: Mapping[str, str], message: str) -> None:
        for stage in STAGES:
            if stage not in documents:
                continue
            body = STAGE_MARKER.format(stage=stage) + "\n" + self._shown(documents[stage])
            if stage in self._found:
                comment_id, url, _ = self._found[stage]
                self.gh.edit_comment(comment_id, body)
                self._found[stage] = (comment_id, url, documents[stage])
            else:
                made = self.gh.create_comment(self.number, body)
                self._found[stage] = (made.id, made.url, documents[stage])

    def _shown(self, document: str) -> str:
        mark = provenance(document)
        return linked(document, self.repo_url, mark.commit) if mark else document

    def link(self, stage: str) -> str:
        return self._found[stage][1] if stage in self._found else ""


def store_for(gh: GitHub, repo: Repository, config: RepoConfig, issue_number: int,
              cache: DocumentCache | None = None) -> PlanStore:
    """Where the config says an issue's plan lives: a plan branch, or stage comments."""
    if config.output == "comments":
        return CommentStore(gh, issue_number, repo.html_url)
    return BranchStore(gh, repo, config, issue_number, cache)


class DirectoryStore(PlanStore):
    """Dry-run mode and `python -m bot plan`: plain files in one folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def load(self) -> dict[str, str | None]:
        paths = {stage: self.folder / FILENAMES[stage] for stage in STAGES}
        return {stage: p.read_text() if p.is_file() else None for stage, p in paths.items()}

    def save(self, documents: Mapping[str, str], message: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        for stage, text in documents.items():
            target = self.folder / FILENAMES[stage]
            tmp = target.with_suffix(".tmp")
            tmp.write_text(text)
            tmp.replace(target)  # readers never see half a document

    def link(self, stage: str) -> str:
        return str(self.folder / FILENAMES[stage])
