"""Benchmark: simulated phones join, vote and wait for a reveal against the running app, on loopback.

The app (WorkshopApp, headless, phone voting on 127.0.0.1, a free port) runs in this process; the
phones (bench/phones_client.py) run in a process of their own, so that they do not share the app's
event loop, and report the CPU they used. Every phone joins, votes at room pace for a few rounds,
opens its live-update stream and waits; the benchmark then presses `r` and times how long each
phone takes to see the reveal. While the phones vote, arrow keys go to the Vote screen's card grid
and each is timed to the first frame that shows it. The same client load runs against a plain
aiohttp handler that inserts one SQLite row per request (WAL, synchronous=FULL) and streams a
ready-made reveal, in the same run, for the ratios. Loads and app/plain order alternate; rows show
min / median / max over the runs. Always exits 0.

    .venv/bin/python bench/phones.py                          # 300, 600, 1,000 and 1,500 phones, 3 runs
    .venv/bin/python bench/phones.py --phones 600 --runs 1    # a quick look
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import hashlib
import json
import os
import random
import secrets
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from phones_client import (  # noqa: F401  (attack.py takes the phones' pieces from here)
    RUN_SECONDS,
    Link,
    loopback_aliases,
    pct,
    phone_address,
    raise_file_limit,
)

REPO = Path(__file__).resolve().parents[1]
CLIENT = Path(__file__).resolve().parent / "phones_client.py"
LOADS = (300, 600, 1000, 1500)
MAX_PHONES = 1500
P99_GOAL_MS = 100  # ballot p99 at room pace, up to GOAL_PHONES
GOAL_PHONES = 1500
P99_RATIO_GOAL = 1.2  # ballot p99 against the plain handler's at the same load
REVEAL_PHONES, REVEAL_GOAL_MS = 1000, 300  # the last phone sees the reveal
KEY_PHONES, KEY_GOAL_MS = 600, 50  # key press to frame, p99, while this many phones vote
IDLE_KEYS = 30  # presses timed with no phones voting: the key row's baseline


# --- driving a server and its phones ---------------------------------------------------------------


async def run_phones(spec: dict, on_room=None, on_voted=None) -> dict:
    """Start the phones' process, call on_room() while they vote at room pace (cancelled when they
    stop), reveal when they say all are waiting, and return their report."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(CLIENT), json.dumps(spec),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, limit=2 ** 26)
    deadline = time.monotonic() + RUN_SECONDS + 10
    room = None
    try:
        while True:
            line = await asyncio.wait_for(process.stdout.readline(), max(1.0, deadline - time.monotonic()))
            if not line:
                raise RuntimeError("the phones' process ended without a report")
            if line.startswith(b"ROOMDONE"):
                if room is not None:
                    room.cancel()
            elif line.startswith(b"ROOM") and on_room is not None:
                room = asyncio.create_task(on_room())
            elif line.startswith(b"VOTED"):
                revealed_at = time.time()
                await on_voted()
                process.stdin.write(f"REVEAL {revealed_at}\n".encode())
                await process.stdin.drain()
            elif line.startswith(b"RESULT "):
                return json.loads(line[7:])
    finally:
        if room is not None:
            room.cancel()
        if process.returncode is None:
            try:
                await asyncio.wait_for(process.wait(), 5)
            except TimeoutError:
                process.kill()
                await process.wait()


class KeyTimer:
    """Arrow keys to the card grid, each timed from the key event to the first frame that shows the
    cursor moved, with no idle waits: App._display (where a finished frame goes to the terminal) is
    wrapped to note when the cursor is first drawn where the key sent it."""

    def __init__(self, app):
        from workshop.tui.widgets.cards_grid import CardsGrid

        self.app = app
        self.grid = app.screen.query_one(CardsGrid)
        self.rng = random.Random(12)
        self.target: int | None = None  # the column the cursor must be drawn in
        self.drawn = asyncio.Event()
        self.drawn_at = 0.0
        display = app._display

        def timed_display(screen, renderable) -> None:
            display(screen, renderable)
            if self.target is not None and renderable is not None and not app._batch_count:
                now = time.perf_counter()
                if self.grid.cursor_coordinate.column == self.target:
                    self.target, self.drawn_at = None, now
                    self.drawn.set()

        app._display = timed_display

    async def press(self, right: bool) -> float:
        from textual import events

        self.drawn.clear()
        self.target = 2 if right else 1  # the cursor starts on the first score (column 1)
        key = events.Key("right" if right else "left", None)
        key.set_sender(self.app)
        start = time.perf_counter()
        self.app._driver.send_message(key)
        await asyncio.wait_for(self.drawn.wait(), 30)
        return (self.drawn_at - start) * 1000

    async def run(self, ms: list[float], count: int | None = None) -> None:
        """Press until cancelled (or count times), a key every 20 to 60 ms, as a person moves about."""
        self.grid.focus()
        right = True
        while count is None or len(ms) < count:
            ms.append(await self.press(right))
            right = not right
            await asyncio.sleep(self.rng.uniform(0.02, 0.06))
        if not right:
            await self.press(False)  # back on the first score


async def bench_app(db_path: Path, log_path: Path, phones: int, rounds: int) -> dict:
    """The real app, headless, with phone voting on loopback; `r` reveals, as the facilitator would."""
    from workshop.inputs.plan import load_plan
    from workshop.store import Store
    from workshop.tui.app import WorkshopApp
    from workshop.web.server import ballot_id

    plan = load_plan(REPO / "sessions" / "demo.yaml")
    store = Store(db_path)
    # As `workshop run` starts it: the cycle collector off until the first frame, when the app freezes
    # what start-up built and turns it back on (WorkshopApp.after_first_frame).
    gc.disable()
    app = WorkshopApp(store, plan=plan, sessions_dir=REPO / "sessions", phones=True, host="127.0.0.1",
                      port=0, log_path=log_path)
    keys: list[float] = []
    idle: list[float] = []
    async with app.run_test(size=(120, 36)) as pilot:
        for _ in range(200):
            if app.phone_server is not None:
                break
            await pilot.pause(0.05)
        else:
            raise RuntimeError("the phone server did not start")
        await pilot.press("enter")  # begin: principle 1 opens for voting
        await pilot.pause(0.2)
        live = app.screen.live
        server = app.phone_server
        timer = KeyTimer(app)
        cpu, wall = time.process_time(), time.perf_counter()
        await timer.run(idle, IDLE_KEYS)
        # What the app itself spends a second while keys are pressed and no phone is connected: the
        # share of the server's CPU below that the plain handler, which has no screen, never pays.
        own_rate = (time.process_time() - cpu) / (time.perf_counter() - wall)
        spec = {"port": server.port, "code": server.join_code, "principle": live.principle.id,
                "groups": [g.id for g in plan[0].groups], "phones": phones, "within": 1.0, "rounds": rounds,
                "reveal": True, "aliases": loopback_aliases()}

        async def reveal() -> None:
            await pilot.press("r")

        cpu, wall = time.process_time(), time.perf_counter()
        result = await run_phones(spec, lambda: timer.run(keys), reveal)
        result["server_cpu_seconds"] = time.process_time() - cpu
        result["screen_cpu_seconds"] = own_rate * (time.perf_counter() - wall)
        for _ in range(20):  # the screen refreshes its counts a moment after the last ballot
            await pilot.pause(0.05)
        shown = sum(live.counts().values())
        session_id, principle = live.id, live.principle.id
    store.close()
    with Store(db_path) as check:
        stored = {b.participant: b.score for b in check.ballots(session_id, principle) if b.mode == "phones"}
    # Each phone's ballot id is derived from its token for this principle (the token is not stored).
    acknowledged = {ballot_id(token, session_id, principle): score for token, score in result["acknowledged"].items()}
    lost = [pid for pid in acknowledged if pid not in stored]
    differ = [pid for pid, score in acknowledged.items()
              if pid in stored and stored[pid] != (None if score == "dk" else score)]
    result.update(keys_ms=keys, idle_keys_ms=idle, lost=len(lost), differ=len(differ), stored=len(stored),
                  acknowledged=len(acknowledged), shown=shown)
    return result


async def bench_plain(db_path: Path, phones: int, rounds: int, page: bytes) -> dict:
    """The baseline: aiohttp handlers that parse the JSON and insert one row each, nothing else, and an
    event stream that sends one ready-made update when told to reveal."""
    from aiohttp import web

    conn = sqlite3.connect(db_path, isolation_level=None)  # every INSERT commits
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("CREATE TABLE joins (id TEXT PRIMARY KEY, group_id TEXT)")
    conn.execute("CREATE TABLE ballots (participant TEXT, principle TEXT, score TEXT, at REAL)")
    revealed = asyncio.Event()
    html = page.decode()

    def event(state: dict) -> bytes:
        return f"data: {json.dumps({'version': 1, 'html': html, 'state': state})}\n\n".encode()

    waiting, shown = event({"revealed": False}), event({"revealed": True})

    async def index(request: web.Request) -> web.Response:
        return web.Response(body=page, content_type="text/html")

    async def join(request: web.Request) -> web.Response:
        body = json.loads(await request.read())
        token = secrets.token_urlsafe(16)
        conn.execute("INSERT INTO joins VALUES (?, ?)", [hashlib.sha256(token.encode()).hexdigest()[:32], body["group"]])
        return web.json_response({"token": token})

    async def ballot(request: web.Request) -> web.Response:
        body = json.loads(await request.read())
        conn.execute("INSERT INTO ballots VALUES (?, ?, ?, ?)",
                     [request.headers.get("Authorization", "")[7:], body["principle"], str(body["score"]), time.time()])
        return web.json_response({"ok": True})

    async def events(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        await response.write(waiting)
        await revealed.wait()
        await response.write(shown)
        return response

    async def reveal() -> None:
        revealed.set()

    app = web.Application()
    app.add_routes([web.get("/", index), web.post("/api/join", join), web.post("/api/ballot", ballot),
                    web.get("/api/events", events)])
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0, backlog=512).start()
    port = runner.addresses[0][1]
    try:
        cpu = time.process_time()
        result = await run_phones({"port": port, "code": "-", "principle": "p1", "groups": ["council", "vcs"],
                                   "phones": phones, "within": 1.0, "rounds": rounds, "reveal": True,
                                   "aliases": loopback_aliases()}, None, reveal)
        result["server_cpu_seconds"] = time.process_time() - cpu
        return result
    finally:
        await runner.cleanup()
        conn.close()


def join_page() -> bytes:
    """The app's own join page, so the baseline's page load sends as many bytes."""
    from workshop.inputs.plan import load_plan
    from workshop.web.page import join_form, page

    plan = load_plan(REPO / "sessions" / "demo.yaml")[0]
    return page(plan.title, join_form(plan, "ABCDEF"), code="ABCDEF").encode()


# --- report ----------------------------------------------------------------------------------------


def spread(values: list[float], fmt: str = "{:.0f}") -> str:
    """min / median / max."""
    if not values:
        return "-"
    return " / ".join(fmt.format(v) for v in (min(values), statistics.median(values), max(values)))


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def report(loads: list[int], runs: list[dict[int, dict]]) -> None:
    """runs: one {phones: {"app": result, "plain": result}} per run."""
    def each(n: int, side: str, pick) -> list[float]:
        return [pick(run[n][side]) for run in runs if n in run]

    def room_p99(result: dict) -> float:
        return pct(result["phases"]["room"]["ms"], 99)

    def ratios(n: int, pick) -> list[float]:
        return [pick(run[n]["app"]) / pick(run[n]["plain"]) for run in runs if n in run]

    head = f"  {'':<30}{'ours':>22}{'baseline':>22}{'ratio':>25}  goal"
    print(f"\nphones.py: {len(runs)} run(s); min / median / max over the runs; baseline = the plain "
          "aiohttp+SQLite handler in the same run")
    print(f"machine: {os.cpu_count()} cores, load average {', '.join(f'{x:.2f}' for x in os.getloadavg())} "
          "(1, 5, 15 min) at the end")

    print("\nPhones at room pace: ballot p99 (ms), each phone voting once a second")
    print(head)
    passes_at = None
    for n in loads:
        ours, base, ratio = each(n, "app", room_p99), each(n, "plain", room_p99), ratios(n, room_p99)
        med = statistics.median(ratio)
        print(f"  {f'{n:,} phones':<30}{spread(ours):>22}{spread(base):>22}{spread(ratio, '{:.2f}x'):>25}"
              f"  p99 < {P99_GOAL_MS} ms and <= {P99_RATIO_GOAL}x  "
              f"{verdict(statistics.median(ours) < P99_GOAL_MS and med <= P99_RATIO_GOAL)}")
        if passes_at is None and statistics.median(ours) >= P99_GOAL_MS:
            passes_at = n
    tested = max(loads)
    where = f"{passes_at:,}" if passes_at else f"beyond {tested:,} (the most tested)"
    print(f"  phones at which ballot p99 passes {P99_GOAL_MS} ms (median): {where}; goal >= {GOAL_PHONES:,}: "
          f"{verdict(passes_at is None and tested >= GOAL_PHONES)}")

    def last_reveal(result: dict) -> float:
        return max(result["reveal_ms"]) if result["reveal_ms"] else float("inf")

    print("\nReveal reaching every phone: ms from `r` until the last phone has it")
    print(head)
    for n in loads:
        ours, base, ratio = each(n, "app", last_reveal), each(n, "plain", last_reveal), ratios(n, last_reveal)
        goal = f"< {REVEAL_GOAL_MS} ms  {verdict(statistics.median(ours) < REVEAL_GOAL_MS)}" if n == REVEAL_PHONES else ""
        print(f"  {f'{n:,} phones':<30}{spread(ours):>22}{spread(base):>22}{spread(ratio, '{:.2f}x'):>25}  {goal}")

    print("\nKey press to frame, p99 (ms), while the phones vote; baseline = the same keys with no phones")
    print(head)
    for n in loads:
        ours = each(n, "app", lambda r: pct(r["keys_ms"], 99))
        base = each(n, "app", lambda r: pct(r["idle_keys_ms"], 99))
        ratio = [o / b for o, b in zip(ours, base)]
        presses = sum(len(run[n]["app"]["keys_ms"]) for run in runs if n in run)
        goal = f"< {KEY_GOAL_MS} ms  {verdict(statistics.median(ours) < KEY_GOAL_MS)}" if n == KEY_PHONES else ""
        print(f"  {f'{n:,} phones ({presses} keys)':<30}{spread(ours, '{:.1f}'):>22}{spread(base, '{:.1f}'):>22}"
              f"{spread(ratio, '{:.2f}x'):>25}  {goal}")

    print("\nCPU seconds per run (server process / phones' process, the load generator); the app's server")
    print("process also draws the screen: 'screen' is what it spends at the same keys with no phones, pro rata")
    for n in loads:
        for side in ("app", "plain"):
            server, phones = each(n, side, lambda r: r["server_cpu_seconds"]), each(n, side, lambda r: r["cpu_seconds"])
            screen = (f"   screen {spread(each(n, side, lambda r: r['screen_cpu_seconds']), '{:.1f}'):>16}"
                      if side == "app" else "")
            print(f"  {f'{n:,} phones, {side}':<30} server {spread(server, '{:.1f}'):>16}   "
                  f"phones {spread(phones, '{:.1f}'):>16}{screen}")

    print("\nNothing lost (every run, every load)")
    failures = []
    for i, run in enumerate(runs, 1):
        for n, sides in run.items():
            app = sides["app"]
            problems = (app["lost"] or app["differ"] or app["stored"] != app["acknowledged"]
                        or app["shown"] != app["stored"])
            errors = {side: sum(sides[side]["errors"].values()) for side in ("app", "plain")}
            if problems or errors["app"]:
                failures.append(f"  run {i}, {n:,} phones: {app['acknowledged']} answered with 200, "
                                f"{app['stored']} in the database, {app['shown']} on the Vote screen, "
                                f"{app['lost']} lost, {app['differ']} with another score; errors {sides['app']['errors']}")
            if errors["plain"]:
                failures.append(f"  run {i}, {n:,} phones, plain handler errors: {sides['plain']['errors']}")
    for line in failures:
        print(line)
    print(f"  {verdict(not failures)}  zero lost ballots and zero errors")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", default=",".join(map(str, LOADS)),
                        help=f"loads, comma-separated, each 1 to {MAX_PHONES} (default {','.join(map(str, LOADS))})")
    parser.add_argument("--runs", type=int, default=3, help="runs of every load (default 3)")
    parser.add_argument("--rounds", type=int, default=3, help="seconds of voting at room pace (default 3)")
    args = parser.parse_args()
    loads = [int(x) for x in args.phones.split(",")]
    if not all(1 <= n <= MAX_PHONES for n in loads):
        parser.error(f"--phones must be between 1 and {MAX_PHONES}")
    if not 1 <= args.runs <= 20 or not 1 <= args.rounds <= 30:
        parser.error("--runs must be 1 to 20 and --rounds 1 to 30")
    raise_file_limit(max(loads) * 3 + 500)
    if not loopback_aliases():
        print("phones.py: all phones come from 127.0.0.1 here (no other loopback addresses): the server's "
              "per-address limits will refuse most joins")
    runs: list[dict[int, dict]] = []
    with tempfile.TemporaryDirectory(prefix="workshop-phones-") as tmp:
        tmp_path = Path(tmp)
        os.environ["WORKSHOP_DB"] = str(tmp_path / "unused.db")  # never the user's own database
        log = tmp_path / "phones.log"
        page = join_page()
        for r in range(args.runs):
            run: dict[int, dict] = {}
            for i, n in enumerate(loads if r % 2 == 0 else reversed(loads)):
                sides = {}
                for side in (("app", "plain") if (r + i) % 2 == 0 else ("plain", "app")):
                    db = tmp_path / f"{side}-{r}-{n}.db"
                    sides[side] = (asyncio.run(bench_app(db, log, n, args.rounds)) if side == "app"
                                   else asyncio.run(bench_plain(db, n, args.rounds, page)))
                run[n] = sides
                print(f"run {r + 1}, {n:,} phones: ballot p99 {pct(sides['app']['phases']['room']['ms'], 99):.0f} ms "
                      f"(plain {pct(sides['plain']['phases']['room']['ms'], 99):.0f}), last reveal "
                      f"{max(sides['app']['reveal_ms'] or [float('nan')]):.0f} ms, key p99 "
                      f"{pct(sides['app']['keys_ms'], 99):.0f} ms", flush=True)
            runs.append(run)
        report(loads, runs)
        if log.exists() and log.stat().st_size:
            print(f"\nThe phone server logged problems:\n{log.read_text()[-2000:]}")


if __name__ == "__main__":
    main()
