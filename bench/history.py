"""Benchmark: `list`, `show` and compare over years of history, against hand-written SQL in the same run.

Builds (or reuses) a synthetic database of many finished sessions through the real schema, then
times the product's own code paths and a plain-SQL baseline over the same data, and prints each
median, their ratio and whether the goal is met. Always exits 0: it reports, it does not test.

    .venv/bin/python bench/history.py                   # full size: 2,000 x 60 x 30 = 3.6 M ballots
    .venv/bin/python bench/history.py --sessions 50     # a quick check
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from workshop import analytics
from workshop.inputs.catalogue import default_catalogue
from workshop.export.json import session_data
from workshop.model import ACTION_STATUSES, Group, Plan, Scale
from workshop.session.records import load_record
from workshop.store import ID_ALPHABET, Store, StoreError

# Every bench session carries this facilitator, so a rebuild only ever deletes a bench database.
BENCH_FACILITATOR = "bench/history.py"
BATCH = 25  # sessions per transaction while building
DONT_KNOW_RATE = 0.06
RATIO_GOAL = 2.0
SHOW_GOAL_MS = 100.0
FIRST_DAY = dt.date(2016, 1, 4)
YEARS = 10

LOCALITIES = (
    "Northshire", "Eastbridge", "Westmoor", "Southvale", "Kingsford", "Ashby Fells", "Brackenhurst",
    "Calderton", "Dunmere", "Elmstead", "Farrowdale", "Glenholme", "Harwick", "Ivybridge Vale",
    "Juniper Coast", "Kestrel Downs", "Larchfield", "Marlow Heath", "Netherby", "Oakhampton",
    "Pendlebury", "Queensmere", "Ravenscar", "Stonebridge", "Thornbury", "Upperwood", "Valewick",
    "Whitcombe", "Yarrowby", "Aldermoor", "Birchley", "Coldstream", "Dovecote", "Fernhill",
    "Greystone", "Hollowmere", "Linwood", "Millbrook", "Redcliffe Bay", "Saltmarsh",
)
NOTES = (
    "Council officers said the compact is not known beyond the policy team.",
    "VCS members asked for grant decisions three months earlier.",
    "Long discussion about commissioning timetables; no agreement.",
    "Both groups want a named contact in each directorate.",
)
ACTIONS = (
    ("Publish the grants timetable a year ahead", "Head of Communities"),
    ("Invite VCS reps to the budget consultation", "Policy lead"),
    ("Review contract monitoring forms with providers", "Commissioning manager"),
)

# 16 characters of the product's id alphabet from 16 random bytes, without a Python loop per ballot.
ID_TABLE = bytes(ord(ID_ALPHABET[b % len(ID_ALPHABET)]) for b in range(256))


# --- the database ------------------------------------------------------------------------------

def fail(message: str):
    """A setup problem (not a missed goal): say why on stderr and exit 2."""
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)


def default_db(args) -> Path:
    name = f"history-{args.sessions}x{args.principles}x{args.participants}-seed{args.seed}.db"
    return Path(tempfile.gettempdir()) / "workshop-bench" / name


def existing_counts(path: Path) -> dict | None:
    """Counts of an existing bench database, read-only; None when there is no file.

    Raises SystemExit when the file exists but is not a database this benchmark made.
    """
    if not path.exists() or path.stat().st_size == 0:
        return None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            foreign = conn.execute("SELECT COUNT(*) FROM sessions WHERE facilitator != ?",
                                   [BENCH_FACILITATOR]).fetchone()[0]
            counts = {
                "sessions": conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0],
                "session_principles": conn.execute("SELECT COUNT(*) FROM session_principles").fetchone()[0],
                "ballots": conn.execute("SELECT COUNT(*) FROM ballots").fetchone()[0],
            }
        finally:
            conn.close()
    except sqlite3.Error as exc:
        fail(f"{path}: not a bench database ({exc}); choose another file with --db")
    if foreign:
        fail(f"{path}: holds {foreign} sessions not made by this benchmark; "
                 "it will not be reused or replaced. Choose another file with --db")
    return counts


def remove(path: Path) -> None:
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        p.unlink(missing_ok=True)


def make_plans(args, rng: random.Random) -> list[Plan]:
    """One plan per session, oldest first: every locality gets a session every few months."""
    cat = default_catalogue()
    principles = cat.principles[: args.principles]
    groups = (Group("council", "Council"), Group("vcs", "VCS"))
    days = sorted(FIRST_DAY + dt.timedelta(days=rng.randrange(365 * YEARS)) for _ in range(args.sessions))
    # Round-robin over at most half as many localities as sessions, so every locality (the newest
    # session's included) has at least two sessions to compare, even in a small run.
    localities = LOCALITIES[: max(1, min(len(LOCALITIES), args.sessions // 2))]
    plans = []
    for i, day in enumerate(days):
        locality = localities[i % len(localities)]
        plans.append(Plan(
            title=f"{locality} Partnership Health Check {day.year}",
            date=day, groups=groups, scale=Scale(), principles=principles, themes=cat.themes,
            place=f"{locality} Council, Committee Room {1 + i % 3}", locality=locality,
            facilitator=BENCH_FACILITATOR, anonymous=True, min_group_size=3, modes=("cards",),
            time_box=300,
        ))
    return plans


def session_ballots(rng: random.Random, sid: str, plan: Plan, participants: int, clock: list[str],
                    level: float, effects: dict[str, tuple[float, float]]) -> list[tuple]:
    """Every card ballot of one session: each participant scores every principle once."""
    n_council = max(1, min(participants - 1, round(participants * rng.uniform(0.35, 0.65))))
    groups = ["council"] * n_council + ["vcs"] * (participants - n_council)
    n = len(plan.principles) * participants
    ids = rng.randbytes(16 * n).translate(ID_TABLE).decode("ascii")
    day = plan.date.isoformat()
    rows = []
    k = 0
    for i, p in enumerate(plan.principles):
        effect, gap = effects[p.id]
        means = {"council": level + effect, "vcs": level + effect - gap}
        for j, group in enumerate(groups):
            if rng.random() < DONT_KNOW_RATE:
                score, dont_know = None, 1
            else:
                score, dont_know = min(5, max(1, round(rng.gauss(means[group], 0.9)))), 0
            rows.append((sid, p.id, ids[k:k + 16], group, score, dont_know, "cards", day + clock[i * participants + j]))
            k += 16
    return rows


def _time_of_day(seconds: float) -> str:
    ms = round(seconds * 1000)
    return f"T{ms // 3_600_000 % 24:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}+00:00"


def build(path: Path, args) -> float:
    """Create the database at path through the real schema; returns seconds taken."""
    started = time.perf_counter()
    rng = random.Random(args.seed)
    plans = make_plans(args, rng)
    # Time of day of each (principle, participant) ballot: a principle every three minutes from 10:00.
    clock = [_time_of_day(10 * 3600 + 180 * i + 170 * j / args.participants)
             for i in range(args.principles) for j in range(args.participants)]
    levels = {loc: rng.gauss(3.1, 0.4) for loc in LOCALITIES}
    # Per principle: how far it sits from the locality's level, and how much lower VCS scores it.
    effects = {p.id: (rng.gauss(0, 0.5), rng.gauss(0.5, 0.4)) for p in plans[0].principles}
    insert = ("INSERT INTO ballots (session_id, principle_id, participant_id, group_id, score, dont_know, mode,"
              " cast_at) VALUES (?,?,?,?,?,?,?,?)")
    with Store(path) as store:
        # The generator's own connection only: a crash mid-build just means --rebuild.
        store.conn.execute("PRAGMA synchronous = OFF")
        store.conn.execute("PRAGMA cache_size = -262144")
        done = 0
        for start in range(0, len(plans), BATCH):
            with store.db.atomic():
                for plan in plans[start:start + BATCH]:
                    session = store.start_session(plan)
                    years = (plan.date - FIRST_DAY).days / 365
                    level = levels[plan.locality] + 0.04 * years + rng.gauss(0, 0.2)
                    store.conn.executemany(insert, session_ballots(
                        rng, session.id, plan, args.participants, clock, level, effects))
                    finished = f"{plan.date.isoformat()}T16:00:00.000+00:00"
                    store.conn.execute(
                        "UPDATE sessions SET status = 'finished', finished_at = ?, position = ? WHERE id = ?",
                        [finished, len(plan.principles) - 1, session.id])
                    store.conn.execute(
                        "UPDATE session_principles SET state = 'closed', opened_at = ?, closed_at = ? "
                        "WHERE session_id = ?", [f"{plan.date.isoformat()}T10:00:00.000+00:00", finished, session.id])
                    store.conn.executemany(
                        "INSERT INTO notes (session_id, principle_id, text, created_at) VALUES (?,?,?,?)",
                        [(session.id, rng.choice(plan.principles).id, rng.choice(NOTES), finished)
                         for _ in range(rng.randrange(5))])
                    store.conn.executemany(
                        "INSERT INTO actions (session_id, principle_id, text, owner, due, status, created_at,"
                        " updated_at) VALUES (?,?,?,?,?,?,?,?)",
                        [(session.id, rng.choice(plan.principles).id, *rng.choice(ACTIONS),
                          (plan.date + dt.timedelta(days=90)).isoformat(), rng.choice(ACTION_STATUSES),
                          finished, finished) for _ in range(rng.randrange(4))])
            done += len(plans[start:start + BATCH])
            if done == len(plans) or done % max(BATCH, len(plans) // 10 // BATCH * BATCH) == 0:
                print(f"  {done:>6} / {len(plans)} sessions  {time.perf_counter() - started:6.1f} s", flush=True)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return time.perf_counter() - started


def size_mb(path: Path) -> float:
    files = (path, path.with_name(path.name + "-wal"))
    return sum(p.stat().st_size for p in files if p.exists()) / 1e6


# --- the SQL baseline --------------------------------------------------------------------------

# The schema keeps per-session counts (session_counts, maintained by triggers); hand-written SQL
# reads them too. check_baseline() also compares them with a full COUNT over ballots.
SQL_LIST = """
SELECT s.id, s.title, s.date, s.locality, s.status, c.principles, c.ballots,
       (SELECT group_concat(group_id) FROM session_groups g WHERE g.session_id = s.id) AS groups
FROM sessions s JOIN session_counts c ON c.session_id = s.id
ORDER BY s.date DESC, s.created_at DESC
"""

SQL_LIST_COUNTED = """
SELECT s.id, s.title, s.date, s.locality, s.status, COALESCE(p.n, 0) AS principles, COALESCE(b.n, 0) AS ballots
FROM sessions s
LEFT JOIN (SELECT session_id, COUNT(*) AS n FROM session_principles GROUP BY session_id) p ON p.session_id = s.id
LEFT JOIN (SELECT session_id, COUNT(*) AS n FROM ballots GROUP BY session_id) b ON b.session_id = s.id
ORDER BY s.date DESC
"""

# The same information the product shows: counts per score (from which the median and spread
# follow), n, don't knows and the mean, per principle and group, with the statement.
SQL_SHOW = """
WITH t AS (
    SELECT principle_id, group_id, score, COUNT(*) AS k
    FROM ballots WHERE session_id = :sid GROUP BY principle_id, group_id, score),
g AS (
    SELECT principle_id, group_id, COALESCE(SUM(CASE WHEN score IS NOT NULL THEN k END), 0) AS n,
           COALESCE(SUM(CASE WHEN score IS NULL THEN k END), 0) AS dont_know,
           SUM(score * k) * 1.0 / SUM(CASE WHEN score IS NOT NULL THEN k END) AS mean,
           group_concat(COALESCE(score, 'dk') || ':' || k) AS counts
    FROM t GROUP BY principle_id, group_id)
SELECT sp.principle_id, sp.statement, g.group_id, g.n, g.dont_know, g.mean, g.counts
FROM session_principles sp LEFT JOIN g ON g.principle_id = sp.principle_id
WHERE sp.session_id = :sid
ORDER BY sp.position, g.group_id
"""

SQL_COMPARE = """
WITH t AS (
    SELECT session_id, principle_id, group_id, score, COUNT(*) AS k
    FROM ballots WHERE session_id IN (:before, :after) GROUP BY session_id, principle_id, group_id, score),
g AS (
    SELECT session_id, principle_id, group_id, SUM(CASE WHEN score IS NOT NULL THEN k END) AS n,
           SUM(CASE WHEN score IS NULL THEN k END) AS dont_know,
           SUM(score * k) * 1.0 / SUM(CASE WHEN score IS NOT NULL THEN k END) AS mean,
           group_concat(COALESCE(score, 'dk') || ':' || k) AS counts
    FROM t GROUP BY session_id, principle_id, group_id)
SELECT sp.principle_id, sp.statement, a.group_id, a.mean AS before, b.mean AS after, b.mean - a.mean AS change
FROM session_principles sp
JOIN g b ON b.session_id = sp.session_id AND b.principle_id = sp.principle_id
JOIN g a ON a.session_id = :before AND a.principle_id = sp.principle_id AND a.group_id = b.group_id
WHERE sp.session_id = :after
ORDER BY sp.position, b.group_id
"""


# --- the operations ----------------------------------------------------------------------------

def product_list(store: Store):
    return store.sessions()


def sql_list(conn: sqlite3.Connection):
    return conn.execute(SQL_LIST).fetchall()


def product_show(store: Store, sid: str):
    record = load_record(store, sid, ballots=False)
    return record, session_data(record)


def sql_show(conn: sqlite3.Connection, sid: str):
    return conn.execute(SQL_SHOW, {"sid": sid}).fetchall()


def product_compare(store: Store, before: str, after: str):
    a, b = load_record(store, before, ballots=False), load_record(store, after, ballots=False)
    return analytics.compare(a.results, b.results, [g.id for g in a.plan.groups], [g.id for g in b.plan.groups])


def sql_compare(conn: sqlite3.Connection, before: str, after: str):
    return conn.execute(SQL_COMPARE, {"before": before, "after": after}).fetchall()


def close(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and math.isclose(a, b, abs_tol=1e-9))


def check_baseline(store: Store, conn: sqlite3.Connection, sid: str, before: str, after: str) -> list[str]:
    """Where the baseline and the product compute different things; empty when they agree.

    A suppressed group (fewer scores than min_group_size) has no mean in the product; the
    baseline does not suppress, so those means are not compared.
    """
    problems = []
    product = {s.id: (s.title, s.date, s.locality, s.status, s.principles, s.ballots) for s in product_list(store)}
    baseline = {r[0]: tuple(r[1:7]) for r in sql_list(conn)}
    counted = {r[0]: tuple(r[1:]) for r in conn.execute(SQL_LIST_COUNTED)}
    if product != baseline or product != counted:
        problems.append("list: the baseline rows (or a full count) differ from store.sessions()")
    record, _ = product_show(store, sid)
    rows = {(r[0], r[2]): r for r in sql_show(conn, sid)}
    differ = sum(
        1 for result in record.results for group, stats in result.groups.items()
        if (row := rows.get((result.principle.id, group))) is None
        or (row[1], row[3], row[4]) != (result.principle.statement, stats.n, stats.dont_know)
        or (not stats.suppressed and not close(row[5] if stats.n else None, stats.mean)))
    if differ:
        problems.append(f"show: {differ} principle/group results differ from analytics.results")
    rows = {(r[0], r[2]): r for r in sql_compare(conn, before, after)}
    differ = sum(
        1 for change in product_compare(store, before, after) for group, move in change.groups.items()
        if (row := rows.get((change.principle.id, group))) is None
        or (move.before is not None and not close(row[3], move.before))
        or (move.after is not None and not close(row[4], move.after)))
    if differ:
        problems.append(f"compare: {differ} principle/group changes differ from analytics.compare")
    return problems


REPORT_GOAL_MS = 1000.0


def measure_reports(store: Store, path: Path, sid: str, before: str, after: str, locality: str,
                    repeat: int) -> list[tuple[str, float]]:
    """compare, trend and every export through the product's own code, each timed end to end."""
    from workshop.export import FORMATS, REPORT_FORMATS, export, export_comparison, export_trend
    from workshop.session.records import load_comparison, load_trend

    out = Path(tempfile.mkdtemp(prefix="workshop-bench-exports-"))
    extension = {"csv": "zip"}
    steps = [
        ("compare (load both, compare)", lambda: load_comparison(store, before, after)),
        (f"trend ({locality}, {len(store.sessions(locality=locality))} sessions)", lambda: load_trend(store, locality)),
    ]
    for fmt in FORMATS:
        steps.append((f"export {fmt} (one session, with ballots)",
                      lambda fmt=fmt: export(load_record(store, sid), fmt, out / f"session.{extension.get(fmt, fmt)}")))
    for fmt in REPORT_FORMATS:
        steps.append((f"export compare {fmt}",
                      lambda fmt=fmt: export_comparison(load_comparison(store, before, after), fmt, out / f"c.{fmt}")))
        steps.append((f"export trend {fmt}",
                      lambda fmt=fmt: export_trend(load_trend(store, locality), fmt, out / f"t.{fmt}")))
    results = []
    for name, step in steps:
        step()  # warm-up
        results.append((name, statistics.median(timed(step) for _ in range(repeat))))
    return results


def timed(fn, *args) -> float:
    started = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - started) * 1000


def measure(product, baseline, repeat: int) -> tuple[float, float]:
    """Median milliseconds of each, alternating so both see the same cache and machine state."""
    product(), baseline()  # warm up: first reads pull pages into the OS and SQLite caches
    p_times, s_times = [], []
    for _ in range(repeat):
        p_times.append(timed(product))
        s_times.append(timed(baseline))
    return statistics.median(p_times), statistics.median(s_times)


# --- main --------------------------------------------------------------------------------------

def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, help="database file (default: one per size in the temp dir)")
    parser.add_argument("--rebuild", action="store_true", help="build the database again even if it fits")
    parser.add_argument("--sessions", type=int, default=2000, help="sessions (default 2000)")
    parser.add_argument("--principles", type=int, default=60, help="principles per session (default 60)")
    parser.add_argument("--participants", type=int, default=30, help="participants per session (default 30)")
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per operation; the median counts")
    parser.add_argument("--seed", type=int, default=2016, help="random seed for the synthetic data")
    args = parser.parse_args(argv)
    available = len(default_catalogue().principles)
    if not 1 <= args.principles <= available:
        parser.error(f"--principles must be 1 to {available} (the shipped catalogue)")
    if args.sessions < 2 or args.participants < 2 or args.repeat < 1:
        parser.error("--sessions and --participants need at least 2, --repeat at least 1")
    return args


def ensure(args) -> Path:
    """The benchmark database for these arguments: reused when it has the right size, else built."""
    path = args.db or default_db(args)
    want = {"sessions": args.sessions, "session_principles": args.sessions * args.principles,
            "ballots": args.sessions * args.principles * args.participants}
    print(f"database: {path}")
    found = existing_counts(path)
    if found == want and not args.rebuild:
        print(f"reusing it: {want['sessions']:,} sessions, {want['ballots']:,} ballots (--rebuild to build again)")
    else:
        if found is not None:
            print("rebuilding it" if args.rebuild else f"wrong size ({found}); rebuilding it")
            remove(path)
        print(f"building {want['sessions']:,} sessions x {args.principles} principles x {args.participants} "
              f"participants = {want['ballots']:,} ballots")
        try:
            seconds = build(path, args)
        except StoreError as exc:
            fail(str(exc))
        print(f"built in {seconds:.1f} s")
    print(f"size: {size_mb(path):,.0f} MB")
    return path


def main(argv=None) -> int:
    args = parse_args(argv)
    path = ensure(args)
    with Store(path) as store:
        conn = sqlite3.connect(path)
        # Show the newest session; compare the two newest sessions of its locality.
        newest = store.sessions()[0]
        sid = newest.id
        before, after = [s.id for s in store.sessions(locality=newest.locality)][1::-1]
        problems = check_baseline(store, conn, sid, before, after)
        for problem in problems:
            print(f"WARNING: {problem}; the ratio below compares unequal work")
        if not problems:
            print("baseline checked: the SQL returns the same counts and means as the product")
        print(f"show: session {sid}; compare: {before} -> {after} ({newest.locality})")
        print(f"median of {args.repeat} runs after one warm-up\n")

        results = [
            ("list", *measure(lambda: product_list(store), lambda: sql_list(conn), args.repeat), None),
            ("show", *measure(lambda: product_show(store, sid), lambda: sql_show(conn, sid), args.repeat),
             SHOW_GOAL_MS),
            ("compare", *measure(lambda: product_compare(store, before, after),
                                 lambda: sql_compare(conn, before, after), args.repeat), None),
        ]
        conn.close()
        reports = measure_reports(store, path, sid, before, after, newest.locality, args.repeat)

    header = f"{'operation':<10}{'product ms':>12}{'SQL ms':>10}{'ratio':>8}  {'goal':<22}result"
    print(header)
    print("-" * len(header))
    missed = []
    for name, product_ms, sql_ms, limit_ms in results:
        ratio = product_ms / sql_ms if sql_ms > 0 else math.inf
        goal = f"<= {RATIO_GOAL:g}x SQL" + (f", < {limit_ms:g} ms" if limit_ms else "")
        reasons = []
        if ratio > RATIO_GOAL:
            reasons.append(f"{ratio:.1f}x the SQL (goal <= {RATIO_GOAL:g}x)")
        if limit_ms and product_ms >= limit_ms:
            reasons.append(f"{product_ms:.0f} ms (goal < {limit_ms:g} ms)")
        print(f"{name:<10}{product_ms:>12.1f}{sql_ms:>10.1f}{ratio:>7.1f}x  {goal:<22}{'MISS' if reasons else 'PASS'}")
        if reasons:
            missed.append(f"{name}: {' and '.join(reasons)}")
    print()
    print(f"Reports on the same database (goal: each under {REPORT_GOAL_MS:g} ms), median of {args.repeat}")
    width = max(len(name) for name, _ in reports)
    for name, ms in reports:
        ok = ms < REPORT_GOAL_MS
        print(f"  {name:<{width}}  {ms:>8.1f} ms  {'PASS' if ok else 'MISS'}")
        if not ok:
            missed.append(f"{name}: {ms:.0f} ms (goal < {REPORT_GOAL_MS:g} ms)")
    print()
    if missed:
        print("goals missed:")
        for line in missed:
            print(f"  MISS {line}")
    else:
        print("all goals met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
