"""BM25 scores of one query over tokenised documents, computed for the query's terms only (pure).

bm25s (kept as the reference: tests/context/test_bm25.py checks these scores against it,
bit for bit) builds a score matrix over every term of every document, which pays off
when one index answers many queries. planbot asks one query per snapshot, and most of
a 20k-path or 1,500-chunk corpus shares no term with it: bm25s spent 0.25 s indexing
the 20k-file bench's paths, and ~10 µs of numpy per document even after its
vocabulary was cut to the query's terms. Here a document costs one pass over its tokens
and numpy works per query term.

Same formula and arithmetic as bm25s 0.3.16's defaults (method and idf "lucene",
k1 = 1.5, b = 0.75, float32 scores): idf = ln(1 + (N − df + 0.5) / (df + 0.5)),
tf component = tf / (k1 · (1 − b + b · |d| / avgdl) + tf), summed over the query's
tokens in order, a repeated token counting again.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

K1 = 1.5
B = 0.75


def _postings(docs: Sequence[Sequence[str]], wanted: frozenset[str],
              ) -> dict[str, tuple[list[int], list[int]]]:
    """Per query term, the documents holding it and how often (one pass per document)."""
    postings: dict[str, tuple[list[int], list[int]]] = {}
    for number, doc in enumerate(docs):
        found = [token for token in doc if token in wanted]
        if not found:
            continue
        for token, count in Counter(found).items():
            where, counts = postings.setdefault(token, ([], []))
            where.append(number)
            counts.append(count)
    return postings


def scores(docs: Sequence[Sequence[str]], query: Sequence[str]) -> np.ndarray:
    """One float32 BM25 score per document; zeros when no document holds a query term."""
    out = np.zeros(len(docs), dtype=np.float32)
    postings = _postings(docs, frozenset(query))
    if not postings:
        return out
    lengths = np.array([len(doc) for doc in docs])
    average = lengths.mean()  # numpy's float64 mean, as bm25s takes it
    per_term: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for token, (where, counts) in postings.items():
        df = len(where)
        idf = np.float32(math.log(1 + (len(docs) - df + 0.5) / (df + 0.5)))
        tf = np.array(counts, dtype=np.float32)
        norm = K1 * ((1 - B) + B * lengths[where] / average)
        # float64 like bm25s's per-document arithmetic, then stored as float32 as it does
        per_term[token] = (np.array(where), (idf * (tf / (norm + tf))).astype(np.float32))
    for token in query:
        if token in per_term:
            where_array, values = per_term[token]
            out[where_array] += values  # a document appears once per term: no np.add.at needed
    return out
