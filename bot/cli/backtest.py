"""`python -m bot backtest`: the worker's context and offline hypotheses scored against known
fixes, beside a plain BM25 baseline from the same run."""

from __future__ import annotations

import json
import multiprocessing
import resource
import time
from dataclasses import asdict, dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from bot.cli.baseline import bm25_ranking
from bot.cli.checkouts import checkout
from bot.cli.model_backtest import (
    MODEL_HEAD,
    ModelScore,
    Recording,
    model_hypotheses,
    model_row,
    model_summary,
)
from bot.cli.scores import ROW_HEAD, cited_paths, first_cited, localisable, row, summary
from bot.config import ContextBudget
from bot.context import local_context
from bot.documents.related import BACKTEST, unsearched
from bot.domain import STAGES, Issue, RepoContext
from bot.planners.offline import OfflinePlanner
from bot.run.pipeline import Inputs, Stages, run
from bot.settings import Settings

RANKED = 10  # positions kept per ranking: enough for hit@5 and a useful reciprocal rank


@dataclass(frozen=True)
class Case:
    instance_id: str
    repo: str
    base_commit: str
    title: str
    body: str
    gold_files: tuple[str, ...]
    category: str = ""

    @property
    def issue(self) -> Issue:
        number = int(self.instance_id.rsplit("-", 1)[-1]) if self.instance_id[-1:].isdigit() else 1
        # As GitHub hands it to the worker: the link is part of what stage 1 renders.
        return Issue(number, self.title, self.body,
                     url=f"https://github.com/{self.repo}/issues/{number}")


@dataclass
class Result:
    case: str
    category: str
    gold: list[str]
    context: list[str] = field(default_factory=list)  # files whose excerpts enter the prompt
    hypotheses: list[str] = field(default_factory=list)  # paths H1-H3 cite, in order
    first: list[str] = field(default_factory=list)  # paths H1 alone cites
    too_little: bool = False  # H1 says the issue gives too little to localise
    localisable: list[str] = field(default_factory=list)  # what in the issue points into the tree
    bm25: list[str] = field(default_factory=list)
    invented: list[str] = field(default_factory=list)
    seconds: float = 0.0  # wall clock, as a user waits
    cpu_seconds: float = 0.0  # this process's own CPU time: the cost without other load
    peak_mb: float = 0.0
    error: str = ""
    model: ModelScore | None = None  # with --planner anthropic: the model's hypotheses


def load_cases(path: Path, limit: int | None = None) -> list[Case]:
    rows = json.loads(path.read_text())
    cases = [Case(row.get("instance_id") or f"{row['repo']}@{row['base_commit'][:8]}",
                  row["repo"], row["base_commit"], row.get("title", ""), row.get("body", ""),
                  tuple(row["gold_files"]), row.get("category", "")) for row in rows]
    return cases[:limit] if limit else cases


def _max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


@dataclass(frozen=True)
class Model:
    """--planner anthropic: the settings the model runs with, and its research turns."""

    settings: Settings
    max_turns: int | None = None


def measure(case: Case, tree: Path, budget: ContextBudget, model: Model | None = None) -> Result:
    """Stages 1 and 2 as the pipeline runs them, on the tree at the case's commit (and
    again with the model, over the same context, when asked)."""
    result = Result(case.instance_id, case.category, list(case.gold_files))
    planner = Recording(OfflinePlanner())
    contexts: list[RepoContext] = []

    def context(text: str) -> RepoContext:
        contexts.append(local_context(tree, text, budget))
        return contexts[-1]

    inputs = Inputs(case.repo, case.issue, (), dict.fromkeys(STAGES))
    before, start, cpu = _max_rss_mb(), time.perf_counter(), time.process_time()
    try:
        run(inputs, Stages(lambda: planner, context, unsearched(BACKTEST)),
            ("problem", "hypotheses"))
    except Exception as exc:  # one broken case is a row that says so, not a lost run
        result.error = f"{type(exc).__name__}: {exc}"
    result.seconds = round(time.perf_counter() - start, 3)
    result.cpu_seconds = round(time.process_time() - cpu, 3)
    result.peak_mb = round(_max_rss_mb() - before, 1)
    if contexts:
        result.context = list(dict.fromkeys(s.path for s in contexts[0].snippets))[:RANKED]
        if planner.draft is not None:
            result.hypotheses, result.invented = cited_paths(planner.draft, contexts[0])
            result.first, result.too_little = first_cited(planner.draft, contexts[0])
        result.localisable = localisable(f"{case.title}\n{case.body}", contexts[0])
        if model is not None:
            result.model = model_hypotheses(inputs, contexts[0], model.settings, model.max_turns)
    result.bm25 = bm25_ranking(tree, f"{case.title}\n{case.body}", RANKED)
    return result


def _child(send: Connection, case: Case, tree: Path, budget: ContextBudget,
           model: Model | None) -> None:
    try:
        send.send(measure(case, tree, budget, model))
    finally:
        send.close()


def _isolated(case: Case, tree: Path, budget: ContextBudget, model: Model | None) -> Result:
    # Like RQ's work horse, each case runs in a forked process of its own: its peak
    # memory is its own, and no cache warmed by an earlier case flatters it.
    fork = multiprocessing.get_context("fork")
    receive, send = fork.Pipe(duplex=False)
    child = fork.Process(target=_child, args=(send, case, tree, budget, model))
    child.start()
    send.close()
    try:
        result: Result = receive.recv()
    except EOFError:  # the child died before answering (killed, out of memory)
        result = Result(case.instance_id, case.category, list(case.gold_files),
                        error="the case's process died")
    child.join()
    return result


def backtest(cases_file: Path, repos: Path, cache: Path, limit: int | None = None,
             json_out: Path | None = None, echo: Any = print,
             model: Model | None = None) -> list[Result]:
    results: list[Result] = []
    budget = ContextBudget()
    echo(ROW_HEAD)
    for case in load_cases(cases_file, limit):
        try:
            tree, lacking = checkout(repos, case.repo, case.base_commit, cache)
        except LookupError as exc:
            result = Result(case.instance_id, case.category, list(case.gold_files),
                            error=str(exc))
        else:
            result = _isolated(case, tree, budget, model)
            if lacking:
                echo(f"<!-- {case.instance_id}: the clone lacks {lacking} blobs, "
                     "laid out as empty files -->")
        results.append(result)
        echo(row(result))
    echo("")
    echo(summary(results))
    if model is not None:
        echo("")
        echo(MODEL_HEAD)
        for result in results:
            echo(model_row(result))
        echo("")
        echo(model_summary(results))
    if json_out is not None:
        json_out.write_text(json.dumps([asdict(r) for r in results], indent=1) + "\n")
    return results
