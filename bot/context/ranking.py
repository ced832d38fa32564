"""Rank a snapshot's files for an issue: traceback frames, named paths, then BM25 (pure)."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import bm25s
import numpy as np

from bot.context.query import Query, parse_query
from bot.context.snapshot import Snapshot
from bot.context.tokens import path_tokens, tokenize
from bot.context.tracebacks import PathIndex, innermost_first
from bot.domain import Snippet

# Below this many characters every file is chunked and indexed; above it only the
# candidates a cheap substring pass finds (see bench/README.md for the figures).
FULL_INDEX_CHARS = 4_000_000
MAX_CANDIDATES = 400
PREFILTER_TERMS = 12
CHUNK_LINES = 40
MIN_CHUNK_LINES = 12  # a chunk may end early only at a top-level definition
SNIPPET_RADIUS = 15  # lines either side of a traceback line
SNIPPETS_PER_FILE = 2
PATH_WEIGHT = 0.5  # a matching file name counts half as much as matching content
DEFINES_BONUS = 0.5  # the chunk that defines a named identifier beats its callers
# Plans point at code: documentation matching the same words ranks below it.
PROSE = (".md", ".rst", ".txt", ".adoc")
PROSE_WEIGHT = 0.7
# Files scoring under this share of the best match add tokens, not insight.
MIN_SHARE = 0.2
MENTION_TIER = 100.0
TRACE_TIER = 1000.0
TOP_LEVEL = re.compile(
    r"(?:def|class|async def|function|async function|export|func|fn|pub fn|impl|interface|"
    r"type|struct|module|public|private|protected|@)\b"
)


@dataclass(frozen=True)
class RankedFile:
    path: str
    score: float
    reasons: tuple[str, ...]  # "traceback", "mentioned", "content", "path"
    snippets: tuple[Snippet, ...] = ()


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


def _bm25_scores(docs: list[list[str]], query: Sequence[str]) -> np.ndarray:
    """One BM25 score per document (bm25s, Lucene variant); zeros when nothing matches."""
    # Token ids built in one pass here spare bm25s two passes over every document.
    vocab: dict[str, int] = {}
    ids = [[vocab.setdefault(token, len(vocab)) for token in doc] for doc in docs]
    wanted = [vocab[token] for token in query if token in vocab]
    if not wanted:
        return np.zeros(len(docs), dtype=np.float32)
    index = bm25s.BM25()
    index.index((ids, vocab), show_progress=False)
    return np.asarray(index.get_scores_from_ids(wanted), dtype=np.float32)


def _candidates(snapshot: Snapshot, query: Query, forced: list[str]) -> list[str]:
    """Files worth chunking: all of a small repository, else those holding rare query terms."""
    if sum(len(text) for text in snapshot.files.values()) <= FULL_INDEX_CHARS:
        return list(snapshot.files)
    terms = [t.lower() for t in query.strong[:PREFILTER_TERMS]]
    if not terms:  # prose only: its longest words are the most specific
        terms = sorted({t for t in query.tokens if len(t) > 4}, key=len, reverse=True)[:8]
    hits: dict[str, list[int]] = {}
    df = [0] * len(terms)
    for path, text in snapshot.files.items():
        low = text.lower()
        found = [i for i, term in enumerate(terms) if term in low]
        if found:
            hits[path] = found
            for i in found:
                df[i] += 1
    idf = [math.log(1 + len(snapshot.files) / (n or 1)) for n in df]
    ordered = sorted(hits, key=lambda p: sum(idf[i] for i in hits[p]), reverse=True)
    chosen = [p for p in forced if p in snapshot.files]
    return list(dict.fromkeys(chosen + ordered))[:MAX_CANDIDATES]


def _definitions(query: Query) -> re.Pattern[str] | None:
    names = [re.escape(w) for w in query.strong[:PREFILTER_TERMS] if w.isidentifier()]
    if not names:
        return None
    keyword = r"(?:def|class|function|func|fn|interface|struct|type|const|let|var)"
    return re.compile(rf"\b{keyword}\s+(?:{'|'.join(names)})\b")


def _content(
    snapshot: Snapshot, query: Query, forced: list[str]
) -> dict[str, list[tuple[float, int, int]]]:
    """Per file, its chunks as (score, start, end), best first, scores scaled to the best."""
    spans: list[tuple[str, int, int]] = []
    docs: list[list[str]] = []
    defines = _definitions(query)
    defined: set[tuple[str, int]] = set()
    for path in _candidates(snapshot, query, forced):
        lines = snapshot.files[path].splitlines()
        for start, end in chunk_spans(lines):
            text = "\n".join(lines[start - 1 : end])
            spans.append((path, start, end))
            docs.append(tokenize(text))
            if defines is not None and defines.search(text):
                defined.add((path, start))
    scores = _bm25_scores(docs, query.tokens)
    top = float(scores.max(initial=0.0))
    out: dict[str, list[tuple[float, int, int]]] = {}
    if top <= 0:
        return out
    for (path, start, end), raw in zip(spans, scores.tolist(), strict=True):
        if raw > 0:
            score = raw / top + (DEFINES_BONUS if (path, start) in defined else 0.0)
            out.setdefault(path, []).append((score, start, end))
    for chunks in out.values():
        chunks.sort(reverse=True)
    return out


def _snippet(snapshot: Snapshot, path: str, start: int, end: int, score: float) -> Snippet | None:
    text = snapshot.files.get(path)
    if text is None:
        return None
    lines = text.splitlines()
    start, end = max(1, start), min(len(lines), end)
    while end > start and not lines[end - 1].strip():
        end -= 1  # trailing blank lines only cost tokens
    if start > end:
        return None
    return Snippet(path, start, end, "\n".join(lines[start - 1 : end]), round(score, 4))


def _snippets(
    snapshot: Snapshot, path: str, score: float, lines: list[int],
    chunks: list[tuple[float, int, int]],
) -> tuple[Snippet, ...]:
    spans = [(n - SNIPPET_RADIUS, n + SNIPPET_RADIUS) for n in lines]
    spans += [(start, end) for _, start, end in chunks]
    if not spans:  # named but not matched: its head says what it is
        spans = [(1, CHUNK_LINES)]
    out: list[Snippet] = []
    for start, end in spans:
        if any(s.start_line <= end and start <= s.end_line for s in out):
            continue  # overlaps one already taken
        snippet = _snippet(snapshot, path, start, end, score)
        if snippet is not None:
            out.append(snippet)
        if len(out) == SNIPPETS_PER_FILE:
            break
    return tuple(out)


def _named(snapshot: Snapshot, query: Query) -> tuple[dict[str, list[int]], list[str]]:
    """Tree files the issue names: by traceback (innermost first, with lines), then in prose."""
    tree = PathIndex(snapshot.paths)
    traced: dict[str, list[int]] = {}
    for frame in innermost_first(query.frames):
        for path in tree.match(frame.path):
            traced.setdefault(path, []).extend([frame.line] if frame.line else [])
    mentioned = [p for raw in query.mentions for p in tree.match(raw) if p not in traced]
    return traced, list(dict.fromkeys(mentioned))


def _path_scores(snapshot: Snapshot, query: Query) -> dict[str, float]:
    """BM25 over path names (folders, file name, their parts), scaled to the best match."""
    rankable = snapshot.rankable
    scores = _bm25_scores([path_tokens(p) for p in rankable], query.tokens)
    top = float(scores.max(initial=0.0)) or 1.0
    return {p: s / top for p, s in zip(rankable, scores.tolist(), strict=True) if s > 0}


def rank(snapshot: Snapshot, issue_text: str, k: int = 12) -> list[RankedFile]:
    """The `k` files most relevant to the issue, each with its best excerpts."""
    query = parse_query(issue_text)
    traced, mentioned = _named(snapshot, query)
    by_path = _path_scores(snapshot, query)
    best_paths = sorted(by_path, key=by_path.__getitem__, reverse=True)[:50]
    content = _content(snapshot, query, list(traced) + mentioned + best_paths)
    depth = {path: i for i, path in enumerate(traced)}

    base: dict[str, float] = {}
    for path in set(by_path) | set(content) | set(traced) | set(mentioned):
        chunks = content.get(path, [])
        score = (chunks[0][0] if chunks else 0.0) + PATH_WEIGHT * by_path.get(path, 0.0)
        base[path] = score * (PROSE_WEIGHT if path.lower().endswith(PROSE) else 1.0)
    floor = MIN_SHARE * max(base.values(), default=0.0)

    scored: list[tuple[float, str, tuple[str, ...]]] = []
    for path, score in base.items():
        if score < floor and path not in traced and path not in mentioned:
            continue
        chunks = content.get(path, [])
        reasons = ("content",) * bool(chunks) + ("path",) * (path in by_path)
        if path in traced:
            score, reasons = score + TRACE_TIER - depth[path], ("traceback", *reasons)
        elif path in mentioned:
            score, reasons = score + MENTION_TIER, ("mentioned", *reasons)
        scored.append((score, path, reasons))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [
        RankedFile(path, round(score, 4), reasons, _snippets(
            snapshot, path, score, traced.get(path, []), content.get(path, [])))
        for score, path, reasons in scored[:k]
    ]
