"""`read_file` and `list_dir`: one file's numbered lines, one folder's entries (pure)."""

from __future__ import annotations

import posixpath

from bot.paths import normalise
from bot.research.index import Index
from bot.research.results import ToolError, ToolResult, answer, count, line

MAX_LINES = 120  # lines read_file shows by default and at most
MAX_ENTRIES = 100  # entries list_dir shows
MAX_SUGGESTIONS = 5
OUTSIDE = "`{path}` is outside the repository: paths are relative to its root"
UNREAD = ("`{path}` is in the tree, but its text was not read (a binary, larger than "
          "`context.max_file_bytes`, or beyond the size budget)")


def relative(path: str) -> str:
    """`path` as the tree spells it ("" is the root); ToolError when it leaves the tree."""
    if path.strip() in ("", ".", "/", "./"):
        return ""
    norm = normalise(path)
    if norm is None or path.strip().startswith(("/", "~")) or ":" in path.split("/")[0]:
        raise ToolError(OUTSIDE.format(path=_shown(path)))
    return norm


def _shown(path: str) -> str:
    """A path the model sent, quoted in an error without letting it run on."""
    return path.strip()[:80].replace("`", "'")


def _suggestions(index: Index, path: str) -> str:
    name = posixpath.basename(path)
    same = sorted(p for p in index.snapshot.paths if posixpath.basename(p) == name)
    if not same:
        return "; list_dir or search_code find files"
    return "; files of that name: " + ", ".join(same[:MAX_SUGGESTIONS])


def read_file(index: Index, path: str, start: int = 1, end: int | None = None) -> ToolResult:
    """Lines `start`..`end` of one file, numbered, at most MAX_LINES of them."""
    name = relative(path)
    snapshot = index.snapshot
    if name not in snapshot.paths and name in index.folders:
        raise ToolError(f"`{name or '.'}` is a folder: use list_dir")
    if name not in snapshot.paths:
        raise ToolError(f"`{_shown(path)}` is not a file in the repository at this commit"
                        + _suggestions(index, name))
    text = snapshot.files.get(name)
    if text is None:
        raise ToolError(UNREAD.format(path=name))
    lines = text.splitlines()
    if start < 1 or (end is not None and end < start):
        raise ToolError("`start` must be 1 or more, and `end` not below it")
    if start > max(len(lines), 1):
        raise ToolError(f"`{name}` has {len(lines)} lines; start at or before them")
    last = min(len(lines), end or start + MAX_LINES - 1, start + MAX_LINES - 1)
    width = len(str(last))
    body = [f"{n:>{width}}  {line(lines[n - 1])}".rstrip() for n in range(start, last + 1)]
    more = f"; ask for start={last + 1} to read on" if last < len(lines) else ""
    header = f"{name}, lines {start}-{last} of {len(lines)}{more}"
    return answer(header, body, [name], [f"{name}:{start}-{last}"])


def list_dir(index: Index, path: str = "") -> ToolResult:
    """A folder's subfolders (with their file counts) and files (with their sizes)."""
    name = relative(path)
    if name not in index.folders:
        if name in index.snapshot.paths:
            raise ToolError(f"`{name}` is a file: use read_file")
        raise ToolError(f"no folder `{_shown(path)}` in the repository at this commit"
                        + _suggestions(index, name))
    subfolders, files = index.folders[name]
    prefix = f"{name}/" if name else ""
    entries = [f"{prefix}{d}/ ({count(n, 'file')})" for d, n in sorted(subfolders.items())]
    listed = sorted(files)[: max(0, MAX_ENTRIES - len(subfolders))]
    entries += [f"{prefix}{f} ({size:,} bytes)" for f, size in sorted(files)]
    shown = entries[:MAX_ENTRIES]
    if len(entries) > MAX_ENTRIES:
        shown.append(f"… and {len(entries) - MAX_ENTRIES} more entries")
    header = (f"{name or 'the repository root'}: {count(len(subfolders), 'folder')}, "
              f"{count(len(files), 'file')}")
    return answer(header, shown, [prefix + f for f, _ in listed])
