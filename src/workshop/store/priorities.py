"""The priorities round's dots: the round's state, dots placed per participant or per group, tallies.

A participant's dots never pass the allowance: checked here before any write, and by the table's
triggers (m012) whatever writes to the file.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping

from ..model import DotTally
from .base import BallotError, SessionNotFound

NO_ROUND = "this workshop has no priorities round"
NOT_OPEN = "the priorities round is not open now"
WALL = ""  # the participant id of a group's dots counted on the wall (cards)


class PrioritiesMixin:
    """Part of Store: the dots table and the priority_rounds table."""

    @functools.cached_property
    def _has_dots(self) -> bool:
        """False only for a file from before the round, opened read-only as it is (it has no dots)."""
        return self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'dots'").fetchone() is not None

    # --- the round -----------------------------------------------------------------------

    def dots_allowance(self, session_id: str) -> int:
        """How many dots each participant places, from the session's frozen plan (0: no round)."""
        row = self.conn.execute("SELECT plan_json FROM sessions WHERE id = ?", [session_id]).fetchone()
        if row is None:
            raise SessionNotFound(f"no session '{session_id}'")
        return int((json.loads(row[0]).get("priorities") or {}).get("dots", 0))

    def priorities_state(self, session_id: str) -> str:
        """'pending' before the round first opens, then 'open' or 'closed' (the ranking shown)."""
        if not self._has_dots:
            return "pending"
        row = self.conn.execute("SELECT state FROM priority_rounds WHERE session_id = ?", [session_id]).fetchone()
        return row[0] if row else "pending"

    def set_priorities_state(self, session_id: str, state: str) -> None:
        """Open the round (dots are taken) or close it (the ranking is shown; no more dots)."""
        if state not in ("open", "closed"):
            raise ValueError(f"unknown priorities state {state!r}")
        dots = self.dots_allowance(session_id)
        if not dots:
            raise BallotError(NO_ROUND)
        self.conn.execute(
            "INSERT INTO priority_rounds (session_id, dots, state) VALUES (?, ?, ?) "
            "ON CONFLICT (session_id) DO UPDATE SET state = excluded.state", [session_id, dots, state])

    def _check_dots(self, session_id: str, principle_id: str, group: str, count: int) -> None:
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise BallotError("a number of dots is a whole number, 0 or more")
        if self.priorities_state(session_id) != "open":
            raise BallotError(NOT_OPEN if self.dots_allowance(session_id) else NO_ROUND)
        if self.conn.execute("SELECT 1 FROM session_principles WHERE session_id = ? AND principle_id = ?",
                             [session_id, principle_id]).fetchone() is None:
            raise BallotError(f"principle '{principle_id}' is not in this session")
        self._check_group(session_id, group)

    # --- placing dots --------------------------------------------------------------------

    def set_wall_dots(self, session_id: str, principle_id: str, group: str, count: int) -> None:
        """Cards: make the dots a group stuck on the wall for one principle equal `count`."""
        with self.atomic():
            self._check_dots(session_id, principle_id, group, count)
            self._write_dots(session_id, principle_id, group, WALL, count, "cards")

    def set_dots(self, session_id: str, participant_id: str, group: str, principle_id: str, count: int, *,
                 mode: str) -> None:
        """One participant's dots on one principle (0 takes them off), within the allowance.

        participant_id: random and the caller's (a named roster seat's participant id; in an
        anonymous session an id kept in memory, or a phone's derived from its token, never stored).
        """
        with self.atomic():
            self._check_dots(session_id, principle_id, group, count)
            self._check_participant(session_id, participant_id, group)
            others = self.dots_of(session_id, participant_id)
            others.pop(principle_id, None)
            self._check_allowance(session_id, sum(others.values()) + count)
            self._write_dots(session_id, principle_id, group, participant_id, count, mode)

    def place_dots(self, session_id: str, participant_id: str, group: str, placement: Mapping[str, int], *,
                   mode: str) -> None:
        """Replace all of one participant's dots with `placement` (principle id -> dots), at once."""
        with self.atomic():
            for principle_id, count in placement.items():
                self._check_dots(session_id, principle_id, group, count)
            self._check_participant(session_id, participant_id, group)
            self._check_allowance(session_id, sum(placement.values()))
            self.conn.execute("DELETE FROM dots WHERE session_id = ? AND participant_id = ?",
                              [session_id, participant_id])
            for principle_id, count in placement.items():
                self._write_dots(session_id, principle_id, group, participant_id, count, mode)

    def _check_participant(self, session_id: str, participant_id: str, group: str) -> None:
        if not participant_id:
            raise BallotError("a participant's dots need the participant's id")
        found = self.conn.execute("SELECT group_id FROM dots WHERE session_id = ? AND participant_id = ? LIMIT 1",
                                  [session_id, participant_id]).fetchone()
        if found is not None and found[0] != group:
            raise BallotError(f"this participant is in group '{found[0]}', not '{group}'")

    def _check_allowance(self, session_id: str, total: int) -> None:
        allowance = self.dots_allowance(session_id)
        if total > allowance:
            raise BallotError(f"{total} dots is more than the {allowance} each participant places")

    def _write_dots(self, session_id, principle_id, group, participant_id, count, mode) -> None:
        if count == 0:
            self.conn.execute("DELETE FROM dots WHERE session_id = ? AND principle_id = ? AND group_id = ? "
                              "AND participant_id = ?", [session_id, principle_id, group, participant_id])
            return
        self.conn.execute(
            """INSERT INTO dots (session_id, principle_id, group_id, participant_id, dots, mode) VALUES (?,?,?,?,?,?)
               ON CONFLICT (session_id, principle_id, group_id, participant_id) DO UPDATE SET
                 dots = excluded.dots, mode = excluded.mode""",
            [session_id, principle_id, group, participant_id, count, mode])

    def add_dots(self, session_id: str, rows: Iterable[tuple[str, str, str, int]]) -> int:
        """Imported dots (principle, group, participant id or WALL, dots), within the caller's
        transaction, for a finished session: the round is stored closed. Returns the rows written."""
        self.set_priorities_state(session_id, "open")
        rows = sorted(rows)
        self.conn.executemany(
            "INSERT INTO dots (session_id, principle_id, group_id, participant_id, dots, mode) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(session_id, p, g, pid, n, "cards" if pid == WALL else "import") for p, g, pid, n in rows if n])
        self.set_priorities_state(session_id, "closed")
        return len(rows)

    # --- reading -------------------------------------------------------------------------

    def dots_of(self, session_id: str, participant_id: str) -> dict[str, int]:
        """One participant's dots: principle id -> dots (only principles with some)."""
        if not self._has_dots:
            return {}
        return dict(self.conn.execute(
            "SELECT principle_id, dots FROM dots WHERE session_id = ? AND participant_id = ? ORDER BY principle_id",
            [session_id, participant_id]).fetchall())

    def wall_dots(self, session_id: str) -> dict[tuple[str, str], int]:
        """Cards: (principle, group) -> the dots the group stuck on the wall for it."""
        if not self._has_dots:
            return {}
        return {(p, g): n for p, g, n in self.conn.execute(
            "SELECT principle_id, group_id, dots FROM dots WHERE session_id = ? AND participant_id = ''",
            [session_id])}

    def dot_tally(self, session_id: str) -> DotTally:
        """Every group's dots on every principle, how many placed their own, and the wall's dots."""
        if not self._has_dots:
            return DotTally()
        dots, wall = {}, {}
        for principle, group, n, on_wall in self.conn.execute(
                "SELECT principle_id, group_id, SUM(dots), SUM(CASE WHEN participant_id = '' THEN dots END) "
                "FROM dots WHERE session_id = ? GROUP BY principle_id, group_id", [session_id]):
            dots[(principle, group)] = n
            wall[group] = wall.get(group, 0) + (on_wall or 0)
        placers = dict(self.conn.execute(
            "SELECT group_id, COUNT(DISTINCT participant_id) FROM dots WHERE session_id = ? AND participant_id != '' "
            "GROUP BY group_id", [session_id]).fetchall())
        return DotTally(dots, placers, {g: n for g, n in wall.items() if n})

    def dotted_phones(self, session_id: str) -> dict[str, int]:
        """Group -> how many phones have dots placed (no principle named: how far the room has got)."""
        if not self._has_dots:
            return {}
        return dict(self.conn.execute(
            "SELECT group_id, COUNT(DISTINCT participant_id) FROM dots WHERE session_id = ? AND mode = 'phones' "
            "GROUP BY group_id", [session_id]).fetchall())

    def dotted(self, session_id: str) -> set[str]:
        """The participant ids with any dots placed (to tick a roster seat)."""
        if not self._has_dots:
            return set()
        return {r[0] for r in self.conn.execute(
            "SELECT DISTINCT participant_id FROM dots WHERE session_id = ? AND participant_id != ''", [session_id])}
