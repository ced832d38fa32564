"""Snapshot a GitHub repository: one tree request, at most one archive download per commit."""

from __future__ import annotations

import logging
import os
import re
import tarfile
import tempfile
import zlib
from pathlib import Path

from bot.config import ContextBudget
from bot.context.snapshot import Snapshot, from_archive, total_bytes, tree_only
from bot.domain import RepoTree
from bot.ports import GitHubError, PlanBranch

log = logging.getLogger(__name__)
SAFE_NAME = re.compile(r"^[\w.-]+$")
KEEP_PER_REPO = 4  # archives of the newest commits; older ones are pruned
# GitHub serves no partial archive: a tree this many times over the byte budget is not
# downloaded (its size is mostly media or data), and its best files are read one by one.
DOWNLOAD_CEILING = 4


def cache_file(cache_dir: Path, full_name: str, sha: str) -> Path | None:
    """`cache_dir/owner__repo/<sha>.tar.gz`, or None when a name could escape the folder."""
    folder = full_name.replace("/", "__")
    if not (SAFE_NAME.match(folder) and SAFE_NAME.match(sha)) or ".." in folder + sha:
        return None
    return cache_dir / folder / f"{sha}.tar.gz"


def load(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def store(path: Path, data: bytes) -> None:
    """Write atomically (a reader never sees half an archive) and prune old commits."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, path)
        except OSError:
            Path(tmp).unlink(missing_ok=True)
            raise
        old = sorted(path.parent.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in old[KEEP_PER_REPO:]:
            stale.unlink(missing_ok=True)
    except OSError as exc:  # a cache that cannot be written only costs a later download
        log.warning("context cache not written (%s): %s", path, exc)


def _cache_path(github: PlanBranch, sha: str, cache_dir: Path | None) -> Path | None:
    if cache_dir is None:
        return None
    try:
        return cache_file(cache_dir, github.repository().full_name, sha)
    except GitHubError as exc:
        log.warning("context cache skipped: %s", exc)
        return None


def _read(tree: RepoTree, data: bytes, budget: ContextBudget) -> Snapshot | None:
    try:
        return from_archive(tree, data, budget)
    except (tarfile.TarError, zlib.error, EOFError, OSError) as exc:
        log.warning("archive of %s unreadable: %s", tree.commit_sha, exc)
        return None


def fetch_snapshot(
    github: PlanBranch, ref: str, budget: ContextBudget, cache_dir: Path | None = None
) -> Snapshot:
    """The tree at `ref`, plus the texts of the files the byte budget chooses."""
    tree = github.tree(ref)
    if total_bytes(tree) > DOWNLOAD_CEILING * budget.max_repo_bytes:
        return tree_only(tree)
    path = _cache_path(github, tree.commit_sha, cache_dir)
    cached = load(path) if path else None
    if path and cached is not None:
        snapshot = _read(tree, cached, budget)
        if snapshot is not None:
            return snapshot
        path.unlink(missing_ok=True)
    try:
        # The commit sha, not the branch: tree and contents must be the same commit.
        data = github.archive(tree.commit_sha)
    except GitHubError as exc:  # a plan is still worth making from path names alone
        log.warning("archive of %s unavailable, ranking by path names: %s", tree.commit_sha, exc)
        return tree_only(tree)
    snapshot = _read(tree, data, budget)
    if snapshot is None:
        return tree_only(tree)
    if path is not None:
        store(path, data)
    return snapshot
