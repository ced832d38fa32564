"""Lookups the research tools share over one snapshot, built once per run, when first asked.

A tool call must answer in milliseconds, but planbot's ranking of a 20k-file tree takes
about a second (bench/README.md): most of it finds and tokenises the files holding the
query's words. So the words of every file are indexed once (≈ 1 s and 55 MB for the
bench's 48 MB tree), and a search ranks only the files that hold its words.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from functools import cached_property

import numpy as np

from bot.context.snapshot import Snapshot

# Lower-cases ASCII letters, keeps digits, and turns every other byte into a space, so
# that one `translate` and one `split` (both in C) yield a file's words. `_` separates
# too: `parse_coupon_7` is three words, and the vocabulary stays small (camelCase names
# stay whole: a term is looked for inside words).
_WORD_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789")
_TABLE = bytes((c + 32 if 65 <= c <= 90 else c if c in _WORD_BYTES else 32)
               for c in range(256))
MIN_TERM = 3  # a shorter term is inside too many words to narrow anything


def words_of(text: str) -> set[bytes]:
    """The distinct lower-cased words (`[a-z0-9]+`) of `text`."""
    return set(text.encode("utf-8", "replace").translate(_TABLE).split())


class Index:
    """Which files hold which words (in their text or their path), and what each folder
    holds."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.ids = sorted(snapshot.paths)  # a file's number in the postings
        self._found: dict[str, np.ndarray] = {}  # a run's searches repeat their terms

    @cached_property
    def postings(self) -> dict[bytes, list[int]]:
        found: dict[bytes, list[int]] = {}
        files = self.snapshot.files
        for number, path in enumerate(self.ids):
            for word in words_of(path) | words_of(files.get(path, "")):
                holders = found.get(word)
                if holders is None:
                    found[word] = [number]
                else:
                    holders.append(number)
        return found

    @cached_property
    def number(self) -> dict[str, int]:
        return {path: n for n, path in enumerate(self.ids)}

    @cached_property
    def vocabulary(self) -> str:
        """Every word on a line of its own, to find the words that contain a term."""
        return "\n" + "\n".join(w.decode() for w in self.postings) + "\n"

    def holding(self, name: str) -> set[str]:
        """Files holding every word of `name` (any case): those that may hold `name`."""
        found: set[int] | None = None
        for key in words_of(name):
            numbers = set(self.postings.get(key, ()))
            found = numbers if found is None else found & numbers
        return {self.ids[n] for n in found or ()}

    def containing(self, term: str) -> np.ndarray:
        """The numbers of the files holding a word that contains `term` (lower-case
        letters and digits): `coupon` finds `parse_coupon` and `applyCoupons` alike."""
        if term not in self._found:
            self._found[term] = self._containing(term)
        return self._found[term]

    def _containing(self, term: str) -> np.ndarray:
        vocabulary = self.vocabulary
        numbers: list[int] = []
        start = vocabulary.find(term)
        while start != -1:
            begin = vocabulary.rfind("\n", 0, start) + 1
            end = vocabulary.find("\n", start)
            numbers += self.postings[vocabulary[begin:end].encode()]
            start = vocabulary.find(term, end)
        held = np.zeros(len(self.ids), dtype=bool)
        held[numbers] = True
        return np.flatnonzero(held)

    @cached_property
    def folders(self) -> dict[str, tuple[dict[str, int], list[tuple[str, int]]]]:
        """Per folder ("" is the root): its subfolders with their file counts, and its
        files with their sizes."""
        subfolders: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        files: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for entry in self.snapshot.entries:
            folder, name = posixpath.split(entry.path)
            files[folder].append((name, entry.size))
            while folder:
                parent, child = posixpath.split(folder)
                subfolders[parent][child] += 1
                folder = parent
        return {f: (dict(subfolders.get(f, {})), files.get(f, []))
                for f in set(subfolders) | set(files)}
