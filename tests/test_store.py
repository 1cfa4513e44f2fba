"""The SQLite store on real files: schema, refusal of foreign files, frozen sessions, ballots, durability."""

from __future__ import annotations

import dataclasses
import os
import re
import signal
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from workshop.store import (
    APPLICATION_ID,
    SCHEMA_VERSION,
    BallotError,
    SessionNotFound,
    Store,
    StoreError,
    resolve_db_path,
)


def test_new_database_has_schema_version_wal_and_full_sync(db_path):
    with Store(db_path) as store:
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    raw = sqlite3.connect(db_path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 1
    assert raw.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
    assert {"sessions", "session_principles", "ballots", "ballot_changes", "notes", "actions",
            "principle_summary", "ballots_readable_raw"} <= tables


def test_the_store_asks_for_full_sync_whatever_sqlite_defaults_to(db_path, monkeypatch):
    """This SQLite build already defaults to FULL, so reading the pragma back proves nothing by
    itself: every new connection here starts at OFF, as under a build that defaults otherwise,
    and the store's own connection must still have been told FULL (a ballot survives power loss)."""
    real_connect = sqlite3.connect

    def connect_defaulting_to_off(*args, **kwargs):
        conn = real_connect(*args, **kwargs)
        conn.execute("PRAGMA synchronous = OFF")
        return conn

    monkeypatch.setattr(sqlite3, "connect", connect_defaulting_to_off)
    for opening in ("a new file", "the same file again"):
        with Store(db_path) as store:
            assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2, opening  # FULL


def test_reopening_applies_nothing_twice(db_path, demo_plan):
    with Store(db_path) as store:
        sid = store.start_session(demo_plan).id
    with Store(db_path) as store:
        assert store.session(sid).plan.title == demo_plan.title
        assert store.db.execute("SELECT COUNT(*) FROM _sqlite_migrations").fetchone()[0] == SCHEMA_VERSION


@pytest.mark.parametrize("content, message", [
    (b"title: not a database\n", "not a workshop database (not an SQLite file)"),
    (b"SQLite format 3\x00" + b"\xff" * 200, "cannot be read as a database"),
])
def test_files_that_are_not_databases_are_refused_and_untouched(tmp_path, content, message):
    path = tmp_path / "notes.db"
    path.write_bytes(content)
    with pytest.raises(StoreError, match=re.escape(message)):
        Store(path)
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


def _file_state(path):
    return path.read_bytes(), sorted(p.name for p in path.parent.iterdir())


def test_database_from_another_program_is_refused_and_untouched(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    conn.commit()
    conn.close()
    before = _file_state(path)
    with pytest.raises(StoreError, match="another program; workshop leaves it untouched"):
        Store(path)
    assert _file_state(path) == before


def test_database_from_a_newer_workshop_is_refused_and_untouched(db_path):
    Store(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = _file_state(db_path)
    with pytest.raises(StoreError, match="newer version of workshop"):
        Store(db_path)
    assert _file_state(db_path) == before


def test_an_empty_file_becomes_a_database(tmp_path, demo_plan):
    path = tmp_path / "empty.db"
    path.touch()
    with Store(path) as store:
        assert store.start_session(demo_plan).id


def test_database_path_resolution(monkeypatch, tmp_path):
    monkeypatch.setenv("WORKSHOP_DB", str(tmp_path / "env.db"))
    assert resolve_db_path(None) == tmp_path / "env.db"
    assert resolve_db_path(str(tmp_path / "opt.db")) == tmp_path / "opt.db"
    monkeypatch.delenv("WORKSHOP_DB")
    assert resolve_db_path(None).name == "workshop.db"


def test_session_keeps_a_frozen_copy_of_plan_and_wording(store, demo_plan):
    demo_plan = dataclasses.replace(demo_plan, anonymous=False, min_group_size=1)
    session = store.start_session(demo_plan, "title: original text\n")
    first = demo_plan.principles[0]
    # The catalogue and the plan change later; the stored session must not.
    edited = dataclasses.replace(first, statement="A rewritten statement.")
    later_plan = dataclasses.replace(demo_plan, title="Renamed", principles=(edited,) + demo_plan.principles[1:])
    store.start_session(later_plan)
    again = store.session(session.id)
    assert again.plan.title == demo_plan.title
    assert again.plan.principles[0].statement == first.statement
    assert again.plan.principles == demo_plan.principles
    assert again.plan_text == "title: original text\n"
    row = store.db.execute("SELECT statement, theme_title FROM session_principles WHERE session_id = ? "
                           "AND position = 0", [session.id]).fetchone()
    assert row == (first.statement, demo_plan.theme_title(first.theme))


def test_find_session_by_prefix(store, demo_plan):
    a = store.start_session(demo_plan, session_id="abcd234567")
    store.start_session(demo_plan, session_id="abce234567")
    assert store.find_session_id("ABCD") == a.id
    with pytest.raises(SessionNotFound, match="matches several sessions"):
        store.find_session_id("abc")
    with pytest.raises(SessionNotFound, match="no session 'zzz'"):
        store.find_session_id("zzz")
    with pytest.raises(SessionNotFound, match="no session '%'"):
        store.find_session_id("%")


def test_revoting_replaces_the_ballot_and_keeps_the_change(store, demo_plan):
    """A named session keeps its changed votes; an anonymous one keeps none (see test_anonymity)."""
    s = store.start_session(dataclasses.replace(demo_plan, anonymous=False))
    pid = demo_plan.principles[0].id
    voter = store.add_participant(s.id, "vcs", mode="phones")
    store.record_ballot(s.id, pid, "vcs", 2, participant=voter, mode="phones")
    store.record_ballot(s.id, pid, "vcs", 2, participant=voter, mode="phones")   # the same again: no change
    store.record_ballot(s.id, pid, "vcs", None, participant=voter, mode="phones")
    [ballot] = store.ballots(s.id, pid)
    assert ballot.dont_know and ballot.participant == voter
    changes = store.db.execute("SELECT old_score, old_dont_know, new_score, new_dont_know FROM ballot_changes"
                               ).fetchall()
    assert changes == [(2, 0, None, 1)]


def test_card_counts_add_and_remove_anonymous_ballots(store, demo_plan):
    s = store.start_session(demo_plan)
    pid = demo_plan.principles[0].id
    store.set_card_count(s.id, pid, "council", 4, 5)
    store.set_card_count(s.id, pid, "council", None, 2)
    store.set_card_count(s.id, pid, "council", 4, 3)
    scores = sorted((b.score or 0) for b in store.ballots(s.id, pid))
    assert scores == [0, 0, 4, 4, 4]
    assert store.ballot_counts(s.id, pid) == {"council": 5}
    assert store.db.execute("SELECT COUNT(*) FROM participants").fetchone()[0] == 0


def test_card_counts_read_back_per_group_and_score_and_zero_clears_a_cell(store, demo_plan):
    s = store.start_session(demo_plan)
    pid = demo_plan.principles[0].id
    store.set_card_count(s.id, pid, "council", 4, 3)
    store.set_card_count(s.id, pid, "vcs", None, 2)
    store.set_card_count(s.id, pid, "vcs", 1, 1)
    assert store.card_counts(s.id, pid) == {("council", 4): 3, ("vcs", None): 2, ("vcs", 1): 1}
    store.set_card_count(s.id, pid, "council", 4, 0)
    assert store.card_counts(s.id, pid) == {("vcs", None): 2, ("vcs", 1): 1}
    # An anonymous session's card ballots carry no time (nothing orders them), and say they are cards.
    assert {(b.cast_at, b.mode) for b in store.ballots(s.id, pid)} == {("", "cards")}


def test_card_ballots_in_a_named_session_keep_their_time(store, demo_plan):
    s = store.start_session(dataclasses.replace(demo_plan, anonymous=False))
    pid = demo_plan.principles[0].id
    store.set_card_count(s.id, pid, "council", 4, 2)
    assert all(b.cast_at for b in store.ballots(s.id, pid))


@pytest.mark.parametrize("score, count, message", [
    (4, -1, "a count cannot be negative"),
    (6, 1, r"score 6 is off the scale \(1 to 5\)"),
])
def test_bad_card_counts_are_refused_and_change_nothing(store, demo_plan, score, count, message):
    s = store.start_session(demo_plan)
    pid = demo_plan.principles[0].id
    store.set_card_count(s.id, pid, "council", 4, 2)
    with pytest.raises(BallotError, match=f"^{message}$"):
        store.set_card_count(s.id, pid, "council", score, count)
    assert store.card_counts(s.id, pid) == {("council", 4): 2}


def test_tallies_of_many_sessions_read_each_once(store, demo_plan):
    """More sessions than SQLite takes parameters at once: each session's tallies, none counted twice."""
    first, last = store.start_session(demo_plan).id, store.start_session(demo_plan).id
    pid = demo_plan.principles[0].id
    store.set_card_count(first, pid, "council", 4, 3)
    store.set_card_count(last, pid, "vcs", 2, 1)
    ids = [first] + [f"none{i:04d}" for i in range(1100)] + [last]
    tallies = store.tallies_of(ids)
    assert tallies[first] == {(pid, "council"): {4: 3}} and tallies[last] == {(pid, "vcs"): {2: 1}}
    assert tallies[first] == store.tallies(first) and len(tallies) == len(ids)


def test_a_principle_keeps_the_time_it_first_opened(store, demo_plan):
    s = store.start_session(demo_plan)
    pid = demo_plan.principles[0].id
    assert store.opened_at(s.id, pid) is None
    store.set_principle_state(s.id, pid, "open")
    opened = store.opened_at(s.id, pid)
    assert opened and opened.startswith("20")
    store.set_principle_state(s.id, pid, "closed")
    store.set_principle_state(s.id, pid, "open")
    assert store.opened_at(s.id, pid) == opened  # reopening keeps the time box running from the first opening
    assert store.opened_at(s.id, "no-such-principle") is None


@pytest.mark.parametrize("group, score, message", [
    ("vcs", 6, "off the scale"),
    ("vcs", 0, "off the scale"),
    ("vcs", 2.5, "off the scale"),
    ("vcs", True, "off the scale"),
    ("police", 3, "group 'police' is not in this session"),
])
def test_bad_ballots_are_refused(store, demo_plan, group, score, message):
    s = store.start_session(demo_plan)
    with pytest.raises(BallotError, match=message):
        store.record_ballot(s.id, demo_plan.principles[0].id, group, score)
    assert store.ballots(s.id) == []


def test_scores_off_the_scale_cannot_be_written_even_with_raw_sql(store, demo_plan):
    s = store.start_session(demo_plan)
    with pytest.raises(sqlite3.IntegrityError, match="off the scale"):
        store.conn.execute("INSERT INTO ballots VALUES (?, ?, 'x', 'vcs', 9, 0, 'cards', 'now')",
                           [s.id, demo_plan.principles[0].id])


def test_closed_principle_takes_no_ballots_until_reopened(store, demo_plan):
    s = store.start_session(demo_plan)
    pid = demo_plan.principles[0].id
    store.set_principle_state(s.id, pid, "closed")
    with pytest.raises(BallotError, match="closed"):
        store.record_ballot(s.id, pid, "vcs", 3)
    store.set_principle_state(s.id, pid, "open")
    store.record_ballot(s.id, pid, "vcs", 3)
    assert store.ballot_counts(s.id, pid) == {"vcs": 1}


def test_anonymous_session_never_stores_a_name(store, demo_plan):
    assert demo_plan.anonymous
    s = store.start_session(demo_plan)
    voter = store.add_participant(s.id, "council", name="A. Patel")
    store.record_ballot(s.id, demo_plan.principles[0].id, "council", 5, participant=voter, mode="roster")
    assert store.db.execute("SELECT name FROM participants").fetchall() == [(None,)]
    assert store.participant_names(s.id) == {}


def test_anonymous_session_keeps_no_roster_names_and_no_plan_text(store, demo_plan, db_path):
    from workshop.model import Seat

    plan = dataclasses.replace(demo_plan, roster=(Seat("council", "A. Patel"), Seat("vcs", "S. Okafor")),
                               modes=("roster",))
    s = store.start_session(plan, "roster:\n  - {name: A. Patel, group: council}\n")
    assert [seat.name for seat in store.session(s.id).plan.roster] == [None, None]
    assert store.session(s.id).plan_text == ""
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert b"Patel" not in db_path.read_bytes() and b"Okafor" not in db_path.read_bytes()


def test_named_session_keeps_names(store, demo_plan):
    plan = dataclasses.replace(demo_plan, anonymous=False, min_group_size=1)
    s = store.start_session(plan)
    voter = store.add_participant(s.id, "council", name="A. Patel")
    assert store.participant_names(s.id) == {voter: "A. Patel"}


def test_notes_and_actions(store, demo_plan):
    s = store.start_session(demo_plan)
    pid = demo_plan.principles[1].id
    store.add_note(s.id, "Grants were cut twice.", pid)
    action = store.add_action(s.id, "Publish the grants timetable", owner="council", due="2027-03-31",
                              principle_id=pid)
    store.set_action_status(action.id, "in progress", "Draft shared")
    [note] = store.notes(s.id)
    [saved] = store.actions(s.id)
    assert (note.text, note.principle_id) == ("Grants were cut twice.", pid)
    assert (saved.text, saved.owner, saved.due, saved.status, saved.status_note) == (
        "Publish the grants timetable", "council", "2027-03-31", "in progress", "Draft shared")


def test_session_list_is_newest_first_with_counts(store, demo_plan):
    old = store.start_session(dataclasses.replace(demo_plan, date=demo_plan.date.replace(year=2025)))
    new = store.start_session(demo_plan)
    store.record_ballot(new.id, demo_plan.principles[0].id, "vcs", 3)
    listed = store.sessions()
    assert [s.id for s in listed] == [new.id, old.id]
    assert (listed[0].ballots, listed[0].principles, listed[0].groups) == (1, 10, ("council", "vcs"))


WRITER = textwrap.dedent("""
    import sys
    from workshop.inputs.plan import load_plan
    from workshop.store import Store
    plan, _ = load_plan(sys.argv[2])
    store = Store(sys.argv[1])
    session = store.start_session(plan)
    print(session.id, flush=True)
    i = 0
    while True:
        principle = plan.principles[i % len(plan.principles)].id
        group = plan.groups[i % 2].id
        voter = store.record_ballot(session.id, principle, group, 1 + i % 5)
        print(voter, principle, flush=True)   # acknowledged: the screen may count it now
        i += 1
""")


def test_sigkill_mid_stream_loses_no_acknowledged_ballot(db_path, tmp_path):
    from conftest import REPO

    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    proc = subprocess.Popen([sys.executable, str(script), str(db_path), str(REPO / "sessions" / "demo.yaml")],
                            stdout=subprocess.PIPE, text=True)
    session_id = proc.stdout.readline().strip()
    acknowledged = []
    for line in proc.stdout:
        acknowledged.append(tuple(line.split()))
        if len(acknowledged) >= 150:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    with Store(db_path) as store:
        stored = {(b.participant, b.principle_id) for b in store.ballots(session_id)}
    assert set(acknowledged) <= stored
    assert len(stored) >= 150


# --- deleting a session, editing and deleting actions ------------------------------------------

def _rows_per_table(store, session_id):
    """How many rows each table holds for the session (tables with a session_id, and sessions)."""
    tables = [name for (name,) in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
              if any(c[1] == "session_id" for c in store.conn.execute(f"PRAGMA table_info([{name}])"))]
    counts = {t: store.conn.execute(f"SELECT COUNT(*) FROM [{t}] WHERE session_id = ?", [session_id]).fetchone()[0]
              for t in tables}
    counts["sessions"] = store.conn.execute("SELECT COUNT(*) FROM sessions WHERE id = ?", [session_id]).fetchone()[0]
    return counts


def _busy_session(store, plan):
    # Named: its changes are kept; with the perception and priorities rounds: predictions and dots too.
    s = store.start_session(dataclasses.replace(plan, anonymous=False, perception=True, dots=3))
    pid = plan.principles[0].id
    voter = store.add_participant(s.id, "vcs", mode="phones")
    store.record_ballot(s.id, pid, "vcs", 2, participant=voter, mode="phones")
    store.record_ballot(s.id, pid, "vcs", 4, participant=voter, mode="phones")  # a change, kept in ballot_changes
    store.set_card_count(s.id, pid, "council", 5, 3)
    store.set_prediction_cards(s.id, pid, "council", "vcs", 2, 3)
    store.add_note(s.id, "Grants were cut twice.", pid)
    store.add_action(s.id, "Publish the grants timetable", principle_id=pid)
    store.set_room_size(s.id, "council", 12)
    store.add_comment(s.id, pid, "vcs", "The grants timetable came too late.")
    store.set_priorities_state(s.id, "open")
    store.set_dots(s.id, voter, "vcs", pid, 2, mode="phones")
    return s.id


def test_delete_session_removes_everything_it_holds_and_nothing_else(store, demo_plan):
    keep = _busy_session(store, demo_plan)
    gone = _busy_session(store, demo_plan)
    before = _rows_per_table(store, keep)
    assert all(before.values())  # every table holds something for each session
    assert store.delete_session(gone[:6]) == 4  # by a start of the id; one phone ballot and three cards
    assert set(_rows_per_table(store, gone).values()) == {0}
    assert _rows_per_table(store, keep) == before
    assert [s.id for s in store.sessions()] == [keep]
    assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    with pytest.raises(SessionNotFound):
        store.delete_session(gone)


def test_delete_session_is_one_transaction(store, demo_plan):
    sid = _busy_session(store, demo_plan)
    before = _rows_per_table(store, sid)
    # A trigger that fails half way: nothing of the session may be gone afterwards.
    store.conn.execute("CREATE TRIGGER no_notes_out BEFORE DELETE ON notes BEGIN SELECT RAISE(ABORT, 'kept'); END")
    with pytest.raises(sqlite3.IntegrityError, match="kept"):
        store.delete_session(sid)
    assert _rows_per_table(store, sid) == before


def test_update_action_changes_only_what_is_given(store, demo_plan):
    s = store.start_session(demo_plan)
    action = store.add_action(s.id, "Publish the timetable", owner="council", due="2027-03-31")
    changed = store.update_action(action.id, text="  Publish the grants timetable ", due="2027-04-30")
    assert (changed.text, changed.owner, changed.due, changed.status) == (
        "Publish the grants timetable", "council", "2027-04-30", "open")
    changed = store.update_action(action.id, owner="", status="in progress", status_note="Draft shared")
    assert (changed.owner, changed.due, changed.status, changed.status_note) == (
        "", "2027-04-30", "in progress", "Draft shared")
    assert store.update_action(action.id, due="").due == ""
    assert store.update_action(action.id) == store.action(action.id)


@pytest.mark.parametrize("change, message", [
    ({"due": "31/03/2027"}, "due date '31/03/2027' must be a day written YYYY-MM-DD"),
    ({"due": "2027-02-30"}, "due date '2027-02-30' must be a day"),
    ({"due": "20270331"}, "must be a day written YYYY-MM-DD"),
    ({"text": "  "}, "an action needs its text"),
    ({"status": "finished"}, "unknown action status 'finished'"),
])
def test_update_action_refuses_bad_values_and_changes_nothing(store, demo_plan, change, message):
    s = store.start_session(demo_plan)
    action = store.add_action(s.id, "Publish the timetable", due="2027-03-31")
    with pytest.raises(StoreError, match=re.escape(message)):
        store.update_action(action.id, owner="vcs", **change)
    assert store.action(action.id) == action


def test_delete_action(store, demo_plan):
    s = store.start_session(demo_plan)
    first = store.add_action(s.id, "Publish the timetable")
    second = store.add_action(s.id, "Joint letter")
    assert store.delete_action(first.id) == first
    assert store.actions(s.id) == [second]
    with pytest.raises(StoreError, match=f"no action {first.id}"):
        store.delete_action(first.id)
    with pytest.raises(StoreError, match="no action 999"):
        store.update_action(999, text="x")


def test_action_principles_give_the_number_and_wording_as_asked(store, demo_plan):
    s = store.start_session(demo_plan)
    about = store.add_action(s.id, "Publish the timetable", principle_id=demo_plan.principles[2].id)
    loose = store.add_action(s.id, "Joint letter")
    assert store.action_principles([about.id, loose.id]) == {about.id: (3, demo_plan.principles[2].statement)}
    assert store.action_principles([]) == {}


def test_a_store_that_must_not_create_leaves_no_file(tmp_path, demo_plan):
    from workshop.store import NoDatabase

    path = tmp_path / "typo.db"
    with pytest.raises(NoDatabase, match=re.escape(f"no database at {path}")):
        Store(path, create=False)
    assert list(tmp_path.iterdir()) == []
    path.touch()  # an empty file is no database either, and stays empty
    with pytest.raises(NoDatabase):
        Store(path, create=False)
    assert path.read_bytes() == b""
    with Store(path) as store:
        sid = store.start_session(demo_plan).id
    with Store(path, create=False) as store:
        assert store.session(sid).plan.title == demo_plan.title


def test_merge_brings_the_room_sizes_too(tmp_path, demo_plan):
    from workshop.store.merge import merge

    with Store(tmp_path / "theirs.db") as theirs:
        sid = theirs.start_session(demo_plan).id
        theirs.set_room_size(sid, "council", 12)
        theirs.set_join_details(sid, "ABCD12", "http://192.168.1.23:8765")
    with Store(tmp_path / "mine.db") as mine:
        assert merge(mine, tmp_path / "theirs.db").added == [sid]
        assert mine.room_sizes(sid) == {"council": 12, "vcs": None}
        assert mine.join_details(sid) == (None, None)  # that laptop's network, not this one's


def test_a_schema_4_database_from_before_the_plan_source_columns_gets_them(db_path, demo_plan):
    # m004 first shipped without plan_path and plan_digest: a database made then is brought up to date.
    with Store(db_path) as store:
        sid = store.start_session(demo_plan).id
    conn = sqlite3.connect(db_path)
    conn.execute("ALTER TABLE sessions DROP COLUMN plan_path")
    conn.execute("ALTER TABLE sessions DROP COLUMN plan_digest")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm005_plan_source'")
    conn.execute("PRAGMA user_version = 4")
    conn.commit()
    conn.close()
    with Store(db_path) as store:
        store.set_plan_source(sid, "sessions/demo.yaml", "abc123")
        assert store.plan_source(sid) == ("sessions/demo.yaml", "abc123")


def test_import_with_a_bad_last_ballot_leaves_nothing_behind(store, demo_plan):
    from workshop.model import Ballot

    good = [Ballot(demo_plan.principles[0].id, "vcs", 3) for _ in range(50)]
    with pytest.raises(BallotError, match="off the scale"):
        store.import_ballots(demo_plan, "", good + [Ballot(demo_plan.principles[0].id, "vcs", 9)])
    assert store.sessions() == []
    assert store.conn.execute("SELECT COUNT(*) FROM ballots").fetchone() == (0,)


def test_a_bulk_import_keeps_the_counts_and_the_scale_guard(store, demo_plan):
    from workshop.model import Ballot

    ballots = [Ballot(p.id, g, 1 + i % 5) for i, (p, g) in
               enumerate((p, g) for p in demo_plan.principles for g in ("council", "vcs") for _ in range(7))]
    session = store.import_ballots(demo_plan, "", ballots)
    [summary] = store.sessions()
    assert summary.ballots == len(ballots) == len(store.ballots(session.id))
    names = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {"session_counts_ballot_in", "ballots_on_scale_insert"} <= names  # set back after the bulk insert
    with pytest.raises(sqlite3.IntegrityError, match="off the scale"):
        store.conn.execute("INSERT INTO ballots VALUES (?, ?, 'x', 'vcs', 9, 0, 'cards', NULL)",
                           [session.id, demo_plan.principles[0].id])
