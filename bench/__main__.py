"""`python -m bench`: index time and peak memory of repository context at 1k, 5k and 20k files.

`--before DIR` measures the `bot` package of another checkout (e.g. main before a
change, laid out with `git archive`) in the same run, interleaved run by run with this
tree's, so both sides see the same load on a shared machine.
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

SIZES = (1_000, 5_000, 20_000)
TARGET_SECONDS = 2.0
TARGET_MB = 300.0
HEADER = (
    "| code | files | MB | snapshot s (dir) | rank s | assemble s | **index s (dir)** "
    "| CPU s (dir) | snapshot s (tar.gz) | **index s (tar.gz)** | CPU s (tar.gz) "
    "| peak RSS Δ MB (dir) | traced peak MB (dir / tar.gz) | rank s (tree only) "
    "| traceback top-1 | identifier top-5 | load (1 min) |"
)


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _child(repo: SynthRepo, mode: str, code: str = "") -> dict[str, Any]:
    """Measure in a fresh interpreter: no warm caches, and ru_maxrss is this run's alone."""
    spec = json.dumps(dataclasses.asdict(repo), default=str)
    out = subprocess.run(
        [sys.executable, "-m", "bench", "--child", spec, mode, *(["--code", code] if code else [])],
        check=True, capture_output=True, text=True,
    )
    result: dict[str, Any] = json.loads(out.stdout)
    result["load"] = os.getloadavg()[0]
    return result


def _total(run: dict[str, Any]) -> float:
    return float(run["snapshot_s"] + run["rank_s"] + run["assemble_s"])


def _run_child(spec: str, mode: str, code: str | None) -> None:
    if code:
        # `bench` is imported already (bench.measure comes from this tree); `bot` is not,
        # so it is found first in the other checkout.
        sys.path.insert(0, str(Path(code).resolve()))
    from bench.measure import run

    fields = json.loads(spec)
    fields["root"] = Path(fields["root"])
    print(json.dumps(run(SynthRepo(**fields), mode)))


def _row(label: str, timed: list[dict[str, Any]], memory: dict[str, Any]) -> tuple[str, bool]:
    """One table row from the timed runs (median by total) and the traced run; and whether
    it misses a target."""
    timed = sorted(timed, key=_total)
    mid = timed[len(timed) // 2]
    tar_total = statistics.median(r["archive_total_s"] for r in timed)
    missed = max(_total(mid), tar_total) > TARGET_SECONDS
    missed |= max(mid["rss_delta_mb"], memory["traced_peak_archive_mb"]) > TARGET_MB
    cpu_tar = statistics.median(r["archive_cpu_s"] for r in timed)
    loads = [r["load"] for r in timed]
    row = (f"| {label} | {mid['files']:,} | {mid['mb']:.1f} | {mid['snapshot_s']:.2f} "
           f"| {mid['rank_s']:.2f} | {mid['assemble_s']:.3f} | **{_total(mid):.2f}** "
           f"| {mid['cpu_s']:.2f} | {mid['archive_s']:.2f} | **{tar_total:.2f}** "
           f"| {cpu_tar:.2f} | {mid['rss_delta_mb']:.0f} "
           f"| {memory['traced_peak_mb']:.0f} / {memory['traced_peak_archive_mb']:.0f} "
           f"| {mid['tree_only_s']:.2f} | {'yes' if mid['top1'] else 'NO'} "
           f"| {'yes' if mid['identifier_top5'] else 'NO'} "
           f"| {min(loads):.1f}–{max(loads):.1f} |")
    return row, missed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per size (median)")
    parser.add_argument("--before", metavar="DIR",
                        help="also measure DIR/bot (another checkout), interleaved")
    parser.add_argument("--child", nargs=2, metavar=("SPEC", "MODE"), help=argparse.SUPPRESS)
    parser.add_argument("--code", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _run_child(args.child[0], args.child[1], args.code)
        return 0
    codes = {"before": args.before, "this tree": ""} if args.before else {"this tree": ""}
    print(f"# {time.strftime('%Y-%m-%d %H:%M')} · {os.cpu_count()} cores · Python "
          f"{sys.version.split()[0]} · `python -m bench {' '.join(argv or sys.argv[1:])}` "
          f"· load average {_load()}")
    print(HEADER)
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:-:|:-:|---:|")
    missed = False
    with tempfile.TemporaryDirectory(prefix="planbot-bench-") as tmp:
        for size in args.sizes:
            repo = generate(Path(tmp) / str(size), size)
            timed: dict[str, list[dict[str, Any]]] = {label: [] for label in codes}
            for _ in range(args.repeat):
                for label, code in codes.items():
                    timed[label].append(_child(repo, "time", code))
            for label, code in codes.items():
                row, miss = _row(label, timed[label], _child(repo, "memory", code))
                missed |= miss and label == "this tree"
                print(row, flush=True)
    print(f"\nload average at the end {_load()}; target: ≤ {TARGET_SECONDS:.0f} s and "
          f"≤ {TARGET_MB:.0f} MB at 20k files — " + ("MISSED" if missed else "met"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
