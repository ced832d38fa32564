"""Rank a snapshot's files for an issue: what it names, what defines its names, BM25 (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.context import signals
from bot.context.content import KIND_WEIGHT, chunk_scores, path_scores
from bot.context.excerpts import Anchors, excerpts
from bot.context.issue import issue_text
from bot.context.query import Query, parse_query
from bot.context.snapshot import Snapshot
from bot.context.symbols import SymbolIndex
from bot.context.tracebacks import PathIndex
from bot.domain import Snippet
from bot.paths import kind_of

PATH_WEIGHT = 0.5  # a matching file name counts half as much as matching content
SYMBOL_WEIGHT = 1.0
AREA_WEIGHT = 0.5
MODULE_NAME_WEIGHT = 1.0
# Files scoring under this share of the best match add tokens, not insight.
MIN_SHARE = 0.2
MAX_TESTS = 3
POOL = 60  # best paths by name that are chunked even in a large repository
SAID_WEIGHT = 1.0  # names of the title and the prose, not of pasted code only
MAX_SAID = 12
MAX_DEFINERS_CITED = 3


@dataclass(frozen=True)
class RankedFile:
    path: str
    score: float
    reasons: tuple[str, ...]  # "traceback", "mentioned", "defines", "content", "path"…
    snippets: tuple[Snippet, ...] = ()


@dataclass(frozen=True)
class Ranking:
    files: tuple[RankedFile, ...]  # for the prompt, best first
    tests: tuple[str, ...] = ()  # tests to run or extend, listed apart
    definitions: tuple[tuple[str, str, int], ...] = ()  # (name the issue says, file, line)


def _kind_weight(path: str, query: Query, named: signals.Named) -> float:
    kind = kind_of(path)
    if kind in query.about or named.reasons.get(path) == "mentioned":
        return 1.0
    return KIND_WEIGHT.get(kind, 1.0)


def _tests(scored: list[tuple[float, str]], sources: list[str], paths: frozenset[str]) -> list[str]:
    """Tests named after the best source files, then the best-scoring tests."""
    stems = {s.rsplit("/", 1)[-1].removesuffix(".py") for s in sources[:3]}
    named = sorted(p for p in paths if kind_of(p) == "test" and p.endswith(".py")
                   and p.rsplit("/", 1)[-1].removeprefix("test_").removesuffix(".py")
                   .removesuffix("_test") in stems)
    best = [p for _, p in scored if kind_of(p) == "test"]
    return list(dict.fromkeys(named[:2] + best))[:MAX_TESTS]


def search(snapshot: Snapshot, text: str, k: int = 12) -> Ranking:
    """The `k` files most relevant to the issue, each with its best excerpts, and the tests
    to run or extend. `text` is the issue, or a problem definition around it."""
    query = parse_query(issue_text(text))
    tree = PathIndex(snapshot.paths)
    named = signals.named(tree, query)
    index = SymbolIndex(snapshot.files, (name for name, _ in query.names))
    defines = signals.defined(index, query)
    by_path = path_scores(snapshot, query)
    by_area = signals.area(snapshot.rankable, query)
    by_module = signals.modules(snapshot.rankable, query)
    best_paths = sorted(by_path, key=by_path.__getitem__, reverse=True)[:POOL]
    chunks = chunk_scores(snapshot, query, [*named.weight, *defines, *by_module, *by_area,
                                                  *best_paths])

    scored: list[tuple[float, str]] = []
    for path in set(by_path) | set(chunks) | set(named.weight) | set(defines) | set(by_module):
        score = (chunks[path][0][0] if path in chunks else 0.0) + PATH_WEIGHT * by_path.get(
            path, 0.0) + SYMBOL_WEIGHT * defines.get(path, 0.0) + AREA_WEIGHT * by_area.get(
            path, 0.0) + MODULE_NAME_WEIGHT * by_module.get(path, 0.0) + named.weight.get(
            path, 0.0)
        scored.append((score * _kind_weight(path, query, named), path))
    floor = MIN_SHARE * max((s for s, _ in scored), default=0.0)
    scored = sorted(((s, p) for s, p in scored if s >= floor or p in named.weight),
                    key=lambda item: (-item[0], item[1]))
    apart = "test" not in query.about
    prompt = [(s, p) for s, p in scored if not (apart and kind_of(p) == "test")][:k]
    files = []
    for score, path in prompt:
        reasons = tuple(r for r, on in (
            (named.reasons.get(path, ""), path in named.weight),
            ("defines", path in defines), ("named module", path in by_module),
            ("content", path in chunks), ("path", path in by_path),
        ) if on)
        own = [n for n, _ in query.names if path in index.defining(n)] if path in defines else []
        anchors = Anchors(named.frames.get(path, ()), named.lines.get(path, ()),
                          index.lines(path, own), query.quoted, query.strong,
                          chunks.get(path, ()))
        body = snapshot.files.get(path)
        snippets = excerpts(path, body, round(score, 4), anchors) if body else ()
        files.append(RankedFile(path, round(score, 4), reasons, snippets))
    tests = _tests(scored, [p for _, p in prompt], snapshot.paths) if apart else []
    order = {path: n for n, (_, path) in enumerate(scored)}
    return Ranking(tuple(files), tuple(tests), _definitions(index, query, order))


def _definitions(index: SymbolIndex, query: Query,
                 order: dict[str, int]) -> tuple[tuple[str, str, int], ...]:
    """Where the names the issue's words say (not only its pasted code) are defined, spelt
    as the issue spells them, for the names few files define; the best-ranked definers
    first."""
    said = [n for n, weight in query.names if weight >= SAID_WEIGHT][:MAX_SAID]
    return tuple((name, path, line) for name in said
                 for path in sorted(index.defining(name), key=lambda p: (
                     order.get(p, len(order)), p))[:MAX_DEFINERS_CITED]
                 for line in index.lines(path, [name], exact=True)[:1])


def rank(snapshot: Snapshot, text: str, k: int = 12) -> list[RankedFile]:
    """The `k` files most relevant to the issue, each with its best excerpts."""
    return list(search(snapshot, text, k).files)
