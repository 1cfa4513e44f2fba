"""Phone voting's rules without sockets: the Voting class on the running session the screens drive,
with a real database file and a clock that moves only when the test says so."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time

import pytest

from workshop.export.json import group_data
from workshop.session.running import LiveSession
from workshop.store import Store
from workshop.web import batcher, voting
from workshop.web.guard import ballot_id, participant_id
from workshop.web.voting import Voting

from test_web_api import Clock, rows
from test_web_attack import HeldLock  # another program's write transaction on the same file

HERE = "127.0.0.9"  # a client address, for the per-address limits


@pytest.fixture
def room(db_path, demo_plan):
    store = Store(db_path)
    live = LiveSession(store, store.start_session(demo_plan))
    clock = Clock()
    told: list[str] = []
    yield live, Voting(live, clock=clock, on_ballot=told.append), clock, told
    store.close()


async def written(v: Voting) -> None:
    """Until every write handed to the group commit has committed (or failed): they run in a thread."""
    for _ in range(500):
        if not v.batcher._flushing:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the group commit did not finish in 5 s")


async def joined(v: Voting, group: str = "council", address: str = HERE) -> str:
    answer = await v.join(v.join_code, group, address)
    assert answer.status == 200, answer
    return answer.text


def test_the_rules_import_no_http_server():
    code = ("import sys, workshop.web.voting, workshop.web.batcher\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('aiohttp', 'textual')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# --- joining -----------------------------------------------------------------------------------


@pytest.mark.parametrize("code, group, status", [
    ("WRONG1", "council", 403), ("", "council", 403), ("right", "police", 400), ("right", "", 400),
])
async def test_a_join_is_refused_for_a_wrong_code_or_side(room, code, group, status):
    live, v, _, _ = room
    answer = await v.join(v.join_code if code == "right" else code, group, HERE)
    assert answer.status == status and not answer.ok
    assert v.joins == 0 and rows(live.store.path, "SELECT COUNT(*) FROM participants") == [(0,)]


async def test_a_join_takes_the_code_in_any_case_and_stores_only_the_tokens_hash(room):
    live, v, _, told = room
    answer = await v.join(f" {v.join_code.lower()} ", "vcs", HERE)
    assert answer.ok and v.joins == 1 and told == [""]  # the screen is told to refresh its counts
    assert rows(live.store.path, "SELECT id, group_id, name FROM participants") == [
        (participant_id(answer.text), "vcs", None)]
    assert v.group_of(answer.text) == "vcs"
    assert v.group_of("not-a-token") is None and v.group_of("x" * 300) is None and v.group_of(None) is None


async def test_wrong_codes_lock_out_an_address_for_a_minute_on_the_clock(room):
    _, v, clock, _ = room
    for _ in range(voting.FAILED_JOINS_PER_ADDRESS):
        assert (await v.join("XXXXXX", "council", HERE)).status == 403
    refused = await v.join(v.join_code, "council", HERE)
    assert refused.status == 429 and 0 < refused.wait <= 60
    assert (await v.join(v.join_code, "council", "127.0.0.10")).ok  # another address is not held up
    clock.now += 60
    assert (await v.join(v.join_code, "council", HERE)).ok


async def test_a_failed_join_does_not_count_towards_the_cap(room, monkeypatch):
    live, v, clock, _ = room
    monkeypatch.setattr(voting, "MAX_JOINS", 2)
    await joined(v)
    with HeldLock(live.store.path):
        busy = await v.join(v.join_code, "vcs", HERE)
        assert busy.status == 503 and busy.wait >= 1
        # A phone that gives up while its join waits for the lock: it never joined.
        gone = asyncio.ensure_future(v.join(v.join_code, "vcs", HERE))
        await asyncio.sleep(0)
        gone.cancel()
        await asyncio.gather(gone, return_exceptions=True)
        await written(v)
    assert v.joins == 1
    clock.now += batcher.BUSY_PAUSE_SECONDS
    await joined(v, "vcs")  # the second phone of two: the failed joins took no place
    assert (await v.join(v.join_code, "vcs", HERE)).status == 429
    assert v.joins == 2 and rows(live.store.path, "SELECT COUNT(*) FROM participants") == [(2,)]


async def test_a_join_committed_after_its_phone_gave_up_is_still_counted(room):
    live, v, _, _ = room
    gone = asyncio.ensure_future(v.join(v.join_code, "vcs", HERE))
    await asyncio.sleep(0)  # the join is queued for the next group commit
    gone.cancel()
    await asyncio.gather(gone, return_exceptions=True)
    await written(v)
    # What the screen says is what the file holds.
    assert rows(live.store.path, "SELECT COUNT(*) FROM participants") == [(v.joins,)] == [(1,)]


async def test_a_burst_of_joins_never_passes_the_cap(room, monkeypatch):
    live, v, _, _ = room
    monkeypatch.setattr(voting, "MAX_JOINS", 3)
    answers = await asyncio.gather(*(v.join(v.join_code, "vcs", f"127.0.1.{i}") for i in range(6)))
    assert sorted(a.status for a in answers) == [200, 200, 200, 429, 429, 429]
    assert v.joins == 3 and rows(live.store.path, "SELECT COUNT(*) FROM participants") == [(3,)]


# --- voting ------------------------------------------------------------------------------------


@pytest.mark.parametrize("principle, raw", [
    (None, 3), (7, 3), ("first", 6), ("first", 0), ("first", 3.5), ("first", True), ("first", None),
    ("first", "three"), ("first", [3]), ("first", "9" * 400),
])
async def test_a_ballot_of_the_wrong_shape_or_off_the_scale_is_400(room, principle, raw):
    live, v, _, told = room
    live.start()
    token = await joined(v)
    answer = await v.vote(token, "council", live.principle.id if principle == "first" else principle, raw)
    assert answer.status == 400 and answer.text
    assert rows(live.store.path, "SELECT COUNT(*) FROM ballots") == [(0,)] and told == [""]


async def test_only_the_principle_open_now_takes_ballots(room):
    live, v, _, _ = room
    token = await joined(v)
    first, second = (p.id for p in live.plan.principles[:2])
    assert (await v.vote(token, "council", first, 3)).status == 409  # nothing open yet
    live.start()
    assert (await v.vote(token, "council", second, 3)).status == 409
    assert (await v.vote(token, "council", "no-such-principle", 3)).status == 409
    assert (await v.vote(token, "council", first, "4")).ok
    live.reveal()
    refused = await v.vote(token, "council", first, 5)
    assert refused.status == 409 and "not open" in refused.text
    assert rows(live.store.path, "SELECT principle_id, participant_id, score FROM ballots") == [
        (first, ballot_id(token, live.id, first), 4)]


async def test_the_ballot_rate_limit_runs_on_the_clock(room):
    live, v, clock, told = room
    live.start()
    token = await joined(v)
    first = live.principle.id
    answers = [await v.vote(token, "council", first, s) for s in (1, 2, 3, 4)]
    assert [a.status for a in answers] == [200, 200, 200, 429] and answers[-1].wait > 0
    clock.now += 0.999
    assert (await v.vote(token, "council", first, 4)).status == 429
    clock.now += 0.002
    assert (await v.vote(token, "council", first, 5)).ok
    assert told == ["", first, first, first, first]  # each committed ballot, and the join
    assert rows(live.store.path, "SELECT score FROM ballots") == [(5,)]


async def test_a_ballot_sent_as_the_facilitator_moves_on_is_refused_when_written(room):
    live, v, _, _ = room
    live.start()
    token = await joined(v)
    first = live.principle.id
    sent = asyncio.ensure_future(v.vote(token, "council", first, 2))
    await asyncio.sleep(0)  # checked and queued for the next group commit
    live.go(1)
    assert (await sent).status == 409
    assert rows(live.store.path, "SELECT COUNT(*) FROM ballots") == [(0,)]


async def test_a_ballot_costs_the_app_connection_no_query_and_its_view_none_either(room):
    live, v, _, _ = room
    live.start()
    token = await joined(v)
    v.view(token)  # the phone's answer read once, then kept
    statements: list[str] = []
    live.store.conn.set_trace_callback(statements.append)
    try:
        assert (await v.vote(token, "council", live.principle.id, 3)).ok
        assert v.view(token).my_score == 3
    finally:
        live.store.conn.set_trace_callback(None)
    # The ballot went through the writer's own connection, off the event loop; the screens'
    # connection was not touched, and what the phone sees came from memory.
    assert statements == []
    assert rows(live.store.path, "SELECT score FROM ballots") == [(3,)]


async def test_a_group_commit_reads_the_open_principle_once_under_the_write_lock(room):
    live, v, _, _ = room
    live.start()
    tokens = [await joined(v, address=f"127.0.0.{20 + i}") for i in range(5)]
    writer_statements: list[str] = []
    v.batcher._thread.submit(lambda: v.batcher._open_writer().conn.set_trace_callback(writer_statements.append)).result()
    answers = await asyncio.gather(*(v.vote(t, "council", live.principle.id, 4) for t in tokens))
    assert all(a.ok for a in answers)
    reads = [s for s in writer_statements if "position" in s]
    begins = [s for s in writer_statements if s.startswith("BEGIN")]
    assert len(begins) == len(reads) >= 1 and len(reads) < len(tokens)  # one read per transaction


async def test_a_group_commit_writes_its_phones_ballots_in_one_statement_the_later_of_a_phone_winning(room):
    live, v, _, _ = room
    live.start()
    tokens = [await joined(v, address=f"127.0.0.{20 + i}") for i in range(4)]
    writer_statements: list[str] = []
    v.batcher._thread.submit(lambda: v.batcher._open_writer().conn.set_trace_callback(writer_statements.append)).result()
    pid = live.principle.id
    # The first phone changes its mind within the same group commit: its second ballot stands.
    sent = [v.vote(t, "council", pid, 1 + i) for i, t in enumerate(tokens)] + [v.vote(tokens[0], "council", pid, 5)]
    answers = await asyncio.gather(*sent)
    assert [a.status for a in answers] == [200] * 5
    inserts = [s for s in writer_statements if s.lstrip().startswith("INSERT INTO ballots")]
    begins = [s for s in writer_statements if s.startswith("BEGIN")]
    # (each trigger the statement fires is traced with the statement's text again)
    assert len(set(inserts)) == len(begins) < len(sent)
    assert not [s for s in writer_statements if s.startswith("SAVEPOINT")]  # none per ballot either
    scores = dict(rows(live.store.path, "SELECT participant_id, score FROM ballots"))
    assert scores == {ballot_id(t, live.id, pid): 5 if i == 0 else 1 + i for i, t in enumerate(tokens)}
    assert v.view(tokens[0]).my_score == 5 and sum(live.counts().values()) == 4


# --- what a phone sees -------------------------------------------------------------------------


async def test_the_view_follows_the_session_the_screens_drive(room):
    live, v, _, _ = room
    token = await joined(v, "vcs")
    waiting = v.view(token)
    assert waiting.principle is None and not waiting.open
    live.start()
    assert v.view(token).open and v.view(token).my_score == ""
    assert (await v.vote(token, "vcs", live.principle.id, "dk")).ok
    assert v.view(token).my_score is None  # don't know
    live.go(1)
    view = v.view(token)
    assert view.principle == live.principle and view.number == 2 and view.my_score == ""


async def test_the_state_after_reveal_is_the_exports_group_data(room):
    live, v, _, _ = room
    live.start()
    tokens = [await joined(v, g, f"127.0.2.{i}") for i, g in enumerate(["council"] * 3 + ["vcs"])]
    for token, (group, score) in zip(tokens, [("council", 4), ("council", 4), ("council", 5), ("vcs", 1)]):
        assert (await v.vote(token, group, live.principle.id, score)).ok
    assert "results" not in v.state(tokens[3])
    before = v.version
    live.reveal()
    v.changed()  # as the server is told by the session
    state = v.state(tokens[3])
    assert v.version == before + 1 and state["revealed"] and state["my_ballot"] == 1
    result = live.result()
    assert state["results"] == {g: group_data(s) for g, s in result.groups.items()}
    assert state["results"]["council"]["mean"] == 4.333
    assert state["results"]["vcs"] == {"n": 1, "dont_know": 0, "mean": None, "median": None, "sd": None,
                                       "counts": {}, "suppressed": True}  # under min_group_size: nothing to read
    assert state["gap"] is None


async def test_a_key_held_up_by_the_phones_own_writes_says_so_not_another_program(room):
    live, v, clock, _ = room
    live.store.conn.execute("PRAGMA busy_timeout = 50")  # as the app sets it: a key never waits long
    first = live.principle.id
    with HeldLock(live.store.path):  # another program: the usual words
        assert not live.set_cards("council", 3, 2)
    assert live.hold_up == "another workshop command is writing"
    assert live.retry_pending() == 1
    clock.now += 10  # long after any phone wrote
    # A group commit that takes a while (a slow disk) holds the lock the keyboard wants.
    slow = v.batcher.submit(lambda store, seen: time.sleep(0.4))
    await asyncio.sleep(0.15)
    assert not live.set_cards("vcs", 2, 4)
    assert live.hold_up == "the phones' ballots are being saved"
    await slow
    assert live.retry_pending() == 1
    assert live.store.card_counts(live.id, first) == {("council", 3): 2, ("vcs", 2): 4}
