"""Score rankings against the files a fix changed: hit@k, reciprocal rank, Markdown tables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.context.mentions import mentions
from bot.context.tracebacks import PathIndex, frames
from bot.documents.validate import Grounding
from bot.domain import HypothesesDraft, Hypothesis, RepoContext
from bot.paths import CODE_SPAN, LINE_SUFFIX
from bot.planners.framing import unlocated_titles

KS = (1, 3, 5)
HYPOTHESES = 3  # H1-H3: what a reviewer reads first


class Scored(Protocol):
    case: str
    category: str
    gold: list[str]
    context: list[str]
    hypotheses: list[str]
    first: list[str]
    too_little: bool
    localisable: list[str]
    bm25: list[str]
    invented: list[str]
    seconds: float
    cpu_seconds: float
    peak_mb: float
    error: str


def first_hit(ranked: Sequence[str], gold: Sequence[str]) -> int | None:
    """1-based position of the first gold file in `ranked`, None when absent."""
    return next((i for i, path in enumerate(ranked, 1) if path in gold), None)


def hit(ranked: Sequence[str], gold: Sequence[str], k: int) -> bool:
    found = first_hit(ranked, gold)
    return found is not None and found <= k


def reciprocal(ranked: Sequence[str], gold: Sequence[str]) -> float:
    found = first_hit(ranked, gold)
    return 1 / found if found else 0.0


def _cites(h: Hypothesis, ground: Grounding, context: RepoContext) -> list[str]:
    """Tree paths one hypothesis cites: "where to look" first, then code spans in its text."""
    spans = [s for part in (h.title, *h.evidence) for s in CODE_SPAN.findall(part)]
    found = (ground.find(LINE_SUFFIX.sub("", ref.strip()))
             for ref in [*ground.refs(h.where_to_look), *spans])
    return list(dict.fromkeys(p for p in found if p and p in context.paths))


def cited_paths(draft: HypothesesDraft, context: RepoContext) -> tuple[list[str], list[str]]:
    """Tree paths H1-H3 cite, in order, and every path any hypothesis cites that the tree
    does not have."""
    ground = Grounding(context)
    cited = list(dict.fromkeys(p for h in draft.items[:HYPOTHESES]
                               for p in _cites(h, ground, context)))
    for h in draft.items:  # the same checks validation makes before publishing
        ground.refs(h.where_to_look)
        for part in (h.title, *h.evidence, h.how_to_verify):
            ground.text(part)
    return cited, sorted(ground.missing)


def first_cited(draft: HypothesesDraft, context: RepoContext) -> tuple[list[str], bool]:
    """The tree paths H1 alone cites, and whether H1 says the issue gives too little to
    localise."""
    if not draft.items:
        return [], False
    h1 = draft.items[0]
    return _cites(h1, Grounding(context), context), h1.title in unlocated_titles()


def localisable(text: str, context: RepoContext) -> list[str]:
    """What in the issue points into the tree, as a maintainer would follow it: a traceback
    frame, a path or dotted module the tree has, error text found in its code."""
    index = PathIndex(sorted(context.paths))
    found = []
    if any(len(index.match(f.path, frame=True)) == 1 for f in frames(text)):
        found.append("traceback")
    named = mentions(text)
    if any(not m.module and index.match(m.path) for m in named):
        found.append("path")
    if any(m.module and (f"{m.path}.py" in context.paths
                         or f"{m.path}/__init__.py" in context.paths) for m in named):
        found.append("module")
    if any(s.what == "message" for s in context.findings.sites):
        found.append("error text")
    return found


def rank_cell(ranked: Sequence[str], gold: Sequence[str]) -> str:
    found = first_hit(ranked, gold)
    return str(found) if found else "—"


ROW_HEAD = ("| case | category | context | H1 | H1–H3 | BM25 | invented | s | CPU s | MB |\n"
            "|---|---|---:|:-:|---:|---:|---:|---:|---:|---:|")


def row(r: Scored) -> str:
    """One case: the position of its first fixed file in each ranking."""
    if r.error and not r.context:
        return f"| {r.case} | {r.category} | error: {r.error} | | | | | | | |"
    h1 = "too little" if r.too_little else "yes" if h1_hit(r) else "no"
    return (f"| {r.case} | {r.category} | {rank_cell(r.context, r.gold)} | {h1} "
            f"| {rank_cell(r.hypotheses, r.gold)} | {rank_cell(r.bm25, r.gold)} "
            f"| {len(r.invented)} "
            f"| {r.seconds:.2f} | {r.cpu_seconds:.2f} | {r.peak_mb:.0f} |")


def _share(results: Sequence[Scored], ranked: str, k: int) -> float:
    return sum(hit(getattr(r, ranked), r.gold, k) for r in results) / len(results)


def _mrr(results: Sequence[Scored], ranked: str) -> float:
    return sum(reciprocal(getattr(r, ranked), r.gold) for r in results) / len(results)


def h1_hit(r: Scored) -> bool:
    """H1's own file, the first it cites, is a fixed file."""
    return hit(r.first, r.gold, 1)


def _h1(results: Sequence[Scored]) -> float:
    return sum(map(h1_hit, results)) / len(results)


def _too_little(results: Sequence[Scored]) -> str:
    """"too little to localise" among the issues that point into the tree: count / those."""
    pointing = [r for r in results if r.localisable]
    return f"{sum(r.too_little for r in pointing)}/{len(pointing)}"


def _line(name: str, results: Sequence[Scored]) -> str:
    cells = [name, str(len(results))]
    for ranked in ("context", "hypotheses", "bm25"):
        if ranked == "hypotheses":
            cells.append(f"{_h1(results):.2f}")
        cells += [f"{_share(results, ranked, k):.2f}" for k in KS]
        cells.append(f"{_share(results, ranked, 10**6):.2f}" if ranked == "hypotheses"
                     else f"{_mrr(results, ranked):.2f}")
    cells.append(_too_little(results))
    return "| " + " | ".join(cells) + " |"


def summary(results: Sequence[Scored]) -> str:
    """Overall and by category: context, H1-H3 and BM25 side by side."""
    if not results:
        return "no cases"
    head = ("| set | n | context @1 | @3 | @5 | MRR | H1 | H1–H3 @1 | @3 | @5 | any "
            "| BM25 @1 | @3 | @5 | MRR | too little* |\n|---|---:" + "|---:" * 14 + "|")
    categories = sorted({r.category for r in results if r.category})
    lines = [head, _line("**all**", results)]
    lines += [_line(c, [r for r in results if r.category == c]) for c in categories]
    errors = [r for r in results if r.error]
    lines += ["", f"per case: at most {max(r.seconds for r in results):.2f} s "
              f"({max(r.cpu_seconds for r in results):.2f} s of CPU) and "
              f"{max(r.peak_mb for r in results):.0f} MB peak RSS Δ; invented paths: "
              f"{sum(len(r.invented) for r in results)}; errors: {len(errors)}",
              "* H1 says the issue gives too little to localise / issues with a traceback "
              "frame, a path or module, or error text in the tree "
              f"({sum(r.too_little for r in results)} of all {len(results)})"]
    return "\n".join(lines)
