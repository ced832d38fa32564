"""`search_code`: planbot's own ranking for the model's query, with each file's matching lines."""

from __future__ import annotations

import math
import re
from dataclasses import replace

import numpy as np

from bot.context.ranking import search
from bot.context.tokens import split_identifier, tokenize
from bot.research.index import MIN_TERM, Index
from bot.research.results import ToolError, ToolResult, answer, line

MAX_QUERY = 300  # characters
MAX_TERMS = 8
POOL = 40  # files holding the most of the query's rarest words, ranked in full
TOP = 6  # files shown
LINES_PER_FILE = 2
# snake_case, camelCase or dotted names, which a file holding them whole most likely means
NAME = re.compile(r"\b[A-Za-z]\w*(?:_\w+|[a-z0-9][A-Z]\w*|\.\w+)\b")
WHOLE_NAME = 2.0
NO_TERMS = f"the query holds no word of {MIN_TERM} letters or more to search for"


def terms_of(query: str) -> list[str]:
    """The query's words as the index finds them: whole identifiers and their parts."""
    words = [w.lower() for w in tokenize(query)]
    words += [w for word in query.split() for w in split_identifier(word.strip("`'\"()"))]
    # The index splits words at `_`: a whole snake_case name is found through its parts.
    usable = (w for w in words if len(w) >= MIN_TERM and w.isalnum() and w.isascii())
    return list(dict.fromkeys(usable))[:MAX_TERMS]


def _pool(index: Index, query: str, terms: list[str]) -> set[str]:
    """The files worth ranking: those holding (in their text or path) the most of the
    query's terms, rarer terms counting more, and a name the query quotes whole most of
    all (ties: path order)."""
    score = np.zeros(len(index.ids))
    for term in terms:
        held = index.containing(term)
        score[held] += math.log(1 + len(index.ids) / max(len(held), 1))
    files = index.snapshot.files
    for name in dict.fromkeys(NAME.findall(query)):
        exact = [index.number[p] for p in index.holding(name) if name in files.get(p, p)]
        score[exact] += WHOLE_NAME * math.log(1 + len(index.ids) / max(len(exact), 1))
    best = np.argsort(-score, kind="stable")[:POOL]
    return {index.ids[n] for n in best.tolist() if score[n] > 0}


def _best_lines(text: str, terms: list[str]) -> list[tuple[int, str]]:
    """The lines holding the most distinct terms, in file order."""
    scored = []
    for number, content in enumerate(text.splitlines(), 1):
        low = content.lower()
        hits = sum(1 for t in terms if t in low)
        if hits:
            scored.append((-hits, number, content))
    best = sorted(scored)[:LINES_PER_FILE]
    return sorted((number, content) for _, number, content in best)


def search_code(index: Index, query: str) -> ToolResult:
    """The files planbot's ranking puts first for `query`, each with its best lines."""
    query = query.strip()
    if not query or len(query) > MAX_QUERY:
        raise ToolError(f"the query must hold 1 to {MAX_QUERY} characters")
    terms = terms_of(query)
    if not terms:
        raise ToolError(NO_TERMS)
    snapshot = index.snapshot
    pool = _pool(index, query, terms)
    narrowed = replace(snapshot, entries=tuple(e for e in snapshot.entries if e.path in pool),
                       files={p: snapshot.files[p] for p in pool if p in snapshot.files})
    ranked = search(narrowed, query, TOP).files
    body: list[str] = []
    for number, found in enumerate(ranked, 1):
        body.append(f"{number}. {found.path} ({', '.join(found.reasons)})")
        text = snapshot.files.get(found.path)
        lines = _best_lines(text, terms) if text else []
        body += [f"   {n}: {line(c)}" for n, c in lines]
    header = (f"search_code {query!r}: {len(ranked)} files, best first, of {len(pool):,} "
              "holding its words")
    return answer(header, body, [f.path for f in ranked])
