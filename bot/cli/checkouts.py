"""Lay out a repository at one commit from a local clone or mirror, once per commit."""

from __future__ import annotations

import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path


def layouts(repos: Path, full_name: str) -> list[Path]:
    """Where a folder of clones may keep `owner/name`: `owner+name/repo` (a mirror farm),
    `owner/name`, `owner+name`, `name` (each a clone or a bare repository, `.git` or not)."""
    owner, name = full_name.split("/", 1)
    folders = [repos / f"{owner}+{name}" / "repo", repos / owner / name,
               repos / f"{owner}+{name}", repos / name]
    return [p for f in folders for p in (f, f.with_name(f.name + ".git"))]


def _is_repository(folder: Path) -> bool:
    """A clone (its `.git` a folder, or a file for a worktree) or a bare repository."""
    return (folder / ".git").exists() or (
        (folder / "HEAD").is_file() and (folder / "objects").is_dir())


def find_repository(repos: Path, full_name: str) -> Path:
    """The clone of `full_name` under `repos`; LookupError says where it looked."""
    tried = layouts(repos, full_name)
    found = next((folder for folder in tried if _is_repository(folder)), None)
    if found is None:
        raise LookupError(f"no clone of {full_name} under {repos} (looked for "
                          + ", ".join(str(p.relative_to(repos)) for p in tried[::2]) + ")")
    return found


def _files(found: Path, commit: str) -> list[tuple[str, str]]:
    """(blob id, path) of every regular file at `commit`; links and submodules are left out,
    as a working copy's walk leaves them out."""
    listing = subprocess.run(["git", "-C", str(found), "ls-tree", "-r", "-z", commit],
                             capture_output=True, check=False)
    if listing.returncode != 0:
        raise LookupError(f"{commit} is not in {found}: "
                          f"{listing.stderr.decode(errors='replace').strip()}")
    files = []
    for item in listing.stdout.split(b"\0"):
        meta, _, raw = item.partition(b"\t")
        mode, _, blob = meta.decode().partition(" blob ")
        path = raw.decode(errors="replace")
        if mode in ("100644", "100755") and ".." not in path.split("/"):
            files.append((blob, path))
    return files


def _blobs(found: Path, ids: list[str]) -> Iterator[bytes | None]:
    """The contents of `ids`, in order, from one `git cat-file --batch`; None for a blob
    the clone does not hold (a partial or size-limited mirror)."""
    command = ["git", "-C", str(found), "cat-file", "--batch"]
    with subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE) as git:
        stdin, stdout = git.stdin, git.stdout
        assert stdin is not None and stdout is not None

        def ask() -> None:  # a thread, so a full pipe on either side never blocks both
            stdin.write("".join(f"{blob}\n" for blob in ids).encode())
            stdin.close()

        writer = threading.Thread(target=ask, daemon=True)
        writer.start()
        for _ in ids:
            header = stdout.readline().split()
            if len(header) < 3:  # "<id> missing"
                yield None
                continue
            data = stdout.read(int(header[2]))
            stdout.read(1)  # the newline after each object
            yield data
        writer.join()


def checkout(repos: Path, full_name: str, commit: str, cache: Path) -> tuple[Path, int]:
    """The tree of `full_name` at `commit` under `cache` (laid out once), and how many of
    its files the clone lacked (written empty, so that every path is still there)."""
    target = cache / full_name.replace("/", "+") / commit
    # Written last, beside the tree (inside it would be one more file to rank): a tree
    # without it was cut short and is laid out again.
    done = target.with_name(commit + ".done")
    if done.is_file() and target.is_dir():
        return target, int(done.read_text().split()[-1])
    found = find_repository(repos, full_name)
    shutil.rmtree(target, ignore_errors=True)
    files = _files(found, commit)
    lacking = 0
    for (_, path), data in zip(files, _blobs(found, [b for b, _ in files]), strict=True):
        lacking += data is None
        out = target / path
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data or b"")
    done.write_text(f"{commit} {lacking}\n")
    return target, lacking
