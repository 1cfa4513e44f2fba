"""The simulated phones of bench/phones.py, run in a process of their own (the load generator).

Each phone has its own keep-alive connection from its own loopback address. The run: every phone
loads the join page and joins (all at once), votes at room pace for a few rounds (each phone once a
second at its own moment, every third changing its mind once in the first), casts one more ballot
(all at once), then opens its live-update stream and waits for the reveal. The parent reads progress lines on stdout (ROOM when
the room-pace rounds start, ROOMDONE when they end, VOTED when every phone listens) and answers
VOTED with "REVEAL <time>" on stdin once it has revealed. The last line is "RESULT <json>": the
latencies, errors, what was acknowledged, and the CPU seconds this process used.
"""

from __future__ import annotations

import asyncio
import json
import math
import random
import resource
import sys
import time
from collections import Counter

REVOTE_EVERY = 3  # every third phone changes its answer once: under the 3-a-second limit
REQUEST_SECONDS = 30  # no single request may take longer
RUN_SECONDS = 240  # the whole client run, after which it is stopped
REVEAL_SECONDS = 10  # how long phones wait for the reveal

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
        """Yield each server-sent event's data (JSON, unparsed) from GET /api/events (chunked transfer)."""
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
                        yield line[6:]

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = self.reader = None


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank), NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def phones_client(spec: dict) -> dict:
    """The phones' whole run; returns latencies and durations per phase, errors, and what was acknowledged."""
    n, groups, within, rounds = spec["phones"], spec["groups"], spec["within"], spec["rounds"]
    errors: Counter[str] = Counter()
    links = [Link("127.0.0.1", spec["port"], phone_address(i) if spec["aliases"] else None) for i in range(n)]
    tokens: list[str | None] = [None] * n
    acknowledged: dict[str, int | str] = {}  # token -> the last score answered with 200
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
        start = time.perf_counter()
        await asyncio.gather(*(step(i, ms) for i in range(n)))
        phases[name] = {"ms": ms, "seconds": time.perf_counter() - start}

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
        # Each phone answers at its own moment in every window; every third changes its mind once.
        # The same moment each round keeps a phone at one ballot a second (two in the first).
        for r in range(rounds):
            await asyncio.sleep(max(0.0, room_start + r * within + offsets[i] - time.perf_counter()))
            await ballot(i, ms)
            if r == 0 and i % REVOTE_EVERY == 0:
                await asyncio.sleep(0.3)
                await ballot(i, ms)

    await phase("page", page)  # each phone opens its connection and loads the join page
    await phase("join", join)  # all at once
    print("ROOM", flush=True)
    room_start = time.perf_counter()
    await phase("room", room_ballots)  # the first round brings the counts up, the next change answers
    print("ROOMDONE", flush=True)
    await asyncio.sleep(1.05)  # the per-device window (3 ballots a second) starts afresh
    await phase("ballot", ballot)  # all at once

    reveal_ms: list[float] = []
    if spec["reveal"]:
        reveal_ms = await wait_for_reveal([(link, t) for link, t in zip(links, tokens) if t], errors)
    for link in links:
        link.close()
    return {"phases": phases, "errors": dict(errors), "acknowledged": acknowledged, "reveal_ms": reveal_ms,
            "cpu_seconds": cpu_seconds()}


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
                # A look for the one field instead of parsing: a thousand phones in one process
                # would otherwise time their own JSON parsing, for the app and the baseline alike.
                if b'"revealed": true' in data:
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


if __name__ == "__main__":
    client_main(sys.argv[1])
