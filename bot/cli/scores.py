"""Score rankings against the files a fix changed: hit@k, reciprocal rank, Markdown tables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.documents.validate import Grounding
from bot.domain import HypothesesDraft, RepoContext
from bot.paths import CODE_SPAN, LINE_SUFFIX

KS = (1, 3, 5)
HYPOTHESES = 3  # H1-H3: what a reviewer reads first


class Scored(Protocol):
    case: str
    category: str
    gold: list[str]
    context: list[str]
    hypotheses: list[str]
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


def cited_paths(draft: HypothesesDraft, context: RepoContext) -> tuple[list[str], list[str]]:
    """Tree paths H1-H3 cite, in order ("where to look" first, then code spans in their
    text), and every path any hypothesis cites that the tree does not have."""
    ground = Grounding(context)
    cited: list[str] = []
    for h in draft.items[:HYPOTHESES]:
        spans = [s for part in (h.title, *h.evidence) for s in CODE_SPAN.findall(part)]
        for ref in [*ground.refs(h.where_to_look), *spans]:
            path = ground.find(LINE_SUFFIX.sub("", ref.strip()))
            if path and path in context.paths and path not in cited:
                cited.append(path)
    for h in draft.items:  # the same checks validation makes before publishing
        ground.refs(h.where_to_look)
        for part in (h.title, *h.evidence, h.how_to_verify):
            ground.text(part)
    return cited, sorted(ground.missing)


def _rank(ranked: Sequence[str], gold: Sequence[str]) -> str:
    found = first_hit(ranked, gold)
    return str(found) if found else "—"


ROW_HEAD = ("| case | category | context | H1–H3 | BM25 | invented | s | CPU s | MB |\n"
            "|---|---|---:|---:|---:|---:|---:|---:|---:|")


def row(r: Scored) -> str:
    """One case: the position of its first fixed file in each ranking."""
    if r.error and not r.context:
        return f"| {r.case} | {r.category} | error: {r.error} | | | | | | |"
    return (f"| {r.case} | {r.category} | {_rank(r.context, r.gold)} "
            f"| {_rank(r.hypotheses, r.gold)} | {_rank(r.bm25, r.gold)} | {len(r.invented)} "
            f"| {r.seconds:.2f} | {r.cpu_seconds:.2f} | {r.peak_mb:.0f} |")


def _share(results: Sequence[Scored], ranked: str, k: int) -> float:
    return sum(hit(getattr(r, ranked), r.gold, k) for r in results) / len(results)


def _mrr(results: Sequence[Scored], ranked: str) -> float:
    return sum(reciprocal(getattr(r, ranked), r.gold) for r in results) / len(results)


def _line(name: str, results: Sequence[Scored]) -> str:
    cells = [name, str(len(results))]
    for ranked in ("context", "hypotheses", "bm25"):
        cells += [f"{_share(results, ranked, k):.2f}" for k in KS]
        cells.append(f"{_share(results, ranked, 10**6):.2f}" if ranked == "hypotheses"
                     else f"{_mrr(results, ranked):.2f}")
    return "| " + " | ".join(cells) + " |"


def summary(results: Sequence[Scored]) -> str:
    """Overall and by category: context, H1-H3 and BM25 side by side."""
    if not results:
        return "no cases"
    head = ("| set | n | context @1 | @3 | @5 | MRR | H1–H3 @1 | @3 | @5 | any "
            "| BM25 @1 | @3 | @5 | MRR |\n|---|---:" + "|---:" * 12 + "|")
    categories = sorted({r.category for r in results if r.category})
    lines = [head, _line("**all**", results)]
    lines += [_line(c, [r for r in results if r.category == c]) for c in categories]
    errors = [r for r in results if r.error]
    lines += ["", f"per case: at most {max(r.seconds for r in results):.2f} s "
              f"({max(r.cpu_seconds for r in results):.2f} s of CPU) and "
              f"{max(r.peak_mb for r in results):.0f} MB peak RSS Δ; invented paths: "
              f"{sum(len(r.invented) for r in results)}; errors: {len(errors)}"]
    return "\n".join(lines)
