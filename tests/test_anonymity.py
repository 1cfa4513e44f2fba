"""Anonymous means unlinkable, tested as an attacker would: key a known sequence by roster and by
phones, then try every column and every ordering of the stored rows. Nothing may put the ballots
back in the order they were cast, or tie them to a seat, a device or a person."""

from __future__ import annotations

import dataclasses
import itertools
import json
import random
import sqlite3

import pytest

from workshop.session.running import LiveSession
from workshop.model import Ballot
from workshop.inputs.plan import parse_plan
from workshop.store import Store

PLAN = """
title: Unlinkable
date: 2026-12-03
groups: [council, vcs]
anonymous: true
min_group_size: 1
scale: {min: 1, max: 5}
principles: {ids: [council-sustains-grant-programmes]}
modes: [roster, phones]
roster:
  - {name: A. Patel, group: vcs}
  - {name: B. Khan, group: vcs}
  - {name: C. Jones, group: vcs}
  - {name: D. Evans, group: vcs}
  - {name: E. Nowak, group: vcs}
  - {name: F. Ahmed, group: council}
"""
# One group keys all five scores: the group is meant to be known, so the test is of the order within it.
TRIALS = 40


def orderings(conn: sqlite3.Connection, table: str) -> dict[str, list[tuple]]:
    """Every way an attacker might read the rows back: as stored, and sorted by each column."""
    columns = [c[1] for c in conn.execute(f"PRAGMA table_info({table})")]
    found = {"as stored": conn.execute(f"SELECT * FROM {table}").fetchall()}
    for column, direction in itertools.product(columns, ("ASC", "DESC")):
        found[f"{column} {direction}"] = conn.execute(f"SELECT * FROM {table} ORDER BY {column} {direction}").fetchall()
    return found


def kendall(a: list, b: list) -> float:
    """Rank agreement of two orders of the same items: 1 the same, -1 reversed, about 0 unrelated."""
    pos = {x: i for i, x in enumerate(b)}
    pairs = list(itertools.combinations(a, 2))
    return sum(1 if pos[x] < pos[y] else -1 for x, y in pairs) / len(pairs)


def roster_trial(new_store, tmp_path, n: int) -> tuple[list[int], sqlite3.Connection]:
    plan = parse_plan(PLAN)
    path = tmp_path / f"roster-{n}.db"
    keyed = random.Random(n).sample(range(1, 6), 5)  # seat i votes keyed[i], keyed in seat order
    with new_store(path) as store:
        session = store.start_session(plan, PLAN)
        live = LiveSession(store, dataclasses.replace(session, plan=plan))  # names on screen, as in the room
        live.start()
        for seat, score in enumerate(keyed):
            live.vote(seat, score)
    return keyed, sqlite3.connect(path)


def test_roster_ballots_cannot_be_put_back_in_the_order_keyed(new_store, tmp_path):
    matches: dict[str, int] = {}
    taus = []
    for n in range(TRIALS):
        keyed, conn = roster_trial(new_store, tmp_path, n)
        assert conn.execute("SELECT COUNT(*) FROM participants").fetchone() == (0,)  # no seat is stored
        assert conn.execute("SELECT COUNT(*) FROM ballot_changes").fetchone() == (0,)
        assert conn.execute("SELECT COUNT(*) FROM ballots WHERE cast_at IS NOT NULL").fetchone() == (0,)
        with pytest.raises(sqlite3.OperationalError):
            conn.execute("SELECT rowid FROM ballots")  # no insertion-ordered ids
        score_col = [c[1] for c in conn.execute("PRAGMA table_info(ballots)")].index("score")
        for name, rows in orderings(conn, "ballots").items():
            scores = [r[score_col] for r in rows]
            matches[name] = matches.get(name, 0) + (scores == keyed)
            if name == "as stored":
                taus.append(kendall(keyed, scores))
        conn.close()
    # Chance is 1 in 120 for each ordering; four hits in forty trials would be a leak.
    assert max(matches.values()) <= 3, sorted(matches.items(), key=lambda kv: -kv[1])[:3]
    assert abs(sum(taus) / len(taus)) < 0.25


def test_the_stored_roster_keeps_no_order_and_no_name(new_store, tmp_path):
    _, conn = roster_trial(new_store, tmp_path, 0)
    plan = json.loads(conn.execute("SELECT plan_json FROM sessions").fetchone()[0])
    assert [seat["group"] for seat in plan["roster"]] == ["council"] + ["vcs"] * 5  # by group, not plan order
    raw = (tmp_path / "roster-0.db").read_bytes()
    for name in ("Patel", "Khan", "Jones", "Evans", "Nowak", "Ahmed"):
        assert name.encode() not in raw


def test_phone_ballots_and_devices_keep_no_order_of_joining_or_voting(new_store, tmp_path):
    matches = {"participants": 0, "ballots": 0}
    for n in range(TRIALS):
        path = tmp_path / f"phones-{n}.db"
        plan = parse_plan(PLAN)
        rng = random.Random(n)
        keyed = rng.sample(range(1, 6), 5)
        with new_store(path) as store:
            session = store.start_session(plan, PLAN)
            live = LiveSession(store, session)
            live.start()
            principle = live.principle.id
            devices = [store.add_participant(session.id, "vcs", mode="phones") for _ in keyed]  # in join order
            for device, score in zip(devices, keyed):  # each phone's ballot id is derived, linked to nothing
                store.record_ballot(session.id, principle, "vcs", score, ballot_id=f"{rng.getrandbits(64):016x}",
                                    mode="phones")
        conn = sqlite3.connect(path)
        stored = [r[0] for r in conn.execute("SELECT id FROM participants")]
        matches["participants"] += stored == devices
        scores = [r[0] for r in conn.execute("SELECT score FROM ballots")]
        matches["ballots"] += scores == keyed
        assert conn.execute("SELECT COUNT(*) FROM ballots WHERE cast_at IS NOT NULL").fetchone() == (0,)
        conn.close()
    assert max(matches.values()) <= 3, matches


def test_a_named_csv_imported_into_an_anonymous_plan_keeps_each_ballot_alone(tmp_path):
    plan = parse_plan(PLAN)
    principle = plan.principles[0].id
    ballots = [Ballot(principle, "council", 4, "A. Patel"), Ballot(principle, "vcs", 2, "B. Khan")]
    with Store(tmp_path / "import.db") as store:
        session = store.import_ballots(plan, PLAN, ballots)
        ids = [b.participant for b in store.ballots(session.id)]
        assert len(set(ids)) == 2 and store.participants(session.id) == []
    assert b"Patel" not in (tmp_path / "import.db").read_bytes()


def test_a_named_session_keeps_names_times_and_changes(tmp_path):
    text = PLAN.replace("anonymous: true", "anonymous: false")
    plan = parse_plan(text)
    with Store(tmp_path / "named.db") as store:
        live = LiveSession(store, store.start_session(plan, text))
        live.start()
        live.vote(0, 3)
        live.vote(0, 4)
        [ballot] = store.ballots(live.id)
        assert ballot.cast_at and store.participant_names(live.id)[ballot.participant] == "A. Patel"
        assert store.db.execute("SELECT COUNT(*) FROM ballot_changes").fetchone() == (1,)


def test_a_deleted_session_leaves_no_trace_of_its_words_in_the_file(tmp_path):
    text = PLAN.replace("title: Unlinkable", "title: Zanzibarwick Health Check")
    plan = parse_plan(text)
    path = tmp_path / "deleted.db"
    with Store(path) as store:
        kept = store.start_session(parse_plan(PLAN), PLAN)  # shares its pages with the one deleted
        session = store.start_session(plan, text)
        store.add_note(kept.id, "A note that stays", plan.principles[0].id)
        store.add_note(session.id, "Quibbletwine said the grants were cut", plan.principles[0].id)
        store.add_note(kept.id, "Another note that stays", plan.principles[0].id)
    with Store(path) as store:  # opened again, as a later `workshop delete` does
        store.delete_session(session.id)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = path.read_bytes()
    assert b"Quibbletwine" not in raw and b"Zanzibarwick" not in raw


def test_comments_keep_no_order_of_writing_and_nothing_but_principle_group_and_text(new_store, tmp_path):
    matches: dict[str, int] = {}
    for n in range(TRIALS):
        path = tmp_path / f"comments-{n}.db"
        plan = dataclasses.replace(parse_plan(PLAN), comments=True)
        written = [f"comment number {i}" for i in random.Random(n).sample(range(1, 6), 5)]
        with new_store(path) as store:
            live = LiveSession(store, store.start_session(plan, PLAN))
            live.start()
            for text in written:  # in the order the room sent them
                store.add_comment(live.id, live.principle.id, "vcs", text)
        conn = sqlite3.connect(path)
        assert [c[1] for c in conn.execute("PRAGMA table_info(comments)")] == [
            "id", "session_id", "principle_id", "group_id", "text", "status"]  # no time, device or ballot
        with pytest.raises(sqlite3.OperationalError):
            conn.execute("SELECT rowid FROM comments")
        for name, rows in orderings(conn, "comments").items():
            matches[name] = matches.get(name, 0) + ([r[4] for r in rows] == written)
        conn.close()
    # "text ASC" is the order of the words themselves, which is not the order they were sent in.
    assert max(matches.values()) <= 3, sorted(matches.items(), key=lambda kv: -kv[1])[:3]


# --- the perception round: predictions are kept as ballots are ---------------------------------

PERCEPTION_PLAN = PLAN.replace("min_group_size: 1", "min_group_size: 1\nperception: true")


def test_roster_predictions_cannot_be_put_back_in_order_nor_joined_to_the_seats_ratings(new_store, tmp_path):
    matches: dict[str, int] = {}
    for n in range(TRIALS):
        plan = parse_plan(PERCEPTION_PLAN)
        path = tmp_path / f"predict-{n}.db"
        rng = random.Random(n)
        keyed, guessed = rng.sample(range(1, 6), 5), rng.sample(range(1, 6), 5)  # the five VCS seats
        with new_store(path) as store:
            session = store.start_session(plan, PERCEPTION_PLAN)
            live = LiveSession(store, dataclasses.replace(session, plan=plan))
            live.start()
            for seat, score in enumerate(keyed):
                live.vote(seat, score)
                live.predict(seat, guessed[seat])  # each seat rates, then predicts
        conn = sqlite3.connect(path)
        assert conn.execute("SELECT COUNT(*) FROM predictions WHERE cast_at IS NOT NULL").fetchone() == (0,)
        with pytest.raises(sqlite3.OperationalError):
            conn.execute("SELECT rowid FROM predictions")
        # No id pairs a seat's prediction with its rating.
        assert conn.execute("SELECT COUNT(*) FROM ballots b JOIN predictions p "
                            "ON p.participant_id = b.participant_id").fetchone() == (0,)
        score_col = [c[1] for c in conn.execute("PRAGMA table_info(predictions)")].index("score")
        for name, rows in orderings(conn, "predictions").items():
            matches[name] = matches.get(name, 0) + ([r[score_col] for r in rows] == guessed)
        conn.close()
    assert max(matches.values()) <= 3, sorted(matches.items(), key=lambda kv: -kv[1])[:3]


def test_phone_predictions_keep_no_time_and_no_link_to_the_phones_ballot(tmp_path):
    from workshop.web.guard import ballot_id, participant_id, prediction_id

    plan = parse_plan(PERCEPTION_PLAN)
    with Store(tmp_path / "phones.db") as store:
        live = LiveSession(store, store.start_session(plan, PERCEPTION_PLAN))
        live.start()
        tokens = [f"token-{i}" for i in range(5)]
        for i, token in enumerate(tokens):
            live.add_phone("vcs", participant_id(token))
            live.record_phone_ballot(live.principle.id, "vcs", 1 + i, ballot_id(token, live.id, live.principle.id))
            live.record_phone_prediction(live.principle.id, "vcs", 5 - i,
                                         prediction_id(token, live.id, live.principle.id))
    conn = sqlite3.connect(tmp_path / "phones.db")
    devices = {r[0] for r in conn.execute("SELECT id FROM participants")}
    ballots = {r[0] for r in conn.execute("SELECT participant_id FROM ballots")}
    predictions = {r[0] for r in conn.execute("SELECT participant_id FROM predictions")}
    assert len(predictions) == 5 and not predictions & (ballots | devices)
    assert conn.execute("SELECT COUNT(*) FROM predictions WHERE cast_at IS NOT NULL").fetchone() == (0,)
    conn.close()


def test_named_predictions_imported_into_an_anonymous_plan_stand_alone(tmp_path):
    from workshop.model import Prediction

    plan = parse_plan(PERCEPTION_PLAN)
    principle = plan.principles[0].id
    rows = [Ballot(principle, "vcs", 2, "B. Khan"), Prediction(principle, "vcs", "council", 4, "B. Khan")]
    with Store(tmp_path / "import.db") as store:
        session = store.import_ballots(plan, PERCEPTION_PLAN, rows)
        [ballot], [prediction] = store.ballots(session.id), store.predictions(session.id)
        assert ballot.participant != prediction.participant and store.participants(session.id) == []
    assert b"Khan" not in (tmp_path / "import.db").read_bytes()


# --- the priorities round: dots are kept as ballots are ------------------------------------------

PRIORITIES_PLAN = PLAN.replace("min_group_size: 1", "min_group_size: 1\npriorities: {dots: 5}")


def test_roster_dots_cannot_be_put_back_in_order_nor_joined_to_the_seats_ratings(new_store, tmp_path):
    matches: dict[str, int] = {}
    for n in range(TRIALS):
        plan = parse_plan(PRIORITIES_PLAN)
        path = tmp_path / f"dots-{n}.db"
        keyed = random.Random(n).sample(range(1, 6), 5)  # seat i places keyed[i] dots, in seat order
        with new_store(path) as store:
            session = store.start_session(plan, PRIORITIES_PLAN)
            # The plan as written (the stored roster keeps no order): seats 0-4 are the five VCS seats.
            live = LiveSession(store, dataclasses.replace(session, plan=plan))
            live.start()
            for seat in range(5):
                live.vote(seat, 3)
            live.open_priorities()
            for seat, dots in enumerate(keyed):
                live.set_seat_dots(seat, live.principle.id, dots)
        conn = sqlite3.connect(path)
        assert [c[1] for c in conn.execute("PRAGMA table_info(dots)")] == [
            "session_id", "principle_id", "group_id", "participant_id", "dots", "mode"]  # no time, no name
        with pytest.raises(sqlite3.OperationalError):
            conn.execute("SELECT rowid FROM dots")
        others = {r[0] for r in conn.execute("SELECT participant_id FROM ballots UNION SELECT id FROM participants")}
        assert not {r[0] for r in conn.execute("SELECT participant_id FROM dots")} & others
        for name, rows in orderings(conn, "dots").items():
            matches[name] = matches.get(name, 0) + ([r[4] for r in rows] == keyed)
        conn.close()
    # "dots ASC/DESC" sorts the numbers themselves, which were keyed in a random order.
    assert max(matches.values()) <= 3, sorted(matches.items(), key=lambda kv: -kv[1])[:3]


def test_phone_dots_keep_no_time_and_no_link_to_the_phones_ballots_predictions_or_device(tmp_path):
    """Phones answer all three (a rating, a prediction, dots) as the phone server stores them: the dots'
    id is derived from the token under a key of its own, so it shares nothing with any other id."""
    from workshop.web.guard import ballot_id, dots_id, participant_id, prediction_id

    text = PRIORITIES_PLAN.replace("min_group_size: 1", "min_group_size: 1\nperception: true")
    plan = parse_plan(text)
    with Store(tmp_path / "phones.db") as store:
        live = LiveSession(store, store.start_session(plan, text))
        live.start()
        tokens = [f"token-{i}" for i in range(5)]
        pid = live.principle.id
        for i, token in enumerate(tokens):
            live.add_phone("vcs", participant_id(token))
            live.record_phone_ballot(pid, "vcs", 1 + i, ballot_id(token, live.id, pid))
            live.record_phone_prediction(pid, "vcs", 5 - i, prediction_id(token, live.id, pid))
        live.open_priorities()
        for i, token in enumerate(tokens):
            live.place_phone_dots(dots_id(token, live.id), "vcs", pid, 1 + i % 5)
    conn = sqlite3.connect(tmp_path / "phones.db")
    devices = {r[0] for r in conn.execute("SELECT id FROM participants")}
    ballots = {r[0] for r in conn.execute("SELECT participant_id FROM ballots")}
    predictions = {r[0] for r in conn.execute("SELECT participant_id FROM predictions")}
    dots = {r[0] for r in conn.execute("SELECT participant_id FROM dots")}
    assert len(dots) == 5 and not dots & (ballots | devices | predictions)
    # Nor any id a phone's token gives on any other principle, or its other ids put another way.
    derived = {f(token, live.id, p.id) for token in tokens for p in plan.principles for f in (ballot_id, prediction_id)}
    assert not dots & derived
    assert b"token-" not in (tmp_path / "phones.db").read_bytes()
    conn.close()
