"""Benchmark: Home and History over years of sessions, key to frame, against the same screens over one session.

Uses the history benchmark's database (bench/history.py builds or reuses it: 2,000 sessions by
default) and a one-session database made here from sessions/demo.yaml. In `App.run_test`
(headless, 120x36), with the first frame caught by wrapping `App._display` (see startup.py):

- Home:    app start to the first frame whose sessions table shows its rows, 2,000 vs 1 (ratio);
- History: `h` on Home to the first frame that lists every session, the newest on screen (rows below
           the first screenful are built a slice per turn of the loop, after that frame);
- filter:  a second keystroke in History's filter to the first frame with the rows it leaves.

Goals: Home within 1.2x of one session; History under 100 ms; a filter keystroke under 30 ms.
Prints min / median / max and PASS/MISS; always exits 0.

    .venv/bin/python bench/tui_history.py              # 2,000 sessions, 7 runs
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import history  # noqa: E402  (the bench folder's own modules)
from tui_steps import HEIGHT, REPO, WIDTH, FrameWatch, screen_text  # noqa: E402

from workshop.inputs.plan import load_plan  # noqa: E402
from workshop.store import Store  # noqa: E402

HOME_RATIO_GOAL = 1.2
HISTORY_GOAL_MS = 100.0
FILTER_GOAL_MS = 30.0


async def home_and_history(db: Path, sessions: int, with_history: bool) -> dict[str, float]:
    from workshop.tui.app import WorkshopApp

    out = {}
    store = Store(db, readonly=True)
    start = time.perf_counter()
    app = WorkshopApp(store, sessions_dir=REPO / "sessions")
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        watch = FrameWatch(app)
        newest = store.sessions(limit=1)[0].id
        watch.arm(lambda: newest in screen_text(app))
        out["home"] = await watch.wait() - start
        if with_history:
            await pilot.pause()
            def listed(count):  # History lists count sessions and the newest shows on screen
                return lambda: (len(getattr(app.screen, "shown", ())) == count
                                and app.screen.query_one("#history").row_count and newest in screen_text(app))

            # The first frame with the newest sessions (the screenful the facilitator reads), then the
            # frame by which every session is listed (what the filter searches).
            watch.arm(lambda: isinstance(getattr(app.screen, "shown", None), list)
                      and app.screen.query_one("#history").row_count and newest in screen_text(app))
            start = time.perf_counter()
            app.screen.action_history()
            out["history"] = await watch.wait() - start
            if len(app.screen.shown) != sessions:
                watch.arm(listed(sessions))
                await watch.wait()
            out["history-all"] = time.perf_counter() - start
            await pilot.pause()
            field = app.screen.query_one("#filter")
            field.focus()
            await pilot.pause()
            words = "2" + newest[:1]  # the filter already holds "2": one more key, as typed
            field.insert_text_at_cursor("2")
            await pilot.pause()
            kept = [s for s in app.screen.sessions if words in f"{s.date} {s.title} {s.locality} {s.id}".casefold()]
            watch.arm(lambda: len(app.screen.shown) == len(kept) and (not kept or kept[0].id in screen_text(app)))
            start = time.perf_counter()
            field.insert_text_at_cursor(newest[:1])
            out["filter"] = await watch.wait() - start
    store.close()
    return out


def summary(values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return f"{statistics.median(ms):7.1f} ms  ({min(ms):.1f} .. {max(ms):.1f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=2000)
    parser.add_argument("--principles", type=int, default=60)
    parser.add_argument("--participants", type=int, default=30)
    parser.add_argument("--seed", type=int, default=2016)
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    big = history.ensure(args)
    with tempfile.TemporaryDirectory(prefix="workshop-bench-") as tmp:
        small = Path(tmp) / "one.db"
        with Store(small) as store:
            store.start_session(*load_plan(REPO / "sessions" / "demo.yaml"))
        runs: dict[str, list[float]] = {"home": [], "home-1": [], "history": [], "history-1": [], "filter": [],
                                        "history-all": []}
        for i in range(args.repeat + 1):  # alternating; the first round warms up
            many = asyncio.run(home_and_history(big, args.sessions, True))
            one = asyncio.run(home_and_history(small, 1, True))
            if i:
                runs["home"].append(many["home"])
                runs["home-1"].append(one["home"])
                runs["history"].append(many["history"])
                runs["history-all"].append(many["history-all"])
                runs["history-1"].append(one["history"])
                runs["filter"].append(many["filter"])
    ratio = statistics.median(runs["home"]) / statistics.median(runs["home-1"])
    verdict = lambda ok: "PASS" if ok else "MISS"  # noqa: E731
    print(f"\nHome and History, {args.sessions} sessions (run_test, headless, {WIDTH}x{HEIGHT}), "
          f"median of {args.repeat} (min .. max)")
    print(f"  {'Home, first frame, ' + str(args.sessions) + ' sessions':44} {summary(runs['home'])}")
    print(f"  {'Home, first frame, 1 session (baseline)':44} {summary(runs['home-1'])}")
    print(f"  {'ratio':44} {ratio:7.2f} x     goal <= {HOME_RATIO_GOAL} x   {verdict(ratio <= HOME_RATIO_GOAL)}")
    hist, filt = statistics.median(runs["history"]) * 1000, statistics.median(runs["filter"]) * 1000
    print(f"  {'History, h to the first frame of sessions':44} {summary(runs['history'])}   goal < {HISTORY_GOAL_MS:.0f} ms   "
          f"{verdict(hist < HISTORY_GOAL_MS)}")
    print(f"  {'History, h to every session listed':44} {summary(runs['history-all'])}   (for scale)")
    print(f"  {'History, h to frame, 1 session (for scale)':44} {summary(runs['history-1'])}")
    print(f"  {'History, one filter keystroke to frame':44} {summary(runs['filter'])}   goal < {FILTER_GOAL_MS:.0f} ms   "
          f"{verdict(filt < FILTER_GOAL_MS)}")


if __name__ == "__main__":
    main()
