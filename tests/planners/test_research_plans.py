"""A worker's plan run with research (the default), through the real adapters and loopbacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.documents.provenance import provenance
from bot.planners.schema import HYPOTHESES, TASKS
from bot.ports import BudgetExceeded
from tests.planners.test_grounded_plans import (
    BRANCH,
    REPO,
    TRACE_FILE,
    WRITES_TO_GIT,
    planning,
    traced_hypotheses,
    traced_tasks,
)


def test_a_plan_researched_by_the_worker_records_its_turns_and_hands_findings_on(
        tmp_path: Path) -> None:
    with planning(tmp_path) as (job, run):
        run.api.respond_with_calls([("find_symbol", {"name": "parse_coupon"}),
                                    ("read_file", {"path": "src/shop/missing.py"})],
                                   "The traceback ends in parse_coupon.")
        run.api.respond_with_calls([("read_file", {"path": TRACE_FILE, "start": 9})])
        run.api.respond_with_tool(HYPOTHESES.tool, traced_hypotheses())
        run.api.respond_with_tool(TASKS.tool, traced_tasks())
        job.handle()

    documents = run.documents()
    mark = provenance(documents["hypotheses"])
    assert mark is not None and mark.research == "turns:3,calls:3,errors:1"
    assert provenance(documents["tasks"]).research == ""  # type: ignore[union-attr]
    assert f"`{TRACE_FILE}:12`" in documents["hypotheses"]
    bodies = run.api.messages()
    assert [b["tool_choice"]["type"] for b in bodies] == ["auto", "auto", "auto", "tool"]
    tasks_request = json.dumps(bodies[-1]["messages"])
    assert f"Files read: {TRACE_FILE}:9-16" in tasks_request
    assert "The traceback ends in parse_coupon." in tasks_request
    assert run.github.errors == [] and run.api.problems == []


def test_a_budget_spent_mid_research_fails_the_run_and_publishes_nothing(
        tmp_path: Path) -> None:
    config = "context:\n  plan_tokens: 40000\n"
    with planning(tmp_path, config=config) as (job, run), pytest.raises(BudgetExceeded) as failed:
        run.api.respond_with_calls([("list_dir", {})],
                                   usage={"input_tokens": 34_000, "output_tokens": 500})
        job.handle()

    assert "research turn 2 of 5" in str(failed.value)
    assert "research turn 2 of 5" in run.status() and "`context.plan_tokens`" in run.status()
    assert len(run.api.messages()) == 1
    assert [r.path for r in run.github.requests
            if r.method != "GET" and WRITES_TO_GIT.match(r.path)] == []
    assert run.github.branch_sha(REPO, BRANCH) is None and run.github.pulls(REPO) == []
    assert run.github.reactions(REPO)[-1][1] == "confused"
