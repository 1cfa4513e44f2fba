"""Shared fixtures and helpers: a real database file in a temp dir, the demo plan, a CLI runner,
and for Pilot tests what the screen shows, waiting on it, and the app on a test database."""

from __future__ import annotations

import gc
import html
import inspect
import re
import shutil
import time
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.cells import cell_len

from workshop.inputs.plan import load_plan
from workshop.store import Store

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
SIZE = (120, 36)

# A named roster of four seats, two a side, on two principles.
ROSTER_PLAN = """
title: Roster check
date: 2026-12-03
locality: Southvale
groups: [council, vcs]
anonymous: false
scale: {min: 1, max: 5, dont_know: true}
principles: {ids: [council-sustains-grant-programmes, council-is-frank-with-vcs]}
modes: [roster]
roster:
  - {name: A. Patel, group: council}
  - {name: B. Khan, group: council}
  - {name: S. Okafor, group: vcs}
  - {name: T. Evans, group: vcs}
"""


# The modules whose tests take longest, slowest first. They are collected before the rest, so that
# under xdist the long tests start at once and the quick ones fill the end: the run lasts as long
# as its busiest worker. A module not named here keeps its place after these.
SLOW_FIRST = ("test_wheel.py", "test_e2e_tmux.py", "test_web_browser.py", "test_web_browser_comments.py",
              "test_web_browser_priorities.py", "test_remote_browser.py", "test_remote_tui.py", "test_remote_drive.py",
              "test_db_fuzz.py", "test_anonymity.py",
              "test_web_attack.py", "test_publish.py", "test_export_print.py", "test_tui_live_room.py",
              "test_inputs_hardening.py", "test_tui_line_table.py", "test_tui.py", "test_snapshots.py",
              "test_tui_history.py", "test_tui_workers.py", "test_datasette.py", "test_tui_comments.py",
              "test_snapshots_comments.py", "test_tui_perception.py", "test_web_perception.py",
              "test_snapshots_perception.py", "test_perception.py", "test_tui_action_burst.py",
              "test_web_priorities.py", "test_tui_priorities.py", "test_snapshots_priorities.py",
              "test_remote_floor_api.py")


def pytest_collection_modifyitems(items) -> None:
    rank = {name: i for i, name in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


def pytest_collection_finish(session) -> None:
    # Everything imported and collected so far lives as long as the run: set aside from the
    # collector, so that its full passes look only at what the tests make. Collecting took an
    # eighth of the suite's CPU, much of it going over Textual's and Rich's modules again and again.
    gc.collect()
    gc.freeze()
    # And fewer passes: a Pilot test makes and drops objects by the hundred thousand, and the
    # collector's defaults (700, 10, 10) had it walking the generations several times a second.
    gc.set_threshold(5000, 20, 20)


def pytest_configure(config) -> None:
    # Pilot decides that the app has settled after a key when the process used almost no CPU over
    # one sleep of Textual's idle granularity (20 ms), and it sleeps that twice a key: most of a
    # Pilot test's time was those sleeps. A 10 ms window asks the same question (has the app stopped
    # working?) more often; Pilot still waits for every message queued on the screen first.
    # Measured: the TUI tests take a third less wall time for the same CPU.
    import textual._wait

    textual._wait.SLEEP_GRANULARITY = 0.01
    _share_parsed_css()
    _no_frames_nobody_sees()


def _share_parsed_css() -> None:
    """Parse each piece of Textual CSS once per worker rather than once per app.

    Textual keeps the rules it parsed, but in each app's own stylesheet, so every Pilot test
    parsed the app's CSS and every widget's default CSS again (about 0.1 s of CPU an app). The
    app runs once per process, so only the tests gain. The key is Textual's own plus the theme's
    variables, which the parse substitutes; a second app gets the same rules objects that
    Textual's own cache hands back when one app parses the same CSS twice.
    """
    from textual.css.stylesheet import Stylesheet

    parse_rules = Stylesheet._parse_rules
    if list(inspect.signature(parse_rules).parameters) != [
            "self", "css", "read_from", "is_default_rules", "tie_breaker", "scope"]:
        return  # another Textual: each app parses its own, as it would anyway
    parsed: dict = {}

    def shared(self, css, read_from, is_default_rules=False, tie_breaker=0, scope=""):
        key = (css, read_from, is_default_rules, tie_breaker, scope, tuple(sorted(self._variables.items())))
        if key not in parsed:
            parsed[key] = parse_rules(self, css, read_from, is_default_rules, tie_breaker, scope)
        return parsed[key]

    Stylesheet._parse_rules = shared


def _no_frames_nobody_sees() -> None:
    """Under Pilot, lay the screen out after every change but draw no frame.

    A headless app draws every frame and then throws it away (the driver writes nothing): a
    quarter of a Pilot test's CPU went on frames no one could see. A test reads the screen through
    export_screenshot (screen_text, the snapshots), which draws it whole from the same layout,
    so what it asserts is what a terminal would show. The tmux tests draw real frames in a real
    terminal. Only the top screen of a full-screen headless app is spared; anything else, and any
    Textual whose refresh differs, is drawn as Textual draws it.
    """
    from textual.screen import Screen

    refresh = Screen._compositor_refresh
    if inspect.getsource(refresh).count("render_update(") != 1:
        return

    def layout_only(self) -> None:
        app = self.app
        if not (app.is_headless and not app.is_inline and self is app.screen):
            return refresh(self)
        self._compositor._dirty_regions.clear()
        self._dirty_widgets.clear()
        app._update_mouse_over(self)

    Screen._compositor_refresh = layout_only


@pytest.fixture(autouse=True)
def _no_user_database(monkeypatch, tmp_path):
    """Tests never touch the real user's database or cache: the defaults are redirected to a temp dir."""
    monkeypatch.setenv("WORKSHOP_DB", str(tmp_path / "default.db"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "workshop.db"


@pytest.fixture
def store(db_path):
    with Store(db_path) as s:
        yield s


@pytest.fixture(scope="session")
def new_store(tmp_path_factory):
    """Open a Store on a new database at a path: a copy of one migrated once per worker.

    For the tests that make a fresh database in every trial of a loop: creating one applies every
    migration (about 45 ms here), a copy of the finished file takes 3 ms. Each copy is a whole
    database of its own, the same schema a new one gets.
    """
    template = tmp_path_factory.mktemp("template") / "new.db"
    Store(template).close()

    def make(path: Path) -> Store:
        shutil.copyfile(template, path)
        return Store(path)

    return make


@pytest.fixture(scope="session")
def _demo_loaded():
    return load_plan(REPO / "sessions" / "demo.yaml")  # plans are frozen: one read serves every test


@pytest.fixture
def demo(_demo_loaded):
    """The demo plan and its text, as the app is given a plan."""
    return _demo_loaded


@pytest.fixture
def demo_plan(_demo_loaded):
    return _demo_loaded[0]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def make_app(db_path, **kwargs):
    """The facilitator's app on the test database, offering the checkout's plans."""
    from workshop.tui.app import WorkshopApp  # only Pilot tests pay for importing Textual

    return WorkshopApp(Store(db_path), sessions_dir=REPO / "sessions", **kwargs)


# Textual's screenshot is the public way to read the whole screen: an SVG with one <text> per run
# of styled characters, placed by cell (12.2 units wide at the default font size) and line.
_CELL = 20 * 0.61
_RUN = re.compile(r'<text [^>]*?x="([\d.]+)"[^>]*?clip-path="url\(#[\w-]*?-line-(\d+)\)">(.*?)</text>')


def screen_text(app) -> str:
    """What a person sees: the current screen's lines, each as wide as the terminal."""
    width, height = app.size
    runs: list[list[tuple[int, str]]] = [[] for _ in range(height)]
    for x, line, text in _RUN.findall(app.export_screenshot()):
        runs[int(line)].append((round(float(x) / _CELL), html.unescape(text).replace("\xa0", " ")))
    lines = []
    for pieces in runs:
        shown, at = "", 0
        for column, text in sorted(pieces):
            shown += " " * (column - at) + text
            at = column + cell_len(text)
        lines.append(shown + " " * (width - at))
    return "\n".join(lines)


# Key names as a terminal reports them, for the characters whose Unicode names differ.
_KEY_NAMES = {"hyphen_minus": "minus", "solidus": "slash", "commercial_at": "at", "plus_sign": "plus",
              "low_line": "underscore", "reverse_solidus": "backslash"}


def _key(char: str) -> str:
    if char.isalnum():
        return char
    name = unicodedata.name(char).lower().replace("-", "_").replace(" ", "_")
    return _KEY_NAMES.get(name, name)


async def type_text(pilot, text: str) -> None:
    """Text typed as a fast typist types it: every key queued at once and handled in order, then
    one wait for the app to settle (Pilot's press waits about 80 ms after each key)."""
    from textual import events

    for char in text:
        pilot.app.post_message(events.Key(_key(char), char))
    await pilot.pause()


async def wait_for(pilot, condition, tries: int = 50):
    """Let the app run until condition() holds, looking every 20 ms for up to tries × 0.1 s."""
    deadline = time.monotonic() + tries * 0.1
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the screen never reached the expected state")
        await pilot.pause(0.02)


async def settle(pilot) -> None:
    """Let the screen's reads in worker threads (History's list, Home's, a trend) finish and be drawn."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def same_as_trend(trend: dict, rows: list[dict]) -> list[dict]:
    """Check a Datasette locality_trend query's rows against `workshop trend --json` (every asked
    point, its gap and the two means); return the demo's challenge principle's rows, checked for dates."""
    expected = {(p["id"], point["session"]): point for p in trend["principles"] for point in p["points"]
                if point["asked"]}
    assert {(r["principle"], r["session"]) for r in rows} == set(expected)
    for row in rows:
        point = expected[(row["principle"], row["session"])]
        assert row["gap"] == point["gap"]
        assert (row["a_mean"], row["b_mean"]) == (point["means"]["council"], point["means"]["vcs"])
    challenge = [r for r in rows if r["principle"] == "council-accepts-vcs-right-to-challenge"]
    assert [r["date"] for r in challenge] == ["2026-12-03", "2027-12-02"]
    return challenge
