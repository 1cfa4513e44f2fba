"""A results-only copy of sessions for a partnership board: what the reports show, as SQLite tables.

The copy is built with plain SQL into a fresh file beside the target, vacuumed (no free page keeps
anything), then renamed into place. It holds no ballots, participants, join codes, plan files or
plan text: per group and principle only the result a report shows, with "too few to show" applied
before anything is written, so no query on the copy can work a small group's scores out. Rows are
keyed by session, principle, group and score (WITHOUT ROWID tables), so nothing in the file follows
the order in which ballots were cast.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .. import __version__
from ..datasette_metadata import published_metadata, render
from ..store.base import PUBLISHED_APPLICATION_ID, now
from ..wording import TOO_FEW, dots_cell, for_data, perception_words, result_gap_words
from . import ExportError, _umask, not_a_file
from .report import principle_comments, stats_text

FORMAT_VERSION = 1  # PRAGMA user_version of a published copy: the shape of its tables

SCHEMA = """
CREATE TABLE about (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE sessions (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, date TEXT NOT NULL, place TEXT NOT NULL,
    locality TEXT NOT NULL, facilitator TEXT NOT NULL, voting TEXT NOT NULL,
    min_group_size INTEGER NOT NULL, scale_min INTEGER NOT NULL, scale_max INTEGER NOT NULL,
    dont_know_allowed INTEGER NOT NULL, status TEXT NOT NULL, group_a TEXT, group_b TEXT,
    created_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE groups (
    session_id TEXT NOT NULL REFERENCES sessions (id), position INTEGER NOT NULL,
    group_id TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY (session_id, group_id)
) WITHOUT ROWID;
CREATE TABLE principles (
    session_id TEXT NOT NULL REFERENCES sessions (id), number INTEGER NOT NULL,
    principle_id TEXT NOT NULL, statement TEXT NOT NULL, theme TEXT NOT NULL, theme_title TEXT NOT NULL,
    addressed_to TEXT NOT NULL, who_can_answer TEXT, sources TEXT NOT NULL,
    PRIMARY KEY (session_id, principle_id)
) WITHOUT ROWID;
-- A group with too few scores: shown = 'too few to show', too_few = 1, every number NULL.
CREATE TABLE results (
    session_id TEXT NOT NULL REFERENCES sessions (id), principle_id TEXT NOT NULL, group_id TEXT NOT NULL,
    shown TEXT NOT NULL, scores INTEGER, dont_know INTEGER, mean REAL, median REAL, sd REAL,
    too_few INTEGER NOT NULL, PRIMARY KEY (session_id, principle_id, group_id)
) WITHOUT ROWID;
-- Only for groups whose results are shown.
CREATE TABLE distribution (
    session_id TEXT NOT NULL REFERENCES sessions (id), principle_id TEXT NOT NULL, group_id TEXT NOT NULL,
    score INTEGER NOT NULL, ballots INTEGER NOT NULL, PRIMARY KEY (session_id, principle_id, group_id, score)
) WITHOUT ROWID;
CREATE TABLE gaps (
    session_id TEXT NOT NULL REFERENCES sessions (id), principle_id TEXT NOT NULL,
    group_a TEXT, group_b TEXT, gap REAL, gap_words TEXT NOT NULL, flags TEXT NOT NULL,
    PRIMARY KEY (session_id, principle_id)
) WITHOUT ROWID;
CREATE TABLE facts (
    session_id TEXT NOT NULL REFERENCES sessions (id), number INTEGER NOT NULL, fact_id TEXT NOT NULL,
    question TEXT NOT NULL, answer TEXT NOT NULL, PRIMARY KEY (session_id, number)
) WITHOUT ROWID;
CREATE TABLE notes (
    session_id TEXT NOT NULL REFERENCES sessions (id), number INTEGER NOT NULL, principle_id TEXT,
    text TEXT NOT NULL, PRIMARY KEY (session_id, number)
) WITHOUT ROWID;
CREATE TABLE actions (
    id INTEGER PRIMARY KEY, session_id TEXT NOT NULL REFERENCES sessions (id), principle_id TEXT,
    text TEXT NOT NULL, owner TEXT NOT NULL, due TEXT NOT NULL, status TEXT NOT NULL, status_note TEXT NOT NULL
);
-- The priorities round's ranking (most dots first) and each group's dots; a group whose dots came
-- from fewer than min_group_size people: dots NULL, too_few = 1, and left out of the total.
CREATE TABLE priorities (
    session_id TEXT NOT NULL REFERENCES sessions (id), principle_id TEXT NOT NULL, rank INTEGER NOT NULL,
    total INTEGER NOT NULL, PRIMARY KEY (session_id, principle_id)
) WITHOUT ROWID;
CREATE TABLE priority_dots (
    session_id TEXT NOT NULL REFERENCES sessions (id), principle_id TEXT NOT NULL, group_id TEXT NOT NULL,
    shown TEXT NOT NULL, dots INTEGER, too_few INTEGER NOT NULL, PRIMARY KEY (session_id, principle_id, group_id)
) WITHOUT ROWID;
-- The perception round: what each side of the compared pair predicted the other would say, beside
-- what it did say. Predictions from fewer than min_group_size people: too_few = 1, no numbers.
CREATE TABLE perceptions (
    session_id TEXT NOT NULL REFERENCES sessions (id), principle_id TEXT NOT NULL, group_id TEXT NOT NULL,
    about TEXT NOT NULL, shown TEXT NOT NULL, predictions INTEGER, dont_know INTEGER, predicted REAL,
    actual REAL, error REAL, too_few INTEGER NOT NULL, PRIMARY KEY (session_id, principle_id, group_id)
) WITHOUT ROWID;
-- Approved comments only, with the principle and the author's group and nothing else.
CREATE TABLE comments (
    session_id TEXT NOT NULL REFERENCES sessions (id), principle_id TEXT NOT NULL, group_id TEXT NOT NULL,
    number INTEGER NOT NULL, text TEXT NOT NULL, PRIMARY KEY (session_id, principle_id, number)
) WITHOUT ROWID;
"""


def metadata_path(path: Path) -> Path:
    """Where the copy's Datasette metadata goes: board.db -> board.metadata.yaml beside it."""
    return path.with_name(f"{path.stem}.metadata.yaml")


def check_target(path: Path, *, force: bool, source: Path | None = None) -> None:
    """Refuse a target that cannot be written, or that exists (the copy or its metadata) unless force."""
    if path.is_dir():
        raise ExportError(f"{path}: is a folder; give a file name, such as board.db")
    if not path.parent.is_dir():
        raise ExportError(f"{path.parent}: no such folder")
    if source is not None and path.exists() and path.resolve() == source.resolve():
        raise ExportError(f"{path}: is the database being published; give another file name")
    for target in (path, metadata_path(path)):  # --force replaces a file, never a device or a pipe
        if not_a_file(target):
            raise ExportError(f"{target}: not a regular file (a device, pipe or socket); give another file name")
    if force:
        return
    for target in (path, metadata_path(path)):
        if os.path.lexists(target):
            raise ExportError(f"{target}: already exists; add --force to replace it")


def publish(records: Sequence, path: Path, *, published_at: str | None = None) -> Path:
    """Write the copy of these SessionRecords to path and its metadata beside it; returns the metadata's path.

    Both are written to temporary files first, then renamed: a failure leaves neither half-written.
    """
    path = Path(path)
    name = path.stem
    meta_text = render(published_metadata(name), "yaml")
    tmp_db = _temp(path)
    tmp_meta = None
    try:
        _build(tmp_db, records, meta_text, published_at or now())
        tmp_meta = _temp(metadata_path(path))
        tmp_meta.write_text(meta_text, encoding="utf-8")
        for tmp in (tmp_db, tmp_meta):
            os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes files private; the copy is for sharing
        os.replace(tmp_meta, metadata_path(path))
        os.replace(tmp_db, path)
    except BaseException:
        for tmp in (tmp_db, tmp_meta, Path(f"{tmp_db}-journal")):
            if tmp is not None:
                tmp.unlink(missing_ok=True)
        raise
    return metadata_path(path)


def _temp(path: Path) -> Path:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    return Path(tmp)


def _build(tmp: Path, records: Sequence, meta_text: str, published_at: str) -> None:
    conn = sqlite3.connect(tmp)
    try:
        # Marked first, so workshop refuses the copy as a facilitator's database whatever happens next.
        conn.execute(f"PRAGMA application_id = {PUBLISHED_APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {FORMAT_VERSION}")
        conn.execute("PRAGMA secure_delete = ON")
        with conn:
            conn.executescript(SCHEMA)
            for record in sorted(records, key=lambda r: (r.plan.date, r.session.created_at, r.session.id)):
                _session(conn, record)
            conn.executemany("INSERT INTO about VALUES (?, ?)", _about(records, meta_text, published_at))
        conn.execute("VACUUM")
    finally:
        conn.close()


def _about(records: Sequence, meta_text: str, published_at: str) -> list[tuple[str, str]]:
    return [
        ("published_at", published_at),
        ("published_by", f"workshop {__version__} (workshop publish)"),
        ("sessions", str(len(records))),
        ("too_few_to_show", f"A group with fewer scores than its session's min_group_size shows '{TOO_FEW}' "
                            "and no counts, mean, median, spread or distribution."),
        ("what_is_left_out", "Ballots, participants and their names, join codes, plan files and plan text."),
        ("datasette_metadata", meta_text),
    ]


def _session(conn: sqlite3.Connection, record) -> None:
    s, plan = record.session, record.plan
    sid = s.id
    pair = tuple(record.results[0].pair) if record.results else tuple(g.id for g in plan.groups[:2])
    pair = (pair + (None, None))[:2]
    conn.execute("INSERT INTO sessions VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", [
        sid, plan.title, plan.date.isoformat(), plan.place, plan.locality, plan.facilitator,
        "anonymous" if plan.anonymous else "named", plan.min_group_size, plan.scale.min, plan.scale.max,
        int(plan.scale.dont_know), s.status, *pair, s.created_at])
    conn.executemany("INSERT INTO groups VALUES (?,?,?,?)",
                     [(sid, i, g.id, g.name) for i, g in enumerate(plan.groups)])
    conn.executemany("INSERT INTO facts VALUES (?,?,?,?,?)",
                     [(sid, i, f.id, f.question, f.answer_text) for i, f in enumerate(plan.facts, 1)])
    for number, result in enumerate(record.results, 1):
        _principle(conn, sid, number, plan, result)
    conn.executemany("INSERT INTO notes VALUES (?,?,?,?)",
                     [(sid, i, n.principle_id, n.text) for i, n in enumerate(record.notes, 1)])
    conn.executemany("INSERT INTO actions VALUES (?,?,?,?,?,?,?,?)",
                     [(a.id, sid, a.principle_id, a.text, a.owner, a.due, a.status, a.status_note)
                      for a in record.actions])
    conn.executemany("INSERT INTO comments VALUES (?,?,?,?,?)", _approved_comments(record))
    conn.executemany("INSERT INTO priorities VALUES (?,?,?,?)",
                     [(sid, p.id, p.rank, p.total) for p in record.priorities])
    conn.executemany("INSERT INTO priority_dots VALUES (?,?,?,?,?,?)",
                     [(sid, p.id, g, dots_cell(n), n, int(n is None)) for p in record.priorities
                      for g, n in p.dots.items()])


def _approved_comments(record) -> list[tuple]:
    """(session, principle, group, number, text) of the comments the facilitator approved, as the
    reports show them: with their principle and the author's group and nothing else (no time, no
    device), and none from a group too small on that principle to show. Numbered in the reports'
    order (group, then text) per principle, so the order they were written in is not kept either.
    """
    rows = []
    for pc in principle_comments(record):
        shown = [(g, t) for g, t in pc.comments if t is not None]
        rows += [(record.session.id, pc.result.principle.id, g, n, t) for n, (g, t) in enumerate(shown, 1)]
    return rows


def _principle(conn: sqlite3.Connection, sid: str, number: int, plan, result) -> None:
    p = result.principle
    conn.execute("INSERT INTO principles VALUES (?,?,?,?,?,?,?,?,?)", [
        sid, number, p.id, p.statement, p.theme, plan.theme_title(p.theme), p.addressed_to,
        p.who_can_answer or None,
        json.dumps([{"text": x.text, "title": x.title, "quote": x.quote} for x in p.sources], ensure_ascii=False)])
    for group, stats in result.groups.items():
        if stats.suppressed:
            row = (TOO_FEW, None, None, None, None, None, 1)
        else:
            row = (stats_text(stats), stats.n, stats.dont_know, for_data(stats.mean), for_data(stats.median),
                   for_data(stats.sd), 0)
            conn.executemany("INSERT INTO distribution VALUES (?,?,?,?,?)",
                             [(sid, p.id, group, score, count) for score, count in sorted(stats.counts.items())])
        conn.execute("INSERT INTO results VALUES (?,?,?,?,?,?,?,?,?,?)", [sid, p.id, group, *row])
    for group, seen in result.perceptions.items():
        counts = (None, None) if seen.suppressed else (seen.n, seen.dont_know)
        conn.execute("INSERT INTO perceptions VALUES (?,?,?,?,?,?,?,?,?,?,?)", [
            sid, p.id, group, seen.about, perception_words(seen, plan.group_names), *counts, for_data(seen.mean),
            for_data(seen.actual), for_data(seen.error), int(seen.suppressed)])
    pair = (tuple(result.pair) + (None, None))[:2]
    conn.execute("INSERT INTO gaps VALUES (?,?,?,?,?,?,?)", [
        sid, p.id, *pair, for_data(result.gap), result_gap_words(result, plan.group_names),
        ", ".join(result.flags)])
