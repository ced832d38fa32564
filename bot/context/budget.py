"""Which files of a tree to read within the byte budget: source first, never noise (pure).

The budget bounds what is read and indexed; it never switches grounding off. A tree
whose generated documentation alone is over the budget still has its source read.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.config import ContextBudget
from bot.domain import TreeEntry
from bot.paths import SOURCE, is_noise, kind_of

# Data and generated pages: read last, as they rarely explain behaviour and often
# dwarf the code (rendered API docs, notebooks, fixtures, schemas).
BULKY = (".html", ".htm", ".ipynb", ".svg", ".json", ".csv", ".tsv", ".xml", ".log")
ORDER = {SOURCE: 0, "test": 1, "docs": 2, "config": 2, "ci": 3, "template": 3, "stub": 1,
         "tooling": 1, "data": 4}


def priority(entry: TreeEntry) -> tuple[int, int]:
    """Read order: source, then stubs and tests, docs and config, CI, bulky data; within
    a kind, small files first (one huge file should not crowd out fifty modules)."""
    rank = ORDER.get(kind_of(entry.path), 4)
    if entry.path.lower().endswith(BULKY):
        rank = 5
    return rank, entry.size


def to_read(entries: Iterable[TreeEntry], budget: ContextBudget) -> tuple[frozenset[str], int]:
    """Paths worth reading, at most `max_repo_bytes` of them in all, and how many readable
    files the budget left out."""
    wanted = sorted((e for e in entries
                     if e.size <= budget.max_file_bytes and not is_noise(e.path)), key=priority)
    chosen: list[str] = []
    total = 0
    for entry in wanted:
        if total + entry.size > budget.max_repo_bytes:
            break
        total += entry.size
        chosen.append(entry.path)
    return frozenset(chosen), len(wanted) - len(chosen)
