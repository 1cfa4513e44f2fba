"""Benchmark: simulated phones join, vote and wait for a reveal against the running app, on loopback.

The app (WorkshopApp, headless, phone voting on 127.0.0.1, a free port) runs in this process; the
phones run in a second process so that they do not share the app's event loop. Every phone joins,
casts a ballot (every third one changes it), opens the live-update stream and waits; once all are
waiting, the benchmark presses `r` in the app and times how long each phone takes to see the reveal.
The same client load then runs against a plain aiohttp handler that inserts one SQLite row per
request (WAL, synchronous=FULL), and the ratio of the two is printed. Always exits 0.

    .venv/bin/python bench/phones.py                 # 300 phones
    .venv/bin/python bench/phones.py --phones 1000   # the most it takes
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import math
import os
import random
import secrets
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MAX_PHONES = 1000
REVOTE_EVERY = 3  # every third phone changes its answer: 2 ballots, under the 3-a-second limit
REQUEST_SECONDS = 30  # no single request may take longer
RUN_SECONDS = 180  # the whole client run, after which it is stopped
REVEAL_SECONDS = 10  # how long phones wait for the reveal
P99_GOAL_MS = 100
RATIO_GOAL = 0.5
GOAL_PHONES = 300


# --- the phones (run in a child process) ----------------------------------------------------------


def phone_address(i: int) -> str:
    """Phone i's own loopback address (127.1.0.1 onwards): the server limits joins and connections
    per address, and phones on a room's network each have their own."""
    return f"127.1.{i // 250}.{i % 250 + 1}"


def loopback_aliases() -> bool:
    """Whether this machine routes all of 127.0.0.0/8 to loopback (Linux does; macOS has only 127.0.0.1)."""
    import socket

    try:
        with socket.socket() as probe:
            probe.bind((phone_address(0), 0))
        return True
    except OSError:
        return False


def raise_file_limit(want: int) -> None:
    try:
        import resource
    except ImportError:
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < want:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (want if hard == resource.RLIM_INFINITY else min(want, hard), hard))
        except (ValueError, OSError):
            pass


class Link:
    """One phone's keep-alive HTTP/1.1 connection, spoken directly over asyncio streams.

    A hand-written client, because aiohttp's own client costs more CPU per request than the server
    being measured: with it, the phones' process rather than the server sets the pace.
    """

    def __init__(self, host: str, port: int, local: str | None = None):
        """local: the address this phone's connections come from (each phone its own, as on Wi-Fi)."""
        self.host, self.port, self.local = host, port, local
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def connect(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(
            self.host, self.port, local_addr=(self.local, 0) if self.local else None)

    async def request(self, method: str, path: str, body: dict | None = None, token: str | None = None,
                      ) -> tuple[int, bytes]:
        reused = self.writer is not None
        try:
            return await self._request(method, path, body, token)
        except (ConnectionError, asyncio.IncompleteReadError):
            if not reused:
                raise
            # As browsers do: a kept-alive connection the server closed while idle, before any
            # answer, is not an error; the request goes again on a new connection, once.
            self.close()
            return await self._request(method, path, body, token)

    async def _request(self, method: str, path: str, body: dict | None, token: str | None) -> tuple[int, bytes]:
        if self.writer is None:
            await self.connect()
        data = json.dumps(body).encode() if body is not None else b""
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
        if token:
            head += f"Authorization: Bearer {token}\r\n"
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n"
        self.writer.write(head.encode() + b"\r\n" + data)
        status, headers = await self._head()
        payload = await self.reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, payload

    async def _head(self) -> tuple[int, dict[str, str]]:
        line = await self.reader.readline()
        if not line:
            raise ConnectionResetError("closed by the server")
        status = int(line.split()[1])
        headers = {}
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        return status, headers

    async def events(self, token: str):
        """Yield each server-sent event's data (a dict) from GET /api/events (chunked transfer)."""
        self.writer.write(f"GET /api/events HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                          f"Authorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n".encode())
        status, _headers = await self._head()
        if status != 200:
            raise RuntimeError(f"events {status}")
        buffer = b""
        while True:
            size = int((await self.reader.readline()).strip() or b"0", 16)
            if size == 0:
                return
            buffer += await self.reader.readexactly(size)
            await self.reader.readline()
            while b"\n\n" in buffer:
                event, buffer = buffer.split(b"\n\n", 1)
                for line in event.split(b"\n"):
                    if line.startswith(b"data: "):
                        yield json.loads(line[6:])

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = self.reader = None


async def phones_client(spec: dict) -> dict:
    """The phones' whole run; returns latencies and durations per phase, errors, and what was acknowledged."""
    n, groups, within = spec["phones"], spec["groups"], spec["within"]
    errors: Counter[str] = Counter()
    links = [Link("127.0.0.1", spec["port"], phone_address(i) if spec["aliases"] else None) for i in range(n)]
    tokens: list[str | None] = [None] * n
    acknowledged: dict[str, int | str] = {}  # participant id -> the last score answered with 200
    phases: dict[str, dict] = {}
    rng = random.Random(2026)

    async def call(i: int, what: str, method: str, path: str, body: dict | None, ms: list[float]):
        start = time.perf_counter()
        try:
            status, payload = await asyncio.wait_for(links[i].request(method, path, body, tokens[i]), REQUEST_SECONDS)
        except Exception as exc:  # counted, and the run goes on
            errors[f"{what} {type(exc).__name__}"] += 1
            links[i].close()
            status, payload = None, b""
        ms.append((time.perf_counter() - start) * 1000)
        if status is not None and status != 200:
            errors[f"{what} {status}"] += 1
        return status, payload

    async def phase(name: str, step) -> None:
        ms: list[float] = []
        start, started = time.perf_counter(), time.monotonic()
        await asyncio.gather(*(step(i, ms) for i in range(n)))
        phases[name] = {"ms": ms, "seconds": time.perf_counter() - start, "started": started}

    async def page(i: int, ms: list[float]) -> None:
        await call(i, "page", "GET", f"/?code={spec['code']}", None, ms)

    async def join(i: int, ms: list[float]) -> None:
        status, payload = await call(i, "join", "POST", "/api/join",
                                     {"code": spec["code"], "group": groups[i % len(groups)]}, ms)
        if status == 200:
            tokens[i] = json.loads(payload)["token"]

    async def ballot(i: int, ms: list[float]) -> None:
        if tokens[i] is None:
            return
        score = rng.choice([1, 2, 3, 4, 5, "dk"])
        status, _ = await call(i, "ballot", "POST", "/api/ballot", {"principle": spec["principle"], "score": score}, ms)
        if status == 200:
            acknowledged[tokens[i]] = score  # the parent turns tokens into the ballot ids it stored

    offsets = [rng.uniform(0, within) for _ in range(n)]

    async def room_ballots(i: int, ms: list[float]) -> None:
        # Each phone answers at its own moment within the window; every third changes its mind.
        await asyncio.sleep(offsets[i])
        await ballot(i, ms)
        if i % REVOTE_EVERY == 0:
            await asyncio.sleep(0.3)
            await ballot(i, ms)

    await phase("page", page)  # each phone opens its connection and loads the join page
    await phase("join", join)  # all at once
    await phase("ballot", ballot)  # all at once
    await asyncio.sleep(1.05)  # the per-device window (3 ballots a second) starts afresh
    await phase("room", room_ballots)

    reveal_ms: list[float] = []
    if spec["reveal"]:
        reveal_ms = await wait_for_reveal([(link, t) for link, t in zip(links, tokens) if t], errors)
    for link in links:
        link.close()
    return {"phases": phases, "errors": dict(errors), "acknowledged": acknowledged, "reveal_ms": reveal_ms}


async def wait_for_reveal(phones: list[tuple[Link, str]], errors: Counter) -> list[float]:
    """Every phone opens its event stream; once all are listening, ask for the reveal and time it."""
    listening = 0
    all_listening = asyncio.Event()
    seen_at: list[float] = []

    async def listen(link: Link, token: str) -> None:
        nonlocal listening
        first = True
        try:
            if link.writer is None:
                await link.connect()
            async for data in link.events(token):
                if first:
                    first = False
                    listening += 1
                    if listening == len(phones):
                        all_listening.set()
                if data["state"].get("revealed"):
                    seen_at.append(time.time())
                    return
            errors["events closed early"] += 1
        except Exception as exc:
            errors[f"events {type(exc).__name__}"] += 1

    tasks = [asyncio.create_task(listen(link, token)) for link, token in phones]
    try:
        await asyncio.wait_for(all_listening.wait(), REQUEST_SECONDS)
    except TimeoutError:
        errors["events: not all phones listening"] += 1
    print("VOTED", flush=True)
    line = await asyncio.wait_for(asyncio.to_thread(sys.stdin.readline), REQUEST_SECONDS)
    revealed_at = float(line.split()[1])
    _done, pending = await asyncio.wait(tasks, timeout=REVEAL_SECONDS)
    for task in pending:
        task.cancel()
    if pending:
        errors["reveal not seen in time"] += len(pending)
    return [(t - revealed_at) * 1000 for t in seen_at]


def client_main(spec_json: str) -> None:
    spec = json.loads(spec_json)
    raise_file_limit(spec["phones"] * 3 + 100)
    result = asyncio.run(asyncio.wait_for(phones_client(spec), RUN_SECONDS))
    print("RESULT " + json.dumps(result), flush=True)


# --- driving a server and its phones ---------------------------------------------------------------


async def run_phones(spec: dict, on_voted=None) -> dict:
    """Start the phones' process, reveal when it says all are waiting, and return its report."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--client", json.dumps(spec),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, limit=2 ** 26)
    deadline = time.monotonic() + RUN_SECONDS + 10
    try:
        while True:
            line = await asyncio.wait_for(process.stdout.readline(), max(1.0, deadline - time.monotonic()))
            if not line:
                raise RuntimeError("the phones' process ended without a report")
            if line.startswith(b"VOTED"):
                revealed_at = time.time()
                await on_voted()
                process.stdin.write(f"REVEAL {revealed_at}\n".encode())
                await process.stdin.drain()
            elif line.startswith(b"RESULT "):
                return json.loads(line[7:])
    finally:
        if process.returncode is None:
            try:
                await asyncio.wait_for(process.wait(), 5)
            except TimeoutError:
                process.kill()
                await process.wait()


async def bench_app(db_path: Path, log_path: Path, phones: int, within: float) -> tuple[dict, dict]:
    """The real app, headless, with phone voting on loopback; `r` reveals, as the facilitator would."""
    from workshop.inputs.plan import load_plan
    from workshop.store import Store
    from workshop.tui.app import WorkshopApp

    plan = load_plan(REPO / "sessions" / "demo.yaml")
    store = Store(db_path)
    app = WorkshopApp(store, plan=plan, sessions_dir=REPO / "sessions", phones=True, host="127.0.0.1",
                      port=0, log_path=log_path)
    async with app.run_test(size=(120, 36)) as pilot:
        for _ in range(200):
            if app.phone_server is not None:
                break
            await pilot.pause(0.05)
        else:
            raise RuntimeError("the phone server did not start")
        await pilot.press("enter")  # begin: principle 1 opens for voting
        live = app.screen.live
        server = app.phone_server
        spec = {"port": server.port, "code": server.join_code, "principle": live.principle.id,
                "groups": [g.id for g in plan[0].groups], "phones": phones, "within": within, "reveal": True,
                "aliases": loopback_aliases()}

        async def reveal() -> None:
            await pilot.press("r")

        result = await run_phones(spec, reveal)
        for _ in range(20):  # the screen refreshes its counts at most every 0.2 s
            await pilot.pause(0.05)
        shown = sum(live.counts().values())
        session_id, principle = live.id, live.principle.id
    store.close()
    from workshop.web.server import ballot_id

    with Store(db_path) as check:
        stored = {b.participant: b.score for b in check.ballots(session_id, principle) if b.mode == "phones"}
    # Each phone's ballot id is derived from its token for this principle (the token is not stored).
    result["acknowledged"] = {ballot_id(token, session_id, principle): score
                              for token, score in result["acknowledged"].items()}
    return result, {"stored": stored, "shown": shown}


async def bench_plain(db_path: Path, phones: int, within: float, page: bytes) -> dict:
    """The baseline: aiohttp handlers that parse the JSON and insert one row each, nothing else."""
    from aiohttp import web

    conn = sqlite3.connect(db_path, isolation_level=None)  # every INSERT commits
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("CREATE TABLE joins (id TEXT PRIMARY KEY, group_id TEXT)")
    conn.execute("CREATE TABLE ballots (participant TEXT, principle TEXT, score TEXT, at REAL)")

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

    app = web.Application()
    app.add_routes([web.get("/", index), web.post("/api/join", join), web.post("/api/ballot", ballot)])
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0, backlog=512).start()
    port = runner.addresses[0][1]
    try:
        return await run_phones({"port": port, "code": "-", "principle": "p1", "groups": ["council", "vcs"],
                                 "phones": phones, "within": within, "reveal": False,
                                 "aliases": loopback_aliases()})
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


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


def report(phones: int, within: float, app: dict, check: dict, plain: dict) -> None:
    a, b = app["phases"], plain["phases"]

    def row(label: str, left: str, right: str = "", ratio: str = "") -> None:
        print(f"  {label:<34}{left:>16}{right:>16}{ratio:>9}")

    def rate(phase: dict) -> float:
        return len(phase["ms"]) / phase["seconds"]

    def lat(phase: dict) -> str:
        return f"{pct(phase['ms'], 50):.1f} / {pct(phase['ms'], 99):.1f}"

    where = "each from its own loopback address (127.1.0.1 on)" if loopback_aliases() else (
        "all from 127.0.0.1 (this machine has no other loopback addresses: the server's per-address "
        "limits will refuse most joins)")
    print(f"\nphones.py: {phones} phones to 127.0.0.1, {where}, each in its own keep-alive connection\n")
    row("", "in the app", "plain handler", "ratio")
    row("page loads/s, all at once", f"{rate(a['page']):,.0f}", f"{rate(b['page']):,.0f}",
        f"{rate(a['page']) / rate(b['page']):.2f}x")
    row("joins/s, all at once", f"{rate(a['join']):,.0f}", f"{rate(b['join']):,.0f}",
        f"{rate(a['join']) / rate(b['join']):.2f}x")
    row("ballots/s, all at once", f"{rate(a['ballot']):,.0f}", f"{rate(b['ballot']):,.0f}",
        f"{rate(a['ballot']) / rate(b['ballot']):.2f}x")
    row("  join p50 / p99 ms", lat(a["join"]), lat(b["join"]))
    row("  ballot p50 / p99 ms", lat(a["ballot"]), lat(b["ballot"]))
    row(f"room pace ({len(a['room']['ms'])} ballots in {within:g} s)", "", "")
    row("  ballot p50 / p99 ms", lat(a["room"]), lat(b["room"]))
    errors = sum(app["errors"].values())
    row("errors", str(errors), str(sum(plain["errors"].values())))
    for side, found in (("app", app["errors"]), ("plain", plain["errors"])):
        for kind, count in sorted(found.items()):
            print(f"      {side}: {kind}: {count}")
    reveal = app["reveal_ms"]
    if reveal:
        print(f"\n  reveal (r pressed in the app) seen by {len(reveal)} of {phones} phones: "
              f"p50 {pct(reveal, 50):.0f} ms, p99 {pct(reveal, 99):.0f} ms, last {max(reveal):.0f} ms")
    acknowledged, stored = app["acknowledged"], check["stored"]
    lost = [pid for pid in acknowledged if pid not in stored]
    differ = [pid for pid in acknowledged
              if pid in stored and stored[pid] != (None if acknowledged[pid] == "dk" else acknowledged[pid])]
    print(f"  ballots: {len(acknowledged)} phones answered with 200, {len(stored)} ballots in the database, "
          f"{check['shown']} counted on the Vote screen; lost {len(lost)}, with another score {len(differ)}")

    p99 = pct(a["room"]["ms"], 99)
    ratio = rate(a["ballot"]) / rate(b["ballot"])
    at = "" if phones == GOAL_PHONES else f"; the goal is set for {GOAL_PHONES} phones"
    goals = [
        (errors == 0, f"zero errors ({errors})"),
        (not lost and not differ and len(stored) == len(acknowledged) == check["shown"],
         f"zero lost ballots ({len(lost)} lost, {len(differ)} with another score)"),
        (p99 < P99_GOAL_MS, f"ballot p99 under {P99_GOAL_MS} ms at room pace ({p99:.1f} ms{at})"),
        (ratio >= RATIO_GOAL, f"in-app ballot throughput at least {RATIO_GOAL}x the plain handler's ({ratio:.2f}x)"),
    ]
    print("\nGoals:")
    for ok, text in goals:
        print(f"  {'PASS' if ok else 'MISS'}  {text}")


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--client":
        client_main(sys.argv[2])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, default=300, help=f"simulated phones, 1 to {MAX_PHONES} (default 300)")
    parser.add_argument("--within", type=float, default=1.0,
                        help="room pace: every phone answers once within this many seconds (default 1)")
    args = parser.parse_args()
    if not 1 <= args.phones <= MAX_PHONES:
        parser.error(f"--phones must be between 1 and {MAX_PHONES}")
    if not 0 < args.within <= 30:
        parser.error("--within must be between 0 and 30 seconds")
    raise_file_limit(args.phones * 3 + 500)
    with tempfile.TemporaryDirectory(prefix="workshop-phones-") as tmp:
        tmp_path = Path(tmp)
        os.environ["WORKSHOP_DB"] = str(tmp_path / "unused.db")  # never the user's own database
        log = tmp_path / "phones.log"
        app_result, check = asyncio.run(bench_app(tmp_path / "app.db", log, args.phones, args.within))
        plain_result = asyncio.run(bench_plain(tmp_path / "plain.db", args.phones, args.within, join_page()))
        report(args.phones, args.within, app_result, check, plain_result)
        if log.exists() and log.stat().st_size:
            print(f"\nThe phone server logged problems:\n{log.read_text()[-2000:]}")


if __name__ == "__main__":
    main()
