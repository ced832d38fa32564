"""The monthly spend cap (PLANBOT_MONTHLY_USD, `budget.monthly_usd`): a run that would take
its installation's estimated model spend this month (UTC) past the cap plans with the
offline planner, and the status comment says so; a model run's spend is counted as each
stage's draft comes back."""

from __future__ import annotations

from collections.abc import Callable

from bot.config import CONFIG_PATH, RepoConfig
from bot.domain import HypothesesDraft, PlanInput, TasksDraft
from bot.planners.offline import OfflinePlanner
from bot.ports import Planner
from bot.state.monthly_spend import Month, MonthlySpend

CAPPED = ("**Made without a model:** this installation's estimated model spend in {month} "
          "(UTC) is ${spent:,.2f}, and a model run would take it past the monthly cap of "
          "${cap:,.2f} ({source}), so the offline planner wrote the stages this run built. "
          "The cap starts again on the first of next month; an operator can raise "
          "`PLANBOT_MONTHLY_USD`.")
FROM_SETTINGS = "`PLANBOT_MONTHLY_USD`"
FROM_CONFIG = f"`budget.monthly_usd` in `{CONFIG_PATH}`"


def monthly_cap(installation_cap: float | None, config: RepoConfig) -> tuple[float | None, str]:
    """The cap that applies, and where it is set: a repository may only lower it."""
    repository_cap = config.budget.monthly_usd
    if repository_cap is not None and (installation_cap is None
                                       or repository_cap < installation_cap):
        return repository_cap, FROM_CONFIG
    return installation_cap, FROM_SETTINGS


def would_cross(month: Month, cap: float) -> bool:
    """Whether one more model run, costing what this month's runs cost on average, would
    take the month past `cap` (the month's first run is let through while under it)."""
    return month.usd >= cap or month.usd + month.per_run > cap


class Metered(Planner):
    """A model planner whose every draft's estimated cost is counted at once, so a stage
    that fails later still counts what it spent."""

    def __init__(self, planner: Planner, count: Callable[[float], None]) -> None:
        self.planner, self.count, self.name = planner, count, planner.name

    def hypotheses(self, plan: PlanInput) -> HypothesesDraft:
        draft = self.planner.hypotheses(plan)
        self.count(draft.usage.cost_usd)
        return draft

    def tasks(self, plan: PlanInput) -> TasksDraft:
        draft = self.planner.tasks(plan)
        self.count(draft.usage.cost_usd)
        return draft

    def close(self) -> None:
        self.planner.close()


class SpendGuard:
    """One run's planner under its installation's cap. `note`: what the status comment
    says when the cap made this run plan offline."""

    def __init__(self, spend: MonthlySpend, installation: int,
                 installation_cap: float | None) -> None:
        self.spend, self.installation, self.installation_cap = (spend, installation,
                                                                installation_cap)
        self.note = ""
        self._counted = False

    def planner(self, make: Callable[[RepoConfig], Planner], config: RepoConfig) -> Planner:
        planner = make(config)
        if planner.name == OfflinePlanner.name:
            return planner  # no model: nothing to count or cap
        cap, source = monthly_cap(self.installation_cap, config)
        if cap is not None:
            month = self.spend.month(self.installation)
            if would_cross(month, cap):
                planner.close()
                self.note = CAPPED.format(month=month.month, spent=month.usd, cap=cap,
                                          source=source)
                return OfflinePlanner()
        return Metered(planner, self._count)

    def _count(self, usd: float) -> None:
        self.spend.add(self.installation, usd, new_run=not self._counted)
        self._counted = True
