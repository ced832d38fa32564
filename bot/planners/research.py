"""The research turns before the hypotheses: the model's tool calls answered over the run's
snapshot, what it was shown and noted, and the cache breakpoints on the growing prefix."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from bot.domain import RepoContext
from bot.research.tools import Toolbox
from bot.text import clip, strip_invisible

MAX_CALLS_PER_TURN = 6
MAX_NOTES = 12
MAX_NOTE_CHARS = 400
# The API reads a cached prefix back from a breakpoint up to about 20 blocks earlier: a
# breakpoint on each of the last two user turns keeps the previous turn's write in reach
# however many tool results a turn adds (4 breakpoints at most; the system holds one).
BREAKPOINTS = 2
EPHEMERAL = {"type": "ephemeral"}
TOO_MANY_CALLS = f"not run: at most {MAX_CALLS_PER_TURN} tool calls per turn"
_PATHISH = re.compile(r"[\w.+-]+(?:/[\w.+-]+)*")

Block = dict[str, Any]
Message = dict[str, Any]


@dataclass
class Findings:
    """What research showed and found: for citation checks, the tasks stage, provenance."""

    shown: set[str] = field(default_factory=set)  # paths the context or a result showed
    read: list[str] = field(default_factory=list)  # `path:start-end` spans read
    asked: list[str] = field(default_factory=list)  # the calls, as `name(arguments)`
    notes: list[str] = field(default_factory=list)  # what the model wrote between calls
    turns: int = 0
    calls: int = 0
    errors: int = 0


def shown_by(context: RepoContext) -> set[str]:
    """The tree paths the repository context names (ranked files, excerpts)."""
    named = set(_PATHISH.findall(context.prompt_text)) | {s.path for s in context.snippets}
    return named & context.paths


class Session:
    """One stage's research: answers each turn's tool calls and keeps the findings."""

    def __init__(self, toolbox: Toolbox, context: RepoContext, max_turns: int) -> None:
        self.toolbox = toolbox
        self.max_turns = max_turns
        self.findings = Findings(shown=shown_by(context))

    @property
    def turns_left(self) -> int:
        return self.max_turns - self.findings.turns

    def answer(self, blocks: list[Block]) -> list[Block]:
        """A tool_result for every research call of one turn (its notes kept)."""
        found = self.findings
        found.turns += 1
        for block in blocks:
            if block["type"] == "text" and block["text"].strip() and len(found.notes) < MAX_NOTES:
                found.notes.append(clip(strip_invisible(block["text"]), MAX_NOTE_CHARS))
        results: list[Block] = []
        calls = [b for b in blocks if b["type"] == "tool_use"]  # an unknown name: an error
        for number, call in enumerate(calls):
            if number >= MAX_CALLS_PER_TURN:
                results.append(_result(call, TOO_MANY_CALLS, True))
                continue
            result = self.toolbox.run(call["name"], call["input"])
            found.calls += 1
            found.errors += result.is_error
            found.shown |= result.paths
            found.read += [r for r in result.read if r not in found.read]
            found.asked.append(f"{call['name']}({_arguments(call['input'])})")
            results.append(_result(call, result.text, result.is_error))
        return results


def _arguments(arguments: Any) -> str:
    if not isinstance(arguments, dict):
        return "…"
    return clip(", ".join(f"{k}={v!r}" for k, v in arguments.items()), 160)


def _result(call: Block, text: str, is_error: bool) -> Block:
    block: Block = {"type": "tool_result", "tool_use_id": call["id"], "content": text}
    return {**block, "is_error": True} if is_error else block


def cached(messages: list[Message]) -> list[Message]:
    """A copy of `messages` with a cache breakpoint on the last block of each of the last
    BREAKPOINTS user turns: each request reads the prefix the one before wrote."""
    marked = copy.deepcopy(messages)
    for message in marked:  # one spelling throughout, so each prefix reads as before
        if isinstance(message["content"], str):
            message["content"] = [{"type": "text", "text": message["content"]}]
    for message in [m for m in marked if m["role"] == "user"][-BREAKPOINTS:]:
        message["content"][-1]["cache_control"] = EPHEMERAL
    return marked
