"""Soak: the real `workshop run --phones` in a pty, phones voting, SIGKILLed again and again.

The installed `workshop` program (beside this interpreter) runs the demo plan in a 120x36
pseudo-terminal with phone voting on 127.0.0.1 and a database in a temp dir. The benchmark reads
the join code and port from the database, presses Enter to leave the lobby, and starts simulated
phones in this process (aiohttp), each from its own loopback address (127.0.0.3 on; the server
limits joins per address). Every phone joins once, then votes again and again (random scores,
don't know included, re-votes replacing) on whatever principle is open, and remembers each
ballot the server acknowledged with 200.

Every 1 to 4 seconds the app is killed with SIGKILL and started again on the same session
(`workshop --db DB run SESSION --phones --host 127.0.0.1 --port PORT`). Phones keep their tokens:
on a connection error they pause briefly and send again. Every few kills the facilitator reveals
and moves to the next principle (`r`, `n` in the pty), so ballots span several principles.

After the last kill, the phones stop, the app is quit with ctrl+q, and the database is checked:
every phone's last acknowledged ballot on each principle must be there with that score (a
phone's ballot id on a principle is derived from its token, so each is matched exactly), and
`PRAGMA integrity_check` must say ok (it also runs after every restart, on a read-only
connection while the app serves). Printed: kills, acknowledged ballots, lost ballots,
integrity-check failures, time from restart to serving again, and the goals. Always exits 0.

    .venv/bin/python bench/soak.py --kills 5      # a quick look, under a minute
    .venv/bin/python bench/soak.py                # 50 kills, 150 phones (a few minutes)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import signal
import socket
import sqlite3
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from phones import raise_file_limit  # bench/ is on the path when a benchmark runs

try:  # POSIX only: a pseudo-terminal and its window size
    import fcntl
    import pty
    import termios
except ImportError:  # Windows
    fcntl = pty = termios = None

REPO = Path(__file__).resolve().parents[1]
PLAN = REPO / "sessions" / "demo.yaml"
WIDTH, HEIGHT = 120, 36
OBSERVER = "127.0.0.2"  # the benchmark's own device, watching the state; it never votes
FIRST_PHONE = 3  # phones from 127.0.0.3 on
REQUEST_SECONDS = 10  # a request taking longer counts as a connection error
SERVE_SECONDS = 30  # a restart that does not serve within this is a failure
STOP_SECONDS = 20  # the clean stop at the end
SCORES = [1, 2, 3, 4, 5, "dk"]
REFUSED = ("refused",)  # no connection: the app is down and the request was never sent
ANSI = re.compile(rb"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[PX^_].*?\x1b\\|\x1b\][^\x07]*(\x07|\x1b\\)|\x1b.")


# --- the app in a pseudo-terminal -----------------------------------------------------------------


class App:
    """One run of the workshop program in a fresh pty; its output is read and thrown away (a
    terminal that is not read would block the app), keeping a tail for when something goes wrong."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path):
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", HEIGHT, WIDTH, 0, 0))
        self.started = time.monotonic()
        self.process = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=env,
                                        start_new_session=True)
        os.close(slave)
        self.tail = b""
        self.loop = asyncio.get_running_loop()
        self.loop.add_reader(self.master, self._read)
        self.reading = True

    def _read(self) -> None:
        try:
            data = os.read(self.master, 65536)
        except OSError:
            data = b""
        if not data:
            self._stop_reading()
            return
        self.tail = (self.tail + data)[-65536:]

    def _stop_reading(self) -> None:
        if self.reading:
            self.reading = False
            self.loop.remove_reader(self.master)

    def send(self, keys: str) -> None:
        try:
            os.write(self.master, keys.encode())
        except OSError:
            pass

    def alive(self) -> bool:
        return self.process.poll() is None

    async def wait(self, seconds: float) -> bool:
        """Whether the process ended within `seconds`."""
        end = time.monotonic() + seconds
        while self.alive() and time.monotonic() < end:
            await asyncio.sleep(0.02)
        return not self.alive()

    async def kill(self) -> None:
        if self.alive():
            self.process.send_signal(signal.SIGKILL)
        await self.wait(10)
        self.close()

    def close(self) -> None:
        self._stop_reading()
        try:
            os.close(self.master)
        except OSError:
            pass
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()

    def screen_text(self) -> str:
        return ANSI.sub(b" ", self.tail).decode("utf-8", "replace")[-1500:]


# --- the database, read-only ----------------------------------------------------------------------


def read_only(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    conn.execute("PRAGMA query_only = ON")
    return conn


def join_details(db: Path) -> tuple[str, str, str, list[str]] | None:
    """(session id, join code, port, groups) once the app has started phone voting, else None."""
    if not db.exists():
        return None
    try:
        conn = read_only(db)
        try:
            row = conn.execute("SELECT id, join_code, join_address FROM sessions "
                               "WHERE join_code IS NOT NULL AND join_address IS NOT NULL").fetchone()
            if row is None:
                return None
            groups = [g for (g,) in conn.execute(
                "SELECT group_id FROM session_groups WHERE session_id = ? ORDER BY group_id", [row[0]])]
            return row[0], row[1], row[2].rpartition(":")[2], groups
        finally:
            conn.close()
    except sqlite3.Error:
        return None  # not created yet, or mid-migration


def integrity(db: Path) -> str:
    """'ok', or what PRAGMA integrity_check (or opening the file) said instead."""
    try:
        conn = read_only(db)
        try:
            rows = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return f"{type(exc).__name__}: {exc}"
    return "ok" if rows == ["ok"] else "; ".join(map(str, rows[:5]))


def stored_ballots(db: Path, session_id: str) -> dict[tuple[str, str], int | None]:
    """(principle, ballot id) -> score (None for don't know) of every phone ballot in the session."""
    conn = read_only(db)
    try:
        return {(p, b): (None if dk else s) for p, b, s, dk in conn.execute(
            "SELECT principle_id, participant_id, score, dont_know FROM ballots "
            "WHERE session_id = ? AND mode = 'phones'", [session_id])}
    finally:
        conn.close()


# --- the phones -----------------------------------------------------------------------------------


@dataclass
class Phone:
    address: str
    group: str
    token: str | None = None
    # (token, principle) -> the score of the last ballot answered with 200, as the answer gave it
    # back (a phone has one token unless the server forgets its join and it joins again)
    acked: dict[tuple[str, str], int | str] = field(default_factory=dict)
    # (token, principle) -> scores sent after that whose answer never came (the app was killed
    # meanwhile): each may or may not have been stored
    unknown: dict[tuple[str, str], list] = field(default_factory=dict)


class Room:
    def __init__(self, port: int, code: str, seed: int):
        self.base = f"http://127.0.0.1:{port}"
        self.code = code
        self.rng = random.Random(seed)
        self.stop = asyncio.Event()
        self.counts: Counter[str] = Counter()
        self.acks = 0
        self.mismatched = 0  # a 200 whose my_ballot is not the score sent

    def headers(self, token: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"} if token else {}

    async def pause(self, low: float, high: float) -> None:
        try:
            await asyncio.wait_for(self.stop.wait(), self.rng.uniform(low, high))
        except TimeoutError:
            pass

    async def call(self, http, method: str, path: str, token: str | None, body: dict | None = None):
        """(status, JSON body or None, Retry-After seconds); REFUSED when no connection could be made
        (nothing was sent); None when the request went out and no answer came."""
        import aiohttp

        try:
            async with http.request(method, self.base + path, json=body, headers=self.headers(token)) as r:
                try:
                    payload = await r.json(content_type=None)
                except ValueError:
                    payload = None
                try:
                    wait = float(r.headers.get("Retry-After", "0"))
                except ValueError:
                    wait = 1.0
                return r.status, payload, wait
        except aiohttp.ClientConnectorError:
            return REFUSED
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError):
            return None

    async def join(self, http, group: str) -> str | None:
        while not self.stop.is_set():
            answer = await self.call(http, "POST", "/api/join", None, {"code": self.code, "group": group})
            if answer is None or answer is REFUSED:
                self.counts["join: no answer (app down)"] += 1
                await self.pause(0.2, 0.5)
                continue
            status, payload, wait = answer
            if status == 200:
                self.counts["joins"] += 1
                return payload["token"]
            self.counts[f"join {status}"] += 1
            await self.pause(max(wait, 0.2), max(wait, 0.2) + 0.5)
        return None

    async def phone(self, phone: Phone) -> None:
        import aiohttp

        connector = aiohttp.TCPConnector(local_addr=(phone.address, 0), limit=4)
        timeout = aiohttp.ClientTimeout(total=REQUEST_SECONDS)
        async with aiohttp.ClientSession(connector=connector, timeout=timeout, cookie_jar=aiohttp.DummyCookieJar()) as http:
            await self.pause(0, 1.0)  # the room does not join in the same millisecond
            phone.token = await self.join(http, phone.group)
            principle = None
            resend = None  # a score sent without an answer: sent again, as the phone page does
            recheck = False  # after an outage, the phone reads its own answer back from the state
            while not self.stop.is_set():
                if principle is None or recheck:
                    answer = await self.call(http, "GET", "/api/state", phone.token)
                    if answer is None or answer is REFUSED:
                        self.counts["state: no answer (app down)"] += 1
                        await self.pause(0.2, 0.5)
                        continue
                    status, payload, wait = answer
                    if status == 401:
                        self.counts["401: the server forgot an acknowledged join"] += 1
                        phone.token, principle, resend = await self.join(http, phone.group), None, None
                        continue
                    if status != 200 or not payload.get("principle"):
                        self.counts[f"state {status}" if status != 200 else "state: nothing open"] += 1
                        await self.pause(max(wait, 0.2), max(wait, 0.2) + 0.3)
                        continue
                    shown = payload["principle"]["id"]
                    if recheck and shown == principle:
                        key = (phone.token, principle)
                        if key in phone.acked and payload.get("my_ballot") != phone.acked[key] \
                                and payload.get("my_ballot") not in phone.unknown.get(key, []):
                            self.counts["state after a restart shows another answer than acknowledged"] += 1
                    recheck = False
                    if not payload.get("open"):
                        principle = None
                        await self.pause(0.2, 0.5)
                        continue
                    if shown != principle:
                        principle, resend = shown, None
                key = (phone.token, principle)
                score = resend if resend is not None else self.rng.choice(SCORES)
                answer = await self.call(http, "POST", "/api/ballot", phone.token,
                                         {"principle": principle, "score": score})
                if answer is REFUSED:
                    self.counts["ballot: connection refused (app down)"] += 1
                    recheck = True
                    await self.pause(0.2, 0.5)
                    continue
                if answer is None:
                    # Sent, but no answer: the app may have stored it before it died.
                    phone.unknown.setdefault(key, []).append(score)
                    self.counts["ballot: sent, no answer (app killed)"] += 1
                    resend, recheck = score, True
                    await self.pause(0.2, 0.5)
                    continue
                status, payload, wait = answer
                if status == 200:
                    given = payload.get("my_ballot") if isinstance(payload, dict) else None
                    if given != score:
                        self.mismatched += 1
                    phone.acked[key] = given
                    phone.unknown[key] = []
                    resend = None
                    self.acks += 1
                    await self.pause(0.3, 1.2)
                    continue
                self.counts[f"ballot {status}"] += 1
                if status == 409:
                    principle, resend = None, None  # the facilitator moved on: ask what is open now
                elif status == 401:
                    self.counts["401: the server forgot an acknowledged join"] += 1
                    phone.token, principle, resend = await self.join(http, phone.group), None, None
                await self.pause(max(wait, 0.2), max(wait, 0.2) + 0.3)


class Observer:
    """The benchmark's own joined device: it sees what the phones see, to time restarts."""

    def __init__(self, room: Room):
        self.room = room
        self.token: str | None = None
        self.http = None

    async def open(self, group: str, deadline: float) -> bool:
        import aiohttp

        self.http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(local_addr=(OBSERVER, 0)),
                                          timeout=aiohttp.ClientTimeout(total=2),
                                          cookie_jar=aiohttp.DummyCookieJar())
        while time.monotonic() < deadline:
            answer = await self.room.call(self.http, "POST", "/api/join", None, {"code": self.room.code, "group": group})
            if answer and answer is not REFUSED and answer[0] == 200:
                self.token = answer[1]["token"]
                return True
            await asyncio.sleep(0.1)
        return False

    async def state(self) -> dict | None:
        answer = await self.room.call(self.http, "GET", "/api/state", self.token)
        return answer[1] if answer and answer is not REFUSED and answer[0] == 200 else None

    async def until(self, test, seconds: float) -> dict | None:
        """Poll the state (every 20 ms) until test(state) holds; the state, or None on time-out."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            state = await self.state()
            if state is not None and test(state):
                return state
            await asyncio.sleep(0.02)
        return None

    async def close(self) -> None:
        if self.http is not None:
            await self.http.close()


def is_open(state: dict) -> bool:
    return bool(state.get("open") and state.get("principle"))


# --- the run --------------------------------------------------------------------------------------


@dataclass
class Result:
    kills: int = 0
    restarts: int = 0
    serve_seconds: list[float] = field(default_factory=list)
    idle_serve_seconds: list[float] = field(default_factory=list)  # the baseline: no phones voting
    integrity_checks: int = 0
    integrity_failures: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # the app exiting by itself, not serving, ...
    advances: int = 0
    principles_voted: int = 0
    clean_stop: bool = False


async def soak(args, workshop: Path, tmp: Path) -> None:
    db = tmp / "soak.db"
    env = os.environ | {"TERM": "xterm-256color", "COLORTERM": "truecolor", "WORKSHOP_DB": str(db),
                        "XDG_STATE_HOME": str(tmp / "state"), "XDG_DATA_HOME": str(tmp / "data"),
                        "XDG_CONFIG_HOME": str(tmp / "config"), "XDG_CACHE_HOME": str(tmp / "cache")}
    env.pop("TMUX", None)
    result = Result()
    deadline = time.monotonic() + args.seconds

    app = App([str(workshop), "run", "--phones", "--host", "127.0.0.1", "--port", "0", "--db", str(db), str(PLAN)],
              env, tmp)
    details = None
    while details is None and time.monotonic() < app.started + SERVE_SECONDS and app.alive():
        await asyncio.sleep(0.05)
        details = join_details(db)
    if details is None:
        print("The app did not start phone voting; its screen ended with:\n" + app.screen_text())
        await app.kill()
        return
    session_id, code, port, groups = details
    room = Room(int(port), code, args.seed)
    observer = Observer(room)
    phones = [Phone(f"127.0.0.{FIRST_PHONE + i}", groups[i % len(groups)]) for i in range(args.phones)]
    tasks: list[asyncio.Task] = []
    try:
        if not await observer.open(groups[0], time.monotonic() + SERVE_SECONDS):
            print("The observer could not join; the app's screen ended with:\n" + app.screen_text())
            return
        state = None
        for _ in range(10):  # the lobby says "Press Enter to begin"; the first principle then opens
            app.send("\r")
            state = await observer.until(is_open, 3)
            if state:
                break
        if state is None:
            print("Enter did not open the first principle; the app's screen ended with:\n" + app.screen_text())
            return
        print(f"session {session_id}, join code {code}, port {port}; {args.phones} phones from "
              f"127.0.0.{FIRST_PHONE} to 127.0.0.{FIRST_PHONE + args.phones - 1}; up to {args.kills} kills "
              f"within {args.seconds:g} s", flush=True)

        async def restart(label: str, times: list[float]) -> bool:
            """SIGKILL the app, start it again on the same session and port, time it to serving."""
            nonlocal app
            if not app.alive():
                result.problems.append(f"the app exited by itself (status {app.process.returncode}) before "
                                       f"{label}; its screen ended with: {app.screen_text()[-400:]!r}")
            await app.kill()
            app = App([str(workshop), "--db", str(db), "run", session_id, "--phones", "--host", "127.0.0.1",
                       "--port", port], env, tmp)
            if await observer.until(is_open, SERVE_SECONDS) is None:
                result.problems.append(f"after {label} the app did not serve an open principle within "
                                       f"{SERVE_SECONDS} s; its screen ended with: {app.screen_text()[-400:]!r}")
                return False
            times.append(time.monotonic() - app.started)
            verdict = await asyncio.to_thread(integrity, db)
            result.integrity_checks += 1
            if verdict != "ok":
                result.integrity_failures.append(f"after {label}: {verdict}")
            return True

        # Baseline: the same kill and restart with no phones, for the time to serve again.
        for n in range(args.baseline):
            if not await restart(f"idle kill {n + 1}", result.idle_serve_seconds):
                return
        tasks = [asyncio.create_task(room.phone(p)) for p in phones]
        rng = random.Random(args.seed + 1)
        last_report = time.monotonic()
        while result.kills < args.kills and time.monotonic() < deadline:
            # The facilitator moves on every few kills (never past the last principle).
            if args.advance_every and result.kills % args.advance_every == args.advance_every - 1:
                await advance(app, observer, result)
            await asyncio.sleep(rng.uniform(1.0, 4.0))
            result.kills += 1
            result.restarts += 1
            if not await restart(f"kill {result.kills}", result.serve_seconds):
                break
            if time.monotonic() - last_report > 15:
                last_report = time.monotonic()
                print(f"  {result.kills} kills, {room.acks:,} ballots acknowledged, "
                      f"restart to serving median {statistics.median(result.serve_seconds):.2f} s", flush=True)
        room.stop.set()
        await asyncio.wait(tasks, timeout=REQUEST_SECONDS + 5)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        app.send("\x11")  # ctrl+q: quit as the facilitator would
        result.clean_stop = await app.wait(STOP_SECONDS)
        if not result.clean_stop:
            result.problems.append(f"ctrl+q did not stop the app within {STOP_SECONDS} s; it was killed. "
                                   f"Its screen ended with: {app.screen_text()[-400:]!r}")
        elif app.process.returncode != 0:
            result.problems.append(f"the app exited with status {app.process.returncode} on ctrl+q: "
                                   f"{app.screen_text()[-400:]!r}")
    finally:
        room.stop.set()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await observer.close()
        await app.kill()
    verdict = integrity(db)
    result.integrity_checks += 1
    if verdict != "ok":
        result.integrity_failures.append(f"after the final stop: {verdict}")
    report(args, result, room, phones, session_id, db, tmp)


async def advance(app: App, observer: Observer, result: Result) -> None:
    """Reveal the open principle and move to the next (r, n), as the facilitator does."""
    state = await observer.state()
    if state is None or not state.get("principle"):
        return
    number, total = state["principle"]["number"], state["principle"]["total"]
    if number >= total:
        return
    for keys, test in (("r", lambda s: s.get("revealed")),
                       ("n", lambda s: is_open(s) and s["principle"]["number"] == number + 1)):
        for _ in range(3):
            app.send(keys)
            if await observer.until(test, 3):
                break
        else:
            result.problems.append(f"'{keys}' did not take effect on principle {number}")
            return
    result.advances += 1


def report(args, result: Result, room: Room, phones: list[Phone], session_id: str, db: Path, tmp: Path) -> None:
    from workshop.web.guard import ballot_id  # the id the server derives from a phone's token

    stored = stored_ballots(db, session_id)
    expected: set[tuple[str, str]] = set()
    lost: list[str] = []
    unacknowledged_kept = 0  # a ballot stored whose answer was cut off by a kill: not lost
    latest = 0
    for n, phone in enumerate(phones):
        for token, principle in set(phone.acked) | set(phone.unknown):
            key = (principle, ballot_id(token, session_id, principle))
            expected.add(key)
            unknown = [None if x == "dk" else x for x in phone.unknown.get((token, principle), [])]
            have = stored.get(key, "missing")
            shown = "has no row" if have == "missing" else f"holds {'dk' if have is None else have!r}"
            if (token, principle) in phone.acked:
                latest += 1
                acked = phone.acked[(token, principle)]
                if have == (None if acked == "dk" else acked):
                    continue
                if have != "missing" and have in unknown:
                    unacknowledged_kept += 1
                    continue
                lost.append(f"phone {n} ({phone.address}), {principle}: acknowledged {acked!r}, the database "
                            f"{shown}" + (f"; sent since, unanswered: {unknown!r}" if unknown else ""))
            elif have != "missing":
                if have in unknown:
                    unacknowledged_kept += 1
                else:
                    lost.append(f"phone {n}, {principle}: never acknowledged, the database {shown}, "
                                f"which the phone never sent")
    strangers = [key for key in stored if key not in expected]
    result.principles_voted = len({p for p, _ in stored})

    def row(label: str, value: str) -> None:
        print(f"  {label:<52}{value}")

    print(f"\nsoak.py: the real app in a {WIDTH}x{HEIGHT} pty, {args.phones} phones on loopback, "
          f"SIGKILL every 1-4 s\n")
    row("kills (SIGKILL)", f"{result.kills}")
    row("restarts serving again", f"{len(result.serve_seconds)} of {result.restarts}")
    if result.serve_seconds:
        s = sorted(result.serve_seconds)
        row("restart to serving again, median / max", f"{statistics.median(s):.2f} s / {s[-1]:.2f} s")
    if result.idle_serve_seconds:
        s = sorted(result.idle_serve_seconds)
        row(f"  the same with no phones ({len(s)} idle kills), median", f"{statistics.median(s):.2f} s")
    row("ballots acknowledged (200s)", f"{room.acks:,}")
    row("last acknowledged per phone and principle", f"{latest:,} over {result.principles_voted} principles "
        f"({result.advances} moves on)")
    row("phone ballots in the database", f"{len(stored):,}")
    row("lost ballots", f"{len(lost)}")
    row("stored though the answer was cut off", f"{unacknowledged_kept} (not lost: sent, never answered)")
    row("rows no phone accounts for", f"{len(strangers)}")
    row("200s whose my_ballot differs from the score sent", f"{room.mismatched}")
    row("integrity checks / failures", f"{result.integrity_checks} / {len(result.integrity_failures)}")
    row("clean stop at the end (ctrl+q)", "yes" if result.clean_stop else "no")
    print("\n  what the phones met:")
    for kind, count in sorted(room.counts.items()):
        print(f"    {kind}: {count:,}")
    for text in lost[:20]:
        print(f"  LOST {text}")
    if len(lost) > 20:
        print(f"  ... and {len(lost) - 20} more")
    for key in strangers[:5]:
        print(f"  UNACCOUNTED {key}")
    for text in result.integrity_failures[:10]:
        print(f"  INTEGRITY {text}")
    for text in result.problems:
        print(f"  PROBLEM {text}")
    logs = [p for p in tmp.rglob("phones.log") if p.stat().st_size]
    for log in logs:
        print(f"\nThe phone server logged:\n{log.read_text(errors='replace')[-2000:]}")

    forgotten = room.counts["401: the server forgot an acknowledged join"]
    misread = room.counts["state after a restart shows another answer than acknowledged"]
    goals = [
        (not lost and not strangers and not room.mismatched and not forgotten and not misread,
         f"0 lost ballots ({len(lost)} lost, {len(strangers)} unaccounted rows, {forgotten} joins forgotten, "
         f"{misread} answers read back wrong after a restart)"),
        (not result.integrity_failures, f"0 integrity-check failures ({len(result.integrity_failures)})"),
        (result.kills >= args.kills and not result.problems,
         f"{args.kills} kills, each restart serving again ({result.kills} kills, {len(result.problems)} problems)"),
    ]
    print("\nGoals:")
    for ok, text in goals:
        print(f"  {'PASS' if ok else 'MISS'}  {text}")


def loopback_aliases(count: int) -> bool:
    """Whether this machine routes 127.0.0.0/8 to loopback (Linux does; macOS has only 127.0.0.1)."""
    try:
        for address in (OBSERVER, f"127.0.0.{FIRST_PHONE + count - 1}"):
            with socket.socket() as probe:
                probe.bind((address, 0))
        return True
    except OSError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=50, help="SIGKILLs of the app (default 50)")
    parser.add_argument("--seconds", type=float, default=600, help="at most this long in all (default 600)")
    parser.add_argument("--phones", type=int, default=150, help="simulated phones, 1 to 250 (default 150)")
    parser.add_argument("--advance-every", type=int, default=5,
                        help="reveal and move to the next principle every N kills; 0 never (default 5)")
    parser.add_argument("--baseline", type=int, default=3,
                        help="kills and restarts with no phones first, for the time to serve again (default 3)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed for scores and kill times")
    args = parser.parse_args()
    if not 1 <= args.phones <= 250:
        parser.error("--phones must be between 1 and 250")
    if not 1 <= args.kills <= 1000 or not 10 <= args.seconds <= 7200 or not 0 <= args.baseline <= 20:
        parser.error("--kills must be 1 to 1000, --seconds 10 to 7200 and --baseline 0 to 20")
    if pty is None:
        print("soak.py needs a POSIX pseudo-terminal (Linux or macOS); nothing was run.")
        return
    workshop = Path(sys.executable).parent / "workshop"
    if not workshop.exists():
        print(f"soak.py runs the installed workshop program beside this interpreter ({workshop.name} in "
              f"{workshop.parent.name}/); it is not installed there, so nothing was run.")
        return
    if not loopback_aliases(args.phones):
        print("soak.py gives each phone its own loopback address (127.0.0.3 on), which this machine does not "
              "route (macOS has only 127.0.0.1); nothing was run.")
        return
    raise_file_limit(args.phones * 8 + 200)
    with tempfile.TemporaryDirectory(prefix="workshop-soak-") as tmp:
        asyncio.run(soak(args, workshop, Path(tmp)))


if __name__ == "__main__":
    main()
