"""How long an import of many ballots holds the write lock: what a workshop running beside it waits.

A child process imports N ballots through `workshop import` (the real command, its own process);
this process meanwhile tries a one-row write every 5 ms with no busy timeout and records how long
writes kept failing in a row. The longest such run is the time the import held the lock. A plain
SQLite baseline in the same run: one transaction inserting N rows into a bare table.

    .venv/bin/python bench/contention.py              # 100,000 ballots, 3 runs
    .venv/bin/python bench/contention.py --ballots 20000 --repeat 1
"""

from __future__ import annotations

import argparse
import csv
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORKSHOP = Path(sys.executable).parent / "workshop"
GOAL = 2.0  # seconds the lock may be held by an import of 100,000 ballots


def votes_csv(path: Path, ballots: int, seed: int) -> None:
    sys.path.insert(0, str(REPO / "src"))
    from workshop.inputs.plan import load_plan

    plan, _ = load_plan(REPO / "sessions" / "demo.yaml")
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["participant", "group", "principle", "score"])
        for _ in range(ballots):
            out.writerow(["", rng.choice(("council", "vcs")), rng.choice(plan.principles).id,
                          rng.choice(("1", "2", "3", "4", "5", "dk"))])


def longest_lock(db: Path, command: list[str]) -> tuple[float, float]:
    """(longest time writes were refused, the command's wall time) while the command runs."""
    conn = sqlite3.connect(db, timeout=0, isolation_level=None)
    conn.execute("CREATE TABLE IF NOT EXISTS bench_probe (n INTEGER)")
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    refused_since, longest = None, 0.0
    while child.poll() is None:
        now = time.perf_counter()
        try:
            conn.execute("INSERT INTO bench_probe VALUES (1)")
            if refused_since is not None:
                longest, refused_since = max(longest, now - refused_since), None
        except sqlite3.OperationalError:
            refused_since = refused_since if refused_since is not None else now
        time.sleep(0.005)
    if refused_since is not None:
        longest = max(longest, time.perf_counter() - refused_since)
    if child.returncode != 0:
        print(child.stderr.read().decode(), file=sys.stderr)
    conn.close()
    return longest, time.perf_counter() - started


def baseline(db: Path, ballots: int) -> float:
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE t (a TEXT, b TEXT, c TEXT PRIMARY KEY, d TEXT, e INTEGER) WITHOUT ROWID")
    rows = [("s", "p%d" % (i % 10), "%016x" % random.getrandbits(64), "vcs", i % 5) for i in range(ballots)]
    started = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?)", sorted(rows, key=lambda r: r[2]))
    conn.execute("COMMIT")
    conn.close()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    held, walls, bases = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        votes = folder / "votes.csv"
        votes_csv(votes, args.ballots, seed=1)
        for run in range(args.repeat):
            db = folder / f"run{run}.db"
            subprocess.run([str(WORKSHOP), "--db", str(db), "list"], check=True, capture_output=True)
            subprocess.run([str(WORKSHOP), "--db", str(db), "import", str(REPO / "sessions" / "demo.yaml"),
                            str(votes)], check=True, capture_output=True)  # the database made and migrated
            lock, wall = longest_lock(db, [str(WORKSHOP), "--db", str(db), "import",
                                           str(REPO / "sessions" / "demo.yaml"), str(votes)])
            held.append(lock)
            walls.append(wall)
            bases.append(baseline(folder / f"base{run}.db", args.ballots))
    med = statistics.median(held)
    print(f"import of {args.ballots:,} ballots, {args.repeat} run(s): lock held min/median/max "
          f"{min(held):.2f}/{med:.2f}/{max(held):.2f} s; whole command median {statistics.median(walls):.2f} s")
    print(f"baseline: one bare transaction of {args.ballots:,} rows, median {statistics.median(bases):.2f} s "
          f"(ratio {med / statistics.median(bases):.1f}x)")
    if args.ballots == 100_000:
        print(f"goal: under {GOAL:.0f} s held: {'PASS' if med < GOAL else 'MISS'}")


if __name__ == "__main__":
    main()
