"""A loopback Anthropic Messages API: checks request shapes, records them, answers from a script.

    with LoopbackAnthropic(paths=("src/app.py",)) as api:
        api.respond_with_calls([("grep", {"pattern": "parse"})], "Looking for the parser.")
        api.respond_with_tool("record_hypotheses", {...})   # or nothing: a default answer
        planner = AnthropicPlanner(api_key="k", base_url=api.url)

Usage is simulated as the API's prompt caching counts it: a request reads the longest
prefix an earlier request cached (tools, system, then message blocks), looking back from
each `cache_control` breakpoint up to LOOKBACK blocks, and writes the prefix up to its
last breakpoint; what follows that breakpoint is uncached input.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import threading
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from bot.planners.schema import HYPOTHESES, TASKS

ERROR_TYPES = {
    400: "invalid_request_error", 401: "authentication_error", 403: "permission_error",
    404: "not_found_error", 429: "rate_limit_error", 500: "api_error", 529: "overloaded_error",
}


@dataclass(frozen=True)
class Recorded:
    path: str
    headers: dict[str, str]  # lower-cased names
    raw: bytes
    body: dict[str, Any]


@dataclass(frozen=True)
class Answer:
    """A scripted 200: content blocks (tool_use ids are filled in), and usage (None:
    simulated)."""

    blocks: tuple[dict[str, Any], ...]
    stop_reason: str
    usage: dict[str, int] | None = None


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


def default_hypotheses(paths: Sequence[str] = ()) -> dict[str, Any]:
    """A plausible `record_hypotheses` input citing the first of `paths`."""
    return {"hypotheses": [
        {"title": "Input validation misses the empty case", "likelihood": "Most likely",
         "evidence": ["The traceback ends in the input handling code."],
         "where_to_look": list(paths[:1]), "how_to_verify": "Add a failing test with empty input."},
        {"title": "A stale cache returns old results", "likelihood": "Possible",
         "evidence": ["The failure is intermittent."],
         "where_to_look": list(paths[1:2]), "how_to_verify": "Disable the cache and rerun."},
    ]}


def default_tasks(paths: Sequence[str] = ()) -> dict[str, Any]:
    """A plausible `record_tasks` input: reproduce, fix, prove."""
    return {"tasks": [
        {"title": "Write a failing test that reproduces the issue", "depends_on": [],
         "paths": list(paths[:1])},
        {"title": "Fix the empty-input handling", "depends_on": [1], "paths": list(paths[:1])},
        {"title": "Run the whole test suite", "depends_on": [2], "paths": []},
    ]}


DEFAULT_ANSWERS = {HYPOTHESES.tool: default_hypotheses, TASKS.tool: default_tasks}
LOOKBACK = 20  # blocks before a breakpoint where the API looks for an earlier cache entry
MAX_BREAKPOINTS = 4


def _tokens(value: Any) -> int:
    return max(1, math.ceil(len(json.dumps(value)) / 4))


def api_key_of(headers: dict[str, str]) -> str:
    """The API key a request carries: anthropic 2.x sends `Authorization: Bearer`, older
    SDKs and the API reference `x-api-key`; the API accepts both."""
    bearer = headers.get("authorization", "")
    return headers.get("x-api-key") or (bearer[7:] if bearer.startswith("Bearer ") else "")


def _header_problems(headers: dict[str, str]) -> list[str]:
    found = []
    if not api_key_of(headers):
        found.append("no API key (x-api-key or Authorization: Bearer)")
    if not headers.get("anthropic-version"):
        found.append("header anthropic-version is missing")
    return found


def _setup_problems(body: dict[str, Any]) -> list[str]:
    """Model, limits, the cached system prefix and the forced tool."""
    found = []
    if not isinstance(body.get("model"), str) or not body["model"]:
        found.append("model must be a non-empty string")
    if not isinstance(body.get("max_tokens"), int) or body["max_tokens"] < 1:
        found.append("max_tokens must be a positive integer")
    system = body.get("system")
    if not isinstance(system, list) or not system or any(b.get("type") != "text" for b in system):
        found.append("system must be a list of text blocks")
    elif system[-1].get("cache_control") != {"type": "ephemeral"}:
        found.append("the last system block must carry cache_control ephemeral")
    tools = body.get("tools") or []
    names = [t.get("name") for t in tools]
    if not tools or any(not t.get("description") or t.get("input_schema", {}).get("type")
                        != "object" for t in tools):
        found.append("tools must each have a name, a description and an object input_schema")
    choice = body.get("tool_choice") or {}
    if choice.get("type") not in ("auto", "any") and (
            choice.get("type") != "tool" or choice.get("name") not in names):
        found.append("tool_choice must force one of the tools, or be auto or any")
    marks = json.dumps(body).count('"cache_control"')
    if marks > MAX_BREAKPOINTS:
        found.append(f"at most {MAX_BREAKPOINTS} cache_control breakpoints, not {marks}")
    return found


def _turn_problems(messages: Any) -> list[str]:
    if not isinstance(messages, list) or not messages or messages[0].get("role") != "user":
        return ["messages must start with a user turn"]
    found = []
    for turn, following in zip(messages, [*messages[1:], {}], strict=True):
        blocks = turn["content"] if isinstance(turn["content"], list) else []
        asked = {b["id"] for b in blocks if b.get("type") == "tool_use"}
        nxt = following.get("content") if isinstance(following.get("content"), list) else []
        answered = {b.get("tool_use_id") for b in nxt or [] if b.get("type") == "tool_result"}
        if asked - answered:
            found.append("every tool_use must be answered by a tool_result in the next turn")
        if answered - asked and following.get("role") == "user":
            found.append("a tool_result must answer a tool_use of the turn before")
        for block in blocks:
            if block.get("type") == "tool_result" and not isinstance(
                    block.get("content"), (str, list)):
                found.append("a tool_result's content must be a string or a list of blocks")
            if "is_error" in block and not isinstance(block["is_error"], bool):
                found.append("is_error must be a boolean")
    return found


def request_problems(headers: dict[str, str], body: Any) -> list[str]:
    """What is wrong with a Messages API request, as planbot must send it."""
    found = _header_problems(headers)
    if not isinstance(body, dict):
        return [*found, "body is not a JSON object"]
    return found + _setup_problems(body) + _turn_problems(body.get("messages"))


class LoopbackAnthropic:
    """`POST /v1/messages` on 127.0.0.1, answering from a queue of scripted replies.

    With an empty queue it answers the forced tool with a default input built from
    `paths`. Usage is simulated unless a reply gives it: the tools+system prefix is a
    cache write the first time it is seen and a cache read afterwards.
    """

    def __init__(self, paths: Sequence[str] = ()) -> None:
        self.paths = tuple(paths)
        self.requests: list[Recorded] = []
        self.problems: list[str] = []  # shape violations; answered with 400
        self.usages: list[dict[str, int]] = []  # the usage of each 200 answer, in order
        self._script: deque[Answer | Reply] = deque()
        self._cached: set[str] = set()
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.api = self
        # A short poll interval: shutdown() waits for the serving loop to look up.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,),
                                        daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> LoopbackAnthropic:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    # Scripting
    def respond_with_tool(self, name: str, tool_input: dict[str, Any],
                          usage: dict[str, int] | None = None,
                          stop_reason: str = "tool_use") -> None:
        block = {"type": "tool_use", "name": name, "input": tool_input}
        self._script.append(Answer((block,), stop_reason, usage))

    def respond_with_calls(self, calls: Sequence[tuple[str, dict[str, Any]]], text: str = "",
                           usage: dict[str, int] | None = None) -> None:
        """One research turn: an optional note, then tool calls (ids are filled in)."""
        blocks: list[dict[str, Any]] = [{"type": "text", "text": text}] if text else []
        blocks += [{"type": "tool_use", "name": n, "input": i} for n, i in calls]
        self._script.append(Answer(tuple(blocks), "tool_use", usage))

    def respond_with_text(self, text: str, stop_reason: str = "end_turn") -> None:
        self._script.append(Answer(({"type": "text", "text": text},), stop_reason))

    def fail(self, status: int, times: int = 1, retry_after_ms: int = 1) -> None:
        """Answer the next `times` requests with an API error; a tiny retry-after-ms keeps
        the SDK's retries fast."""
        reply = _error(status, f"HTTP {status}")
        for _ in range(times):
            self._script.append(Reply(status, reply.body, {"retry-after-ms": str(retry_after_ms)}))

    # Reading what was sent
    def messages(self) -> list[dict[str, Any]]:
        """The bodies of every `POST /v1/messages`, in order."""
        return [r.body for r in self.requests if r.path == "/v1/messages"]

    def usage_of(self, n: int) -> dict[str, int]:
        """The usage the `n`-th successful answer reported (0-based)."""
        return self.usages[n]

    # Answering
    def _answer(self, path: str, headers: dict[str, str], raw: bytes) -> Reply:
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        with self._lock:
            recorded = Recorded(path, headers, raw, body if isinstance(body, dict) else {})
            self.requests.append(recorded)
            if path != "/v1/messages":
                return _error(404, f"no route {path}")
            found = request_problems(headers, body)
            if found:
                self.problems += found
                return _error(400, "; ".join(found))
            step = self._script.popleft() if self._script else None
            if isinstance(step, Reply):
                return step
            return Reply(200, self._message(body, step, len(self.requests)))

    def _default(self, body: dict[str, Any]) -> Answer:
        # A research turn (tool_choice auto or any) records the hypotheses at once.
        tool = body["tool_choice"].get("name", HYPOTHESES.tool)
        if tool not in DEFAULT_ANSWERS:
            return Answer(({"type": "text", "text": f"I know no tool {tool}."},), "end_turn")
        block = {"type": "tool_use", "name": tool, "input": DEFAULT_ANSWERS[tool](self.paths)}
        return Answer((block,), "tool_use")

    def _message(self, body: dict[str, Any], answer: Answer | None, n: int) -> dict[str, Any]:
        answer = answer or self._default(body)
        content = [{**b, "id": f"toolu_{n:04d}_{i}"} if b["type"] == "tool_use" else b
                   for i, b in enumerate(answer.blocks)]
        usage = answer.usage or self._usage(body, content)
        self.usages.append(usage)
        return {"id": f"msg_{n:04d}", "type": "message", "role": "assistant",
                "model": body["model"], "content": content, "stop_reason": answer.stop_reason,
                "stop_sequence": None, "usage": usage}

    def _usage(self, body: dict[str, Any], content: list[dict[str, Any]]) -> dict[str, int]:
        prefixes = _prefixes(body)
        marks = [i for i, (_, _, mark) in enumerate(prefixes) if mark]
        near = {j for i in marks for j in range(max(0, i - LOOKBACK), i + 1)}
        hits = [i for i in sorted(near) if prefixes[i][0] in self._cached]
        read = prefixes[hits[-1]][1] if hits else 0
        written = prefixes[marks[-1]][1] - read if marks and marks[-1] > max(hits or [-1]) else 0
        self._cached.update(prefixes[i][0] for i in marks)
        total = _tokens([body["tools"], body["system"]]) + _tokens(body["messages"])
        return {"input_tokens": total - read - written, "output_tokens": _tokens(content),
                "cache_creation_input_tokens": written, "cache_read_input_tokens": read}


def _prefixes(body: dict[str, Any]) -> list[tuple[str, int, bool]]:
    """(key, tokens, carries a breakpoint) of every prefix that ends at a block boundary:
    the tools and system first (the system's last block holds planbot's breakpoint), then
    each message block. Counted as today for a request that marks the system alone."""
    head = [body["tools"], body["system"]]
    out = [(_key(head), _tokens(head), bool(body["system"][-1].get("cache_control")))]
    messages: list[dict[str, Any]] = []
    for message in body["messages"]:
        content = message["content"]
        blocks = content if isinstance(content, list) else [{"type": "text", "text": content}]
        for n, block in enumerate(blocks, 1):
            cut = [*messages, {**message, "content": content if isinstance(content, str)
                               else blocks[:n]}]
            out.append((_key([*head, cut]), _tokens(head) + _tokens(cut), "cache_control" in block))
        messages.append(message)
    return out


def _key(prefix: Any) -> str:
    """A cached prefix's identity: its content, wherever the breakpoints stand."""
    text = re.sub(r', "cache_control": \{"type": "ephemeral"\}', "", json.dumps(prefix))
    return hashlib.sha256(text.encode()).hexdigest()


def _error(status: int, message: str) -> Reply:
    kind = ERROR_TYPES.get(status, "api_error")
    return Reply(status, {"type": "error", "error": {"type": kind, "message": message}})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    api: LoopbackAnthropic


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        headers = {k.lower(): v for k, v in self.headers.items()}
        reply = self.server.api._answer(self.path, headers, raw)
        data = json.dumps(reply.body).encode()
        self.send_response(reply.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("request-id", f"req_loopback_{len(self.server.api.requests):04d}")
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base signature)
        """Quiet: tests read `requests`, not the access log."""
