"""One measurement, run in a fresh process so its peak memory is its own."""

from __future__ import annotations

import io
import resource
import tarfile
import time
import tracemalloc
from typing import Any

from bench.synth import SynthRepo
from bot.config import ContextBudget
from bot.context import rank, tokens
from bot.context.assemble import assemble
from bot.context.snapshot import Snapshot, from_archive, from_directory, tree_only
from bot.domain import RepoTree

TRACEBACK_ISSUE = """Checkout crashes for guest carts
When a guest checks out with an empty profile, `{function}` raises instead of skipping.

Traceback (most recent call last):
  File "/srv/shop/.venv/lib/python3.11/site-packages/flask/app.py", line 1498, in wsgi_app
    response = self.full_dispatch_request()
  File "/srv/shop/{target}", line {line}, in {function}
    raise ValueError('missing value')
ValueError: missing value for {function}
"""
IDENTIFIER_ISSUE = """{function} should retry instead of failing
Calling {function} with an empty value fails at once; it should honour `retries`.
"""


def issues(repo: SynthRepo) -> dict[str, str]:
    values = {"function": repo.target_function, "target": repo.target, "line": repo.target_line}
    return {"traceback": TRACEBACK_ISSUE.format(**values),
            "identifier": IDENTIFIER_ISSUE.format(**values)}


def _max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def _archive(snapshot: Snapshot) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz", compresslevel=6) as tar:
        for path, text in snapshot.files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"acme-shop-0123abc/{path}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def run(repo: SynthRepo, mode: str) -> dict[str, Any]:
    """Time (mode "time") or trace (mode "memory") snapshot -> ranking -> prompt, once from
    the working copy on disk and once from a GitHub-style tar.gz held in memory. CPU
    seconds (`time.process_time`) are kept beside wall seconds: on a shared machine the
    wall time grows with the load, this process's CPU time much less."""
    budget = ContextBudget()
    texts = issues(repo)
    if mode == "memory":
        tracemalloc.start()
    rss_before = _max_rss_mb()
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    snapshot = from_directory(repo.root, budget)
    t1 = time.perf_counter()
    ranked = rank(snapshot, texts["traceback"], budget.max_files)
    t2 = time.perf_counter()
    context = assemble(snapshot, ranked, budget)
    t3 = time.perf_counter()
    cpu3 = time.process_time()
    result: dict[str, Any] = {
        "files": len(snapshot.entries), "mb": repo.bytes / 1e6,
        "snapshot_s": t1 - t0, "rank_s": t2 - t1, "assemble_s": t3 - t2, "cpu_s": cpu3 - cpu0,
        "rss_delta_mb": _max_rss_mb() - rss_before,
        "top1": bool(ranked) and ranked[0].path == repo.target,
        "prompt_chars": len(context.prompt_text),
    }
    by_name = rank(snapshot, texts["identifier"], budget.max_files)
    result["identifier_top5"] = repo.target in [f.path for f in by_name[:5]]
    data = _archive(snapshot)
    tree = RepoTree("0123abc", snapshot.entries)
    del snapshot, ranked, by_name, context
    tokens._SPLITS.clear()  # as cold as the first path: no identifier splits memoised
    if mode == "memory":
        result["traced_peak_mb"] = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.reset_peak()
    cpu4 = time.process_time()
    t4 = time.perf_counter()
    from_tar = from_archive(tree, data, budget)
    t5 = time.perf_counter()
    assemble(from_tar, rank(from_tar, texts["traceback"], budget.max_files), budget)
    t6 = time.perf_counter()
    result.update(archive_s=t5 - t4, archive_total_s=t6 - t4, archive_mb=len(data) / 1e6,
                  archive_cpu_s=time.process_time() - cpu4)
    rank(tree_only(tree), texts["traceback"], budget.max_files)  # over max_repo_bytes
    result["tree_only_s"] = time.perf_counter() - t6
    if mode == "memory":
        result["traced_peak_archive_mb"] = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
    return result
