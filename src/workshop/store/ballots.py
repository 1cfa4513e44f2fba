"""Participants and ballots: recording, replacing, card counts, and reading them back."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from ..model import Ballot, Plan, Prediction, Session
from ..model import Dots
from .base import BallotError, SessionNotFound, new_id, now


def ballot_problem(session, principle_id: str, state: str | None, group: str, known_group: bool,
                   score: int | None) -> str:
    """Why a ballot cannot be stored, or '' when it can: the one rule for a single ballot and a batch.
    session: its row (scale_min, scale_max, dont_know_allowed); state: the principle's, None when
    the session does not have it."""
    if state is None:
        return f"principle '{principle_id}' is not in this session"
    if state == "closed":
        return f"principle '{principle_id}' is closed; reopen it to take more ballots"
    if not known_group:
        return f"group '{group}' is not in this session"
    if score is None:
        return "" if session["dont_know_allowed"] else "this session's scale has no 'don't know'"
    if isinstance(score, bool) or not isinstance(score, int) or not session["scale_min"] <= score <= session["scale_max"]:
        return f"score {score!r} is off the scale ({session['scale_min']} to {session['scale_max']})"
    return ""


class BallotsMixin:
    # --- participants and ballots --------------------------------------------------------

    def add_participant(self, session_id: str, group: str, *, name: str | None = None, mode: str = "roster",
                        participant_id: str | None = None) -> str:
        """A participant id for roster or phone voting; an anonymous session never keeps the name."""
        row = self._session_row(session_id)
        self._check_group(session_id, group)
        pid = participant_id or new_id(16)
        self.conn.execute(
            "INSERT INTO participants (id, session_id, group_id, name, mode) VALUES (?,?,?,?,?)",
            [pid, session_id, group, None if row["anonymous"] else (name or None), mode])
        return pid

    def record_ballot(self, session_id: str, principle_id: str, group: str, score: int | None, *,
                      participant: str | None = None, ballot_id: str | None = None, mode: str = "cards") -> str:
        """Store one ballot durably and return its id; re-voting under the same id replaces the ballot.

        participant: a roster participant's id. ballot_id: an id the caller derives per principle
        (phones do, from a token never stored), linked to nothing else. With neither, the ballot is
        a one-off anonymous one (a card, a paper slip).
        """
        with self.atomic():
            pid = self._prepare_ballot(session_id, principle_id, group, score, participant)
            self._write_ballot(session_id, principle_id, group, score, ballot_id or pid, mode,
                               self._session_row(session_id)["anonymous"])
        return ballot_id or pid

    def record_ballots(self, session_id: str, rows: list[tuple[str, str, int | None, str]],
                       mode: str = "phones") -> list[str | BallotError]:
        """Store many ballots in one statement, within the caller's transaction: each row is
        (principle, group, score, ballot id), re-voting under an id replacing its ballot, and in the
        same order a later row of one id wins. Per row, its id or the BallotError that kept it out
        (the others are stored all the same). The checks are record_ballot's, read once for all."""
        row = self._session_row(session_id)
        states = dict(self.conn.execute(
            "SELECT principle_id, state FROM session_principles WHERE session_id = ?", [session_id]).fetchall())
        groups = {g for (g,) in self.conn.execute(
            "SELECT group_id FROM session_groups WHERE session_id = ?", [session_id])}
        at = None if row["anonymous"] else now()
        outcomes: list[str | BallotError] = []
        values: list = []
        for principle_id, group, score, ballot_id in rows:
            problem = ballot_problem(row, principle_id, states.get(principle_id), group, group in groups, score)
            if problem:
                outcomes.append(BallotError(problem))
                continue
            outcomes.append(ballot_id)
            values += [session_id, principle_id, ballot_id, group, score, int(score is None), mode, at]
        if values:
            self.conn.execute(
                """INSERT INTO ballots (session_id, principle_id, participant_id, group_id, score, dont_know, mode, cast_at)
                   VALUES """ + ", ".join(["(?,?,?,?,?,?,?,?)"] * (len(values) // 8)) + """
                   ON CONFLICT (session_id, principle_id, participant_id) DO UPDATE SET
                     score = excluded.score, dont_know = excluded.dont_know, mode = excluded.mode,
                     cast_at = excluded.cast_at
                   WHERE ballots.score IS NOT excluded.score OR ballots.dont_know IS NOT excluded.dont_know""",
                values)
        return outcomes

    def import_ballots(self, plan: Plan, plan_text: str, ballots: Iterable[Ballot | Prediction | Dots]) -> Session:
        """A new, finished session holding the given ballots (predictions, dots): all of them or, on any error, none.

        Every ballot is checked and every row built first; the write lock is then held for one
        short transaction (100,000 ballots in about a second), so a workshop running beside it
        never waits long. In an anonymous plan a named ballot keeps no name and no id shared with
        the same person's other ballots: each ballot stands alone.
        """
        principles = {p.id for p in plan.principles}
        groups = {g.id for g in plan.groups}
        scale = plan.scale
        participants: dict[tuple[str, str], str] = {}
        people: list[tuple[str, str, str | None]] = []  # (id, group, name) for a named plan
        rows: dict[tuple[str, str], tuple] = {}  # (principle, participant) -> ballot row; the last one counts
        predictions: list[Prediction] = []
        dots: list[tuple[str, str, str | tuple[str, str], int]] = []  # participant: WALL, or (name, group)
        stamp = None if plan.anonymous else now()
        for b in ballots:
            if isinstance(b, Dots):
                if not plan.priorities:
                    raise BallotError("this plan has no priorities round")
                if b.principle_id not in principles or b.group not in groups:
                    raise BallotError(f"dots on '{b.principle_id}' from '{b.group}' are not in this session")
                dots.append((b.principle_id, b.group, (b.participant.casefold(), b.group) if b.participant else "",
                             b.dots))
                continue
            if isinstance(b, Prediction):
                if plan.predicts_about(b.group) != b.about:
                    raise BallotError(f"group '{b.group}' makes no predictions about '{b.about}' in this plan")
                predictions.append(b)
            if b.principle_id not in principles:
                raise BallotError(f"principle '{b.principle_id}' is not in this session")
            if b.group not in groups:
                raise BallotError(f"group '{b.group}' is not in this session")
            if b.score is None:
                if not scale.dont_know:
                    raise BallotError("this session's scale has no 'don't know'")
            elif isinstance(b.score, bool) or not isinstance(b.score, int) or not scale.min <= b.score <= scale.max:
                raise BallotError(f"score {b.score!r} is off the scale ({scale.min} to {scale.max})")
            if isinstance(b, Prediction):
                continue
            if b.participant and not plan.anonymous:
                key = (b.participant, b.group)
                if key not in participants:
                    participants[key] = new_id(16)
                    people.append((participants[key], b.group, b.participant))
                pid = participants[key]
            else:
                pid = new_id(16)
            rows[(b.principle_id, pid)] = (b.principle_id, pid, b.group, b.score, int(b.score is None), stamp)
        ordered = sorted(rows.values())  # in key order: the b-tree fills page by page
        # Room in memory for the whole import, so pages are not spilled to disk mid-transaction.
        self.conn.execute(f"PRAGMA cache_size = -{max(2_000, len(ordered) // 4)}")
        with self.atomic():
            session = self.start_session(plan, plan_text)
            self.conn.executemany(
                "INSERT INTO participants (id, session_id, group_id, name, mode) VALUES (?, ?, ?, ?, 'import')",
                [(pid, session.id, group, name) for pid, group, name in people])
            # The per-ballot triggers (the session's count; the scale, checked above already) are set
            # aside for the bulk insert and the count added once: they were most of the time the
            # lock is held. All of it happens in this transaction or none of it.
            triggers = self.conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN (?, ?)",
                ["session_counts_ballot_in", "ballots_on_scale_insert"]).fetchall()
            for name, _ in triggers:
                self.conn.execute(f"DROP TRIGGER {name}")
            self.conn.executemany(
                """INSERT INTO ballots (session_id, principle_id, participant_id, group_id, score, dont_know,
                   mode, cast_at) VALUES (?, ?, ?, ?, ?, ?, 'import', ?)""",
                [(session.id, *row) for row in ordered])
            for _, sql in triggers:
                self.conn.execute(sql)
            self.conn.execute("UPDATE session_counts SET ballots = ballots + ? WHERE session_id = ?",
                              [len(ordered), session.id])
            if predictions:  # each stands alone, with an id of its own, as an anonymous ballot does
                self.add_predictions(session.id, predictions, anonymous=plan.anonymous)
            if dots:  # a participant's dots share an id of their own, never their ballots' (the allowance holds)
                ids: dict[tuple[str, str], str] = {}
                self.add_dots(session.id, [(p, g, ids.setdefault(who, new_id(16)) if who else who, n)
                                           for p, g, who, n in dots])
            self.conn.execute("UPDATE session_principles SET state = 'closed', closed_at = ? WHERE session_id = ?",
                            [now(), session.id])
            self.finish_session(session.id)
        return self.session(session.id)

    def _prepare_ballot(self, session_id, principle_id, group, score, participant) -> str:
        state = self.conn.execute(
            "SELECT state FROM session_principles WHERE session_id = ? AND principle_id = ?",
            [session_id, principle_id]).fetchone()
        known_group = self.conn.execute("SELECT 1 FROM session_groups WHERE session_id = ? AND group_id = ?",
                                        [session_id, group]).fetchone() is not None
        problem = ballot_problem(self._session_row(session_id), principle_id, state and state[0], group, known_group, score)
        if problem:
            raise BallotError(problem)
        if participant is None:
            return new_id(16)
        found = self.conn.execute("SELECT group_id FROM participants WHERE id = ? AND session_id = ?",
                                [participant, session_id]).fetchone()
        if found is None:
            raise BallotError("unknown participant")
        if found[0] != group:
            raise BallotError(f"this participant is in group '{found[0]}', not '{group}'")
        return participant

    def _write_ballot(self, session_id, principle_id, group, score, participant, mode, anonymous) -> None:
        """Insert or replace one ballot; an anonymous session's ballot carries no time."""
        self.conn.execute(
            """INSERT INTO ballots (session_id, principle_id, participant_id, group_id, score, dont_know, mode, cast_at)
               VALUES (?,?,?,?,?,?,?,?)
               ON CONFLICT (session_id, principle_id, participant_id) DO UPDATE SET
                 score = excluded.score, dont_know = excluded.dont_know, mode = excluded.mode,
                 cast_at = excluded.cast_at
               WHERE ballots.score IS NOT excluded.score OR ballots.dont_know IS NOT excluded.dont_know""",
            [session_id, principle_id, participant, group, score, int(score is None), mode,
             None if anonymous else now()])

    def set_card_count(self, session_id: str, principle_id: str, group: str, score: int | None, count: int) -> None:
        """Make the number of card ballots at one score for one group equal `count`."""
        if count < 0:
            raise BallotError("a count cannot be negative")
        with self.atomic():
            self._prepare_ballot(session_id, principle_id, group, score, None)
            anonymous = self._session_row(session_id)["anonymous"]
            existing = [r[0] for r in self.conn.execute(
                """SELECT participant_id FROM ballots WHERE session_id = ? AND principle_id = ? AND group_id = ?
                   AND mode = 'cards' AND score IS ? AND dont_know = ?""",
                [session_id, principle_id, group, score, int(score is None)]).fetchall()]
            for _ in range(count - len(existing)):
                self._write_ballot(session_id, principle_id, group, score, new_id(16), "cards", anonymous)
            for pid in existing[: max(len(existing) - count, 0)]:
                self.conn.execute("DELETE FROM ballots WHERE session_id = ? AND principle_id = ? AND participant_id = ?",
                                [session_id, principle_id, pid])

    def ballots(self, session_id: str, principle_id: str | None = None) -> list[Ballot]:
        sql = "SELECT principle_id, group_id, score, participant_id, mode, cast_at FROM ballots WHERE session_id = ?"
        params = [session_id]
        if principle_id is not None:
            sql += " AND principle_id = ?"
            params.append(principle_id)
        return [Ballot(p, g, s, pid, mode, cast_at or "") for p, g, s, pid, mode, cast_at
                in self.conn.execute(sql + " ORDER BY principle_id, participant_id", params)]

    def tallies(self, session_id: str) -> dict[tuple[str, str], dict[int | None, int]]:
        """How many ballots gave each score, per (principle, group): all that results need."""
        counts: dict[tuple[str, str], dict[int | None, int]] = {}
        for principle, group, score, n in self.conn.execute(
                "SELECT principle_id, group_id, score, COUNT(*) FROM ballots WHERE session_id = ? "
                "GROUP BY principle_id, group_id, score", [session_id]):
            counts.setdefault((principle, group), {})[score] = n
        return counts

    def tallies_of(self, session_ids: list[str]) -> dict[str, dict[tuple[str, str], dict[int | None, int]]]:
        """tallies() for many sessions in one pass over their ballots: session id -> tallies."""
        counts: dict[str, dict[tuple[str, str], dict[int | None, int]]] = {sid: {} for sid in session_ids}
        for start in range(0, len(session_ids), 500):  # SQLite takes a bounded number of parameters
            chunk = session_ids[start:start + 500]
            for sid, principle, group, score, n in self.conn.execute(
                    f"SELECT session_id, principle_id, group_id, score, COUNT(*) FROM ballots "
                    f"WHERE session_id IN ({', '.join('?' * len(chunk))}) "
                    "GROUP BY session_id, principle_id, group_id, score", chunk):
                counts[sid].setdefault((principle, group), {})[score] = n
        return counts

    def score_sums_of(self, session_ids: list[str]) -> dict[str, dict[tuple[str, str], tuple] | None]:
        """What the means of many sessions need, summed in SQL in one pass over their ballots: session
        id -> (principle, group) -> (scores, their total, the lowest, the highest). Half the time of
        tallies_of, which a trend over years of sessions spent most of its reading in. The lowest and
        highest, and whether the total is whole, tell a caller that every score is a whole one it may
        count (the schema's triggers see to that; a file written around them may break it). None for
        sessions whose scores are so far off any scale that they cannot be summed in 64 bits."""
        sums: dict[str, dict[tuple[str, str], tuple] | None] = {sid: {} for sid in session_ids}
        for start in range(0, len(session_ids), 500):  # SQLite takes a bounded number of parameters
            chunk = session_ids[start:start + 500]
            try:
                rows = self.conn.execute(
                    f"SELECT session_id, principle_id, group_id, COUNT(score), SUM(score), MIN(score), MAX(score) "
                    f"FROM ballots WHERE session_id IN ({', '.join('?' * len(chunk))}) "
                    "GROUP BY session_id, principle_id, group_id", chunk).fetchall()
            except sqlite3.OperationalError as exc:
                if "integer overflow" not in str(exc):
                    raise
                sums.update(dict.fromkeys(chunk))  # scores far off any scale: None, read their tallies instead
                continue
            for sid, principle, group, *figures in rows:
                sums[sid][(principle, group)] = tuple(figures)
        return sums

    def ballot_counts(self, session_id: str, principle_id: str) -> dict[str, int]:
        """How many ballots are in per group: safe to show before reveal (no scores)."""
        return {r["group_id"]: r["n"] for r in self.rows(
            "SELECT group_id, COUNT(*) AS n FROM ballots WHERE session_id = ? AND principle_id = ? GROUP BY group_id",
            [session_id, principle_id])}

    def card_counts(self, session_id: str, principle_id: str) -> dict[tuple[str, int | None], int]:
        """Card ballots per (group, score); score None is don't know."""
        return {(r["group_id"], r["score"]): r["n"] for r in self.rows(
            """SELECT group_id, score, COUNT(*) AS n FROM ballots WHERE session_id = ? AND principle_id = ?
               AND mode = 'cards' GROUP BY group_id, score""", [session_id, principle_id])}

    def roster_entered(self, session_id: str) -> bool:
        """Whether the roster has entered anything in this session: a ballot, a prediction or dots."""
        return any(self.conn.execute(
            f"SELECT EXISTS (SELECT 1 FROM {table} WHERE session_id = ? AND mode = 'roster')", [session_id]).fetchone()[0]
            for table in ("ballots", "predictions", "dots"))

    def voters(self, session_id: str, principle_id: str) -> set[str]:
        """Participant ids with a ballot on this principle (roster and phones)."""
        return {r["participant_id"] for r in self.rows(
            "SELECT participant_id FROM ballots WHERE session_id = ? AND principle_id = ? AND mode != 'cards'",
            [session_id, principle_id])}

    def participants(self, session_id: str, mode: str | None = None) -> list[tuple[str, str, str | None]]:
        """(id, group, name) of the session's participants, in the order of their random ids."""
        sql = "SELECT id, group_id, name FROM participants WHERE session_id = ?"
        params = [session_id]
        if mode:
            sql += " AND mode = ?"
            params.append(mode)
        return [(r["id"], r["group_id"], r["name"]) for r in self.rows(sql + " ORDER BY id", params)]

    def opened_at(self, session_id: str, principle_id: str) -> str | None:
        row = self.conn.execute("SELECT opened_at FROM session_principles WHERE session_id = ? AND principle_id = ?",
                              [session_id, principle_id]).fetchone()
        return row[0] if row else None

    def participant_group(self, session_id: str, participant_id: str) -> str | None:
        row = self.conn.execute("SELECT group_id FROM participants WHERE id = ? AND session_id = ?",
                                [participant_id, session_id]).fetchone()
        return row[0] if row else None

    def current_ballot(self, session_id: str, principle_id: str, participant_id: str) -> Ballot | None:
        row = self.conn.execute(
            "SELECT principle_id, group_id, score, participant_id, mode, cast_at FROM ballots "
            "WHERE session_id = ? AND principle_id = ? AND participant_id = ?",
            [session_id, principle_id, participant_id]).fetchone()
        return Ballot(*row[:5], row[5] or "") if row else None

    def participant_names(self, session_id: str) -> dict[str, str]:
        """Participant id -> name, for named sessions only (always empty when anonymous)."""
        return {r["id"]: r["name"] for r in self.rows(
            "SELECT id, name FROM participants WHERE session_id = ? AND name IS NOT NULL", [session_id])}


    def _session_row(self, session_id: str) -> dict:
        row = next(self.rows(
            "SELECT anonymous, scale_min, scale_max, dont_know_allowed FROM sessions WHERE id = ?", [session_id]), None)
        if row is None:
            raise SessionNotFound(f"no session '{session_id}'")
        return row

    def _check_group(self, session_id: str, group: str) -> None:
        if self.conn.execute("SELECT 1 FROM session_groups WHERE session_id = ? AND group_id = ?",
                           [session_id, group]).fetchone() is None:
            raise BallotError(f"group '{group}' is not in this session")

