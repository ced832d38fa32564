"""The Anthropic planner: each stage is one forced tool call, validated, cached and budgeted."""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Collection
from dataclasses import replace
from typing import Any, cast

import anthropic
from anthropic.types import (
    Message,
    MessageParam,
    TextBlock,
    TextBlockParam,
    ToolChoiceParam,
    ToolParam,
    ToolUseBlock,
)

from bot.config import ContextBudget
from bot.domain import HypothesesDraft, PlanInput, RepoContext, TasksDraft, Usage
from bot.planners import prompts, schema
from bot.planners.pricing import budgeted, priced
from bot.planners.research import Findings, Session, cached
from bot.planners.schema import HYPOTHESES, TASKS, Output
from bot.ports import BudgetExceeded, ModelUnavailable, Planner, PlannerError
from bot.research.tools import TOOLS, Toolbox
from bot.settings import DEFAULT_MODEL

log = logging.getLogger(__name__)

# Anthropic's rule of thumb for English text. The estimate only guards the budget before a
# call (counting tokens exactly would cost a round trip per call); what a call really used
# is read from its response.
CHARS_PER_TOKEN = 4
DEFAULT_MAX_TOKENS = 4096  # 7 hypotheses or 20 tasks fit with room to spare

# What failed; bot/failures.py says what to do about it.
BUDGET_EXCEEDED = (
    "the {stage} stage needs about {needed:,} tokens{during}, but this plan has already spent "
    "{spent:,} of its {budget:,}-token budget (`context.plan_tokens`)"
)
DURING_RESEARCH = " for its research turn {turn} of {turns}"
NOT_SHOWN = "was not shown by the context or a tool result; cite only paths you were shown"
INVALID_TWICE = "the model's {stage} did not validate, even after one repair round: {problems}"
# What the user can do about each kind of API failure, most specific first.
API_FAILURES: tuple[tuple[type[anthropic.APIError], str], ...] = (
    (anthropic.AuthenticationError, "the API key was rejected; check ANTHROPIC_API_KEY"),
    (anthropic.PermissionDeniedError, "the API key may not use this model"),
    (anthropic.NotFoundError,
     "the model was not found; check `model` in .github/planbot.yml or PLANBOT_MODEL"),
    (anthropic.RateLimitError, "still rate limited after retries; try again in a few minutes"),
    (anthropic.InternalServerError,
     "the API is unavailable or overloaded; try again in a few minutes"),
    (anthropic.APIConnectionError, "the API could not be reached; check ANTHROPIC_BASE_URL"),
)


# Worth the same call again later (after the SDK's own retries gave up).
TRANSIENT = (anthropic.RateLimitError, anthropic.InternalServerError, anthropic.APIConnectionError)


def _failure(exc: anthropic.APIError, model: str) -> ModelUnavailable:
    hint = next((h for kind, h in API_FAILURES if isinstance(exc, kind)), "the call failed")
    status = f" ({exc.status_code})" if isinstance(exc, anthropic.APIStatusError) else ""
    return ModelUnavailable(f"Anthropic{status}, model {model}: {hint}. {_said(exc)}",
                            transient=isinstance(exc, TRANSIENT))


def _said(exc: anthropic.APIError) -> str:
    """What the API said, in its own words: the SDK's message of a status error is
    "Error code: 529 - {...}", a Python dict that has no place in a public comment."""
    body = exc.body if isinstance(exc.body, dict) else {}
    error = body.get("error")
    said = error.get("message") if isinstance(error, dict) else None
    return str(said) if said else exc.message.split(" - {", 1)[0]


def model_problem(api_key: str, model: str, base_url: str | None = None) -> str | None:
    """Why `model` cannot be used with `api_key` (one metadata request, no tokens), or None."""
    client = anthropic.Anthropic(api_key=api_key, base_url=base_url, max_retries=0, timeout=15)
    try:
        client.models.retrieve(model)
    except anthropic.APIError as exc:
        return str(_failure(exc, model))
    finally:
        client.close()
    return None


class AnthropicPlanner(Planner):
    """One run's planner: it tracks every token the run spends against `plan_tokens`."""

    def __init__(
        self,
        api_key: str,
        model: str = DEFAULT_MODEL,
        base_url: str | None = None,
        plan_tokens: int = ContextBudget.plan_tokens,
        max_retries: int = 2,
        timeout: float = 120.0,
        max_tokens: int = DEFAULT_MAX_TOKENS,
        research_turns: int = 0,
    ) -> None:
        self.model = model
        self.name = f"anthropic:{model}"
        self.plan_tokens = plan_tokens
        self.max_tokens = max_tokens
        self.research_turns = research_turns
        self.spent = Usage()
        self.findings: Findings | None = None  # the hypotheses' research, for the tasks
        # base_url None lets the SDK read ANTHROPIC_BASE_URL; its retries cover 408/429/5xx.
        self._client = anthropic.Anthropic(
            api_key=api_key, base_url=base_url or None, max_retries=max_retries, timeout=timeout
        )
        # Both tools in every request: tools open the cache prefix, so they must not vary
        # by stage; tool_choice picks the stage's tool without touching the prefix.
        self._tools = [
            ToolParam(name=o.tool, description=o.description, input_schema=o.schema)
            for o in schema.OUTPUTS
        ]
        if research_turns:  # one tool list for both stages still: the prefix stays shared
            self._tools += [ToolParam(name=t.name, description=t.description,
                                      input_schema=t.schema) for t in TOOLS]

    def close(self) -> None:
        # A worker lives for days and makes a planner per run: give back its HTTP pool.
        self._client.close()

    def hypotheses(self, plan: PlanInput) -> HypothesesDraft:
        source = plan.context.source
        if not self.research_turns or source is None:
            data, usage = self._answer(HYPOTHESES, plan)
            return HypothesesDraft(schema.to_hypotheses(data), self.name, usage)
        session = Session(Toolbox(source), plan.context, self.research_turns)
        data, usage = self._answer(HYPOTHESES, plan, session)
        self.findings = found = session.findings
        usage = replace(usage, research_turns=found.turns, tool_calls=found.calls,
                        tool_errors=found.errors)
        return HypothesesDraft(schema.to_hypotheses(data), self.name, usage)

    def tasks(self, plan: PlanInput) -> TasksDraft:
        data, usage = self._answer(TASKS, plan)
        return TasksDraft(schema.to_tasks(data), self.name, usage)

    def _system(self, context: RepoContext) -> list[TextBlockParam]:
        return [
            {"type": "text", "text": prompts.SYSTEM_PROMPT},
            {"type": "text", "text": prompts.repository_text(context),
             "cache_control": {"type": "ephemeral"}},
        ]

    def _request(self, output: Output, plan: PlanInput, session: Session | None) -> str:
        if session is not None:
            return prompts.stage_request(output, plan, research_turns=session.max_turns)
        found = self.findings
        if output is TASKS and found is not None:
            return prompts.stage_request(output, plan, findings=prompts.findings_text(
                found.read, found.asked, found.notes))
        return prompts.stage_request(output, plan)

    def _answer(self, output: Output, plan: PlanInput, session: Session | None = None,
                ) -> tuple[dict[str, Any], Usage]:
        """The validated tool input, after research (with a session) and at most one
        repair round, and what it cost."""
        system = self._system(plan.context)
        messages: list[MessageParam] = [
            {"role": "user", "content": self._request(output, plan, session)}
        ]
        # The first answer must also cite real paths (with research: paths it was shown);
        # after the repair round, stray paths are left to bot/validate.py, which drops
        # them with a note, for every planner.
        known: Collection[str] | None = plan.context.paths
        usage = Usage()
        response = None
        if session is not None:
            response, usage = self._research(output, system, messages, session)
            known = session.findings.shown
        for attempt in (1, 2):
            if response is None:
                response = self._create(output, system, _marked(messages, session))
                usage += self._record(response)
            call = next((b for b in response.content
                         if isinstance(b, ToolUseBlock) and b.name == output.tool), None)
            if call is None:
                found = [f"no `{output.tool}` call came back (stop_reason: {response.stop_reason})"]
            else:
                found = schema.problems(output, call.input, known,
                                        NOT_SHOWN if session is not None else schema.NOT_LISTED)
                if not found:
                    return call.input, usage
            if response.stop_reason == "max_tokens":
                found.append(f"the answer was cut off at {self.max_tokens} tokens; write less")
            log.warning("%s: invalid %s (attempt %d): %s", self.name, output.key, attempt, found)
            messages += _repair_turns(output, response, call, found)
            known, response = None, None
        raise PlannerError(INVALID_TWICE.format(stage=output.key, problems="; ".join(found)))

    def _research(self, output: Output, system: list[TextBlockParam],
                  messages: list[MessageParam], session: Session) -> tuple[Message | None, Usage]:
        """Research turns until the model records (that answer is returned) or the turns
        run out (None: the caller forces the record). Each turn's calls are answered."""
        usage = Usage()
        while session.turns_left > 0:
            during = DURING_RESEARCH.format(turn=session.findings.turns + 1,
                                            turns=session.max_turns)
            response = self._create(output, system, _marked(messages, session),
                                    {"type": "auto"}, during)
            usage += self._record(response)
            blocks = _blocks(response)
            if any(b["type"] == "tool_use" and b["name"] == output.tool for b in blocks):
                session.findings.turns += 1
                return response, usage
            results = session.answer(blocks)
            text = prompts.research_next(output, session.turns_left)
            turns = [
                {"role": "assistant", "content": blocks or [{"type": "text", "text": "…"}]},
                {"role": "user", "content": [*results, {"type": "text", "text": text}]},
            ]
            messages += cast(list[MessageParam], turns)  # plain dicts of the API's shapes
        return None, usage

    def _create(
        self, output: Output, system: list[TextBlockParam], messages: list[MessageParam],
        choice: ToolChoiceParam | None = None, during: str = "",
    ) -> Message:
        chars = len(json.dumps([self._tools, system, messages], ensure_ascii=False))
        needed = math.ceil(chars / CHARS_PER_TOKEN) + self.max_tokens
        spent = budgeted(self.model, self.spent)
        if spent + needed > self.plan_tokens:
            raise BudgetExceeded(BUDGET_EXCEEDED.format(
                stage=output.key, needed=needed, during=during, spent=spent,
                budget=self.plan_tokens))
        try:
            return self._client.messages.create(
                model=self.model,
                max_tokens=self.max_tokens,
                system=system,
                tools=self._tools,
                tool_choice=choice or {"type": "tool", "name": output.tool},
                messages=messages,
            )
        except anthropic.APIError as exc:
            raise _failure(exc, self.model) from exc

    def _record(self, response: Message) -> Usage:
        u = response.usage
        usage = priced(self.model, Usage(
            input_tokens=u.input_tokens,
            output_tokens=u.output_tokens,
            cache_read_tokens=u.cache_read_input_tokens or 0,
            cache_write_tokens=u.cache_creation_input_tokens or 0,
        ))
        self.spent += usage
        log.info("%s: in=%d out=%d cache_read=%d cache_write=%d cost=$%.4f", self.name,
                 usage.input_tokens, usage.output_tokens, usage.cache_read_tokens,
                 usage.cache_write_tokens, usage.cost_usd)
        return usage


def _marked(messages: list[MessageParam], session: Session | None) -> list[MessageParam]:
    """With research, the growing conversation carries the cache breakpoints; without,
    the messages go as they are (the system prefix alone is cached, as ever)."""
    if session is None:
        return messages
    return cast(list[MessageParam], cached(cast(list[dict[str, Any]], messages)))


def _blocks(response: Message) -> list[dict[str, Any]]:
    """The answer's text and tool calls as request blocks, to send back in the next turn."""
    blocks: list[dict[str, Any]] = []
    for block in response.content:
        if isinstance(block, TextBlock) and block.text.strip():
            blocks.append({"type": "text", "text": block.text})
        elif isinstance(block, ToolUseBlock):
            blocks.append({"type": "tool_use", "id": block.id, "name": block.name,
                           "input": block.input})
    return blocks


def _repair_turns(
    output: Output, response: Message, call: ToolUseBlock | None, found: list[str]
) -> list[MessageParam]:
    """The model's answer and our reply quoting what failed. A tool call must be answered
    by a tool_result for the same id; anything else by a plain user turn."""
    text = prompts.repair_request(output, found)
    if call is not None:
        return [
            {"role": "assistant", "content": [
                {"type": "tool_use", "id": call.id, "name": call.name, "input": call.input}]},
            {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": call.id, "is_error": True,
                 "content": text}]},
        ]
    said: list[TextBlockParam] = [{"type": "text", "text": b.text} for b in response.content
                                  if isinstance(b, TextBlock) and b.text.strip()]
    turns: list[MessageParam] = [{"role": "assistant", "content": said}] if said else []
    return [*turns, {"role": "user", "content": text}]
