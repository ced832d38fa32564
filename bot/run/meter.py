"""What a run counts for /metrics: how long each stage took, and what the model cost."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping

from bot.documents.provenance import counts, provenance
from bot.observe import metrics


class StageClock:
    """Times stages from the pipeline's "running" and "done" events."""

    def __init__(self) -> None:
        self.started: dict[str, float] = {}

    def __call__(self, stage: str, event: str) -> None:
        if event == "running":
            self.started[stage] = time.monotonic()
        elif event == "done" and stage in self.started:
            metrics.add("planbot_stage_seconds", time.monotonic() - self.started.pop(stage),
                        stage=stage)


def spent(documents: Mapping[str, str | None], ran: Iterable[str]) -> None:
    """The tokens and estimated cost recorded in the provenance of the documents a run
    built (the offline planner records none), and the model's research turns and tool
    calls, per plan."""
    tokens = 0
    for stage in ran:
        mark = provenance(documents.get(stage) or "")
        if mark is None:
            continue
        for kind, count in counts(mark.tokens):
            metrics.add("planbot_model_tokens", count, kind=kind)
            tokens += count
        if mark.cost:
            metrics.add("planbot_model_cost_usd", float(mark.cost.lstrip("$")))
        research = dict(counts(mark.research))
        if research:
            metrics.add("planbot_research_turns", research.get("turns", 0))
            metrics.add("planbot_research_tool_calls", research.get("calls", 0))
            metrics.add("planbot_research_tool_errors", research.get("errors", 0))
    if tokens:
        metrics.add("planbot_plan_model_tokens", tokens)

