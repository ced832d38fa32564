"""Stages 2 and 3: pick the planner a run uses."""

from __future__ import annotations

from bot.config import RepoConfig
from bot.ports import Planner
from bot.settings import Settings


def make_planner(settings: Settings, repo_config: RepoConfig) -> Planner:
    """Anthropic when an API key is set, else the offline heuristics. A new planner per run:
    it counts the run's tokens against `context.plan_tokens`."""
    # Imported here so that the offline path never loads the anthropic SDK.
    if settings.offline_planner:
        from bot.planners.offline import OfflinePlanner

        return OfflinePlanner()
    from bot.planners.anthropic import AnthropicPlanner

    return AnthropicPlanner(
        api_key=settings.anthropic_api_key,
        model=repo_config.model or settings.model,
        base_url=settings.anthropic_base_url or None,
        plan_tokens=repo_config.context.plan_tokens,
        research_turns=repo_config.research.max_turns,
    )
