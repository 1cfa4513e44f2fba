"""Comments in the store and in the running session: what a row holds, what is refused, moderation,
the floor's comments, and the rule that keeps a small group's words off the projector."""

from __future__ import annotations

import dataclasses
import random
import sqlite3

import pytest

from workshop.inputs.plan import parse_plan
from workshop.inputs.problems import InputError
from workshop.model import Plan
from workshop.session.comments import MAX_COMMENT, CommentError, clean_comment
from workshop.session.running import LiveSession
from workshop.store import BallotError, Store, StoreError

from conftest import ROSTER_PLAN


@pytest.fixture
def live(store, demo_plan):
    session = store.start_session(dataclasses.replace(demo_plan, comments=True))
    live = LiveSession(store, session)
    live.start()
    return live


@pytest.mark.parametrize("raw, kept", [
    ("Grants came late", "Grants came late"),
    ("  two\nlines\r\nand\ttabs  ", "two lines and tabs"),
    ("right\u202eto left", "rightto left"),  # a bidirectional override never reorders what others read
    ("e\u0301", "é"),  # one character, however the phone composed it
    ("broken \ud800 surrogate", "broken surrogate"),
    ("<script>alert(1)</script>", "<script>alert(1)</script>"),  # kept as text; every output escapes it
    ("😀" * MAX_COMMENT, "😀" * MAX_COMMENT),
])
def test_clean_comment_keeps_plain_text_on_one_line(raw, kept):
    assert clean_comment(raw) == kept


@pytest.mark.parametrize("raw, words", [
    ("", "write a comment first"),
    (" \n ", "write a comment first"),
    ("\u202e", "write a comment first"),
    ("a" * (MAX_COMMENT + 1), f"this one has {MAX_COMMENT + 1}"),
    (["a"], "send the comment as text"),
])
def test_clean_comment_refuses_with_a_sentence(raw, words):
    with pytest.raises(CommentError, match=words):
        clean_comment(raw)


def test_a_comment_row_holds_its_principle_group_text_and_status_only(store, live):
    pid = live.principle.id
    cid = store.add_comment(live.id, pid, "vcs", "The timetable came late")
    [comment] = store.comments(live.id)
    assert (comment.id, comment.principle_id, comment.group, comment.text, comment.status) == (
        cid, pid, "vcs", "The timetable came late", "pending")
    with pytest.raises(sqlite3.OperationalError):
        store.conn.execute("SELECT rowid FROM comments")  # no insertion-ordered id
    store.set_comment_status(cid, "approved")
    assert [c.status for c in store.comments(live.id, status="approved")] == ["approved"]
    assert store.comments(live.id, status="pending") == []


def test_the_store_refuses_what_is_not_a_comment_of_the_session(store, live):
    pid = live.principle.id
    with pytest.raises(BallotError, match="group 'police'"):
        store.add_comment(live.id, pid, "police", "Hello")
    with pytest.raises(BallotError, match="principle 'nope'"):
        store.add_comment(live.id, "nope", "vcs", "Hello")
    with pytest.raises(sqlite3.IntegrityError):
        store.add_comment(live.id, pid, "vcs", "x" * (MAX_COMMENT + 1))  # the table's own check
    with pytest.raises(sqlite3.IntegrityError):
        store.add_comment(live.id, pid, "vcs", "")
    with pytest.raises(StoreError, match="no comment"):
        store.set_comment_status("missing", "hidden")
    with pytest.raises(ValueError):
        store.set_comment_status("missing", "deleted")
    assert store.comments(live.id) == []


def test_comments_are_stored_in_no_order_of_writing(new_store, tmp_path, demo_plan):
    hits = 0
    for trial in range(30):
        with new_store(tmp_path / f"order-{trial}.db") as store:
            live = LiveSession(store, store.start_session(dataclasses.replace(demo_plan, comments=True)))
            written = [f"comment {i}" for i in random.Random(trial).sample(range(10), 5)]
            for text in written:
                store.add_comment(live.id, live.principle.id, "vcs", text)
            as_stored = [r[0] for r in store.conn.execute("SELECT text FROM comments")]
            by_id = [r[0] for r in store.conn.execute("SELECT text FROM comments ORDER BY id")]
        hits += as_stored == written or by_id == written
    assert hits <= 3  # 1 in 120 by chance for each order


def test_waiting_counts_and_moderation_through_the_running_session(store, live):
    pid = live.principle.id
    for text in ("One", "Two", "Three"):
        store.add_comment(live.id, pid, "council", text)
    assert live.comments.waiting_words() == "3 comments wait (on this principle)"
    one, three, two = live.comments.all()  # by text within a group
    assert live.comments.moderate(one, "approved") and live.comments.moderate(two, "hidden")
    assert [(c.text, c.status) for c in live.comments.all()] == [("One", "approved"), ("Three", "pending"),
                                                                 ("Two", "hidden")]
    live.go(1)
    assert live.comments.waiting_words() == "1 comment waits (0 on this principle)"


def test_a_comment_from_the_floor_is_approved_as_it_is_saved(store, live):
    assert live.comments.from_floor("vcs", "  Said at the back:\nwe were not asked ")
    [c] = store.comments(live.id)
    assert (c.group, c.text, c.status, c.principle_id) == ("vcs", "Said at the back: we were not asked", "approved",
                                                           live.principle.id)
    with pytest.raises(CommentError):
        live.comments.from_floor("vcs", " ")
    with pytest.raises(CommentError, match="group 'police'"):
        live.comments.from_floor("police", "Hello")


def test_only_approved_comments_of_a_group_with_enough_scores_go_on_the_projector(store, live):
    pid = live.principle.id
    store.add_comment(live.id, pid, "vcs", "From VCS")
    store.add_comment(live.id, pid, "council", "From the council")
    council, vcs = live.comments.all()
    assert "approve it first" in live.comments.show(vcs)
    live.comments.moderate(vcs, "approved")
    live.comments.moderate(council, "approved")
    vcs, council = [c for c in live.comments.all() if c.group == "vcs"][0], live.comments.all()[0]
    # min_group_size is 3: two VCS scores are too few to show, so the VCS comment stays off.
    live.set_cards("vcs", 2, 2)
    live.set_cards("council", 4, 3)
    assert "too few to show" in live.comments.show(vcs) and live.comments.on_projector() is None
    assert live.comments.show(council) == "" and live.comments.on_projector() == council
    live.set_cards("vcs", 2, 3)
    assert live.comments.show(vcs) == "" and live.comments.on_projector().text == "From VCS"
    live.comments.moderate(live.comments.on_projector(), "hidden")  # hiding takes it off at once
    assert live.comments.on_projector() is None and live.comments.shown_id is None
    live.comments.show(council)
    live.go(1)
    assert live.comments.on_projector() is None  # it belongs to the principle it was about


def test_a_deleted_session_takes_its_comments(store, live, tmp_path):
    store.add_comment(live.id, live.principle.id, "vcs", "Quibbletwine thinks otherwise")
    store.delete_session(live.id)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert store.conn.execute("SELECT COUNT(*) FROM comments").fetchone() == (0,)
    assert b"Quibbletwine" not in store.path.read_bytes()


def test_a_plan_turns_comments_on_and_its_frozen_copy_keeps_it(store):
    plan = parse_plan(ROSTER_PLAN + "comments: true\n")
    assert plan.comments and Plan.from_dict(plan.to_dict()).comments
    assert "comments" not in parse_plan(ROSTER_PLAN).to_dict()  # sessions without comments read as before
    assert store.start_session(plan).plan.comments


def test_a_plan_with_a_bad_comments_value_names_the_line():
    with pytest.raises(InputError) as caught:
        parse_plan(ROSTER_PLAN + "comments: maybe\n", "plan.yaml")
    [problem] = caught.value.problems
    assert problem.line == ROSTER_PLAN.count("\n") + 1
    assert problem.message == "comments must be true or false, not 'maybe'"


def test_merge_brings_a_sessions_comments_with_their_status(tmp_path, demo_plan):
    from workshop.store.merge import merge

    with Store(tmp_path / "theirs.db") as theirs:
        session = theirs.start_session(dataclasses.replace(demo_plan, comments=True))
        pid = session.plan.principles[0].id
        theirs.set_comment_status(theirs.add_comment(session.id, pid, "vcs", "Approved there"), "approved")
        theirs.add_comment(session.id, pid, "council", "Still waiting there")
        expected = theirs.comments(session.id)
    with Store(tmp_path / "mine.db") as mine:
        assert merge(mine, tmp_path / "theirs.db").added == [session.id]
        assert mine.comments(session.id) == expected
        assert merge(mine, tmp_path / "theirs.db").unchanged == [session.id]


def test_a_file_from_before_comments_is_shown_read_only_with_none(tmp_path, demo_plan, runner):
    import json

    from workshop.cli import cli
    from workshop.store import SCHEMA_VERSION
    from test_store_opening import files

    path = tmp_path / "older.db"
    with Store(path) as store:
        sid = store.start_session(demo_plan).id
        store.record_ballot(sid, demo_plan.principles[0].id, "vcs", 4)
    conn = sqlite3.connect(path)  # as a version before comments left it
    conn.executescript("DROP TABLE comments; DELETE FROM _sqlite_migrations WHERE name = 'm010_comments'; "
                       f"PRAGMA user_version = {SCHEMA_VERSION - 1}; PRAGMA wal_checkpoint(TRUNCATE);")
    conn.close()
    before = files(path)
    shown = runner.invoke(cli, ["--db", str(path), "show", sid, "--json"])
    assert shown.exit_code == 0, shown.output
    assert all("comments" not in p for p in json.loads(shown.stdout)["principles"])
    assert files(path) == before  # reading never upgraded it
