"""Copies of live code kept beside it: a frozen older version (`pkg/v1/` repeating most of
`pkg/`'s modules) or a legacy, deprecated, compat or experimental namespace. A name, a
message or a search match they hold is the live code's first (pure)."""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from collections.abc import Iterable

from bot.paths import is_code

# Folder names that say the code in them is not the main line.
SIDE_NAMES = frozenset({"legacy", "deprecated", "old", "obsolete", "compat", "_compat",
                        "experimental"})
MIN_SHARED = 3  # modules a frozen copy repeats from its parent package, at least
SHARED_PART = 0.75  # and this part of its own modules, at least


def side_folders(paths: Iterable[str], text: str = "") -> frozenset[str]:
    """Folders holding side copies of the tree's code, unless the issue (`text`) says the
    folder's name: an issue about the v1 API or the experimental engine is about them."""
    stems: dict[str, set[str]] = defaultdict(set)
    folders: set[str] = set()
    for path in paths:
        if not is_code(path):
            continue
        folder, _, name = path.rpartition("/")
        if not SIDE_NAMES.isdisjoint(parts := folder.split("/")):
            folders.update("/".join(parts[:n + 1]) for n, part in enumerate(parts)
                           if part in SIDE_NAMES)
        if name != "__init__.py":
            stems[folder].add(name.rpartition(".")[0])
    for folder, own in stems.items():
        parent = folder.rpartition("/")[0]
        shared = own & stems.get(parent, set()) if folder else set()
        if len(shared) >= MIN_SHARED and len(shared) >= SHARED_PART * len(own):
            folders.add(folder)
    said = {w.lower() for w in re.findall(r"[\w.]+", text)}
    return frozenset(f for f in folders if posixpath.basename(f).lower() not in said)


def in_side(path: str, folders: frozenset[str]) -> bool:
    return any(path.startswith(f"{folder}/") for folder in folders)
