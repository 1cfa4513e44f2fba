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
from workshop.priorities import group_ranking, placers, ranking
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
