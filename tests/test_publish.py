"""`workshop publish`: a results-only copy for a partnership board, served by real Datasette, holding
nothing the reports would not show, and refused by workshop itself as a facilitator's database."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sqlite3
import shutil
import subprocess
from pathlib import Path

import pytest

from workshop.cli import cli
from workshop.export.publish import publish
from workshop.inputs.plan import parse_plan
from workshop.session.records import load_record
from workshop.store import Store
from workshop.wording import TOO_FEW

from conftest import DATA, ROSTER_PLAN, same_as_trend
from test_datasette import DATASETTE, DEMO, WORKSHOP, Board, workshop

# Its tests share an expensive module fixture: under xdist they run on one worker.
pytestmark = pytest.mark.xdist_group("publish")

PUBLISHED_TABLES = {"about", "sessions", "groups", "principles", "results", "distribution", "gaps", "facts",
                    "notes", "actions", "comments", "priorities", "priority_dots", "perceptions"}


def run(db: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([WORKSHOP, "--db", str(db), *args], capture_output=True, text=True, timeout=60, cwd=cwd)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Served:
    """Real Datasette on 127.0.0.1 serving a published copy with the metadata written beside it."""

    _address, get, query, stop = Board._address, Board.get, Board.query, Board.stop

    def __init__(self, db: Path, meta: Path):
        self.log = db.with_suffix(".log")
        with self.log.open("w") as log:
            self.server = subprocess.Popen(
                [DATASETTE, "serve", str(db), "--metadata", str(meta), "-h", "127.0.0.1", "-p", "0"],
                stdout=subprocess.DEVNULL, stderr=log)
        self.base = self._address()


class Published:
    """test_datasette's two Northshire sessions a year apart, with notes, published by locality."""

    def __init__(self, folder: Path):
        facilitator = Board(folder)  # its own Datasette serves the facilitator's database: not needed here
        facilitator.stop()
        self.source, self.first, self.later = facilitator.db, facilitator.first, facilitator.later
        self.open_action = facilitator.open_action
        with Store(self.source) as store:
            store.add_note(self.first, "The room asked for the grants timetable in writing",
                           principle_id="council-sustains-grant-programmes")
            store.add_note(self.first, "Agreed to meet again in a year")
        (folder / "published").mkdir()
        self.db = folder / "published" / "board.db"
        self.printed = workshop(self.source, "publish", "--locality", "Northshire", "-o", str(self.db))
        self.meta = self.db.with_name("board.metadata.yaml")
        self.digest = sha256(self.db)
        self.server = Served(self.db, self.meta)

    def show(self, session: str) -> dict:
        return json.loads(workshop(self.source, "show", session, "--json"))


@pytest.fixture(scope="module")
def board(tmp_path_factory):
    published = Published(tmp_path_factory.mktemp("publish"))
    yield published
    published.server.stop()


def test_the_command_says_what_it_wrote_and_how_to_serve_it(board):
    assert board.printed.splitlines() == [
        f"wrote {board.db} (2 sessions) and {board.meta}",
        f"serve it with: datasette {board.db} --metadata {board.meta}"]


@pytest.mark.parametrize("which", ["first", "later"])
def test_the_gap_view_gives_the_numbers_show_gives_and_hides_small_groups(board, which):
    session = getattr(board, which)
    shown = board.show(session)
    rows = board.server.query("gap_view", session=session[:4])
    assert [r["principle"] for r in rows] == [p["id"] for p in shown["principles"]]
    assert [r["number"] for r in rows] == list(range(1, len(rows) + 1))
    hidden = 0
    for row, principle in zip(rows, shown["principles"]):
        assert row["statement"] == principle["statement"]
        assert row["gap"] == principle["gap"], principle["id"]
        for side, group in (("a", "council"), ("b", "vcs")):
            stats = principle["groups"][group]
            if stats["suppressed"]:
                hidden += 1
                assert row[f"{side}_shown"] == TOO_FEW
                assert (row[f"{side}_mean"], row[f"{side}_scores"], row[f"{side}_dont_know"]) == (None, None, None)
            else:
                assert row[f"{side}_mean"] == stats["mean"], principle["id"]
                assert (row[f"{side}_scores"], row[f"{side}_dont_know"]) == (stats["n"], stats["dont_know"])
        assert row["flags"] == ", ".join(principle["flags"])
    assert bool(hidden) == (which == "first")  # the first session has a group below the minimum


def test_a_group_below_the_minimum_shows_too_few_and_nothing_else(board):
    rows = {r["principle"]: r for r in board.server.query("gap_view", session=board.first)}
    pressures = rows["vcs-understands-council-pressures"]  # two council scores; the minimum is three
    assert (pressures["a_shown"], pressures["a_mean"], pressures["a_scores"]) == (TOO_FEW, None, None)
    assert pressures["gap"] is None and pressures["b_mean"] == 1.667
    assert pressures["gap_words"] == "No gap: Council has too few scores to show"
    assert rows["council-accepts-vcs-right-to-challenge"]["gap"] == -2.333
    assert rows["council-accepts-vcs-right-to-challenge"]["gap_words"] == "VCS rates this 2.3 lower than Council"
    status, counts = board.server.get("/board.json", _shape="array", sql=(
        "SELECT count(*) AS n FROM distribution WHERE principle_id = 'vcs-understands-council-pressures' "
        "AND group_id = 'council'"))
    assert status == 200 and counts == [{"n": 0}]  # no distribution to add the scores back up from


def test_the_trend_query_gives_the_gaps_trend_gives(board):
    trend = json.loads(workshop(board.source, "trend", "Northshire", "--json"))
    rows = board.server.query("locality_trend", locality="northshire")
    challenge = same_as_trend(trend, rows)
    assert any(r["a_shown"] == TOO_FEW and r["a_mean"] is None for r in rows)
    assert board.server.query("locality_trend", locality="Southshire") == []


def test_open_actions_and_notes_read_as_the_report_shows_them(board):
    rows = board.server.query("open_actions")
    listed = json.loads(workshop(board.source, "actions", "--open", "--json"))
    assert [r["action"] for r in rows] == [a["id"] for a in listed] == [board.open_action]
    assert (rows[0]["text"], rows[0]["owner"], rows[0]["due"], rows[0]["principle_number"]) == (
        "Publish the grants timetable", "council", "2027-03-31", 5)
    assert board.server.query("open_actions", locality="Southshire") == []
    status, notes = board.server.get("/board/notes.json", _shape="array")
    report = workshop(board.source, "export", board.first, "-o", str(board.db.with_name("r.json")))
    assert report.startswith("wrote")
    full = json.loads(board.db.with_name("r.json").read_text(encoding="utf-8"))
    assert status == 200
    assert [(n["principle_id"], n["text"]) for n in notes] == [(n["principle"], n["text"]) for n in full["notes"]]


def test_the_copy_names_its_tables_and_queries_for_datasette(board):
    status, database = board.server.get("/board.json")
    assert status == 200
    assert {t["name"] for t in database["tables"]} == PUBLISHED_TABLES
    assert {q["name"] for q in database["queries"]} == {"gap_view", "locality_trend", "open_actions"}
    status, meta = board.server.get("/-/metadata.json")
    assert meta["databases"]["board"]["tables"]["results"]["title"] == "Results"
    status, about = board.server.get("/board/about.json", _shape="object")
    assert about["datasette_metadata"]["value"] == board.meta.read_text(encoding="utf-8")
    status, comments = board.server.get("/board/comments.json", _shape="array")
    assert status == 200 and comments == []  # this board's sessions have none


def test_serving_never_changes_the_copy(board):
    board.server.query("gap_view", session=board.first)
    assert sha256(board.db) == board.digest


def test_workshop_refuses_a_published_copy_as_its_database(board, tmp_path):
    for argv in (["list"], ["show", board.first], ["import", str(DEMO), str(DATA / "votes" / "demo-votes.csv")]):
        done = run(board.db, *argv)
        assert done.returncode == 2, argv
        assert done.stderr == (f"error: {board.db}: a copy published for a partnership board ('workshop publish'): "
                               "results only, no ballots, so workshop does not open it as a database; open it "
                               "with Datasette or any SQLite tool, and give the facilitator's database with --db\n")
    done = run(tmp_path / "other.db", "merge", str(board.db))
    assert done.returncode == 2 and "a copy published for a partnership board" in done.stderr
    assert sha256(board.db) == board.digest


def test_the_facilitators_summary_view_applies_too_few_to_show(board):
    conn = sqlite3.connect(board.source)
    conn.row_factory = sqlite3.Row
    rows = {r["group_id"]: r for r in conn.execute(
        "SELECT * FROM principle_summary WHERE session_id = ? AND principle_id = 'vcs-understands-council-pressures'",
        [board.first])}
    council, vcs = rows["council"], rows["vcs"]
    assert council["scores"] == 2 and council["note"] == TOO_FEW
    assert (council["mean"], council["lowest"], council["highest"]) == (None, None, None)
    assert vcs["mean"] == 1.667 and vcs["note"] is None and vcs["lowest"] <= vcs["highest"]


# --- privacy ------------------------------------------------------------------------------------

SECRET_PLAN = """
# PLAN-TEXT-MARKER a line only the plan file has
title: Eastmere Partnership Check
date: 2026-11-05
locality: Eastmere
groups: [council, vcs]
anonymous: true
min_group_size: 3
scale: {min: 1, max: 5, dont_know: true}
principles: {ids: [council-sustains-grant-programmes, council-is-frank-with-vcs]}
modes: [roster, phones]
roster:
  - {name: Zanele Quartermain, group: council}
  - {name: Idris Featherstonehaugh, group: council}
  - {name: Margarethe Oyelaran, group: vcs}
  - {name: Teodor Blackwood-Nash, group: vcs}
  - {name: Philippa Castellanos, group: vcs}
  - {name: Oluwaseun Marchetti, group: vcs}
"""
CAST_ORDER = [4, 1, 5, 2, 3, 1]  # the VCS's scores on the first principle, in the order they came in


def test_the_copy_holds_nothing_the_reports_would_not_show(tmp_path):
    source, plan_file = tmp_path / "workshop.db", tmp_path / "eastmere.yaml"
    plan_file.write_text(SECRET_PLAN, encoding="utf-8")
    secret, named = parse_plan(SECRET_PLAN), parse_plan(ROSTER_PLAN)
    with Store(source) as store:
        anon = store.start_session(secret, SECRET_PLAN).id
        store.set_plan_source(anon, str(plan_file), "d1g3st-of-the-plan-file")
        store.set_join_details(anon, "QZ7KXW", "http://192.168.1.23:8765/j/QZ7KXW")
        seats = [store.add_participant(anon, seat.group, name=seat.name) for seat in secret.roster]
        vcs = [pid for pid, seat in zip(seats, secret.roster) if seat.group == "vcs"]
        for pid, score in zip(vcs, CAST_ORDER[:4]):
            store.record_ballot(anon, "council-sustains-grant-programmes", "vcs", score, participant=pid,
                                mode="roster")
        phone_tokens = ["phone-token-1f9e8d7c6b5a", "phone-token-0a1b2c3d4e5f"]
        for token, score in zip(phone_tokens, CAST_ORDER[4:]):
            store.record_ballot(anon, "council-sustains-grant-programmes", "vcs", score,
                                ballot_id=hashlib.sha256(token.encode()).hexdigest()[:16], mode="phones")
        for pid, score in zip(seats[:2], (5, 2)):  # two council scores: too few to show
            store.record_ballot(anon, "council-sustains-grant-programmes", "council", score, participant=pid,
                                mode="roster")
        store.add_note(anon, "Grants were cut twice in three years", principle_id="council-sustains-grant-programmes")
        # Comments: only the approved one of a group whose result shows may reach the board.
        said = {"approved": ("vcs", "Approved words from the VCS"), "pending": ("vcs", "Pending words nobody checked"),
                "hidden": ("vcs", "Hidden words the room never saw"),
                "approved ": ("council", "Approved words from two councillors")}
        for status, (group, text) in said.items():
            cid = store.add_comment(anon, "council-sustains-grant-programmes", group, text)
            store.set_comment_status(cid, status.strip())
        comment_ids = [c.id for c in store.comments(anon)]
        named_id = store.start_session(named, ROSTER_PLAN).id
        for seat in named.roster:
            pid = store.add_participant(named_id, seat.group, name=seat.name)
            store.record_ballot(named_id, "council-is-frank-with-vcs", seat.group, 3, participant=pid, mode="roster")
    raw = sqlite3.connect(source)
    stored_ids = {r[0] for r in raw.execute("SELECT participant_id FROM ballots UNION SELECT id FROM participants")}
    raw.close()
    copy = tmp_path / "board.db"
    done = run(source, "publish", anon, named_id, "-o", str(copy))
    assert done.returncode == 0, done.stderr

    data = copy.read_bytes()  # the whole file, free pages and all
    names = [s.name for s in secret.roster] + [s.name for s in named.roster]
    forbidden = names + ["PLAN-TEXT-MARKER", "QZ7KXW", "192.168.1.23", str(plan_file), "eastmere.yaml",
                         "d1g3st-of-the-plan-file", *phone_tokens, *stored_ids, *comment_ids,
                         "Pending words", "Hidden words", "two councillors"]
    for text in forbidden:
        assert text.encode() not in data, text
    conn = sqlite3.connect(copy)
    assert conn.execute("PRAGMA freelist_count").fetchone() == (0,)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
    assert tables == PUBLISHED_TABLES
    # No column of any table, read as stored or in any order, gives the VCS's scores as they came in.
    for table in tables:
        columns = [c[1] for c in conn.execute(f"PRAGMA table_info({table})")]
        for order in ["", *(f" ORDER BY {c}" for c in columns), *(f" ORDER BY {c} DESC" for c in columns)]:
            rows = conn.execute(f"SELECT * FROM {table}{order}").fetchall()
            for values in zip(*rows):
                runs = [list(values[i:i + len(CAST_ORDER)]) for i in range(len(values))]
                assert CAST_ORDER not in runs, (table, order)
    council = conn.execute("SELECT shown, scores, dont_know, mean, median, sd FROM results WHERE session_id = ? "
                           "AND group_id = 'council' AND principle_id = 'council-sustains-grant-programmes'",
                           [anon]).fetchone()
    assert council == (TOO_FEW, None, None, None, None, None)
    assert conn.execute("SELECT score, ballots FROM distribution WHERE session_id = ? AND group_id = 'vcs' "
                        "AND principle_id = 'council-sustains-grant-programmes' AND ballots > 0",
                        [anon]).fetchall() == [(1, 2), (2, 1), (3, 1), (4, 1), (5, 1)]
    assert conn.execute("SELECT text FROM notes").fetchall() == [("Grants were cut twice in three years",)]
    assert conn.execute("SELECT * FROM comments").fetchall() == [
        (anon, "council-sustains-grant-programmes", "vcs", 1, "Approved words from the VCS")]


def test_the_copy_is_the_same_file_whatever_order_the_room_voted_in(tmp_path, demo_plan):
    copies = []
    for n, order in enumerate((CAST_ORDER, list(reversed(CAST_ORDER)))):
        with Store(tmp_path / f"w{n}.db") as store:
            sid = store.start_session(demo_plan, session_id="samesession").id
            for score in order:
                store.record_ballot(sid, "council-sustains-grant-programmes", "vcs", score)
            record = load_record(store, sid, ballots=False)
        # The session's start time is the one thing that differs between the two databases.
        record = dataclasses.replace(record, session=dataclasses.replace(
            record.session, created_at="2026-12-03T09:00:00.000+00:00"))
        copies.append(tmp_path / f"board{n}.db")
        publish([record], copies[-1], published_at="2026-12-04T10:00:00+00:00")
    assert copies[0].read_bytes().replace(b"board0", b"board1") == copies[1].read_bytes()


# --- bad input -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def _imported(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("imported") / "workshop.db"
    workshop(db, "import", str(DEMO), str(DATA / "votes" / "demo-votes.csv"))
    return db


@pytest.fixture
def source(_imported, tmp_path):
    """A database the demo's ballots were imported into, in a folder of its own: a copy of one
    imported once for the module (the import is a process of its own, a third of a second of CPU)."""
    db = tmp_path / "workshop.db"
    shutil.copyfile(_imported, db)
    return db


def left_over(folder: Path) -> list[str]:
    """Temporary files a failed publish would leave behind."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.mark.parametrize("args, message", [
    (["zzzz", "-o", "board.db"], "error: no session 'zzzz' in {db}; 'workshop list' shows the ids"),
    (["--locality", "Southshire", "-o", "board.db"], "error: no sessions for locality 'Southshire' "
                                                     "(did you mean 'Northshire'?)"),
    (["--locality", "Northshire", "-o", "no-such-folder/board.db"], "error: no-such-folder: no such folder"),
    (["--locality", "Northshire"], "Missing option '-o'"),
    (["-o", "board.db"], "error: give the sessions to publish ('workshop list' shows them), or --locality "
                         "for all of a locality's"),
    (["--locality", "Northshire", "-o", "."], "error: .: is a folder; give a file name, such as board.db"),
])
def test_bad_input_is_one_line_and_writes_nothing(source, args, message):
    folder = source.parent
    before = sorted(p.name for p in folder.iterdir())
    done = run(source, "publish", *args, cwd=folder)
    assert done.returncode == 2
    assert message.format(db=source) in done.stderr and "Traceback" not in done.stderr
    assert sorted(p.name for p in folder.iterdir()) == before


def test_an_existing_copy_is_replaced_only_with_force(source):
    folder = source.parent
    target = folder / "board.db"
    target.write_text("last year's copy", encoding="utf-8")
    done = run(source, "publish", "--locality", "Northshire", "-o", str(target))
    assert (done.returncode, done.stderr) == (2, f"error: {target}: already exists; add --force to replace it\n")
    assert target.read_text(encoding="utf-8") == "last year's copy"
    assert not (folder / "board.metadata.yaml").exists()
    assert run(source, "publish", "--locality", "Northshire", "-o", str(target), "--force").returncode == 0
    assert sqlite3.connect(target).execute("SELECT count(*) FROM sessions").fetchone() == (1,)
    assert left_over(folder) == []
    (folder / "b2.metadata.yaml").write_text("someone's notes", encoding="utf-8")  # the metadata is guarded too
    done = run(source, "publish", "--locality", "Northshire", "-o", str(folder / "b2.db"))
    assert done.returncode == 2 and "b2.metadata.yaml: already exists; add --force" in done.stderr
    assert not (folder / "b2.db").exists()


def test_the_copy_never_replaces_the_database_it_comes_from(source):
    before = sha256(source)
    done = run(source, "publish", "--locality", "Northshire", "-o", str(source), "--force")
    assert (done.returncode, done.stderr) == (
        2, f"error: {source}: is the database being published; give another file name\n")
    assert sha256(source) == before


def test_help_lists_publish(runner):
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "publish" in result.output and "results-only copy" in result.output
