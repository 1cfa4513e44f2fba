"""Predictions of the perception round: recording, card counts, imports and tallies.

Stored like ballots (same checks, same anonymity) but in their own table, so that nothing reading
a group's rating can ever count one.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..model import Prediction
from .base import BallotError, new_id, now


class PredictionsMixin:
    """Part of Store; uses BallotsMixin's checks of the session, the principle and the score."""

    def _check_about(self, session_id: str, group: str, about: str) -> None:
        self._check_group(session_id, about)
        if about == group:
            raise BallotError("a side predicts the other side's rating, not its own")

    def record_prediction(self, session_id: str, principle_id: str, group: str, about: str, score: int | None, *,
                          participant: str | None = None, prediction_id: str | None = None,
                          mode: str = "cards") -> str:
        """Store how one participant of `group` expects group `about` to rate a principle.

        Re-predicting under the same id replaces the prediction. prediction_id: an id the caller
        derives per principle, linked to nothing (an anonymous seat's or a phone's, never the same
        as its ballot's); participant: a named roster participant's id.
        """
        with self.atomic():
            pid = self._prepare_ballot(session_id, principle_id, group, score, participant)
            self._check_about(session_id, group, about)
            self._write_prediction(session_id, principle_id, prediction_id or pid, group, about, score, mode,
                                   self._session_row(session_id)["anonymous"])
        return prediction_id or pid

    def _write_prediction(self, session_id, principle_id, participant, group, about, score, mode, anonymous) -> None:
        self.conn.execute(
            """INSERT INTO predictions (session_id, principle_id, participant_id, group_id, about_group_id,
                   score, dont_know, mode, cast_at) VALUES (?,?,?,?,?,?,?,?,?)
               ON CONFLICT (session_id, principle_id, participant_id) DO UPDATE SET
                 score = excluded.score, dont_know = excluded.dont_know, mode = excluded.mode,
                 cast_at = excluded.cast_at""",
            [session_id, principle_id, participant, group, about, score, int(score is None), mode,
             None if anonymous else now()])

    def set_prediction_cards(self, session_id: str, principle_id: str, group: str, about: str,
                             score: int | None, count: int) -> None:
        """Make the number of card predictions at one score by one group equal `count`."""
        if count < 0:
            raise BallotError("a count cannot be negative")
        with self.atomic():
            self._prepare_ballot(session_id, principle_id, group, score, None)
            self._check_about(session_id, group, about)
            anonymous = self._session_row(session_id)["anonymous"]
            existing = [r[0] for r in self.conn.execute(
                """SELECT participant_id FROM predictions WHERE session_id = ? AND principle_id = ?
                   AND group_id = ? AND mode = 'cards' AND score IS ? AND dont_know = ?""",
                [session_id, principle_id, group, score, int(score is None)]).fetchall()]
            for _ in range(count - len(existing)):
                self._write_prediction(session_id, principle_id, new_id(16), group, about, score, "cards", anonymous)
            for pid in existing[: max(len(existing) - count, 0)]:
                self.conn.execute("DELETE FROM predictions WHERE session_id = ? AND principle_id = ? "
                                "AND participant_id = ?", [session_id, principle_id, pid])

    def add_predictions(self, session_id: str, predictions: Iterable[Prediction], *, anonymous: bool) -> int:
        """Imported predictions, within the caller's transaction; each stands alone, with a random id."""
        stamp = None if anonymous else now()
        rows = sorted((p.principle_id, new_id(16), p.group, p.about, p.score, int(p.score is None), stamp)
                      for p in predictions)
        self.conn.executemany(
            """INSERT INTO predictions (session_id, principle_id, participant_id, group_id, about_group_id, score,
               dont_know, mode, cast_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'import', ?)""",
            [(session_id, *row) for row in rows])
        return len(rows)

    def predictions(self, session_id: str, principle_id: str | None = None) -> list[Prediction]:
        sql = ("SELECT principle_id, group_id, about_group_id, score, participant_id, mode FROM predictions "
               "WHERE session_id = ?")
        params = [session_id]
        if principle_id is not None:
            sql += " AND principle_id = ?"
            params.append(principle_id)
        return [Prediction(*row) for row in self.conn.execute(sql + " ORDER BY principle_id, participant_id", params)]

    def prediction_tallies(self, session_id: str) -> dict[tuple[str, str, str], dict[int | None, int]]:
        """How many predictions gave each score, per (principle, predicting group, group predicted about)."""
        counts: dict[tuple[str, str, str], dict[int | None, int]] = {}
        for principle, group, about, score, n in self.conn.execute(
                "SELECT principle_id, group_id, about_group_id, score, COUNT(*) FROM predictions "
                "WHERE session_id = ? GROUP BY principle_id, group_id, about_group_id, score", [session_id]):
            counts.setdefault((principle, group, about), {})[score] = n
        return counts

    def prediction_counts(self, session_id: str, principle_id: str) -> dict[str, int]:
        """How many predictions are in per predicting group: safe to show before the reveal."""
        return dict(self.conn.execute(
            "SELECT group_id, COUNT(*) FROM predictions WHERE session_id = ? AND principle_id = ? GROUP BY group_id",
            [session_id, principle_id]).fetchall())

    def prediction_card_counts(self, session_id: str, principle_id: str) -> dict[tuple[str, int | None], int]:
        """Card predictions per (predicting group, score); score None is don't know."""
        return {(g, s): n for g, s, n in self.conn.execute(
            """SELECT group_id, score, COUNT(*) FROM predictions WHERE session_id = ? AND principle_id = ?
               AND mode = 'cards' GROUP BY group_id, score""", [session_id, principle_id])}

    def predictors(self, session_id: str, principle_id: str) -> set[str]:
        """Participant (or prediction) ids with a prediction on this principle, roster and phones."""
        return {r[0] for r in self.conn.execute(
            "SELECT participant_id FROM predictions WHERE session_id = ? AND principle_id = ? AND mode != 'cards'",
            [session_id, principle_id])}

    def current_prediction(self, session_id: str, principle_id: str, participant_id: str) -> int | None | str:
        """One participant's prediction: a score, None for don't know, "" for none."""
        row = self.conn.execute(
            "SELECT score FROM predictions WHERE session_id = ? AND principle_id = ? AND participant_id = ?",
            [session_id, principle_id, participant_id]).fetchone()
        return "" if row is None else row[0]
