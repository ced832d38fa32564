"""A repository at one commit: every path, and the text of the files worth reading."""

from __future__ import annotations

import gzip
import io
import logging
import os
import re
import tarfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Literal

import pathspec

from bot.config import ContextBudget
from bot.context import tarball
from bot.context.budget import to_read
from bot.domain import RepoTree, TreeEntry
from bot.paths import NOISE_DIRS, is_noise

log = logging.getLogger(__name__)
# Characters per line on average: minified bundles and data blobs run to thousands,
# while prose with unwrapped paragraphs stays well below.
MAX_AVERAGE_LINE = 1000


def decode(data: bytes) -> str | None:
    """The text of a readable file, or None for binaries and generated blobs."""
    if b"\0" in data:
        return None
    text = data.decode("utf-8", errors="replace")
    if len(text) > MAX_AVERAGE_LINE * (text.count("\n") + 1):
        return None
    return text


@dataclass(frozen=True)
class Snapshot:
    commit_sha: str
    entries: tuple[TreeEntry, ...]  # every file, noise included: cited paths are checked here
    files: Mapping[str, str] = field(default_factory=dict)  # readable text by path
    tree_only: bool = False  # no contents could be had: rank by path names alone
    truncated: bool = False  # GitHub cut the tree listing short
    unread: int = 0  # readable files the byte budget left out (bot.context.budget)

    @cached_property
    def paths(self) -> frozenset[str]:
        return frozenset(entry.path for entry in self.entries)

    @cached_property
    def rankable(self) -> tuple[str, ...]:
        return tuple(e.path for e in self.entries if not is_noise(e.path))


def total_bytes(tree: RepoTree) -> int:
    return sum(entry.size for entry in tree.entries)


def tree_only(tree: RepoTree) -> Snapshot:
    return Snapshot(tree.commit_sha, tree.entries, {}, tree_only=True, truncated=tree.truncated)


def from_archive(tree: RepoTree, archive: bytes, budget: ContextBudget) -> Snapshot:
    """Read GitHub's tarball (members under one `owner-repo-sha/` folder) once, keeping the
    files the byte budget chooses."""
    wanted, unread = to_read(tree.entries, budget)
    if total_bytes(tree) <= budget.max_repo_bytes:
        # Inflating in one call first beats tarfile seeking inside a gzip stream member by
        # member (0.93 s against 1.10 s for 20k files: bench/README.md); its headers are
        # then read directly (bot/context/tarball.py).
        raw = gzip.decompress(archive)
        try:
            files = _from_tar(raw, wanted)
        except tarball.Unusual as exc:
            log.info("reading the archive with tarfile: %s", exc)
            files = _from_stream(io.BytesIO(raw), "r:", wanted)
        del raw
    else:  # a larger tree streams, so that memory holds only what is read
        files = _from_stream(io.BytesIO(archive), "r|gz", wanted)
    return Snapshot(tree.commit_sha, tree.entries, files, truncated=tree.truncated,
                    unread=unread)


def _from_tar(raw: bytes, wanted: frozenset[str]) -> dict[str, str]:
    files: dict[str, str] = {}
    for name, start, end in tarball.members(raw):
        path = name.split("/", 1)[1] if "/" in name else ""
        if path in wanted and (text := decode(raw[start:end])) is not None:
            files[path] = text
    return files


def _from_stream(data: io.BytesIO, mode: Literal["r:", "r|gz"], wanted: frozenset[str],
                 ) -> dict[str, str]:
    files: dict[str, str] = {}
    with tarfile.open(fileobj=data, mode=mode) as tar:
        for member in tar:
            path = member.name.split("/", 1)[1] if "/" in member.name else ""
            if not member.isfile() or path not in wanted:
                continue
            handle = tar.extractfile(member)
            text = decode(handle.read()) if handle else None
            if text is not None:
                files[path] = text
    return files


def _ignore_spec(root: Path) -> pathspec.GitIgnoreSpec:
    # Only the top-level .gitignore: it holds the big exclusions (data, builds, envs).
    try:
        lines = (root / ".gitignore").read_text(errors="replace").splitlines()
    except OSError:
        lines = []
    return pathspec.GitIgnoreSpec.from_lines(lines)


def _head_sha(root: Path) -> str:
    """The checked-out commit, read from .git without running git; "local" when unknown."""
    git = root / ".git"
    try:
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref: "):
            return head
        ref = head[5:]
        if (git / ref).is_file():
            return (git / ref).read_text().strip()
        for line in (git / "packed-refs").read_text().splitlines():
            if line.endswith(" " + ref):
                return line.split(" ", 1)[0]
    except OSError:
        pass
    return "local"


def _ignored(spec: pathspec.GitIgnoreSpec) -> Callable[[str], bool]:
    """`spec.match_file`, or one combined regex when no pattern negates another: pathspec
    tries each pattern in turn (0.25 s for a 270-line .gitignore over 3,500 files, against
    0.06 s for one regex)."""
    patterns = [p for p in spec.patterns if p.include is not None]
    regexes = [getattr(p, "regex", None) for p in patterns]
    if any(p.include is False for p in patterns) or not all(regexes):
        return spec.match_file
    if not regexes:
        return lambda path: False
    # Each pattern names its directory marker group alike; unnamed, they can be joined.
    combined = re.compile("|".join(
        f"(?:{r.pattern.replace('(?P<ps_d>', '(?:')})" for r in regexes if r is not None))
    return lambda path: combined.match(path) is not None


def _walk(root: Path, ignore: Callable[[str], bool]) -> list[TreeEntry]:
    """Every regular file under `root` but noise folders and ignored paths, sorted."""
    entries: list[TreeEntry] = []
    pending = [(str(root), "")]
    while pending:
        folder, prefix = pending.pop()
        with os.scandir(folder) as listing:
            for item in listing:
                path = prefix + item.name
                if item.is_dir(follow_symlinks=False):
                    if item.name not in NOISE_DIRS and not ignore(path + "/"):
                        pending.append((item.path, path + "/"))
                elif item.is_file(follow_symlinks=False) and not ignore(path):
                    entries.append(TreeEntry(path, item.stat().st_size))
    return sorted(entries, key=lambda e: e.path)


def directory_paths(root: Path) -> frozenset[str]:
    """The paths `from_directory` would list, without reading any file."""
    return frozenset(e.path for e in _walk(root, _ignored(_ignore_spec(root))))


def from_directory(root: Path, budget: ContextBudget) -> Snapshot:
    """A working copy on disk, walked once; .gitignore and noise folders are skipped, and
    the byte budget chooses what is read."""
    tree = RepoTree(_head_sha(root), tuple(_walk(root, _ignored(_ignore_spec(root)))))
    wanted, unread = to_read(tree.entries, budget)
    files: dict[str, str] = {}
    prefix = os.path.join(root, "")
    for entry in tree.entries:
        if entry.path not in wanted:
            continue
        try:
            text = decode(_read(prefix + entry.path, entry.size))
        except OSError as exc:
            log.debug("unreadable %s: %s", entry.path, exc)
            continue
        if text is not None:
            files[entry.path] = text
    return Snapshot(tree.commit_sha, tree.entries, files, unread=unread)


def _read(path: str, size: int) -> bytes:
    """The bytes of a file whose size the walk saw: `os.read` on the descriptor, without
    the buffered reader `open` and `Path.read_bytes` build (0.08 s against 0.25 s for the
    bench's 20k files, page cache warm, median of 5). A file that grew since is read to its end."""
    fd = os.open(path, os.O_RDONLY)
    try:
        data = os.read(fd, size + 1)
        if len(data) > size:
            data += b"".join(iter(lambda: os.read(fd, 1 << 20), b""))
        return data
    finally:
        os.close(fd)
