"""Estimated cost of model calls, from a small price table keyed by model family."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from bot.domain import Usage


@dataclass(frozen=True)
class Price:
    """USD per million tokens. A cache write is the 5-minute TTL (1.25x input)."""

    input: float
    output: float
    cache_write: float
    cache_read: float

    def cost(self, usage: Usage) -> float:
        dollars = (
            usage.input_tokens * self.input
            + usage.output_tokens * self.output
            + usage.cache_write_tokens * self.cache_write
            + usage.cache_read_tokens * self.cache_read
        ) / 1_000_000
        return round(dollars, 6)


# Source: Anthropic's pricing page (platform.claude.com/docs/en/about-claude/pricing),
# "Model pricing" and "Prompt caching", as of 2026-10. It is unreachable from here, so the
# figures were read from third-party tables citing it (docs.rs: synaps 0.10.2 and
# claude-session-parser 0.2.7). An estimate for the provenance line, not a bill:
# update it when the page changes. The longest key found in the model id wins.
PRICES: dict[str, Price] = {
    "claude-fable-5-": Price(10.00, 50.00, 12.50, 0.25),  # 5.1 and later
    "claude-fable": Price(10.00, 50.00, 12.50, 1.00),
    "claude-mythos-5-": Price(10.00, 50.00, 12.50, 0.25),
    "claude-mythos": Price(10.00, 50.00, 12.50, 1.00),
    "claude-opus-5-5": Price(4.00, 20.00, 5.00, 0.20),
    "claude-opus-4-0": Price(15.00, 75.00, 18.75, 1.50),
    "claude-opus-4-1": Price(15.00, 75.00, 18.75, 1.50),
    "claude-opus-4-2025": Price(15.00, 75.00, 18.75, 1.50),  # Opus 4 by date
    "claude-opus": Price(5.00, 25.00, 6.25, 0.50),
    "claude-sonnet-5-5": Price(2.00, 10.00, 2.50, 0.10),
    "claude-sonnet-5": Price(2.00, 10.00, 2.50, 0.20),
    "claude-sonnet": Price(3.00, 15.00, 3.75, 0.30),
    "claude-haiku-5-5": Price(0.10, 0.50, 0.125, 0.01),  # prompts up to 100k tokens
    "claude-haiku": Price(1.00, 5.00, 1.25, 0.10),
}
FAMILIES: tuple[str, ...] = ("fable", "mythos", "opus", "sonnet", "haiku")
# A model of no known family (a new name, a proxy's alias) is priced as a Sonnet.
DEFAULT_FAMILY = "sonnet"


def price_of(model: str) -> Price:
    """The price of `model`; an unlisted version gets its family's default price."""
    model = model.lower()
    matches = [key for key in PRICES if key in model]
    if matches:
        return PRICES[max(matches, key=len)]
    family = next((f for f in FAMILIES if f in model), DEFAULT_FAMILY)
    return PRICES[f"claude-{family}"]


def priced(model: str, usage: Usage) -> Usage:
    """`usage` with its estimated cost for `model` filled in."""
    return replace(usage, cost_usd=price_of(model).cost(usage))


def budgeted(model: str, usage: Usage) -> int:
    """`usage` as `context.plan_tokens` counts it: a cache read as the share of an input
    token its price is (a tenth for most models), every other token as one. Research turns
    read the whole growing prefix again; counted in full, five turns of a 24k-token
    context would spend the default budget on what costs a fraction of it."""
    price = price_of(model)
    reads = math.ceil(usage.cache_read_tokens * price.cache_read / price.input)
    return usage.input_tokens + usage.output_tokens + usage.cache_write_tokens + reads
