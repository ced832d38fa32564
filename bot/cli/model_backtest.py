"""`backtest --planner anthropic`: the model's hypotheses per case, beside the offline ones."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from bot.cli.scores import cited_paths, first_cited, hit, rank_cell
from bot.config import RepoConfig, Research
from bot.documents.related import BACKTEST, unsearched
from bot.domain import HypothesesDraft, PlanInput, RepoContext, TasksDraft
from bot.planners import make_planner
from bot.ports import Planner
from bot.run.pipeline import Inputs, Stages, run
from bot.settings import Settings

NEEDS_KEY = ("planbot: --planner anthropic needs ANTHROPIC_API_KEY (and ANTHROPIC_BASE_URL "
             "for another endpoint); it is not set, so nothing ran")


@dataclass
class ModelScore:
    """One case's model run: what H1 and H1-H3 cite, and what the research cost."""

    h1: list[str] = field(default_factory=list)
    hypotheses: list[str] = field(default_factory=list)
    invented: list[str] = field(default_factory=list)
    turns: int = 0
    tool_calls: int = 0
    tokens: int = 0
    cost_usd: float = 0.0
    error: str = ""


class Scored(Protocol):
    case: str
    gold: list[str]
    first: list[str]  # the offline H1's paths
    hypotheses: list[str]
    model: ModelScore | None


class Recording(Planner):
    """A planner whose hypotheses draft is kept as it came, before validation."""

    def __init__(self, inner: Planner) -> None:
        self.inner = inner
        self.name = inner.name
        self.draft: HypothesesDraft | None = None

    def hypotheses(self, plan: PlanInput) -> HypothesesDraft:
        self.draft = self.inner.hypotheses(plan)
        return self.draft

    def tasks(self, plan: PlanInput) -> TasksDraft:
        return self.inner.tasks(plan)

    def close(self) -> None:
        self.inner.close()


def model_hypotheses(inputs: Inputs, context: RepoContext, settings: Settings,
                     max_turns: int | None = None) -> ModelScore:
    """Stages 1 and 2 with the Anthropic planner over the context the offline run had."""
    config = RepoConfig() if max_turns is None else RepoConfig(research=Research(max_turns))
    planner = Recording(make_planner(settings, config))
    score = ModelScore()
    try:
        run(inputs, Stages(lambda: planner, lambda text: context, unsearched(BACKTEST)),
            ("problem", "hypotheses"))
    except Exception as exc:  # one failed case is a row that says so, not a lost run
        score.error = f"{type(exc).__name__}: {exc}"
    finally:
        planner.close()
    draft = planner.draft
    if draft is not None:
        score.hypotheses, score.invented = cited_paths(draft, context)
        score.h1 = first_cited(draft, context)[0]
        usage = draft.usage
        score.turns, score.tool_calls = usage.research_turns, usage.tool_calls
        score.tokens, score.cost_usd = usage.total, usage.cost_usd
    return score


MODEL_HEAD = ("| case | offline H1 | offline H1–H3 | model H1 | model H1–H3 | turns | tool calls "
              "| tokens | $ | error |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")


def model_row(r: Scored) -> str:
    m = r.model or ModelScore(error="not run")
    return (f"| {r.case} | {rank_cell(r.first, r.gold)} | {rank_cell(r.hypotheses, r.gold)} "
            f"| {rank_cell(m.h1, r.gold)} | {rank_cell(m.hypotheses, r.gold)} | {m.turns} "
            f"| {m.tool_calls} | {m.tokens:,} | {m.cost_usd:.4f} | {m.error[:120]} |")


def _shares(name: str, pairs: Sequence[tuple[list[str], list[str], list[str]]]) -> str:
    n = len(pairs)
    h1 = sum(hit(h1, gold, 10**6) for h1, _, gold in pairs) / n
    cells = [f"{sum(hit(h, gold, k) for _, h, gold in pairs) / n:.2f}" for k in (1, 3, 10**6)]
    return f"| {name} | {n} | {h1:.2f} | " + " | ".join(cells)


def model_summary(results: Sequence[Scored]) -> str:
    """H1 and H1-H3 hits of both planners, and the model's turns, tokens and cost."""
    if not results:
        return "no cases"
    models = [r.model or ModelScore() for r in results]
    head = ("| planner | n | H1 cites a fixed file | H1–H3 @1 | @3 | any | turns | tool calls "
            "| tokens | $ |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    offline = _shares("offline", [(r.first, r.hypotheses, r.gold) for r in results])
    model = _shares("anthropic", [(m.h1, m.hypotheses, r.gold)
                                  for r, m in zip(results, models, strict=True)])
    turns = sum(m.turns for m in models)
    calls = sum(m.tool_calls for m in models)
    tokens = sum(m.tokens for m in models)
    cost = sum(m.cost_usd for m in models)
    errors = sum(1 for m in models if m.error)
    return "\n".join([head, offline + " | | | | |",
                      model + f" | {turns} | {calls} | {tokens:,} | {cost:.4f} |", "",
                      f"model errors: {errors}"])
