"""`python -m bench`: index time and peak memory of repository context at 1k, 5k and 20k files."""

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

SIZES = (1_000, 5_000, 20_000)
TARGET_SECONDS = 2.0
TARGET_MB = 300.0


def _child(repo: SynthRepo, mode: str) -> dict[str, Any]:
    """Measure in a fresh interpreter: no warm caches, and ru_maxrss is this run's alone."""
    spec = json.dumps(dataclasses.asdict(repo), default=str)
    out = subprocess.run(
        [sys.executable, "-m", "bench", "--child", spec, mode],
        check=True, capture_output=True, text=True,
    )
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def _total(run: dict[str, Any]) -> float:
    return float(run["snapshot_s"] + run["rank_s"] + run["assemble_s"])


def _run_child(spec: str, mode: str) -> None:
    from bench.measure import run

    fields = json.loads(spec)
    fields["root"] = Path(fields["root"])
    print(json.dumps(run(SynthRepo(**fields), mode)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per size (median)")
    parser.add_argument("--child", nargs=2, metavar=("SPEC", "MODE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _run_child(*args.child)
        return 0
    print(f"# {time.strftime('%Y-%m-%d')} · {os.cpu_count()} cores · Python "
          f"{sys.version.split()[0]} · `python -m bench --sizes {' '.join(map(str, args.sizes))}`")
    print("| files | MB | snapshot s (dir) | rank s | assemble s | **index s (dir)** "
          "| snapshot s (tar.gz) | **index s (tar.gz)** | peak RSS Δ MB (dir) "
          "| traced peak MB (dir / tar.gz) | rank s (tree only) | traceback top-1 "
          "| identifier top-5 |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:-:|:-:|")
    missed = False
    with tempfile.TemporaryDirectory(prefix="planbot-bench-") as tmp:
        for size in args.sizes:
            repo = generate(Path(tmp) / str(size), size)
            timed = sorted((_child(repo, "time") for _ in range(args.repeat)), key=_total)
            memory = _child(repo, "memory")
            mid = timed[len(timed) // 2]  # the median run by total time
            tar_total = statistics.median(r["archive_total_s"] for r in timed)
            missed |= max(_total(mid), tar_total) > TARGET_SECONDS
            missed |= max(mid["rss_delta_mb"], memory["traced_peak_archive_mb"]) > TARGET_MB
            print(f"| {mid['files']:,} | {mid['mb']:.1f} | {mid['snapshot_s']:.2f} "
                  f"| {mid['rank_s']:.2f} | {mid['assemble_s']:.3f} | **{_total(mid):.2f}** "
                  f"| {mid['archive_s']:.2f} | **{tar_total:.2f}** | {mid['rss_delta_mb']:.0f} "
                  f"| {memory['traced_peak_mb']:.0f} / {memory['traced_peak_archive_mb']:.0f} "
                  f"| {mid['tree_only_s']:.2f} "
                  f"| {'yes' if mid['top1'] else 'NO'} "
                  f"| {'yes' if mid['identifier_top5'] else 'NO'} |", flush=True)
    print(f"\ntarget: ≤ {TARGET_SECONDS:.0f} s and ≤ {TARGET_MB:.0f} MB at 20k files — "
          + ("MISSED" if missed else "met"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
