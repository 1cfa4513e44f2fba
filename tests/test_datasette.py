"""Datasette serves a real workshop database with the metadata `workshop datasette-metadata` writes."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import yaml

from workshop.datasette_metadata import metadata
from workshop.store import Store
from workshop.wording import TOO_FEW

from conftest import DATA, REPO, same_as_trend

# Its tests share an expensive module fixture: under xdist they run on one worker.
pytestmark = pytest.mark.xdist_group("datasette")

WORKSHOP = str(Path(sys.executable).with_name("workshop"))
DATASETTE = str(Path(sys.executable).with_name("datasette"))
DEMO = REPO / "sessions" / "demo.yaml"
QUERIES = ("all_sessions", "gap_view", "open_actions", "locality_trend")


def workshop(db: Path, *args: str) -> str:
    done = subprocess.run([WORKSHOP, "--db", str(db), *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Board:
    """A real database of two Northshire sessions a year apart, served by real Datasette."""

    def __init__(self, folder: Path):
        self.db = folder / "board.db"
        later_plan = folder / "northshire-2027.yaml"
        later_plan.write_text(DEMO.read_text(encoding="utf-8").replace("date: 2026-12-03", "date: 2027-12-02"),
                              encoding="utf-8")
        self.first = workshop(self.db, "import", str(DEMO), str(DATA / "votes" / "demo-votes.csv")).strip()
        self.later = workshop(self.db, "import", str(later_plan), str(DATA / "votes" / "demo-votes-later.csv")).strip()
        with Store(self.db) as store:  # actions are agreed in the room; the CLI only follows them up
            self.open_action = store.add_action(self.first, "Publish the grants timetable", owner="council",
                                                due="2027-03-31", principle_id="council-sustains-grant-programmes").id
            done = store.add_action(self.later, "Invite the VCS forum to budget scrutiny", owner="council").id
        workshop(self.db, "action", str(done), "--status", "done")
        self.meta = folder / "metadata.yaml"
        workshop(self.db, "datasette-metadata", "-o", str(self.meta))
        self.digest = sha256(self.db)
        self.log = folder / "datasette.log"
        with self.log.open("w") as log:  # a file, not a pipe: a pipe nobody reads fills and stalls the server
            self.server = subprocess.Popen(
                [DATASETTE, "serve", str(self.db), "--metadata", str(self.meta), "-h", "127.0.0.1", "-p", "0"],
                stdout=subprocess.DEVNULL, stderr=log)
        self.base = self._address()

    def _address(self) -> str:
        """The address Datasette chose for port 0, from the line it logs once listening."""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and self.server.poll() is None:
            found = re.search(r"running on (http://127\.0\.0\.1:\d+)", self.log.read_text())
            if found:
                return found.group(1)
            time.sleep(0.05)
        self.stop()
        raise AssertionError("Datasette did not start:\n" + self.log.read_text())

    def get(self, path: str, **params: str) -> tuple[int, object]:
        url = f"{self.base}{path}" + (f"?{urllib.parse.urlencode(params)}" if params else "")
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as exc:
            return exc.code, None

    def query(self, name: str, **params: str) -> list[dict]:
        status, rows = self.get(f"/board/{name}.json", _shape="array", **params)
        assert status == 200, name
        return rows

    def stop(self) -> None:
        self.server.terminate()
        try:
            self.server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.server.kill()
            self.server.wait()


@pytest.fixture(scope="module")
def board(tmp_path_factory):
    served = Board(tmp_path_factory.mktemp("board"))
    yield served
    served.stop()


def test_the_gap_view_query_gives_the_gaps_show_gives(board):
    shown = json.loads(workshop(board.db, "show", board.first, "--json"))
    rows = board.query("gap_view", session=board.first[:4])  # the start of an id, as the CLI takes
    assert [r["principle"] for r in rows] == [p["id"] for p in shown["principles"]]
    assert [r["number"] for r in rows] == list(range(1, len(rows) + 1))
    for row, principle in zip(rows, shown["principles"]):
        council, vcs = principle["groups"]["council"], principle["groups"]["vcs"]
        assert (row["group_a"], row["group_b"]) == ("Council", "VCS")
        assert row["gap"] == principle["gap"], principle["id"]
        assert (row["a_mean"], row["b_mean"]) == (council["mean"], vcs["mean"]), principle["id"]
        assert (row["a_scores"], row["a_dont_know"]) == (council["n"], council["dont_know"])
        assert (row["b_scores"], row["b_dont_know"]) == (vcs["n"], vcs["dont_know"])
    by_id = {r["principle"]: r for r in rows}
    assert by_id["council-accepts-vcs-right-to-challenge"]["gap"] == -2.333
    assert by_id["council-sustains-grant-programmes"]["gap"] == 0.167


def test_a_group_below_the_minimum_has_no_mean_and_no_gap(board):
    rows = {r["principle"]: r for r in board.query("gap_view", session=board.first)}
    pressures = rows["vcs-understands-council-pressures"]  # two council scores; the minimum is three
    assert pressures["a_scores"] == 2
    assert pressures["a_mean"] is None and pressures["gap"] is None
    assert pressures["b_mean"] == 1.667
    assert pressures["note"] == f"Council: {TOO_FEW}"
    assert rows["council-respects-independence-of-funded-vcs"]["note"] == "no scores yet"


def test_an_unknown_or_empty_session_gives_no_rows(board):
    assert board.query("gap_view", session="zzzz") == []
    assert board.query("gap_view", session="") == []


def test_the_trend_query_gives_the_gaps_trend_gives(board):
    trend = json.loads(workshop(board.db, "trend", "Northshire", "--json"))
    rows = board.query("locality_trend", locality="northshire")  # any case, as the CLI takes
    challenge = same_as_trend(trend, rows)
    assert challenge[0]["gap"] == -2.333
    assert any(r["note"] == f"Council: {TOO_FEW}" and r["a_mean"] is None for r in rows)
    assert board.query("locality_trend", locality="Southshire") == []


def test_open_actions_lists_what_is_still_to_do(board):
    rows = board.query("open_actions")
    listed = json.loads(workshop(board.db, "actions", "--open", "--json"))
    assert [r["action"] for r in rows] == [a["id"] for a in listed] == [board.open_action]
    action = rows[0]
    assert (action["text"], action["owner"], action["due"], action["status"]) == (
        "Publish the grants timetable", "council", "2027-03-31", "open")
    shown = json.loads(workshop(board.db, "show", board.first, "--json"))["principles"]
    assert (action["principle_number"], action["principle"]) == (5, shown[4]["statement"])
    assert board.query("open_actions", locality="NORTHSHIRE") == rows
    assert board.query("open_actions", locality="Southshire") == []


def test_the_sessions_query_lists_both_sessions_newest_first(board):
    rows = board.query("all_sessions")
    assert [r["session"] for r in rows] == [board.later, board.first]
    assert [r["ballots"] for r in rows] == [12, 22]
    assert all(r["min_group_size"] == 3 for r in rows)


def test_single_ballots_raw_means_and_free_sql_are_closed(board):
    for table in ("ballots", "ballots_readable_raw", "principle_summary", "participants", "ballot_changes", "sessions"):
        assert board.get(f"/board/{table}.json")[0] == 403, table
    assert board.get("/board.json", sql="SELECT score FROM ballots")[0] == 403
    status, actions = board.get("/board/actions.json", _shape="array")
    assert status == 200 and len(actions) == 2
    status, tables = board.get("/board.json")
    titles = {t["name"] for t in tables["tables"]}
    assert "ballots" not in titles and "actions" in titles
    assert {q["name"] for q in tables["queries"]} == set(QUERIES)


def test_serving_never_changes_the_database(board):
    board.query("gap_view", session=board.first)
    assert sha256(board.db) == board.digest


def test_raw_metadata_opens_everything_and_keeps_the_queries():
    raw, closed = metadata("x", raw=True), metadata("x")
    assert "allow_sql" not in raw["databases"]["x"]
    assert not any("allow" in t for t in raw["databases"]["x"]["tables"].values())
    assert closed["databases"]["x"]["tables"]["ballots"]["allow"] is False
    assert raw["databases"]["x"]["queries"] == closed["databases"]["x"]["queries"]


def test_every_query_that_shows_means_applies_the_minimum():
    queries = metadata("x")["databases"]["x"]["queries"]
    for name in ("gap_view", "locality_trend"):
        assert TOO_FEW in queries[name]["sql"] and "min_group_size" in queries[name]["sql"]
        assert "too few to show applied" in queries[name]["title"]


def test_the_command_writes_yaml_or_json_named_after_the_database(tmp_path):
    db = tmp_path / "northshire.db"
    printed = yaml.safe_load(workshop(db, "datasette-metadata"))
    assert list(printed["databases"]) == ["northshire"]
    workshop(db, "datasette-metadata", "-o", str(tmp_path / "m.json"), "--name", "board")
    written = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    assert written == metadata("board")
    assert not db.exists()  # writing metadata never makes a database


@pytest.mark.parametrize("args, message", [
    (["-o", "metadata.txt"], "metadata.txt: unknown extension; use .yaml, .yml or .json"),
    (["-o", "no-such-folder/m.yaml"], "no such folder"),
    (["--name", " "], "--name is empty"),
])
def test_the_command_refuses_what_it_cannot_write(tmp_path, args, message):
    done = subprocess.run([WORKSHOP, "--db", str(tmp_path / "w.db"), "datasette-metadata", *args],
                          capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "metadata.txt").exists()
