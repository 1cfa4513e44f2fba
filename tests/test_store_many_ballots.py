"""Many ballots in one statement (the phones' group commit): the same rules as one at a time."""

from __future__ import annotations

import dataclasses

from workshop.store import BallotError


def test_many_ballots_are_stored_as_one_at_a_time_would_store_them(store, demo_plan):
    s = store.start_session(dataclasses.replace(demo_plan, anonymous=False))
    first, second = demo_plan.principles[0].id, demo_plan.principles[1].id
    store.set_principle_state(s.id, second, "closed")
    outcomes = store.record_ballots(s.id, [
        (first, "council", 3, "a"),
        (first, "vcs", None, "b"),          # don't know
        (first, "police", 2, "c"),          # no such group
        (first, "vcs", 99, "d"),            # off the scale
        (second, "vcs", 2, "e"),            # closed
        ("nope", "vcs", 2, "f"),            # not in the session
        (first, "council", 1, "a"),         # the same phone again, later: this one stands
    ])
    assert [o if isinstance(o, str) else type(o) for o in outcomes] == [
        "a", "b", BallotError, BallotError, BallotError, BallotError, "a"]
    assert [str(o) for o in outcomes[2:6]] == [
        "group 'police' is not in this session",
        "score 99 is off the scale (1 to 5)",
        f"principle '{second}' is closed; reopen it to take more ballots",
        "principle 'nope' is not in this session"]
    stored = {(b.participant, b.group, b.score, b.mode) for b in store.ballots(s.id)}
    assert stored == {("a", "council", 1, "phones"), ("b", "vcs", None, "phones")}
    # A change of mind is kept as a change, as one ballot at a time keeps it.
    assert store.db.execute("SELECT old_score, new_score FROM ballot_changes").fetchall() == [(3, 1)]
    assert store.ballot_counts(s.id, first) == {"council": 1, "vcs": 1}


def test_nothing_to_store_writes_nothing(store, demo_plan):
    s = store.start_session(demo_plan)
    assert store.record_ballots(s.id, [(demo_plan.principles[0].id, "police", 2, "a")])[0].args[0] == (
        "group 'police' is not in this session")
    assert store.record_ballots(s.id, []) == []
    assert store.ballots(s.id) == []
