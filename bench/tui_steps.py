"""Benchmark helpers: steps inside the running app, key to frame, headless (reveal, next principle, gap view).

`App.run_test` (in this process) on a 120x36 screen:

- reveal: principle 1 of the demo plan holding 200 card ballots; `screen.action_reveal()`, then
          the first frame whose screen shows "mean" (undone with `action_reopen()` between repeats);
- next:   a demo session with nothing voted yet; `screen.action_next()`, then the first frame that
          says "2 of 10" (back with `action_previous()` between repeats);
- gap:    a 60-principle session holding 2,400 ballots (20 per group per principle), standing on
          principle 1; `screen.action_gap()`, then the first frame of the gap view with its 60 rows
          (closed again with `action_back()` between repeats).

"action" is the action method alone; "to frame" adds everything up to the screen's compositor
handing over the first frame that shows the result, caught by wrapping `App._display`, so none of
Pilot's idle waits is counted; "CPU to frame" is this process's CPU time over the same span (less
swayed by other programs on a shared machine, but it counts the worker threads too). "via pilot.press" is the step as a test does it, idle waits included.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from workshop.inputs.catalogue import default_catalogue
from workshop.inputs.plan import load_plan, parse_plan
from workshop.store import Store

REPO = Path(__file__).resolve().parents[1]
WIDTH, HEIGHT = 120, 36
TIMEOUT = 20.0
# Goals, to the frame (issue 12).
STEP_GOALS_MS = {"reveal": 40.0, "next principle": 30.0, "gap view": 50.0}

def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


class FrameWatch:
    """Wraps App._display: the time of the first frame, after arm(), that satisfies a condition."""

    def __init__(self, app):
        self.app = app
        self.condition: Callable[[], bool] | None = None
        self.hit: float | None = None
        self.hit_cpu: float | None = None  # this process's CPU clock at that frame
        self.event = asyncio.Event()
        original = app._display

        def display(screen, renderable) -> None:
            original(screen, renderable)
            if renderable is None or self.condition is None or app._batch_count:
                return
            now, cpu = time.perf_counter(), time.process_time()  # before the check, not part of the frame
            if self.condition():
                self.hit, self.hit_cpu, self.condition = now, cpu, None
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
                    undo: Callable[[], object], undone: Callable[[], bool], key: str | None, repeat: int) -> dict:
    """Time act() and act() to its first frame where shown(); then the same via pilot.press(key)."""
    action, frame, cpu, pressed = [], [], [], []
    for i in range(repeat + 1):
        await pilot.pause()
        watch.arm(shown)
        start, start_cpu = time.perf_counter(), time.process_time()
        act()
        after_action = time.perf_counter()
        at_frame = await watch.wait()
        if i:  # the first round is a warm-up
            action.append(after_action - start)
            frame.append(at_frame - start)
            cpu.append(watch.hit_cpu - start_cpu)
        watch.arm(undone)
        undo()
        await watch.wait()
    for i in range(max(3, repeat // 4) + 1 if key else 0):  # no key: no press to time
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
    return {"action": action, "frame": frame, "cpu": cpu, "press": pressed}


async def measure_floor(repeat: int) -> dict:
    """The baseline: a minimal app whose one Static changes its text, to the frame that shows it."""
    from textual.app import App
    from textual.widgets import Static

    class Minimal(App):
        def compose(self):
            yield Static("floor-a", id="floor")

    app = Minimal()
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        watch = FrameWatch(app)
        static = app.query_one("#floor", Static)
        return await time_step(app, pilot, watch, lambda: static.update("floor-b"),
                               lambda: "floor-b" in screen_text(app), lambda: static.update("floor-a"),
                               lambda: "floor-a" in screen_text(app), None, repeat)


async def measure_in_app(repeat: int, tmp: Path, ballots: int, principles: int, per_group: int) -> dict:
    from workshop.tui.app import WorkshopApp
    from workshop.tui.screens.gap import GapScreen
    from workshop.tui.screens.vote import VoteScreen

    out = {"floor": await measure_floor(repeat)}
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

    db = tmp / "next.db"
    with Store(db) as store:
        sid = store.start_session(*load_plan(REPO / "sessions" / "demo.yaml")).id
    app = WorkshopApp(Store(db), session_id=sid, sessions_dir=REPO / "sessions")
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        watch = FrameWatch(app)
        while not isinstance(app.screen, VoteScreen):
            await pilot.pause()
        out["next principle"] = await time_step(
            app, pilot, watch, lambda: app.screen.action_next(), lambda: "2 of 10" in screen_text(app),
            lambda: app.screen.action_previous(), lambda: "1 of 10" in screen_text(app), "n", repeat)
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




def spread(values: list[float]) -> str:
    """min / median / max in milliseconds."""
    if not values:
        return "-"
    ms = sorted(v * 1000 for v in values)
    return f"{ms[0]:.1f} / {statistics.median(ms):.1f} / {ms[-1]:.1f}"


def report_in_app(in_app: dict, args) -> None:
    labels = {"reveal": f"reveal, {args.ballots} ballots (r)", "next principle": "next principle (n)",
              "gap view": f"gap view, {args.principles} principles (g)"}
    floor = in_app["floor"]
    base = statistics.median(floor["frame"])
    print(f"\nIn the app (run_test, headless, {WIDTH}x{HEIGHT}), {args.in_app_repeat} runs; min / median / max in ms. "
          "Baseline, same run: a minimal app's one Static updated, to its frame")
    print(f"  {'step':34} {'action':>20} {'to frame':>20} {'CPU to frame':>20} {'via pilot.press':>22}"
          "  x baseline  goal (to frame)")
    for name, label in {"floor": "baseline: minimal app, Static.update", **labels}.items():
        t = in_app[name]
        frame = statistics.median(t["frame"]) * 1000
        goal = STEP_GOALS_MS.get(name)
        verdict = "" if goal is None else f"< {goal:.0f} ms  {'PASS' if frame < goal else 'MISS'}"
        print(f"  {label:34} {spread(t['action']):>20} {spread(t['frame']):>20} {spread(t['cpu']):>20} "
              f"{spread(t['press']):>22}  {frame / 1000 / base:8.1f}x  {verdict}")
