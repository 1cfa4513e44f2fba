"""Benchmark: honest phones vote while one device attacks the phone server, on loopback.

The real PhoneServer (a real database file in a temp dir, the demo plan, principle 1 open) runs
in this process. Honest phones run in a second process, each from its own loopback address
(127.1.0.1 on), as phones on a room's network have; the attacker runs in a third, every socket
from 127.0.0.2:

- slow partial connections (default 2,500): each sends half a request's headers and holds the
  connection; when the server closes it, it opens another at once;
- event streams (default 1,200): it joins as often as it is let, then keeps that many
  `GET /api/events` open, asking again 50 ms after each refusal;
- wrong join codes, two a second.

First a baseline (honest phones alone), then the same honest load with the attack running.
Each honest phone joins, opens its event stream and casts a ballot about once a second (a new
score each time). Printed: honest joins, ballots, failures (any status but 200, a closed or
timed-out request) and p50/p99 latency for both runs, what the attacker achieved, and whether
the database holds every acknowledged ballot. Always exits 0; every loop is bounded in time.

    .venv/bin/python bench/attack.py                  # 50 phones, 30 s each run
    .venv/bin/python bench/attack.py --seconds 10     # a quick look
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from phones import REPO, Link, loopback_aliases, pct, phone_address, raise_file_limit

ATTACKER = "127.0.0.2"
REQUEST_SECONDS = 10  # an honest request taking longer counts as failed
P99_GOAL_MS = 1000


# --- honest phones (a child process) ------------------------------------------------------------


async def honest(spec: dict) -> dict:
    port, n, seconds = spec["port"], spec["phones"], spec["seconds"]
    rng = random.Random(spec["seed"])
    errors: Counter[str] = Counter()
    ms: list[float] = []
    joins = 0
    acknowledged: dict[str, int] = {}
    streams_open = 0
    deadline = time.monotonic() + seconds

    async def call(link: Link, what: str, method: str, path: str, body: dict | None, token: str | None = None):
        start = time.perf_counter()
        try:
            status, payload = await asyncio.wait_for(link.request(method, path, body, token), REQUEST_SECONDS)
        except Exception as exc:  # counted, and the run goes on
            errors[f"{what}: {type(exc).__name__}"] += 1
            link.close()
            return None, b""
        ms.append((time.perf_counter() - start) * 1000)
        if status != 200:
            errors[f"{what}: {status}"] += 1
        return status, payload

    async def listen(i: int, token: str) -> None:
        nonlocal streams_open
        link = Link("127.0.0.1", port, phone_address(i))
        try:
            await asyncio.wait_for(link.connect(), REQUEST_SECONDS)
            events = link.events(token)
            await asyncio.wait_for(events.__anext__(), REQUEST_SECONDS)  # the first event comes at once
            streams_open += 1
            async for _ in events:
                pass
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            errors[f"event stream: {type(exc).__name__} {exc}"[:80]] += 1
        finally:
            link.close()

    async def phone(i: int) -> None:
        nonlocal joins
        await asyncio.sleep(rng.uniform(0, 1))
        link = Link("127.0.0.1", port, phone_address(i))
        status, payload = await call(link, "join", "POST", "/api/join",
                                     {"code": spec["code"], "group": ("council", "vcs")[i % 2]})
        if status != 200:
            return
        joins += 1
        token = json.loads(payload)["token"]
        stream = asyncio.create_task(listen(i, token))
        try:
            while time.monotonic() < deadline:
                score = rng.randint(1, 5)
                status, _ = await call(link, "ballot", "POST", "/api/ballot",
                                       {"principle": spec["principle"], "score": score}, token)
                if status == 200:
                    acknowledged[token] = score
                await asyncio.sleep(rng.uniform(0.5, 1.5))
        finally:
            stream.cancel()
            link.close()

    await asyncio.gather(*(phone(i) for i in range(n)))
    return {"errors": dict(errors), "ms": ms, "joins": joins, "acknowledged": acknowledged,
            "streams": streams_open}


# --- the attacker (a child process) ----------------------------------------------------------------


async def attacker(spec: dict) -> dict:
    port, deadline = spec["port"], time.monotonic() + spec["seconds"]
    seen: Counter[str] = Counter()
    tokens: list[str] = []

    async def connect():
        return await asyncio.open_connection("127.0.0.1", port, local_addr=(ATTACKER, 0))

    async def slow() -> None:
        while time.monotonic() < deadline:
            try:
                reader, writer = await connect()
            except OSError:
                seen["connect failed"] += 1
                await asyncio.sleep(0.05)
                continue
            seen["slow connections opened"] += 1
            opened = time.monotonic()
            try:
                writer.write(f"POST /api/ballot HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Len".encode())
                await asyncio.wait_for(reader.read(), max(0.1, deadline - time.monotonic()))
                held = time.monotonic() - opened
                seen["closed within 0.5 s" if held < 0.5 else "closed after 0.5 s or more (the attacker's own loop lags too)"] += 1
            except (OSError, TimeoutError):
                pass
            finally:
                writer.close()

    async def join_often() -> None:
        link = Link("127.0.0.1", port, ATTACKER)
        while time.monotonic() < deadline:
            try:
                status, payload = await asyncio.wait_for(
                    link.request("POST", "/api/join", {"code": spec["code"], "group": "vcs"}), 5)
            except Exception:
                link.close()
                await asyncio.sleep(0.1)
                continue
            seen[f"joins: {status}"] += 1
            if status == 200:
                tokens.append(json.loads(payload)["token"])
            else:
                await asyncio.sleep(0.5)
        link.close()

    async def wrong_codes() -> None:
        link = Link("127.0.0.1", port, ATTACKER)
        while time.monotonic() < deadline:
            try:
                status, _ = await asyncio.wait_for(
                    link.request("POST", "/api/join", {"code": "WRONG9", "group": "vcs"}), 5)
                seen[f"wrong codes: {status}"] += 1
            except Exception:
                link.close()
            await asyncio.sleep(0.5)
        link.close()

    async def stream(i: int) -> None:
        while time.monotonic() < deadline:
            if not tokens:
                await asyncio.sleep(0.1)
                continue
            link = Link("127.0.0.1", port, ATTACKER)
            try:
                await link.connect()
                events = link.events(tokens[i % len(tokens)])
                await events.__anext__()
                seen["streams opened"] += 1
                async for _ in events:
                    pass
            except RuntimeError:
                seen["streams refused"] += 1
            except Exception:
                seen["streams failed"] += 1
            finally:
                link.close()
            await asyncio.sleep(0.05)

    async def slow_later() -> None:
        await asyncio.sleep(1)  # the streams take their places first
        await slow()

    tasks = [asyncio.create_task(join_often()), asyncio.create_task(wrong_codes())]
    tasks += [asyncio.create_task(stream(i)) for i in range(spec["streams"])]
    tasks += [asyncio.create_task(slow_later()) for _ in range(spec["slow"])]
    await asyncio.sleep(max(0.0, deadline - time.monotonic()))
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return dict(seen)


def child_main(role: str, spec_json: str) -> None:
    spec = json.loads(spec_json)
    raise_file_limit(20000)
    run = honest if role == "honest" else attacker
    result = asyncio.run(asyncio.wait_for(run(spec), spec["seconds"] + 60))
    print("RESULT " + json.dumps(result), flush=True)


# --- driving it --------------------------------------------------------------------------------------


async def child(role: str, spec: dict) -> dict:
    process = await asyncio.create_subprocess_exec(
        sys.executable, __file__, f"--{role}", json.dumps(spec), stdout=asyncio.subprocess.PIPE, limit=2 ** 26)
    try:
        out, _ = await asyncio.wait_for(process.communicate(), spec["seconds"] + 90)
    except TimeoutError:
        process.kill()
        await process.wait()
        return {"errors": {"the process did not finish": 1}}
    for line in out.splitlines():
        if line.startswith(b"RESULT "):
            return json.loads(line[7:])
    return {"errors": {"the process ended without a report": 1}}


async def bench(db_path: Path, phones: int, seconds: float, slow: int, streams: int) -> tuple[dict, dict, dict, dict]:
    sys.path.insert(0, str(REPO / "src"))
    from workshop.session.running import LiveSession
    from workshop.inputs.plan import load_plan
    from workshop.store import Store
    from workshop.web.server import PhoneServer, ballot_id

    plan, text = load_plan(REPO / "sessions" / "demo.yaml")
    raise_file_limit(20000)
    with Store(db_path) as store:
        session = store.start_session(plan, text)
        live = LiveSession(store, session)
        server = PhoneServer(live, host="127.0.0.1", port=0)  # live tells it of every move
        await server.start()
        try:
            live.start()
            base = {"port": server.port, "code": server.join_code, "phones": phones, "seconds": seconds}
            baseline = await child("honest", {**base, "principle": live.principle.id, "seed": 1})
            checked_baseline = check(db_path, session.id, live.principle.id, baseline, ballot_id)
            live.go(1)
            attack = asyncio.create_task(child("attacker", {**base, "seconds": seconds + 4,
                                                            "slow": slow, "streams": streams}))
            await asyncio.sleep(3)  # the attack is in full swing before the phones start
            connections_then = len(server._connections)
            attacked = await child("honest", {**base, "principle": live.principle.id, "seed": 2})
            attacked["server connections 3 s into the attack"] = connections_then
            checked_attack = check(db_path, session.id, live.principle.id, attacked, ballot_id)
            seen = await attack
        finally:
            await server.stop()
    return baseline, attacked, seen, {"baseline": checked_baseline, "attack": checked_attack}


def check(db_path: Path, session_id: str, principle: str, result: dict, ballot_id) -> dict:
    """Every acknowledged ballot in the database with the score last acknowledged."""
    conn = sqlite3.connect(db_path)
    try:
        stored = dict(conn.execute("SELECT participant_id, score FROM ballots WHERE principle_id = ? AND mode = 'phones'",
                                   [principle]).fetchall())
    finally:
        conn.close()
    acknowledged = result.get("acknowledged", {})
    lost = sum(1 for token, score in acknowledged.items() if stored.get(ballot_id(token, session_id, principle)) != score)
    return {"acknowledged": len(acknowledged), "stored": len(stored), "lost": lost}


def report(phones: int, seconds: float, slow: int, streams: int, baseline: dict, attacked: dict, seen: dict,
           checked: dict) -> None:
    def failures(result: dict) -> int:
        return sum(result.get("errors", {}).values())

    def lat(result: dict) -> str:
        ms = result.get("ms") or [0.0]
        return f"{pct(ms, 50):.0f} / {pct(ms, 99):.0f} / {max(ms):.0f}"

    print(f"\nattack.py: {phones} honest phones, each from its own loopback address, about one ballot a "
          f"second each for {seconds:.0f} s;\nthe attacker from {ATTACKER}: {slow:,} slow partial connections, "
          f"{streams:,} event streams, 2 wrong join codes a second\n")
    print(f"  {'':38}{'baseline':>16}{'under attack':>16}")
    rows = [
        ("honest joins", lambda r: f"{r.get('joins', 0)} of {phones}"),
        ("honest event streams open", lambda r: f"{r.get('streams', 0)} of {phones}"),
        ("honest requests", lambda r: f"{len(r.get('ms', [])):,}"),
        ("honest failures", lambda r: str(failures(r))),
        ("latency p50 / p99 / max ms", lat),
    ]
    for label, value in rows:
        print(f"  {label:38}{value(baseline):>16}{value(attacked):>16}")
    print(f"  {'phones acknowledged / their last ballot lost':38}"
          f"{checked['baseline']['acknowledged']:>10} / {checked['baseline']['lost']:<3}"
          f"{checked['attack']['acknowledged']:>12} / {checked['attack']['lost']:<3}")
    for name, result in (("baseline", baseline), ("under attack", attacked)):
        for what, count in sorted(result.get("errors", {}).items()):
            print(f"    {name} failure: {what} x{count}")
    print(f"\n  server connections 3 s into the attack: {attacked.get('server connections 3 s into the attack')}")
    print("  the attacker saw:")
    for what, count in sorted(seen.items()):
        print(f"    {what}: {count:,}")
    p99 = pct(attacked.get("ms") or [float("inf")], 99)
    print("\nGoals (under attack):")
    print(f"  {'PASS' if failures(attacked) == 0 else 'FAIL'}  zero honest failures ({failures(attacked)})")
    print(f"  {'PASS' if p99 < P99_GOAL_MS else 'FAIL'}  honest p99 under {P99_GOAL_MS} ms ({p99:.0f} ms)")
    lost = checked["baseline"]["lost"] + checked["attack"]["lost"]
    print(f"  {'PASS' if lost == 0 else 'FAIL'}  zero lost ballots ({lost})")


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] in ("--honest", "--attacker"):
        child_main(sys.argv[1][2:], sys.argv[2])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phones", type=int, default=50, help="honest phones (at most 500)")
    parser.add_argument("--seconds", type=float, default=30, help="length of each run (at most 120)")
    parser.add_argument("--slow", type=int, default=2500, help="the attacker's slow partial connections (at most 5000)")
    parser.add_argument("--streams", type=int, default=1200, help="the attacker's event streams (at most 2000)")
    args = parser.parse_args()
    phones, seconds = max(1, min(args.phones, 500)), max(2.0, min(args.seconds, 120.0))
    slow, streams = max(0, min(args.slow, 5000)), max(0, min(args.streams, 2000))
    if not loopback_aliases():
        print("attack.py needs loopback addresses besides 127.0.0.1 (Linux has all of 127.0.0.0/8); "
              "without them the attacker and the phones look like one device. Nothing run.")
        return
    with tempfile.TemporaryDirectory(prefix="workshop-attack-") as tmp:
        baseline, attacked, seen, checked = asyncio.run(bench(Path(tmp) / "attack.db", phones, seconds, slow, streams))
    report(phones, seconds, slow, streams, baseline, attacked, seen, checked)


if __name__ == "__main__":
    main()
