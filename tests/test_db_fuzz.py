"""Fuzzing --db files: random bytes, cut-short and bit-flipped databases never crash a command.

Every command that does not start the facilitator screens is tried on each file: it exits 0 or 2,
never prints a traceback, and a file it refuses (or only reads) is left byte-identical.
WORKSHOP_FUZZ=1 tries many more files (2,000 of each kind, drawn afresh; the suite tries the same 30 each run).
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DATA, REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workshop.cli import cli
from workshop.store import SQLITE_MAGIC, Store

DEMO = str(REPO / "sessions" / "demo.yaml")
VOTES = str(DATA / "votes" / "demo-votes.csv")
LATER = str(DATA / "votes" / "demo-votes-later.csv")
MANY = bool(os.environ.get("WORKSHOP_FUZZ"))
FUZZ = settings(max_examples=2000 if MANY else 30, deadline=None, derandomize=not MANY,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
                report_multiple_bugs=False)


@functools.cache
def real_database() -> tuple[bytes, tuple[str, str]]:
    """A workshop database with two sessions, and their ids."""
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "real.db"
        runner = CliRunner()
        ids = []
        for votes in (VOTES, LATER):
            result = runner.invoke(cli, ["--db", str(db), "import", DEMO, votes])
            assert result.exit_code == 0, result.output
            ids.append(result.stdout.strip())
        return db.read_bytes(), (ids[0], ids[1])


@functools.cache
def empty_database() -> bytes:
    """A new workshop database with nothing in it: made once, since migrating one takes a while."""
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "ours.db"
        Store(db).close()
        return db.read_bytes()


def reading(sids, folder: Path) -> list[list[str]]:
    first, second = sids
    return [["list"], ["list", "--json", "--locality", "Northshire"], ["show", first], ["show", second, "--json"],
            ["show", first[:3], "--sort", "gap"], ["export", first, "-o", str(folder / "out.json")],
            ["compare", first, second],
            ["trend", "Northshire"], ["actions"], ["actions", "--json"], ["where"]]


def writing(sids, folder: Path) -> list[list[str]]:
    return [["upgrade"], ["action", "1", "--status", "done"], ["delete", sids[1], "--yes"], ["import", DEMO, VOTES]]


def check(result, argv) -> None:
    assert result.exit_code in (0, 2), (argv, result.exit_code, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), (argv, repr(result.exception))
    assert "Traceback" not in result.output, argv
    if result.exit_code == 2:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), (argv, result.stderr)


def try_every_command(content: bytes) -> None:
    _, sids = real_database()
    runner = CliRunner()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        db = folder / "fuzzed.db"
        db.write_bytes(content)
        refused = False
        for argv in reading(sids, folder):
            result = runner.invoke(cli, ["--db", str(db), *argv], env={"COLUMNS": "100"})
            check(result, argv)
            # Refused as not ours (an older database of ours is for 'workshop upgrade' to change).
            refused = refused or (argv == ["list"] and result.exit_code == 2 and "older workshop" not in result.stderr)
            assert db.read_bytes() == content, argv  # reading never changes a byte
            assert not Path(f"{db}-wal").exists() and not Path(f"{db}-shm").exists(), argv
        theirs = folder / "theirs.db"  # as merge's OTHER, into a database of our own
        theirs.write_bytes(content)
        (folder / "ours.db").write_bytes(empty_database())
        result = runner.invoke(cli, ["--db", str(folder / "ours.db"), "merge", str(theirs)])
        check(result, ["merge"])
        assert theirs.read_bytes() == content
        for argv in writing(sids, folder):
            before = db.read_bytes()
            result = runner.invoke(cli, ["--db", str(db), *argv])
            check(result, argv)
            if result.exit_code == 2:
                assert db.read_bytes() == before, argv  # refused: untouched
        if refused:
            assert db.read_bytes() == content  # a file that is not ours is never changed


@FUZZ
@given(st.binary(max_size=8192) | st.binary(max_size=4096).map(lambda b: SQLITE_MAGIC + b))
def test_random_bytes(content):
    try_every_command(content)


@FUZZ
@given(st.data())
def test_cut_short_databases(data):
    real, _ = real_database()
    try_every_command(real[:data.draw(st.integers(1, len(real) - 1))])


@FUZZ
@given(st.data())
def test_databases_with_bytes_changed(data):
    real, _ = real_database()
    content = bytearray(real)
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(real) - 1))
        content[at] = data.draw(st.integers(0, 255))
    try_every_command(bytes(content))


@FUZZ
@given(st.data())
def test_databases_with_a_run_of_bytes_overwritten(data):
    real, _ = real_database()
    start = data.draw(st.integers(0, len(real) - 1))
    run = data.draw(st.binary(min_size=1, max_size=256))
    try_every_command(real[:start] + run + real[start + len(run):])


@pytest.mark.parametrize("scale", [{"min": 1.0, "max": 5}, {"min": 1, "max": 5.5}, {"min": 1, "max": 10**30},
                                   {"min": "1", "max": 5}, {"min": None, "max": 5}, {"min": True, "max": 5},
                                   {"min": 5, "max": 1}, {"max": 5}])
def test_a_frozen_plan_whose_scale_was_edited_by_hand_is_refused_as_damaged(scale):
    """Every command on a file whose stored plan has a scale no plan file allows (half points, a
    word, an end missing, or 10^30 points, which show once counted one by one): 0 or a one-line
    error, never a traceback or a hang; show, trend and export say the file is damaged."""
    content, (first, _) = real_database()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "edited.db"
        db.write_bytes(content)
        with sqlite3.connect(db) as conn:
            plan = json.loads(conn.execute("SELECT plan_json FROM sessions WHERE id = ?", [first]).fetchone()[0])
            plan["scale"] = {**{k: v for k, v in plan["scale"].items() if k not in ("min", "max")}, **scale}
            conn.execute("UPDATE sessions SET plan_json = ? WHERE id = ?", [json.dumps(plan), first])
        conn.close()
        edited = db.read_bytes()
        for argv in (["show", first], ["trend", "Northshire"], ["export", first, "-o", str(Path(folder) / "r.md")]):
            result = CliRunner().invoke(cli, ["--db", str(db), *argv])
            assert result.exit_code == 2 and "frozen plan" in result.stderr and "may be damaged" in result.stderr, \
                (argv, result.output)
    try_every_command(edited)
