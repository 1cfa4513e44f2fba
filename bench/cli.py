"""Benchmark: read-only commands as a facilitator runs them (a whole process each) against `workshop where`.

`workshop where` starts Python, loads the command line and prints a path: what any command costs
before it does its own work. The goal for list, show, compare and the exports is a whole process
within 1.5x of it, on the same database as bench/history.py (2,000 sessions by default), and a
50-session trend under 200 ms, as a whole process and its reading in process.

Every command gets a private bytecode cache (PYTHONPYCACHEPREFIX in the temp dir,
PYTHONDONTWRITEBYTECODE unset) that the warm-up fills, as bench/startup.py does: an installed program
runs from compiled bytecode, and a command that loads more of our modules would otherwise be charged
for compiling them on every run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import history  # the synthetic database: built once, reused by both benchmarks

from workshop.session.records import load_trend
from workshop.store import Store

RATIO_GOAL = 1.5
TREND_GOAL_MS = 200
WORKSHOP = Path(sys.executable).with_name("workshop")


ENV = {"PYTHONDONTWRITEBYTECODE": ""}  # + PYTHONPYCACHEPREFIX, set in main


def run(argv: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          env=os.environ | ENV)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        history.fail(f"{' '.join(argv[1:])} failed: {done.stderr.strip()}")
    return seconds


def spread(values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return f"{min(ms):6.0f} {statistics.median(ms):6.0f} {max(ms):6.0f}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=2000)
    parser.add_argument("--principles", type=int, default=60)
    parser.add_argument("--participants", type=int, default=30)
    parser.add_argument("--seed", type=int, default=2016)
    parser.add_argument("--repeat", type=int, default=7, help="runs of each command; min / median / max shown")
    parser.add_argument("--db", type=Path)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args(argv)
    path = history.ensure(args)
    with Store(path) as store:  # also brings the bench database up to this version's schema
        newest = store.sessions(limit=1)[0]
        local = store.sessions(locality=newest.locality)
        before, after = local[1].id, local[0].id
        trend_ms = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            load_trend(store, newest.locality)
            trend_ms.append(time.perf_counter() - started)
    out = Path(tempfile.mkdtemp(prefix="workshop-bench-cli-"))
    ENV["PYTHONPYCACHEPREFIX"] = str(out / "pycache")
    base = [str(WORKSHOP), "--db", str(path)]
    commands = {
        "where": base + ["where"],
        "list": base + ["list"],
        "show": base + ["show", newest.id],
        "show --json": base + ["show", newest.id, "--json"],
        "compare": base + ["compare", before, after],
        "export html": base + ["export", newest.id, "-o", str(out / "r.html")],
        "export xlsx": base + ["export", newest.id, "-o", str(out / "r.xlsx")],
        f"trend ({len(local)} sessions)": base + ["trend", newest.locality],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for name, argv_ in commands.items():  # one warm-up each: the page cache and bytecode, as on a laptop
        run(argv_)
    for _ in range(args.repeat):  # alternate, so load on the machine falls on every command alike
        for name, argv_ in commands.items():
            times[name].append(run(argv_))
    shutil.rmtree(out, ignore_errors=True)

    where = statistics.median(times["where"])
    print(f"\nwhole process, ms over {args.repeat} runs (min median max), against `workshop where`")
    print(f"{'command':<24}{'min':>6} {'median':>6} {'max':>6}  {'ratio':>6}  goal      result")
    for name, values in times.items():
        ratio = statistics.median(values) / where
        if name == "where":
            verdict, goal = "", "baseline"
        elif name.startswith("trend"):  # the goal for a trend is its time, not a ratio
            verdict = "PASS" if statistics.median(values) * 1000 < TREND_GOAL_MS else "MISS"
            goal = f"< {TREND_GOAL_MS} ms"
        else:
            verdict, goal = ("PASS" if ratio <= RATIO_GOAL else "MISS"), f"<= {RATIO_GOAL:g}x"
        print(f"{name:<24}{spread(values)}  {ratio:5.2f}x  {goal:<9} {verdict}")
    trend_median = statistics.median(trend_ms) * 1000
    print(f"\ntrend of {newest.locality} ({len(local)} sessions), in process: {spread(trend_ms)} ms; "
          f"goal < {TREND_GOAL_MS} ms: {'PASS' if trend_median < TREND_GOAL_MS else 'MISS'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
