"""planbot's one-query BM25 gives bm25s's scores exactly (bm25s stays the reference)."""

from __future__ import annotations

import random

import bm25s
import numpy as np

from bot.context import bm25


def bm25s_scores(docs: list[list[str]], query: list[str]) -> np.ndarray:
    vocab: dict[str, int] = {}
    ids = [[vocab.setdefault(token, len(vocab)) for token in doc] for doc in docs]
    wanted = [vocab[token] for token in query if token in vocab]
    if not wanted:
        return np.zeros(len(docs), dtype=np.float32)
    index = bm25s.BM25()
    index.index((ids, vocab), show_progress=False)
    return np.asarray(index.get_scores_from_ids(wanted), dtype=np.float32)


def test_scores_equal_bm25s_bit_for_bit_on_random_corpora() -> None:
    rng = random.Random(7)
    words = [f"w{i}" for i in range(200)]
    for _ in range(60):
        docs = [[rng.choice(words[: rng.randint(3, 200)]) for _ in range(rng.randint(0, 50))]
                for _ in range(rng.randint(1, 300))]
        query = [rng.choice(words) for _ in range(rng.randint(1, 20))] + ["absent"]
        mine, reference = bm25.scores(docs, query), bm25s_scores(docs, query)
        assert mine.dtype == np.float32
        assert np.array_equal(mine, reference)


def test_a_repeated_query_token_counts_again() -> None:
    docs = [["cart", "coupon"], ["cart"], ["order", "order", "total"]]
    once, twice = bm25.scores(docs, ["coupon"]), bm25.scores(docs, ["coupon", "coupon"])
    assert twice[0] == 2 * once[0] > 0
    assert np.array_equal(twice, bm25s_scores(docs, ["coupon", "coupon"]))


def test_no_shared_term_scores_every_document_zero() -> None:
    assert bm25.scores([["a", "b"], []], ["c"]).tolist() == [0.0, 0.0]
    assert bm25.scores([], ["c"]).tolist() == []
