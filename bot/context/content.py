"""BM25 over a snapshot: chunks of the files worth indexing, and every path (pure)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence

import numpy as np

from bot.context import bm25
from bot.context.query import Query
from bot.context.snapshot import Snapshot
from bot.context.tokens import path_tokens, tokenize
from bot.paths import SOURCE, kind_of

# Below this many characters every file is chunked and indexed; above it only the
# candidates a cheap substring pass finds (see bench/README.md for the figures).
FULL_INDEX_CHARS = 4_000_000
MAX_CANDIDATES = 400
# Chunking and tokenising cost grows with characters, not files: the candidates of a
# large repository stop at this many (named files and definers first).
CANDIDATE_CHARS = 1_500_000
PREFILTER_TERMS = 12
CHUNK_LINES = 40
MIN_CHUNK_LINES = 12  # a chunk may end early only at a top-level definition
TOP_LEVEL = re.compile(
    r"(?:def|class|async def|function|async function|export|func|fn|pub fn|impl|interface|"
    r"type|struct|module|public|private|protected|@)\b"
)
# Plans point at code: tests, docs, CI, issue templates, stubs and data matching the
# same words rank below it, unless the title is about them.
KIND_WEIGHT = {SOURCE: 1.0, "tooling": 0.7, "stub": 0.5, "docs": 0.45, "test": 0.35,
               "config": 0.35, "data": 0.25, "ci": 0.2, "template": 0.15}
DATA_WEIGHT = 0.4  # kinds weighted below this (tests, data, CI) are not scanned when large
Chunks = dict[str, list[tuple[float, int, int]]]  # per file: (score, start, end), best first


def chunk_spans(lines: Sequence[str]) -> list[tuple[int, int]]:
    """1-based inclusive line spans of at most CHUNK_LINES, cut at top-level definitions."""
    spans: list[tuple[int, int]] = []
    start = 1
    for number, line in enumerate(lines, start=1):
        size = number - start
        at_definition = size >= MIN_CHUNK_LINES and TOP_LEVEL.match(line) is not None
        if size >= CHUNK_LINES or at_definition:
            spans.append((start, number - 1))
            start = number
    if start <= len(lines):
        spans.append((start, len(lines)))
    return spans


def bm25_scores(docs: list[list[str]], query: Sequence[str]) -> np.ndarray:
    """One BM25 score per document (bm25s's Lucene variant, query terms only: bm25.py)."""
    return bm25.scores(docs, query)


def path_scores(snapshot: Snapshot, query: Query) -> dict[str, float]:
    """BM25 over path names (folders, file name, their parts), scaled to the best match."""
    rankable = snapshot.rankable
    scores = bm25_scores([path_tokens(p) for p in rankable], query.tokens)
    top = float(scores.max(initial=0.0)) or 1.0
    return {p: s / top for p, s in zip(rankable, scores.tolist(), strict=True) if s > 0}


def candidates(snapshot: Snapshot, query: Query, forced: Iterable[str]) -> list[str]:
    """Files worth chunking: all of a small repository, else the files the issue names or
    whose names define its words, then those holding its rarest terms."""
    forced = [p for p in dict.fromkeys(forced) if p in snapshot.files]
    if sum(len(text) for text in snapshot.files.values()) <= FULL_INDEX_CHARS:
        return list(snapshot.files)
    terms = [t.lower() for t in query.strong[:PREFILTER_TERMS]]
    # Longest first, ties in the order: sorting a set by length alone left ties
    # to string hashing, which differs between processes (the candidates did too).
    words = sorted(dict.fromkeys(t for t in query.tokens if len(t) > 4), key=len, reverse=True)
    terms += [w for w in words if w not in terms][: max(4, PREFILTER_TERMS - len(terms))]
    hits: dict[str, list[int]] = {}
    df = [0] * len(terms)
    for path, text in snapshot.files.items():
        if KIND_WEIGHT.get(kind_of(path), 1.0) < DATA_WEIGHT:
            continue  # data and CI files join only when named: they rarely explain code
        low = text.lower()
        found = [i for i, term in enumerate(terms) if term in low]
        if found:
            hits[path] = found
            for i in found:
                df[i] += 1
    idf = [math.log(1 + len(snapshot.files) / (n or 1)) for n in df]
    # Source before tests and data: the candidates' room goes to what a plan cites.
    ordered = sorted(hits, key=lambda p: sum(idf[i] for i in hits[p]) * KIND_WEIGHT.get(
        kind_of(p), 1.0), reverse=True)
    chosen: list[str] = []
    size = 0
    for path in dict.fromkeys(forced + ordered):
        size += len(snapshot.files[path])
        if len(chosen) >= MAX_CANDIDATES or (size > CANDIDATE_CHARS and chosen):
            break
        chosen.append(path)
    return chosen


def chunk_scores(snapshot: Snapshot, query: Query, forced: Iterable[str]) -> Chunks:
    """Per file, its chunks as (score, start, end), best first, scores scaled to the best."""
    spans: list[tuple[str, int, int]] = []
    docs: list[list[str]] = []
    for path in candidates(snapshot, query, forced):
        lines = snapshot.files[path].splitlines()
        for start, end in chunk_spans(lines):
            spans.append((path, start, end))
            docs.append(tokenize("\n".join(lines[start - 1 : end])))
    scores = bm25_scores(docs, query.tokens)
    top = float(scores.max(initial=0.0))
    out: Chunks = {}
    if top <= 0:
        return out
    for (path, start, end), raw in zip(spans, scores.tolist(), strict=True):
        if raw > 0:
            out.setdefault(path, []).append((raw / top, start, end))
    for chunks in out.values():
        chunks.sort(reverse=True)
    return out
