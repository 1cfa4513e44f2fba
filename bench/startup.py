"""Benchmark: `workshop run` to its first Vote frame against a minimal Textual app, plus reveal and gap view.

Startup. Both programs are started the same way, in the same run, alternating, each in a fresh
pseudo-terminal of 120x36 (TERM=xterm-256color, COLORTERM=truecolor) with the same interpreter:

- product:  `workshop --db TMP run SESSION` on a session made from sessions/demo.yaml (so it
            opens straight on the Vote screen), until "1 of 10" is drawn;
- baseline: a script whose App shows one Static and exits after its first refresh, until its
            marker text is drawn.

The clock starts just before `subprocess.Popen` and stops when the marker text arrives on the
pty's master side, read with `select` (no polling interval): that is the moment a terminal would
receive the frame. Then ctrl+q is sent and the output drained until the process exits. One
warm-up run of each is not counted. Both get a private bytecode cache (PYTHONPYCACHEPREFIX in
the temp dir, PYTHONDONTWRITEBYTECODE unset) that the warm-up fills: an installed program runs
from compiled bytecode, and the checkout is left untouched. `--via tmux` makes the same
comparison in tmux instead (a new window per start, `capture-pane` polled every 5 ms for the
marker), which adds the same polling latency and tmux's own drawing to both sides: a cross-check.

In the app. `App.run_test` (headless, in this process) on a 120x36 screen:

- reveal: principle 1 of the demo plan holding 200 card ballots; `screen.action_reveal()`, then
          the first frame whose screen shows "mean" (undone with `action_reopen()` between repeats);
- gap:    a 60-principle session holding 2,400 ballots (20 per group per principle), standing on
          principle 1; `screen.action_gap()`, then the first frame of the gap view with its 60 rows
          (closed again with `action_back()` between repeats).

"action" is the action method alone (reveal: database, analytics and building the results
widgets; gap: only pushing the screen, whose on_mount does the work). "to frame" adds everything
up to the screen's compositor handing over the first frame that shows the result. That frame is
caught by wrapping `App._display`, so none of Pilot's idle waits (`pilot.pause()` sleeps in 20 ms
steps until the process looks idle) is counted. Headless, the driver then skips turning the frame
into escape codes, a few milliseconds in a real terminal. For comparison, "via pilot.press" is
the step as a test does it, `await pilot.press(key)` until the result shows: idle waits included.

Goals: startup within 1.5x of the minimal app; reveal and gap view under 50 ms to the frame.
It prints medians and PASS/MISS, and always exits 0: it reports, it does not test.

    .venv/bin/python bench/startup.py                 # 10 startups each, 20 in-app repeats
    .venv/bin/python bench/startup.py --repeat 3      # a quick look
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import os
import pty
import select
import shlex
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from workshop.inputs.catalogue import default_catalogue
from workshop.inputs.plan import load_plan, parse_plan
from workshop.store import Store

REPO = Path(__file__).resolve().parents[1]
WORKSHOP = Path(sys.executable).parent / "workshop"
WIDTH, HEIGHT = 120, 36
RATIO_GOAL = 1.5
IN_APP_GOAL_MS = 50.0
TIMEOUT = 20.0
ENV = {"TERM": "xterm-256color", "COLORTERM": "truecolor", "PYTHONDONTWRITEBYTECODE": ""}  # + PYTHONPYCACHEPREFIX

WORKSHOP_MARKER = "1 of 10"
MINIMAL_MARKER = "minimal-app-first-frame"
MINIMAL_APP = f'''"""The baseline: the least a Textual app does to draw one frame."""
from textual.app import App
from textual.widgets import Static


class Minimal(App):
    def compose(self):
        yield Static("{MINIMAL_MARKER}")

    def on_mount(self):
        self.call_after_refresh(self.exit)


Minimal().run()
'''


# --- startup ------------------------------------------------------------------------------------

def time_in_pty(argv: list[str], marker: str, cwd: Path) -> float:
    """Seconds from starting argv in a fresh pty to the marker appearing in its output."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", HEIGHT, WIDTH, 0, 0))
    needle = marker.encode()
    seen = b""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, cwd=cwd,
                            env=os.environ | ENV, start_new_session=True)
    os.close(slave)
    elapsed = None
    try:
        while elapsed is None:
            ready, _, _ = select.select([master], [], [], max(0.0, start + TIMEOUT - time.perf_counter()))
            if not ready:
                raise RuntimeError(f"{argv[0]}: no {marker!r} within {TIMEOUT:.0f} s")
            try:
                chunk = os.read(master, 1 << 16)
            except OSError:  # EIO: the process is gone
                chunk = b""
            if not chunk:
                tail = seen[-400:].decode(errors="replace")
                raise RuntimeError(f"{argv[0]} exited before drawing {marker!r}; its last output: {tail!r}")
            seen = seen[-len(needle):] + chunk
            if needle in seen:
                elapsed = time.perf_counter() - start
        os.write(master, b"\x11")  # ctrl+q
        deadline = time.monotonic() + 5
        while proc.poll() is None and time.monotonic() < deadline:  # drain so it can finish writing
            if select.select([master], [], [], 0.05)[0]:
                try:
                    os.read(master, 1 << 16)
                except OSError:
                    break
        return elapsed
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        os.close(master)


class TmuxRunner:
    """The cross-check: each start is a new tmux window; capture-pane is polled for the marker."""

    def __init__(self):
        self.base = ["tmux", "-L", f"workshop-bench-{os.getpid()}-{uuid.uuid4().hex[:6]}", "-f", os.devnull]
        env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "TMUX_PANE")}
        subprocess.run([*self.base, "new-session", "-d", "-s", "bench", "-x", str(WIDTH), "-y", str(HEIGHT),
                        "sleep 86400"], check=True, env=env)
        self.socket = subprocess.run([*self.base, "display-message", "-p", "#{socket_path}"],
                                     check=False, capture_output=True, text=True).stdout.strip()

    def __call__(self, argv: list[str], marker: str, cwd: Path) -> float:
        name = f"w{uuid.uuid4().hex[:6]}"
        command = shlex.join(argv)
        start = time.perf_counter()
        subprocess.run([*self.base, "new-window", "-d", "-n", name, "-c", str(cwd),
                        *[x for k, v in ENV.items() for x in ("-e", f"{k}={v}")], command], check=True)
        try:
            while True:
                text = subprocess.run([*self.base, "capture-pane", "-p", "-J", "-t", name],
                                      check=False, capture_output=True, text=True).stdout
                if marker in text:
                    return time.perf_counter() - start
                if time.perf_counter() - start > TIMEOUT:
                    raise RuntimeError(f"{argv[0]}: no {marker!r} within {TIMEOUT:.0f} s in tmux")
                time.sleep(0.005)
        finally:
            subprocess.run([*self.base, "kill-window", "-t", name], check=False, capture_output=True)

    def close(self) -> None:
        subprocess.run([*self.base, "kill-server"], check=False, capture_output=True)
        if self.socket:
            Path(self.socket).unlink(missing_ok=True)


def measure_startup(repeat: int, via: str, tmp: Path) -> dict[str, list[float]]:
    db = tmp / "startup.db"
    with Store(db) as store:
        session = store.start_session(*load_plan(REPO / "sessions" / "demo.yaml"))
    script = tmp / "minimal_app.py"
    script.write_text(MINIMAL_APP, encoding="utf-8")
    ENV["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    runs = {
        "workshop": ([str(WORKSHOP), "--db", str(db), "run", session.id], WORKSHOP_MARKER),
        "minimal": ([sys.executable, str(script)], MINIMAL_MARKER),
    }
    runner: Callable[[list[str], str, Path], float]
    runner = TmuxRunner() if via == "tmux" else time_in_pty
    times: dict[str, list[float]] = {name: [] for name in runs}
    try:
        for i in range(repeat + 1):  # the first round warms caches and is not counted
            for name, (argv, marker) in (runs.items() if i % 2 else reversed(runs.items())):
                elapsed = runner(argv, marker, REPO)
                if i:
                    times[name].append(elapsed)
    finally:
        if isinstance(runner, TmuxRunner):
            runner.close()
    return times


# --- in the app ---------------------------------------------------------------------------------

def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


class FrameWatch:
    """Wraps App._display: the time of the first frame, after arm(), that satisfies a condition."""

    def __init__(self, app):
        self.app = app
        self.condition: Callable[[], bool] | None = None
        self.hit: float | None = None
        self.event = asyncio.Event()
        original = app._display

        def display(screen, renderable) -> None:
            original(screen, renderable)
            if renderable is None or self.condition is None or app._batch_count:
                return
            now = time.perf_counter()  # taken before the check, which is not part of the frame
            if self.condition():
                self.hit, self.condition = now, None
                self.event.set()

        app._display = display

    def arm(self, condition: Callable[[], bool]) -> None:
        self.hit, self.condition = None, condition
        self.event.clear()

    async def wait(self) -> float:
        await asyncio.wait_for(self.event.wait(), TIMEOUT)
        return self.hit


def reveal_session(db: Path, ballots: int) -> str:
    plan, text = load_plan(REPO / "sessions" / "demo.yaml")
    with Store(db) as store:
        session = store.start_session(plan, text)
        first = plan.principles[0].id
        store.set_principle_state(session.id, first, "open")
        points = [*plan.scale.points, None]
        cells = [(g.id, p) for g in plan.groups for p in points]
        for k, (group, score) in enumerate(cells):  # spread the ballots over every cell
            count = ballots // len(cells) + (1 if k < ballots % len(cells) else 0)
            store.set_card_count(session.id, first, group, score, count)
        assert sum(store.ballot_counts(session.id, first).values()) == ballots
    return session.id


def gap_session(db: Path, principles: int, per_group: int) -> str:
    ids = [p.id for p in default_catalogue().principles[:principles]]
    text = f"""title: Bench gap view
date: 2026-12-03
locality: Benchton
groups: [council, vcs]
anonymous: true
scale: {{min: 1, max: 5, dont_know: true}}
principles: {{ids: [{", ".join(ids)}]}}
modes: [cards]
"""
    plan = parse_plan(text, "bench-gap.yaml")
    with Store(db) as store:
        session = store.start_session(plan, text)
        for n, pid in enumerate(ids):
            store.set_principle_state(session.id, pid, "open")
            for g, group in enumerate(plan.groups):
                for k in range(per_group):  # a spread of scores that differs by group and principle
                    score = None if (k + n) % 17 == 0 else 1 + (k * 7 + n * 3 + g * 2) % 5
                    store.record_ballot(session.id, pid, group.id, score)
            if n:
                store.set_principle_state(session.id, pid, "closed")
    return session.id


async def time_step(app, pilot, watch: FrameWatch, act: Callable[[], object], shown: Callable[[], bool],
                    undo: Callable[[], object], undone: Callable[[], bool], key: str, repeat: int) -> dict:
    """Time act() and act() to its first frame where shown(); then the same via pilot.press(key)."""
    action, frame, pressed = [], [], []
    for i in range(repeat + 1):
        await pilot.pause()
        watch.arm(shown)
        start = time.perf_counter()
        act()
        after_action = time.perf_counter()
        at_frame = await watch.wait()
        if i:  # the first round is a warm-up
            action.append(after_action - start)
            frame.append(at_frame - start)
        watch.arm(undone)
        undo()
        await watch.wait()
    for i in range(max(3, repeat // 4) + 1):
        await pilot.pause()
        start = time.perf_counter()
        await pilot.press(key)
        for _ in range(200):
            if shown():
                break
            await pilot.pause()
        if i:
            pressed.append(time.perf_counter() - start)
        watch.arm(undone)
        undo()
        await watch.wait()
    return {"action": action, "frame": frame, "press": pressed}


async def measure_in_app(repeat: int, tmp: Path, ballots: int, principles: int, per_group: int) -> dict:
    from workshop.tui.app import WorkshopApp
    from workshop.tui.screens.gap import GapScreen
    from workshop.tui.screens.vote import VoteScreen

    out = {}
    db = tmp / "reveal.db"
    sid = reveal_session(db, ballots)
    app = WorkshopApp(Store(db), session_id=sid, sessions_dir=REPO / "sessions")
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        watch = FrameWatch(app)
        while not isinstance(app.screen, VoteScreen):
            await pilot.pause()

        def revealed() -> bool:
            return "mean" in screen_text(app)

        def open_again() -> bool:
            return "VOTING OPEN" in screen_text(app) and "mean" not in screen_text(app)

        out["reveal"] = await time_step(app, pilot, watch, lambda: app.screen.action_reveal(), revealed,
                                        lambda: app.screen.action_reopen(), open_again, "r", repeat)
    app.store.close()

    db = tmp / "gap.db"
    sid = gap_session(db, principles, per_group)
    app = WorkshopApp(Store(db), session_id=sid, sessions_dir=REPO / "sessions")
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        watch = FrameWatch(app)
        while not isinstance(app.screen, VoteScreen):
            await pilot.pause()
        vote = app.screen

        def gap_shown() -> bool:
            if not isinstance(app.screen, GapScreen):
                return False
            table = app.screen.query_one("#gap-table")
            return table.row_count == principles and "Gap view" in screen_text(app)

        def back_on_vote() -> bool:
            return app.screen is vote and f"1 of {principles}" in screen_text(app)

        out["gap view"] = await time_step(app, pilot, watch, lambda: app.screen.action_gap(), gap_shown,
                                          lambda: app.screen.action_back(), back_on_vote, "g", repeat)
    app.store.close()
    return out


# --- report -------------------------------------------------------------------------------------

def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def report(startup: dict[str, list[float]] | None, in_app: dict, args) -> None:
    if startup:
        report_startup(startup, args)
    print(f"\nIn the app (run_test, headless, {WIDTH}x{HEIGHT}), median of {args.in_app_repeat}")
    print(f"  {'step':34} {'action':>11} {'to frame':>11} {'via pilot.press':>16}   goal (to frame)")
    for name, label in (("reveal", f"reveal, {args.ballots} ballots (r)"),
                        ("gap view", f"gap view, {args.principles} principles (g)")):
        t = in_app[name]
        frame = statistics.median(t["frame"])
        print(f"  {label:34} {ms(statistics.median(t['action']))} {ms(frame)} "
              f"{ms(statistics.median(t['press'])):>16}   < {IN_APP_GOAL_MS:.0f} ms   "
              f"{verdict(frame * 1000 < IN_APP_GOAL_MS)}")
    print("\nAbsolute times swing on a shared machine; compare the ratio and the to-frame times across commits.")


def report_startup(startup: dict[str, list[float]], args) -> None:
    work, base = statistics.median(startup["workshop"]), statistics.median(startup["minimal"])
    ratio = work / base
    print(f"\nStartup to first frame, {args.via}, median of {args.repeat} (min .. max)")
    print(f"  {'workshop run SESSION -> Vote screen':40} {ms(work)}   "
          f"({ms(min(startup['workshop'])).strip()} .. {ms(max(startup['workshop'])).strip()})")
    print(f"  {'minimal Textual app -> first frame':40} {ms(base)}   "
          f"({ms(min(startup['minimal'])).strip()} .. {ms(max(startup['minimal'])).strip()})")
    print(f"  {'ratio':40} {ratio:8.2f} x     goal <= {RATIO_GOAL:.1f} x   {verdict(ratio <= RATIO_GOAL)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=10, help="startups of each program (default 10)")
    parser.add_argument("--in-app-repeat", type=int, default=20, help="reveals and gap views (default 20)")
    parser.add_argument("--via", choices=["pty", "tmux"], default="pty", help="how startup is watched")
    parser.add_argument("--ballots", type=int, default=200, help="ballots on the revealed principle")
    parser.add_argument("--principles", type=int, default=60, help="principles in the gap-view session")
    parser.add_argument("--per-group", type=int, default=20, help="ballots per group per principle (gap)")
    parser.add_argument("--skip-startup", action="store_true", help="only the in-app steps")
    args = parser.parse_args()
    if not WORKSHOP.exists():
        sys.exit(f"{WORKSHOP} not found: install the project first (make test, or pip install -e .)")
    if args.via == "tmux" and not shutil.which("tmux"):
        sys.exit("--via tmux needs tmux installed")
    with tempfile.TemporaryDirectory(prefix="workshop-bench-") as tmp:
        tmp = Path(tmp)
        startup = None
        if not args.skip_startup:
            print(f"timing {args.repeat} startups of each (and one warm-up) via {args.via} ...", file=sys.stderr)
            startup = measure_startup(args.repeat, args.via, tmp)
        print(f"timing {args.in_app_repeat} reveals and gap views in the app ...", file=sys.stderr)
        in_app = asyncio.run(measure_in_app(args.in_app_repeat, tmp, args.ballots, args.principles, args.per_group))
    report(startup, in_app, args)


if __name__ == "__main__":
    main()
