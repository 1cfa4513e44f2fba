"""The priorities round (dots on the principles to act on first): the store, the running session,
the allowance, the ranking and its suppression, show --json, the reports and VOTES.csv."""

from __future__ import annotations

import dataclasses
import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workshop.inputs.plan import parse_plan
from workshop.model import DotTally
from workshop.priorities import group_ranking, placed, placers, ranking
from workshop.session.running import LiveSession
from workshop.store import BallotError, Store

P1, P2, P3 = "council-sustains-grant-programmes", "council-is-frank-with-vcs", "council-supports-local-infrastructure-bodies"
PLAN = f"""
title: Priorities check
date: 2026-12-03
groups: [council, vcs]
anonymous: true
min_group_size: 3
priorities: {{dots: 3}}
principles: {{ids: [{P1}, {P2}, {P3}]}}
modes: [cards, roster, phones]
roster:
  - {{group: council, count: 3}}
  - {{group: vcs, count: 3}}
"""


def plan_with(**more):
    return dataclasses.replace(parse_plan(PLAN), **more)


@pytest.fixture
def live(tmp_path):
    with Store(tmp_path / "w.db") as store:
        session = LiveSession(store, store.start_session(plan_with(), PLAN))
        session.start()
        yield session


def rows(live, sql="SELECT principle_id, group_id, dots, mode FROM dots ORDER BY 1, 2, 3"):
    return live.store.conn.execute(sql).fetchall()


# --- the round and the store ------------------------------------------------------------------

def test_the_round_opens_closes_and_is_remembered_when_the_session_is_opened_again(live):
    assert live.priorities_state() == "pending" and not live.priorities_open and live.dots_allowance == 3
    with pytest.raises(BallotError, match="not open"):
        live.set_wall_dots(P1, "council", 2)
    assert live.open_priorities() and live.priorities_open
    assert LiveSession(live.store, live.store.session(live.id)).priorities_state() == "open"
    assert live.close_priorities() and live.priorities_state() == "closed"
    with pytest.raises(BallotError, match="not open"):
        live.set_wall_dots(P1, "council", 2)
    assert rows(live) == []
    assert live.store.conn.execute("SELECT dots, state FROM priority_rounds").fetchall() == [(3, "closed")]


def test_a_plan_without_the_round_takes_no_dots(tmp_path):
    plan = plan_with(dots=0)
    with Store(tmp_path / "w.db") as store:
        live = LiveSession(store, store.start_session(plan))
        with pytest.raises(BallotError, match="no priorities round"):
            live.open_priorities()
        with pytest.raises(BallotError, match="no priorities round"):
            store.set_priorities_state(live.id, "open")
        assert live.priorities() == [] and live.wall_dots() == {}


def test_cards_store_each_groups_dots_on_the_wall_as_typed(live):
    live.open_priorities()
    assert live.set_wall_dots(P1, "council", 7) and live.set_wall_dots(P1, "vcs", 2)
    assert live.set_wall_dots(P1, "council", 5)  # typed again: replaced, not added
    assert live.set_wall_dots(P2, "vcs", 4) and live.set_wall_dots(P2, "vcs", 0)  # 0 takes them off
    assert live.wall_dots() == {(P1, "council"): 5, (P1, "vcs"): 2}
    assert rows(live) == [(P1, "council", 5, "cards"), (P1, "vcs", 2, "cards")]
    with pytest.raises(BallotError):
        live.set_wall_dots(P1, "health", 1)
    with pytest.raises(BallotError):
        live.set_wall_dots("not-a-principle", "vcs", 1)


def test_a_wall_count_beyond_the_rooms_dots_is_flagged_for_asking(live):
    live.set_room_sizes({"council": 4, "vcs": None})  # 4 people with 3 dots: 12 at most
    live.open_priorities()
    live.set_wall_dots(P1, "council", 10)
    assert live.over_wall(P2, "council", 2) is None
    assert live.over_wall(P2, "council", 3) == (13, 12)
    assert live.over_wall(P1, "council", 12) is None  # P1's own count is replaced, not added
    assert live.over_wall(P2, "vcs", 10) == (10, 9)  # no size typed in: the roster's 3 seats


def test_a_roster_seat_places_its_dots_and_never_more_than_the_allowance(live):
    live.open_priorities()
    assert live.set_seat_dots(0, P1, 2) and live.set_seat_dots(0, P2, 1)
    assert live.seat_dots(0) == {P1: 2, P2: 1} and live.dots_left(live.seat_dots(0)) == 0
    with pytest.raises(BallotError, match="places 3 dots, not 4"):
        live.set_seat_dots(0, P3, 1)
    assert live.set_seat_dots(0, P1, 0) and live.set_seat_dots(0, P3, 2)  # moved: two dots off P1, onto P3
    assert live.seat_dots(0) == {P2: 1, P3: 2}
    assert live.dotted_seats() == {0}
    assert rows(live) == [(P2, "council", 1, "roster"), (P3, "council", 2, "roster")]


def test_the_store_refuses_dots_beyond_the_allowance_whoever_writes(live):
    live.open_priorities()
    store = live.store
    store.set_dots(live.id, "someone", "vcs", P1, 3, mode="phones")
    with pytest.raises(BallotError, match="4 dots is more than the 3"):
        store.set_dots(live.id, "someone", "vcs", P2, 1, mode="phones")
    with pytest.raises(BallotError):
        store.place_dots(live.id, "someone", "vcs", {P1: 2, P2: 2}, mode="phones")
    # Past the Python checks, straight into the file: the triggers refuse it too.
    with pytest.raises(sqlite3.IntegrityError, match="allowance"):
        store.conn.execute("INSERT INTO dots VALUES (?, ?, 'vcs', 'someone', 1, 'phones')", [live.id, P2])
    with pytest.raises(sqlite3.IntegrityError, match="allowance"):
        store.conn.execute("UPDATE dots SET dots = 4 WHERE participant_id = 'someone'")
    assert store.dots_of(live.id, "someone") == {P1: 3}


def test_a_phone_places_and_replaces_its_dots_and_reads_what_it_has_left(live):
    with pytest.raises(BallotError, match="not open"):
        live.record_phone_dots("phone-a", "vcs", {P1: 1})
    live.open_priorities()
    live.record_phone_dots("phone-a", "vcs", {P1: 2, P2: 1})
    assert live.phone_dots("phone-a") == {P1: 2, P2: 1}
    live.record_phone_dots("phone-a", "vcs", {P3: 1})  # the whole placement is replaced
    assert live.phone_dots("phone-a") == {P3: 1} and live.dots_left(live.phone_dots("phone-a")) == 2
    live.place_phone_dots("phone-a", "vcs", P3, 2)  # a tap: one more on P3
    live.place_phone_dots("phone-a", "vcs", P1, 1)
    assert live.phone_dots("phone-a") == {P1: 1, P3: 2}
    with pytest.raises(BallotError, match="places 3 dots, not 4"):
        live.record_phone_dots("phone-a", "vcs", {P1: 4})
    with pytest.raises(BallotError):
        live.place_phone_dots("phone-a", "vcs", P2, 1)
    with pytest.raises(BallotError, match="group 'vcs'"):
        live.place_phone_dots("phone-a", "council", P2, 0)
    assert live.phone_dots("phone-a") == {P1: 1, P3: 2}
    assert live.priorities_open_in(live.store)


def test_named_roster_dots_are_the_seats_own(tmp_path):
    plan = plan_with(anonymous=False, min_group_size=1)
    with Store(tmp_path / "w.db") as store:
        live = LiveSession(store, store.start_session(plan))
        live.start()
        live.vote(1, 4)
        live.open_priorities()
        live.set_seat_dots(1, P2, 3)
        live.set_seat_dots(4, P2, 1)
        again = LiveSession(store, store.session(live.id))  # the app opened again: the ticks survive
        assert again.dotted_seats() == {1, 4} and again.seat_dots(1) == {P2: 3}
        with pytest.raises(BallotError):
            again.set_seat_dots(1, P1, 1)


def test_dots_go_with_a_deleted_session_and_come_with_a_merged_one(tmp_path, live):
    from workshop.store.merge import merge

    live.open_priorities()
    live.set_wall_dots(P1, "vcs", 4)
    live.record_phone_dots("phone-a", "council", {P2: 3})
    with Store(tmp_path / "other.db") as other:
        assert merge(other, live.store.path).added == [live.id]
        assert other.dot_tally(live.id) == live.store.dot_tally(live.id)
        assert other.priorities_state(live.id) == "open"
        assert merge(other, live.store.path).unchanged == [live.id]
    live.store.delete_session(live.id)
    assert rows(live) == [] and live.store.conn.execute("SELECT * FROM priority_rounds").fetchall() == []


# --- the ranking (pure) --------------------------------------------------------------------------

def tally(dots=None, placers=None, wall=None) -> DotTally:
    return DotTally(dots or {}, placers or {}, wall or {})


# (what, tally, min_group_size) -> [(principle, {group: dots or None}, total, rank)] in ranking order
RANKINGS = [
    ("most dots first, equal totals in plan order",
     tally({(P1, "council"): 2, (P2, "council"): 5, (P3, "vcs"): 2}, {"council": 3, "vcs": 3}), 3,
     [(P2, {"council": 5, "vcs": 0}, 5, 1), (P1, {"council": 2, "vcs": 0}, 2, 2), (P3, {"council": 0, "vcs": 2}, 2, 2)]),
    ("no dots yet: every principle, in plan order, all first", tally(), 3,
     [(P1, {"council": 0, "vcs": 0}, 0, 1), (P2, {"council": 0, "vcs": 0}, 0, 1), (P3, {"council": 0, "vcs": 0}, 0, 1)]),
    ("a group placed by two people shows too few, and its dots are in no total",
     tally({(P1, "vcs"): 6, (P2, "council"): 1, (P2, "vcs"): 1}, {"council": 3, "vcs": 2}), 3,
     [(P2, {"council": 1, "vcs": None}, 1, 1), (P1, {"council": 0, "vcs": None}, 0, 2), (P3, {"council": 0, "vcs": None}, 0, 2)]),
    ("seven dots on the wall were stuck by three people at least: shown",
     tally({(P3, "council"): 7}, wall={"council": 7}), 3,
     [(P3, {"council": 7, "vcs": 0}, 7, 1), (P1, {"council": 0, "vcs": 0}, 0, 2), (P2, {"council": 0, "vcs": 0}, 0, 2)]),
    ("six dots on the wall may be two people's: too few",
     tally({(P3, "council"): 6}, wall={"council": 6}), 3,
     [(P1, {"council": None, "vcs": 0}, 0, 1), (P2, {"council": None, "vcs": 0}, 0, 1), (P3, {"council": None, "vcs": 0}, 0, 1)]),
    ("a named session shows a group of one",
     tally({(P2, "vcs"): 3}, {"vcs": 1}), 1,
     [(P2, {"council": 0, "vcs": 3}, 3, 1), (P1, {"council": 0, "vcs": 0}, 0, 2), (P3, {"council": 0, "vcs": 0}, 0, 2)]),
]


@pytest.mark.parametrize("what, counts, min_group_size, expected", RANKINGS, ids=[r[0] for r in RANKINGS])
def test_the_ranking(what, counts, min_group_size, expected):
    plan = plan_with(min_group_size=min_group_size)
    assert [(p.id, p.dots, p.total, p.rank) for p in ranking(plan, counts)] == expected


def test_each_groups_own_ranking_and_a_hidden_groups_is_empty():
    plan = plan_with()
    counts = tally({(P1, "council"): 1, (P2, "council"): 4, (P3, "council"): 1, (P1, "vcs"): 2},
                   {"council": 3, "vcs": 1})
    ranked = ranking(plan, counts)
    assert [(p.id, p.dots["council"], p.rank) for p in group_ranking(plan, ranked, "council")] == [
        (P2, 4, 1), (P1, 1, 2), (P3, 1, 2)]
    assert group_ranking(plan, ranked, "vcs") == []
    # A group's own ranking keeps each principle's total over every group.
    assert [p.total for p in group_ranking(plan, ranked, "council")] == [4, 1, 1]
    assert placers(plan, tally(wall={"vcs": 4}, placers={"vcs": 2})) == {"council": 0, "vcs": 4}


def test_a_principle_with_one_dot_is_on_the_ranking_and_one_with_none_is_not():
    plan = plan_with(min_group_size=1)
    ranked = ranking(plan, tally({(P3, "vcs"): 1}, {"vcs": 1}))
    assert [(p.id, p.total) for p in placed(ranked)] == [(P3, 1)]


placements = st.lists(  # participants: (group, {principle: dots}) within an allowance of 3
    st.tuples(st.sampled_from(["council", "vcs"]),
              st.dictionaries(st.sampled_from([P1, P2, P3]), st.integers(1, 3), max_size=3)
              .filter(lambda d: sum(d.values()) <= 3)),
    max_size=12)


@settings(max_examples=150, deadline=None)
@given(people=placements, min_group_size=st.integers(1, 4))
def test_the_ranking_holds_for_any_room(people, min_group_size):
    plan = plan_with(min_group_size=min_group_size)
    counts: dict = {}
    who: dict = {}
    for group, placement in people:
        for principle, n in placement.items():
            counts[(principle, group)] = counts.get((principle, group), 0) + n
        if placement:
            who[group] = who.get(group, 0) + 1
    ranked = ranking(plan, tally(counts, who))
    assert sorted(p.id for p in ranked) == sorted(p.id for p in plan.principles)
    order = [p.id for p in plan.principles]
    for a, b in zip(ranked, ranked[1:]):  # highest first; equal totals in plan order
        assert a.total > b.total or (a.total == b.total and order.index(a.id) < order.index(b.id))
    for p in ranked:
        assert p.total == sum(n for n in p.dots.values() if n is not None)  # total = sum over the groups shown
        assert p.rank == 1 + sum(o.total > p.total for o in ranked)
    for group in ("council", "vcs"):
        shown = [p.dots[group] for p in ranked]
        if who.get(group, 0) and who[group] < min_group_size:
            assert shown == [None] * 3
        else:  # never more dots than the group's people have
            assert sum(shown) <= plan.dots * who.get(group, 0)


@settings(max_examples=60, deadline=None)
@given(moves=st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.sampled_from([P1, P2, P3]),
                                st.integers(0, 4)), max_size=15))
def test_no_participant_ever_holds_more_dots_than_the_allowance(tmp_path_factory, moves):
    """Whatever is asked of the store, in whatever order, each participant's dots stay within 3."""
    with Store(tmp_path_factory.mktemp("dots") / "w.db") as store:
        live = LiveSession(store, store.start_session(plan_with()))
        live.open_priorities()
        for who, principle, n in moves:
            before = store.dots_of(live.id, who)
            fits = sum(v for p, v in before.items() if p != principle) + n <= 3
            try:
                live.place_phone_dots(who, "vcs", principle, n)
            except BallotError:
                assert not fits and store.dots_of(live.id, who) == before  # refused: nothing changed
            else:
                assert fits
            assert all(sum(store.dots_of(live.id, p).values()) <= 3 for p in "abc")


# --- show --json, the reports and the published copy -------------------------------------------------

@pytest.fixture
def ranked(tmp_path):
    """A finished session: the Council's wall of 9 dots (7 on P2, 2 on P1: at least 3 people), two VCS
    phones with 3 dots each on P3 and P1 (two people: too few to show)."""
    db = tmp_path / "w.db"
    with Store(db) as store:
        live = LiveSession(store, store.start_session(plan_with(), PLAN))
        live.start()
        live.open_priorities()
        live.set_wall_dots(P2, "council", 7)
        live.set_wall_dots(P1, "council", 2)
        live.record_phone_dots("phone-a", "vcs", {P3: 3})
        live.record_phone_dots("phone-b", "vcs", {P3: 2, P1: 1})
        live.close_priorities()
        live.finish()
        return db, live.id


def test_show_json_ranks_the_principles_with_each_groups_dots(ranked, runner):
    import json

    from workshop.cli import cli

    db, sid = ranked
    data = json.loads(runner.invoke(cli, ["--db", str(db), "show", sid, "--json"]).stdout)
    assert data["priorities"] == [
        {"id": P2, "rank": 1, "dots": {"council": 7, "vcs": None}, "total": 7},
        {"id": P1, "rank": 2, "dots": {"council": 2, "vcs": None}, "total": 2},
        {"id": P3, "rank": 3, "dots": {"council": 0, "vcs": None}, "total": 0},
    ]
    assert data["session"]["priorities"] == {"dots": 3}


def test_show_json_without_the_round_has_no_priorities(tmp_path, runner):
    import json

    from workshop.cli import cli

    with Store(tmp_path / "w.db") as store:
        sid = store.start_session(plan_with(dots=0)).id
    data = json.loads(runner.invoke(cli, ["--db", str(tmp_path / "w.db"), "show", sid, "--json"]).stdout)
    assert "priorities" not in data and "priorities" not in data["session"]


def test_every_export_shows_the_ranking(ranked, runner, tmp_path):
    import csv
    import io
    import json
    import zipfile

    import openpyxl

    from workshop.cli import cli

    db, sid = ranked
    for name in ("r.md", "r.html", "r.xlsx", "r.zip", "r.json"):
        result = runner.invoke(cli, ["--db", str(db), "export", sid, "-o", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
    md = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert "## Priorities" in md and "each participant placed 3 dots" in md
    assert "| Rank | # | Principle | Council | VCS | Total |" in md
    assert md.index("| 1 | 2 |") < md.index("| 2 | 1 |") and "| 7 | too few to show | 7 |" in md
    html_text = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert '<h2 id="priorities">Priorities</h2>' in html_text and "too few to show" in html_text
    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx")["Priorities"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert [(r[0], r[1], r[3], r[4], r[5]) for r in rows] == [(1, 2, 7, None, 7), (2, 1, 2, None, 2)]
    assert sheet.cell(2, 5).comment.text == "too few to show"  # the grey cell says why it is empty
    with zipfile.ZipFile(tmp_path / "r.zip") as zf:
        table = list(csv.reader(io.StringIO(zf.read("priorities.csv").decode("utf-8"))))
    assert table[0] == ["rank", "number", "principle", "total", "group", "dots", "suppressed"]
    assert table[1:3] == [["1", "2", P2, "7", "council", "7", "0"], ["1", "2", P2, "7", "vcs", "", "1"]]
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert [p["id"] for p in data["priorities"]] == [P2, P1, P3]


def test_the_published_copy_ranks_with_small_groups_suppressed(ranked, runner, tmp_path):
    from workshop.cli import cli

    db, sid = ranked
    result = runner.invoke(cli, ["--db", str(db), "publish", sid, "-o", str(tmp_path / "board.db")])
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(tmp_path / "board.db")
    assert conn.execute("SELECT principle_id, rank, total FROM priorities ORDER BY rank, principle_id").fetchall() == [
        (P2, 1, 7), (P1, 2, 2), (P3, 3, 0)]
    assert conn.execute("SELECT shown, dots, too_few FROM priority_dots WHERE group_id = 'vcs'").fetchall() == [
        ("too few to show", None, 1)] * 3
    conn.close()


# --- VOTES.csv: question 'dots' ------------------------------------------------------------------

def imported_plan(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN.replace("min_group_size: 3", "min_group_size: 2"), encoding="utf-8")
    return path


def test_dots_rows_import_as_a_closed_round_beside_the_ratings(runner, tmp_path):
    import json

    from conftest import DATA

    from workshop.cli import cli

    db = tmp_path / "w.db"
    result = runner.invoke(cli, ["--db", str(db), "import", str(imported_plan(tmp_path)),
                                 str(DATA / "votes" / "priorities.csv")])
    assert result.exit_code == 0, result.output
    assert "imported 6 ballots and 17 dots" in result.stderr
    sid = result.stdout.strip()
    with Store(db) as store:
        assert store.priorities_state(sid) == "closed" and len(store.ballots(sid)) == 6
        assert store.dot_tally(sid) == DotTally({(P2, "council"): 9, (P2, "vcs"): 7, (P1, "vcs"): 1},
                                                {"vcs": 3}, {"council": 9})
        # Each VCS participant's dots share an id of their own, never one of the ballots' ids.
        dotted = {r[0] for r in store.conn.execute("SELECT participant_id FROM dots WHERE group_id = 'vcs'")}
        assert len(dotted) == 3 and not dotted & {b.participant for b in store.ballots(sid)}
    data = json.loads(runner.invoke(cli, ["--db", str(db), "show", sid, "--json"]).stdout)
    assert data["priorities"][0] == {"id": P2, "rank": 1, "dots": {"council": 9, "vcs": 7}, "total": 16}
    assert b"Okafor" not in db.read_bytes()


BAD_DOTS = {
    "dots-not-a-number.csv": (2, "dots must be a whole number from 0 to 30,000, not 'three'"),
    "dots-negative.csv": (2, "dots must be a whole number from 0 to 3, not '-1'"),
    "dots-decimal.csv": (2, "dots must be a whole number from 0 to 3, not '1.5'"),
    "dots-dont-know.csv": (2, "dots must be a whole number from 0 to 3, not 'dk'"),
    "dots-empty.csv": (2, "dots must be a whole number from 0 to 3, not no number"),
    "dots-over-allowance.csv": (2, "4 dots is more than the 3 each participant places"),
    "dots-over-in-all.csv": (4, "'A. Patel' places 4 dots in all (lines 2, 4); each participant places 3"),
    "dots-twice.csv": (3, "'A. Patel' already has dots on 'council-sustains-grant-programmes' (line 2); "
                          "keep one of the two"),
    "dots-wall-twice.csv": (3, "'vcs' already has its dots on 'council-sustains-grant-programmes' (line 2); "
                               "give one row per group and principle"),
    "dots-wall-too-many.csv": (2, "999999999999 dots is more than the 30,000 a room of 10,000 can place"),
    "dots-wall-over-roster.csv": (4, "'council' has 10 dots on the wall in all (lines 2, 4), more than its 3 people "
                                     "can place (3 each): the plan's roster has 3 council seats"),
}


@pytest.mark.parametrize("name", sorted(BAD_DOTS))
def test_bad_dots_rows_import_nothing(runner, tmp_path, name):
    from conftest import DATA

    from workshop.cli import cli

    db = tmp_path / "w.db"
    path = DATA / "bad_votes" / name
    result = runner.invoke(cli, ["--db", str(db), "import", str(imported_plan(tmp_path)), str(path)])
    line, message = BAD_DOTS[name]
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.stderr.splitlines() == [f"{path}:{line}: {message}"]
    assert not db.exists()


def test_a_wall_without_a_roster_is_capped_by_the_people_the_file_shows(runner, tmp_path):
    """No roster: a group's people are the most ballots it has on one principle (or its named
    participants), and its wall holds at most their allowance."""
    from workshop.cli import cli

    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN.split("roster:")[0].replace("cards, roster, phones", "cards"), encoding="utf-8")
    votes = tmp_path / "votes.csv"
    votes.write_text("participant,group,principle,score,question\n"
                     f",council,{P1},4,\n,council,{P1},dk,\n,council,{P2},2,\n,vcs,{P1},1,\n"
                     f",council,{P1},4,dots\n,vcs,{P2},3,dots\n,council,{P2},3,dots\n", encoding="utf-8")
    db = tmp_path / "w.db"
    result = runner.invoke(cli, ["--db", str(db), "import", str(plan), str(votes)])
    assert result.exit_code == 2 and not db.exists()
    assert result.stderr.splitlines() == [
        f"{votes}:8: 'council' has 7 dots on the wall in all (lines 6, 8), more than its 2 people can place "
        "(3 each): this file has at most 2 council ballots on one principle"]
    # Within what the people shown can place, the same wall imports.
    votes.write_text(votes.read_text(encoding="utf-8").replace(f",council,{P2},3,dots", f",council,{P2},2,dots"),
                     encoding="utf-8")
    result = runner.invoke(cli, ["--db", str(db), "import", str(plan), str(votes)])
    assert result.exit_code == 0, result.output
    assert "imported 4 ballots and 9 dots" in result.stderr


def test_show_lists_the_priorities_under_the_gaps(ranked, runner):
    from workshop.cli import cli

    db, sid = ranked
    out = " ".join(runner.invoke(cli, ["--db", str(db), "show", sid]).stdout.split())
    assert "Priorities (most dots first): 1. The council is open and frank with the VCS. (2): Council 7, " \
           "VCS too few to show; 7 dots in all 2." in out
