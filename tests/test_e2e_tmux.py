"""End to end: the installed `workshop run` in a real terminal (tmux), killed mid-principle, resumed.

Each test gets a private tmux server (its own socket, no user config) that is killed at teardown.
Keys go in with `send-keys`; the screen is read with `capture-pane`, always in a bounded poll.
Card counts are typed as one burst of keys, as a quick facilitator types (arrows and digits must
land in the order they were pressed), and also slowly, with pauses between the digits of a count:
a count is what was typed into its cell, however fast.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from conftest import REPO, ROSTER_PLAN

from workshop.store import Store

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

WORKSHOP = Path(sys.executable).parent / "workshop"
WIDTH, HEIGHT = 120, 36
TIMEOUT = 10.0  # seconds for any one expected screen
POLL = 0.05



class Pane:
    """One tmux session on a private server: send keys, read the screen, wait for text."""

    def __init__(self, tmux: list[str], name: str):
        self.tmux = tmux
        self.name = name

    def run(self, *args: str) -> str:
        return subprocess.run([*self.tmux, *args], check=True, capture_output=True, text=True).stdout

    def text(self) -> str:
        return self.run("capture-pane", "-p", "-J", "-t", self.name)

    def send(self, *keys: str) -> None:
        self.run("send-keys", "-t", self.name, *keys)

    def until(self, probe, what: str, timeout: float = TIMEOUT):
        """Poll probe() until it returns something truthy and return that; fail showing the screen."""
        deadline = time.monotonic() + timeout
        while True:
            value = probe()
            if value:
                return value
            if time.monotonic() > deadline:
                pytest.fail(f"waited {timeout:.0f} s for {what}; the screen shows:\n{self.text()}")
            time.sleep(POLL)

    def wait_for(self, condition, what: str, timeout: float = TIMEOUT) -> str:
        """The screen text once it contains a string, or once condition(text) holds."""
        test = (lambda text: condition in text) if isinstance(condition, str) else condition

        def probe() -> str | None:
            text = self.text()
            return text if test(text) else None

        return self.until(probe, what, timeout)


@pytest.fixture
def tmux(tmp_path):
    """A private tmux server: its own socket name, no user config; killed afterwards."""
    socket = f"workshop-e2e-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    base = ["tmux", "-L", socket, "-f", os.devnull]
    env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "TMUX_PANE")}  # never nested
    sessions: list[str] = []

    def start(shell_command: str) -> Pane:
        name = f"w{len(sessions)}-{uuid.uuid4().hex[:6]}"
        subprocess.run([*base, "new-session", "-d", "-s", name, "-x", str(WIDTH), "-y", str(HEIGHT),
                        "-e", "TERM=xterm-256color", "-e", "COLORTERM=truecolor", shell_command],
                       check=True, cwd=REPO, env=env)
        sessions.append(name)
        return Pane(base, name)

    try:
        yield start
    finally:
        found = subprocess.run([*base, "display-message", "-p", "#{socket_path}"], check=False, capture_output=True, text=True)
        subprocess.run([*base, "kill-server"], check=False, capture_output=True)
        if found.returncode == 0 and found.stdout.strip():
            Path(found.stdout.strip()).unlink(missing_ok=True)  # tmux leaves the socket file behind


def workshop_command(db: Path, pidfile: Path, target: str) -> str:
    """The pane's command: the workshop process writes its own pid, then its exit code is shown.

    `exec` makes the pid in the file the workshop process itself. stderr is left alone:
    Textual draws on it. The trailing sleep keeps the pane readable after the exit.
    """
    inner = f"echo $$ > {shlex.quote(str(pidfile))}; exec {shlex.quote(str(WORKSHOP))} " \
            f"--db {shlex.quote(str(db))} run {shlex.quote(target)}"
    return f"sh -c {shlex.quote(inner)}; echo EXITED $?; sleep 60"


def read_pid(pidfile: Path) -> int:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        text = pidfile.read_text().strip() if pidfile.exists() else ""
        if text.isdigit():
            return int(text)
        time.sleep(POLL)
    pytest.fail(f"no pid in {pidfile}")


def ballots_line(council: int, vcs: int) -> str:
    return f"Ballots in: Council {council}   VCS {vcs}"


# What is typed into the grid: (group, column, count). Columns: scores 1..5, then dk.
FIRST = [("Council", "4", 3), ("Council", "5", 1), ("VCS", "1", 2), ("VCS", "2", 2), ("VCS", "dk", 1)]
SECOND = [("VCS", "3", 12), ("Council", "2", 2)]
GROUPS = ["Council", "VCS"]
COLUMNS = ["1", "2", "3", "4", "5", "dk"]


def keys_for(cards, start: tuple[int, int] = (0, 0)) -> list[str]:
    """The arrow keys and digits that type these counts from the cursor at start (row, column);
    Enter at the end stores the last count (each arrow stores the one before it)."""
    keys, (row, col) = [], start
    for group, column, count in cards:
        want_row, want_col = GROUPS.index(group), COLUMNS.index(column)
        keys += ["Down" if want_row > row else "Up"] * abs(want_row - row)
        keys += ["Right" if want_col > col else "Left"] * abs(want_col - col)
        keys.extend(str(count))
        row, col = want_row, want_col
    return keys + ["Enter"]


def expected(cards) -> Counter:
    """(group id, score or None) -> number of ballots."""
    return Counter({(g.lower(), None if col == "dk" else int(col)): n for g, col, n in cards})


def test_cards_survive_sigkill_and_resume(tmux, tmp_path):
    assert WORKSHOP.exists(), f"{WORKSHOP} is not installed (pip install -e .)"
    started = time.monotonic()
    db, pidfile = tmp_path / "e2e.db", tmp_path / "workshop.pid"

    pane = tmux(workshop_command(db, pidfile, "sessions/demo.yaml"))
    pane.wait_for("Press Enter to begin", "the lobby")
    pane.send("Enter")
    pane.wait_for("1 of 10", "the vote screen")
    pane.wait_for(ballots_line(0, 0), "an empty principle")

    pane.send(*keys_for(FIRST))  # the grid opens on Council, score 1
    pane.wait_for(ballots_line(4, 5), "the first principle's counts")

    pane.send("Right", "Right", "Left")  # arrows move in the grid, never to another principle
    pane.send("n")  # not revealed yet: the first n says so, the second moves on
    pane.wait_for("Not revealed yet", "the warning about leaving an unrevealed principle")
    assert "1 of 10" in pane.text()
    pane.send("n")
    pane.wait_for("2 of 10", "the second principle")
    pane.wait_for(ballots_line(0, 0), "the second principle, empty")
    # Slowly now: a pause in the middle of "12" still makes twelve, not a 1 and then a 2.
    keys = keys_for(SECOND)  # a new principle starts again on Council, score 1
    twelve = keys.index("1")
    pane.send(*keys[:twelve + 1])
    time.sleep(1.8)
    pane.send(*keys[twelve + 1:])
    screen = pane.wait_for(ballots_line(2, 12), "the second principle's counts")
    assert "REVEALED" not in screen and "mean" not in screen

    # Pull the plug mid-principle: no clean exit, no chance to flush anything.
    pid = read_pid(pidfile)
    os.kill(pid, signal.SIGKILL)
    pane.wait_for("EXITED 137", "the workshop process to die by SIGKILL")

    with Store(db) as store:
        [summary] = store.sessions()
        session = store.session(summary.id)
        ids = [p.id for p in session.plan.principles]
        got = Counter((b.group, b.score) for b in store.ballots(summary.id))
        first = Counter((b.group, b.score) for b in store.ballots(summary.id, ids[0]))
        second = Counter((b.group, b.score) for b in store.ballots(summary.id, ids[1]))
    assert first == expected(FIRST)
    assert second == expected(SECOND)
    assert sum(got.values()) == 9 + 14 and summary.ballots == 23
    assert session.position == 1 and session.status != "finished"

    pidfile.unlink()
    pane = tmux(workshop_command(db, pidfile, summary.id))
    screen = pane.wait_for(lambda text: "2 of 10" in text and ballots_line(2, 12) in text,
                           "the resumed session on principle 2 with its ballots")
    assert "VOTING OPEN" in screen

    pane.send("r")
    screen = pane.wait_for(lambda text: "REVEALED" in text and "mean" in text, "the reveal")
    assert ballots_line(2, 12) in screen

    pane.send("C-q")
    pane.wait_for("EXITED 0", "a clean exit after ctrl+q")
    assert time.monotonic() - started < 30


def test_roster_arrows_and_the_next_principles_first_ballot(tmux, tmp_path):
    db, pidfile, plan = tmp_path / "roster.db", tmp_path / "workshop.pid", tmp_path / "roster.yaml"
    plan.write_text(ROSTER_PLAN, encoding="utf-8")
    pane = tmux(workshop_command(db, pidfile, str(plan)))
    pane.wait_for("Press Enter to begin", "the lobby")
    pane.send("Enter")
    pane.wait_for("1 of 2", "the vote screen")
    pane.send("Down", "Down", "Up", "Right", "Left", "4")  # B. Khan; Right and Left never change principle
    pane.wait_for("Council 1 of 2", "B. Khan's ballot")
    assert "1 of 2" in pane.text()
    pane.send("n", "n")  # the first n: not revealed yet
    pane.wait_for("2 of 2", "the second principle")
    pane.send("5")  # the first seat that has not voted here: A. Patel, not the last one selected
    pane.wait_for("Council 1 of 2", "A. Patel's ballot on principle 2")
    pane.send("C-q")
    pane.wait_for("EXITED 0", "a clean exit")
    with Store(db) as store:
        [summary] = store.sessions()
        names = store.participant_names(summary.id)
        ids = [p.id for p in store.session(summary.id).plan.principles]
        first = {names[b.participant]: b.score for b in store.ballots(summary.id, ids[0])}
        second = {names[b.participant]: b.score for b in store.ballots(summary.id, ids[1])}
    assert first == {"B. Khan": 4} and second == {"A. Patel": 5}


def test_room_sizes_typed_in_one_burst_land_field_by_field(tmux, tmp_path):
    db, pidfile = tmp_path / "room.db", tmp_path / "workshop.pid"
    pane = tmux(workshop_command(db, pidfile, "sessions/demo.yaml"))
    pane.wait_for("Press Enter to begin", "the lobby")
    pane.send("c")
    pane.wait_for("How many people of each group are in the room?", "the room size dialog")
    pane.send("1", "2", "Tab", "1", "0", "Enter")  # as fast as a facilitator types
    pane.wait_for("Council 12 · VCS 10", "the sizes in the lobby")
    pane.send("C-q")
    pane.wait_for("EXITED 0", "a clean exit")
    with Store(db) as store:
        assert store.sessions() == []  # a lobby never begun keeps no session


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_closing_the_window_ends_the_app_even_behind_make(tmux, tmp_path):
    """'make run' stays between the terminal and the app, so closing the window sends the app no
    hang-up: it must notice the terminal has gone and quit, not spin on an endless end of file."""
    db, pidfile = tmp_path / "w.db", tmp_path / "pid"
    inner = f"echo $$ > {shlex.quote(str(pidfile))}; exec {shlex.quote(str(WORKSHOP))} " \
            f"--db {shlex.quote(str(db))} run sessions/demo.yaml"
    makefile = tmp_path / "Makefile"
    makefile.write_text(f"run:\n\tsh -c {shlex.quote(inner).replace('$', '$$')}\n", encoding="utf-8")  # make's $
    pane = tmux(f"make -s -f {shlex.quote(str(makefile))} run")
    pane.wait_for("Press Enter to begin", "the lobby")
    pid = int(pidfile.read_text())
    pane.run("kill-session", "-t", pane.name)  # the window closes

    def gone() -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        return False

    pane.until(gone, "the app to quit once its terminal had gone", timeout=10)


@pytest.mark.skipif(shutil.which("setsid") is None, reason="no setsid here (util-linux)")
def test_a_terminal_the_app_does_not_own_never_ends_it(tmux, tmp_path):
    """Started in a session of its own (setsid, as some launchers and supervisors do), the app's
    terminal is not its controlling one and cannot be watched for a hang-up: it runs on, answers
    its keys, and quits only when asked (it quit by itself after a second)."""
    db = tmp_path / "w.db"
    app = f"setsid -w {shlex.quote(str(WORKSHOP))} --db {shlex.quote(str(db))} run sessions/demo.yaml"
    pane = tmux(f"{app}; echo EXITED $?; sleep 60")
    pane.wait_for("Press Enter to begin", "the lobby")
    time.sleep(3)  # three of the once-a-second checks for a closed window
    assert "EXITED" not in pane.text() and "Press Enter to begin" in pane.text()
    pane.send("Enter")
    pane.wait_for("1 of 10", "the first principle, after Enter")
    pane.send("C-q")
    pane.wait_for("EXITED 0", "the app to quit when asked")


@pytest.mark.skipif(shutil.which("setsid") is None or shutil.which("pgrep") is None, reason="needs setsid and pgrep")
def test_closing_the_window_ends_the_app_started_in_a_session_of_its_own(tmux, tmp_path):
    """Under setsid no hang-up reaches the app either: when the window closes it must still notice
    and quit, not spin on an endless end of file."""
    db = tmp_path / "own-session.db"
    pane = tmux(f"setsid -w {shlex.quote(str(WORKSHOP))} --db {shlex.quote(str(db))} run sessions/demo.yaml")
    pane.wait_for("Press Enter to begin", "the lobby")

    def running() -> list[str]:
        found = subprocess.run(["pgrep", "-f", str(db)], capture_output=True, text=True)
        return found.stdout.split()

    assert running(), "no workshop process for the database"
    pane.run("kill-session", "-t", pane.name)  # the window closes
    pane.until(lambda: not running(), "the app to quit once its terminal had gone", timeout=10)
