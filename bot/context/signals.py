"""What an issue points at in a tree: traceback frames, named files and modules, the files
defining its names, the component its title names (pure)."""

from __future__ import annotations

import math
import posixpath
from collections import defaultdict
from dataclasses import dataclass, field

from bot.context.query import Query
from bot.context.symbols import SymbolIndex
from bot.context.tokens import path_tokens, tokenize
from bot.context.tracebacks import Frame, PathIndex, innermost_first
from bot.paths import SOURCE, kind_of

TRACE_WEIGHT = 2.0  # the innermost frame inside the project; outer frames get less
MENTION_WEIGHT = 2.0  # a file the issue names by its path or a blob link
MODULE_WEIGHT = 1.5  # a module named by its dotted path
TESTED_WEIGHT = 1.2  # the source a named test file tests
MAX_SYMBOL = 2.5  # definitions add up, to this much at most
AREA_NAME_WEIGHT = 2.0  # the title prefix's component, as a module name
# "parsing" and "parser", "updates" and "update", "loader" and "loading": one root.
SUFFIXES = ("ings", "ing", "ers", "er", "ed", "es", "e", "s")
MIN_ROOT = 4


@dataclass
class Named:
    """Files the issue names, with how strongly, and where inside them."""

    weight: dict[str, float] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)
    frames: dict[str, list[Frame]] = field(default_factory=lambda: defaultdict(list))
    lines: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))

    def add(self, path: str, weight: float, reason: str) -> None:
        if weight > self.weight.get(path, 0.0):
            self.weight[path] = weight
            self.reasons[path] = reason


def _tested_source(test: str, tree: PathIndex) -> str | None:
    """`pkg/tests/test_series.py` -> `pkg/series.py`: the source file a test is named after,
    the one nearest to the test when several share the name."""
    name = posixpath.basename(test)
    stem = name.removeprefix("test_").removesuffix(".py").removesuffix("_test")
    if stem == name.removesuffix(".py"):
        return None
    found = [p for p in tree.by_name.get(f"{stem}.py", []) if kind_of(p) == SOURCE]
    folder = posixpath.dirname(test).split("/")

    def shared(path: str) -> int:
        count = 0
        for mine, theirs in zip(path.split("/"), folder, strict=False):
            if mine != theirs:
                break
            count += 1
        return count

    return max(found, key=lambda p: (shared(p), -len(p)), default=None)


def named(tree: PathIndex, query: Query) -> Named:
    out = Named()
    depth = 0
    for frame in innermost_first(query.frames):
        matches = tree.match(frame.path, frame=True)
        for path in matches:
            out.frames[path].append(frame)
            out.add(path, TRACE_WEIGHT / (1 + depth), "traceback")
        depth += bool(matches)
    for mention in query.mentions:
        if mention.module:
            found = tree.match(mention.path + ".py") or tree.match(mention.path + "/__init__.py")
            for path in found[:1]:
                out.add(path, MODULE_WEIGHT, "module")
            continue
        for path in tree.match(mention.path):
            out.add(path, MENTION_WEIGHT, "mentioned")
            if mention.line:
                out.lines[path].append(mention.line)
            tested = _tested_source(path, tree) if kind_of(path) == "test" else None
            if tested:
                out.add(tested, TESTED_WEIGHT, "tested by a named test")
    return out


def defined(index: SymbolIndex, query: Query) -> dict[str, float]:
    """Per file, how much its definitions of the issue's names count: a name defined in
    one file says more than one defined in ten."""
    scores: dict[str, float] = defaultdict(float)
    for name, weight in query.names:
        definers = index.defining(name)
        for path in definers:
            scores[path] += weight / (1 + math.log2(len(definers)))
    return {p: min(s, MAX_SYMBOL) for p, s in scores.items()}


def area(paths: tuple[str, ...], query: Query) -> dict[str, float]:
    """Share of the title prefix's words ("[athena]", "order:") in each path."""
    wanted = set(tokenize(query.area))
    if not wanted:
        return {}
    out = {}
    for path in paths:
        share = len(wanted & set(path_tokens(path))) / len(wanted)
        if share:
            out[path] = share
    return out


def root(word: str) -> str:
    """A word without its inflection or agent suffix, to compare with module names."""
    word = word.lower()
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_ROOT:
            return word[: -len(suffix)]
    return word


def modules(paths: tuple[str, ...], query: Query) -> dict[str, float]:
    """Files whose name is a name of the issue: `CloudFlareStream` -> cloudflarestream.py,
    "parsing" -> parser.py, a title's "[MiTele]" -> mitele.py. A name many files share
    (`core`, `utils`) says less."""
    by_stem: dict[str, list[str]] = defaultdict(list)
    for path in paths:
        stem = posixpath.basename(path).split(".", 1)[0].lower()
        if len(stem) >= MIN_ROOT:
            by_stem[root(stem)].append(path)
    names = list(query.names)
    if query.area:
        names.append((query.area.replace(" ", ""), AREA_NAME_WEIGHT))
    scores: dict[str, float] = defaultdict(float)
    for name, weight in names:
        found = by_stem.get(root(name.split(".")[-1]), [])
        for path in found:
            scores[path] = max(scores[path], weight / (1 + math.log2(len(found))))
    return dict(scores)
