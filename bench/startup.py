"""Benchmark: `workshop run` to its first Vote frame against a minimal Textual app, and its peak
memory; then reveal, next principle and gap view inside the app (bench/tui_steps.py).

Startup. Both programs are started the same way, in the same run, alternating, with the same
interpreter, and each is timed from just before `subprocess.Popen` to its first frame showing its
marker text:

- product:  `workshop --db TMP run SESSION` on a session made from sessions/demo.yaml (so it
            opens straight on the Vote screen), until "1 of 10" is drawn;
- baseline: a script whose App shows one Static and exits after its first refresh, until its
            marker text is drawn.

In a pty (`--via pty`, the default): a fresh pseudo-terminal of 120x36 (TERM=xterm-256color,
COLORTERM=truecolor); the clock stops when the marker arrives on the pty's master side, read with
`select` (no polling interval): the moment a terminal would receive the frame. Then ctrl+q is
sent and the output drained until the process exits; its peak resident memory (ru_maxrss from
wait4) is the memory row. Headless (always, after the pty runs): the same two programs under
Textual's headless driver (TEXTUAL_DRIVER, COLUMNS=120, LINES=36), through a small launcher that
writes one byte to a pipe when the first frame holding the marker is composed: start-up without
any terminal's drawing. `--via tmux` replaces the pty with a new tmux window per start,
`capture-pane` polled every 5 ms: a cross-check.

One warm-up run of each is not counted. Both get a private bytecode cache (PYTHONPYCACHEPREFIX in
the temp dir, PYTHONDONTWRITEBYTECODE unset) that the warm-up fills: an installed program runs from
compiled bytecode, and the checkout is left untouched.

Goals (issue 12): start-up within 1.3x of the minimal app, pty and headless; peak memory within
1.3x; reveal under 40 ms, next principle under 30 ms, gap view under 50 ms to the frame. It prints
our figure, the baseline's, the ratio, the goal and PASS/MISS with min / median / max, and always
exits 0: it reports, it does not test.

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

from tui_steps import HEIGHT, REPO, TIMEOUT, WIDTH, measure_in_app, report_in_app

from workshop.inputs.plan import load_plan
from workshop.store import Store

WORKSHOP = Path(sys.executable).parent / "workshop"
RATIO_GOAL = 1.3
MEMORY_GOAL = 1.3
ENV = {"TERM": "xterm-256color", "COLORTERM": "truecolor", "PYTHONDONTWRITEBYTECODE": ""}  # + PYTHONPYCACHEPREFIX
HEADLESS_ENV = {"TEXTUAL_DRIVER": "textual.drivers.headless_driver:HeadlessDriver",
                "COLUMNS": str(WIDTH), "LINES": str(HEIGHT)}

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
# Runs a program (a script, or a console script's module:function) and writes one byte to the pipe
# BENCH_FRAME_FD when a composed frame first holds the marker; then asks the app to exit.
LAUNCHER = '''import os, runpy, sys
from textual.app import App

marker, target, *argv = sys.argv[1:]
original = App._display


def display(self, screen, renderable):
    original(self, screen, renderable)
    if renderable is not None and getattr(App, "_seen", None) is None:
        if marker in "\\n".join(strip.text for strip in screen._compositor.render_strips()):
            App._seen = True
            os.write(int(os.environ["BENCH_FRAME_FD"]), b"!")
            self.exit()


App._display = display
sys.argv = [target, *argv]
if ":" in target:
    module, _, function = target.partition(":")
    getattr(__import__(module, fromlist=[function]), function)()
else:
    runpy.run_path(target, run_name="__main__")
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
        while time.monotonic() < deadline:  # drain so it can finish writing; wait4 gives its peak memory
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                proc.returncode = os.waitstatus_to_exitcode(status)
                return elapsed, usage.ru_maxrss * 1024
            if select.select([master], [], [], 0.05)[0]:
                try:
                    os.read(master, 1 << 16)
                except OSError:
                    time.sleep(0.01)
        return elapsed, None
    finally:
        if proc.returncode is None:
            proc.kill()
            proc.wait()
        os.close(master)


def time_headless(launcher: Path, argv: list[str], marker: str, cwd: Path) -> tuple[float, None]:
    """Seconds from starting argv under Textual's headless driver to its first frame with the marker."""
    read, write = os.pipe()
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(launcher), marker, *argv], cwd=cwd, pass_fds=(write,),
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env=os.environ | ENV | HEADLESS_ENV | {"BENCH_FRAME_FD": str(write)})
    os.close(write)
    try:
        ready, _, _ = select.select([read], [], [], TIMEOUT)
        if not ready or not os.read(read, 1):
            proc.kill()
            raise RuntimeError(f"{argv[0]}: no {marker!r} headless; {proc.communicate()[1][-400:]!r}")
        elapsed = time.perf_counter() - start
        proc.communicate(timeout=TIMEOUT)
        return elapsed, None
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(read)


class TmuxRunner:
    """The cross-check: each start is a new tmux window; capture-pane is polled for the marker."""

    def __init__(self):
        self.base = ["tmux", "-L", f"workshop-bench-{os.getpid()}-{uuid.uuid4().hex[:6]}", "-f", os.devnull]
        env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "TMUX_PANE")}
        subprocess.run([*self.base, "new-session", "-d", "-s", "bench", "-x", str(WIDTH), "-y", str(HEIGHT),
                        "sleep 86400"], check=True, env=env)
        self.socket = subprocess.run([*self.base, "display-message", "-p", "#{socket_path}"],
                                     check=False, capture_output=True, text=True).stdout.strip()

    def __call__(self, argv: list[str], marker: str, cwd: Path) -> tuple[float, None]:
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
                    return time.perf_counter() - start, None
                if time.perf_counter() - start > TIMEOUT:
                    raise RuntimeError(f"{argv[0]}: no {marker!r} within {TIMEOUT:.0f} s in tmux")
                time.sleep(0.005)
        finally:
            subprocess.run([*self.base, "kill-window", "-t", name], check=False, capture_output=True)

    def close(self) -> None:
        subprocess.run([*self.base, "kill-server"], check=False, capture_output=True)
        if self.socket:
            Path(self.socket).unlink(missing_ok=True)


def measure_startup(repeat: int, via: str, tmp: Path) -> dict[str, dict[str, list[float]]]:
    """{"pty" (or "tmux"), "headless", "memory"} -> {"workshop", "minimal"} -> one figure per run."""
    db = tmp / "startup.db"
    with Store(db) as store:
        session = store.start_session(*load_plan(REPO / "sessions" / "demo.yaml"))
    script = tmp / "minimal_app.py"
    script.write_text(MINIMAL_APP, encoding="utf-8")
    launcher = tmp / "launcher.py"
    launcher.write_text(LAUNCHER, encoding="utf-8")
    ENV["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    programs = {
        "workshop": ([str(WORKSHOP), "--db", str(db), "run", session.id], WORKSHOP_MARKER),
        "minimal": ([sys.executable, str(script)], MINIMAL_MARKER),
    }
    headless = {"workshop": ["workshop.cli:cli", "--db", str(db), "run", session.id], "minimal": [str(script)]}
    terminal: Callable[[list[str], str, Path], tuple[float, int | None]]
    terminal = TmuxRunner() if via == "tmux" else time_in_pty
    out: dict[str, dict[str, list[float]]] = {k: {"workshop": [], "minimal": []} for k in (via, "headless", "memory")}
    try:
        for i in range(repeat + 1):  # the first round warms caches and is not counted
            for name, (argv, marker) in (programs.items() if i % 2 else reversed(programs.items())):
                elapsed, peak = terminal(argv, marker, REPO)
                headless_elapsed, _ = time_headless(launcher, headless[name], marker, REPO)
                if i:
                    out[via][name].append(elapsed)
                    out["headless"][name].append(headless_elapsed)
                    if peak is not None:
                        out["memory"][name].append(peak)
    finally:
        if isinstance(terminal, TmuxRunner):
            terminal.close()
    return out


# --- report -------------------------------------------------------------------------------------

def spread(values: list[float], scale: float, unit: str) -> str:
    """median, then (min .. max), in the unit given."""
    shown = [v * scale for v in values]
    return f"{statistics.median(shown):8.1f} {unit}  ({min(shown):.1f} .. {max(shown):.1f})"


def report_startup(startup: dict[str, dict[str, list[float]]], args) -> None:
    rows = [(args.via, f"start to first frame, {args.via}", 1000, "ms", RATIO_GOAL),
            ("headless", "start to first frame, headless", 1000, "ms", RATIO_GOAL),
            ("memory", f"peak memory (RSS), {args.via}", 1 / (1 << 20), "MB", MEMORY_GOAL)]
    print(f"\nworkshop run SESSION against a minimal Textual app, {args.repeat} runs each, alternating: "
          "median (min .. max)")
    print(f"  {'row':40} {'workshop run':>30} {'minimal app':>30} {'ratio':>8}  goal")
    for kind, what, scale, unit, goal in rows:
        work, base = startup[kind]["workshop"], startup[kind]["minimal"]
        if not work or not base:
            print(f"  {what:40} {'not measured':>30}")
            continue
        ratio = statistics.median(work) / statistics.median(base)
        print(f"  {what:40} {spread(work, scale, unit):>30} {spread(base, scale, unit):>30} "
              f"{ratio:7.2f}x  <= {goal:.1f}x {'PASS' if ratio <= goal else 'MISS'}")


def report(startup: dict | None, in_app: dict, args) -> None:
    print(f"\nload average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    if startup:
        report_startup(startup, args)
    report_in_app(in_app, args)
    print("\nAbsolute times swing on a shared machine; compare the ratios and the to-frame times across commits.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=10, help="startups of each program (default 10)")
    parser.add_argument("--in-app-repeat", type=int, default=20, help="reveals, next principles and gap views (default 20)")
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
        print(f"timing {args.in_app_repeat} reveals, next principles and gap views in the app ...", file=sys.stderr)
        in_app = asyncio.run(measure_in_app(args.in_app_repeat, tmp, args.ballots, args.principles, args.per_group))
    report(startup, in_app, args)


if __name__ == "__main__":
    main()
