"""`python -m bench.research`: research tool calls on the 20k-file tree, and a plan's tokens with
five scripted research turns against today's one-shot plan, on the loopback Messages API.

    python -m bench.research [--files N] [--before DIR] [--transcript FILE]

`--before DIR`: also run the one-shot plan with the `bot` package under DIR (e.g. main,
laid out with `git archive`) and compare its requests and token counts byte for byte.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.synth import SynthRepo, generate

TARGET_MS = 50.0
TARGET_RATIO = 2.5
TRANSCRIPT = Path("/work/eval-results/research-transcript.md")


def tool_calls(repo: SynthRepo) -> list[tuple[str, dict[str, Any]]]:
    """What a model looking for the identifier issue's bug might call, errors included."""
    folder = repo.target.rsplit("/", 1)[0]
    fn, line = repo.target_function, repo.target_line
    return [
        ("search_code", {"query": f"{fn} should retry instead of failing"}),
        ("search_code", {"query": "retries backoff ValueError"}),
        ("search_code", {"query": "checkout payment webhook signature"}),
        ("find_symbol", {"name": fn}),
        ("find_symbol", {"name": "get"}),
        ("grep", {"pattern": f"{fn}("}),
        ("grep", {"pattern": "retries=3", "path_glob": "services/*"}),
        ("grep", {"pattern": r"def \w+_customer\(", "regex": True}),
        ("grep", {"pattern": r"raise \w+Error\('missing", "regex": True}),
        ("grep", {"pattern": "(a+)+$", "regex": True}),
        ("read_file", {"path": repo.target, "start": max(1, line - 10), "end": line + 30}),
        ("read_file", {"path": repo.target}),
        ("read_file", {"path": "../outside.py"}),
        ("list_dir", {"path": folder}),
        ("list_dir", {}),
    ]


def _time_tools(repo: SynthRepo) -> dict[str, Any]:
    from bench.measure import issues
    from bot.config import ContextBudget
    from bot.context import search
    from bot.context.snapshot import from_directory
    from bot.research.tools import Toolbox

    snapshot = from_directory(repo.root, ContextBudget())
    search(snapshot, issues(repo)["identifier"])  # as in a run: the context comes first
    box = Toolbox(snapshot)
    started = time.perf_counter()
    index = box.index
    index.postings, index.vocabulary, index.folders  # noqa: B018 - built once per run
    build = time.perf_counter() - started
    rows = []
    for name, args in tool_calls(repo):
        times, cpu = [], []
        for _ in range(3):  # the first call has cold term caches, as in a run
            c0, t0 = time.process_time(), time.perf_counter()
            result = box.run(name, args)
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        rows.append({"tool": name, "args": args, "first_ms": times[0], "median_ms":
                     statistics.median(times), "cpu_first_ms": cpu[0], "error": result.is_error,
                     "chars": len(result.text)})
    return {"files": len(snapshot.entries), "index_s": build, "calls": rows}


ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "bot/cli/demo_issue.json"
# Five research turns of two calls on this checkout for the demo issue (a `gh api` issue
# file refused by `python -m bot plan`), one of them refused, one naming no file.
CHECKOUT_CALLS: list[tuple[str, dict[str, Any]]] = [
    ("search_code", {"query": "request_from_payload repository_url issue"}),
    ("read_file", {"path": "bot/cli/plan.py", "start": 1, "end": 40}),
    ("find_symbol", {"name": "issue_snapshot"}),
    ("grep", {"pattern": "repository_url"}),
    ("read_file", {"path": "bot/intake/events.py", "start": 1, "end": 60}),
    ("grep", {"pattern": r"def \w+_payload", "regex": True}),
    ("list_dir", {"path": "bot/cli"}),
    ("read_file", {"path": "bot/cli/issue.py"}),
    ("search_code", {"query": "gh api issue json offline plan"}),
    ("read_file", {"path": "tests/cli/test_cli.py", "start": 1, "end": 40}),
]


@dataclasses.dataclass(frozen=True)
class Case:
    name: str
    root: Path
    issue: str
    cites: str  # a path the recorded hypotheses cite
    calls: list[tuple[str, dict[str, Any]]]


def checkout_case() -> Case:
    issue = json.loads(DEMO.read_text())["issue"]
    return Case("this checkout, demo issue", ROOT, f"{issue['title']}\n{issue['body']}",
                "bot/cli/plan.py", CHECKOUT_CALLS)


def synth_case(repo: SynthRepo) -> Case:
    from bench.measure import issues

    calls = tool_calls(repo)
    script = [calls[i] for i in (0, 10, 3, 5, 13, 7, 12, 9, 1, 11)]
    return Case(f"{repo.files:,}-file synthetic tree, identifier issue", repo.root,
                issues(repo)["identifier"], repo.target, script)


def _plan(case: Case, turns: int) -> dict[str, Any]:
    """One plan (hypotheses then tasks) on a fresh loopback; requests and usage. With
    turns, the script's calls two a turn, then the record."""
    from bot.config import ContextBudget
    from bot.context import local_context
    from bot.domain import PlanInput
    from bot.planners.anthropic import AnthropicPlanner
    from bot.planners.schema import HYPOTHESES
    from tests.loopback_anthropic import LoopbackAnthropic, default_hypotheses

    context = local_context(case.root, case.issue, ContextBudget())
    problem = "# Problem Definition\n## Issue Body\n" + case.issue
    with LoopbackAnthropic(paths=(case.cites,)) as api:
        for turn in range(turns):
            pair = case.calls[turn * 2 : turn * 2 + 2]
            api.respond_with_calls(pair, f"Turn {turn + 1}: next, {pair[0][0]}.")
        if turns:
            api.respond_with_tool(HYPOTHESES.tool, default_hypotheses((case.cites,)))
        options: dict[str, Any] = {"research_turns": turns} if turns else {}
        planner = AnthropicPlanner(api_key="k", base_url=api.url, **options)
        try:
            hypotheses = planner.hypotheses(PlanInput(problem, context))
            planner.tasks(PlanInput(problem, context, hypotheses_md="# Hypotheses\n"))
        finally:
            planner.close()
        assert api.problems == [], api.problems
        usage = hypotheses.usage  # before this change, Usage had no research counts
        return {"requests": api.messages(), "usages": api.usages,
                "turns": getattr(usage, "research_turns", 0),
                "calls": getattr(usage, "tool_calls", 0),
                "errors": getattr(usage, "tool_errors", 0)}


def _weighted(usages: list[dict[str, int]]) -> dict[str, float]:
    """Input tokens as the pricing counts them: a cache write at its price, a read too."""
    from bot.planners.pricing import price_of
    from bot.settings import DEFAULT_MODEL

    price = price_of(DEFAULT_MODEL)
    sums = {k: sum(u[k] for u in usages) for k in usages[0]}
    uncached, write = sums["input_tokens"], sums["cache_creation_input_tokens"]
    read = sums["cache_read_input_tokens"]
    return {"uncached": uncached, "cache_write": write, "cache_read": read,
            "output": sums["output_tokens"], "raw_input": uncached + write + read,
            "priced_input": uncached + write * price.cache_write / price.input
            + read * price.cache_read / price.input}


def transcript(plan: dict[str, Any], path: Path) -> None:
    """The last research request, exactly as the model sees it, in Markdown."""
    body = plan["requests"][-2]  # the hypotheses' last request (the tasks' follows)
    parts = ["# A scripted research transcript, as the model sees it",
             f"Written by `python -m bench.research`: {len(plan['requests']) - 1} requests "
             f"for the hypotheses ({plan['turns']} research turns, {plan['calls']} tool calls, "
             f"{plan['errors']} error results), then one for the tasks. This is the "
             "hypotheses' last request: `tool_choice` "
             f"`{json.dumps(body['tool_choice'])}`, {len(body['tools'])} tools.",
             "## System", *(f"```json\n{json.dumps(b, indent=1)}\n```" for b in body["system"]),
             "## Messages"]
    for number, message in enumerate(body["messages"], 1):
        parts.append(f"### {number}. {message['role']}")
        parts.append(f"````json\n{json.dumps(message['content'], indent=1)}\n````")
    parts += ["## The tasks request that followed",
              f"````json\n{json.dumps(plan['requests'][-1]['messages'], indent=1)}\n````"]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n\n".join(parts) + "\n")


def _one_shot_child(spec: str, code: str) -> None:
    if code:  # `bot` is not imported yet: it is found first in the other checkout
        sys.path.insert(0, str(Path(code).resolve()))
    fields = json.loads(spec)
    plan = _plan(Case(**{**fields, "root": Path(fields["root"])}), 0)
    print(json.dumps({"requests": plan["requests"], "usages": plan["usages"]}))


def _one_shot(case: Case, code: str) -> dict[str, Any]:
    """Today's one-shot plan in a fresh interpreter, with this tree's bot or `code`'s."""
    spec = json.dumps(dataclasses.asdict(case), default=str)
    out = subprocess.run([sys.executable, "-m", "bench.research", "--one-shot-child", spec,
                          code], check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def _tokens(case: Case, transcript_to: Path | None, before: str | None) -> None:
    one_shot, researched = _plan(case, 0), _plan(case, 5)
    a, b = _weighted(one_shot["usages"]), _weighted(researched["usages"])
    print(f"\n{case.name}\n\n| plan | requests | uncached in | cache write | cache read | out "
          "| input (raw) | input (priced) |\n|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, plan, w in (("one-shot (max_turns 0)", one_shot, a),
                          ("5 scripted research turns", researched, b)):
        print(f"| {name} | {len(plan['requests'])} | {w['uncached']:,} "
              f"| {w['cache_write']:,} | {w['cache_read']:,} | {w['output']:,} "
              f"| {w['raw_input']:,} | {w['priced_input']:,.0f} |")
    ratio = b["priced_input"] / a["priced_input"]
    print(f"priced input ratio {ratio:.2f}x (target ≤ {TARGET_RATIO}x: "
          f"{'met' if ratio <= TARGET_RATIO else 'missed'}); raw "
          f"{b['raw_input'] / a['raw_input']:.2f}x; tool calls {researched['calls']}, "
          f"error results {researched['errors']}, plan failed: no")
    if transcript_to is not None:
        transcript(researched, transcript_to)
        print(f"transcript: {transcript_to}")
    if before:
        mine, theirs = _one_shot(case, ""), _one_shot(case, before)
        same = json.dumps(mine) == json.dumps(theirs)
        print(f"max_turns 0 against {before}: requests and token counts "
              f"{'identical' if same else 'DIFFER'} ({len(mine['requests'])} requests, "
              f"usage {mine['usages']})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.research", description=__doc__)
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--before", help="a folder holding another checkout's bot/")
    parser.add_argument("--transcript", type=Path, default=TRANSCRIPT)
    parser.add_argument("--one-shot-child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one_shot_child:
        _one_shot_child(*args.one_shot_child)
        return 0
    with tempfile.TemporaryDirectory() as folder:
        repo = generate(Path(folder) / "repo", args.files)
        print(f"load {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {args.files:,} files, "
              f"{repo.bytes / 1e6:.1f} MB")
        timed = _time_tools(repo)
        print(f"index built once per run: {timed['index_s']:.2f} s over {timed['files']:,} files")
        print("| tool | arguments | first call ms | median of 3 ms | CPU ms (first) | error "
              "| chars |\n|---|---|---:|---:|---:|:-:|---:|")
        for row in timed["calls"]:
            print(f"| {row['tool']} | `{json.dumps(row['args'])[:70]}` | {row['first_ms']:.1f} "
                  f"| {row['median_ms']:.1f} | {row['cpu_first_ms']:.1f} "
                  f"| {'yes' if row['error'] else ''} | {row['chars']:,} |")
        worst = max(r["first_ms"] for r in timed["calls"])
        print(f"slowest call {worst:.1f} ms (target ≤ {TARGET_MS:.0f} ms: "
              f"{'met' if worst <= TARGET_MS else 'missed'})")
        for case in (checkout_case(), synth_case(repo)):
            _tokens(case, args.transcript if case.root == ROOT else None, args.before)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
