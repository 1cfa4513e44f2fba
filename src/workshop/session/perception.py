"""The perception round in a running session: each side's prediction of the other side's rating.

Part of LiveSession. Predictions go through the same write path as ballots (committed before any
screen counts them, kept and retried while another program holds the database) into a table of
their own, so they never count towards a group's rating.
"""

from __future__ import annotations

from functools import cached_property

from ..analytics import PrincipleResult
from ..perception import with_perceptions
from ..store import BallotError, Store, new_id
from ..wording import plural

NO_ROUND = "this workshop has no perception round"


class PerceptionMixin:
    """Uses LiveSession's store, plan, principle, _write, _seat_ids and open_to_phones."""

    def predicts_about(self, group: str) -> str | None:
        """The group whose rating `group` predicts, or None (no perception round, or a third group)."""
        return self.plan.predicts_about(group)

    def perceived(self, results: list[PrincipleResult]) -> list[PrincipleResult]:
        """Results with each side's perception of the other (unchanged without the round)."""
        if not self.plan.perception:
            return results
        return with_perceptions(results, self.store.prediction_tallies(self.id), self.plan)

    # --- cards and counts ---------------------------------------------------------------------

    def prediction_counts(self) -> dict[str, int]:
        """Predictions in per predicting group on the principle on screen. Never scores."""
        counts = self.store.prediction_counts(self.id, self.principle.id) if self.plan.perception else {}
        return {g: counts.get(g, 0) for g in self.plan.predictors}

    def prediction_card_counts(self) -> dict[tuple[str, int | None], int]:
        return self.store.prediction_card_counts(self.id, self.principle.id) if self.plan.perception else {}

    def over_room_predictions(self, group: str, score: int | None, count: int) -> tuple[int, int] | None:
        """(predictions the side would have, people in the room) when a card count would pass the room."""
        size = self.room_sizes().get(group)
        if size is None:
            return None
        total = self.prediction_counts()[group] - self.prediction_card_counts().get((group, score), 0) + count
        return (total, size) if total > size else None

    def set_prediction_cards(self, group: str, score: int | None, count: int, principle_id: str | None = None) -> bool:
        """Store how many cards a side raised for 'how will the other side rate this?'."""
        about, principle = self._about(group), principle_id or self.principle.id
        return self._write("prediction", lambda: self.store.set_prediction_cards(
            self.id, principle, group, about, score, count))

    def _about(self, group: str) -> str:
        about = self.predicts_about(group)
        if about is None:
            raise BallotError(NO_ROUND if not self.plan.perception else
                              "only the two compared sides predict each other's rating")
        return about

    # --- the roster ----------------------------------------------------------------------------

    @cached_property
    def _prediction_ids(self) -> dict[tuple[int, str], str]:
        """Anonymous sessions: (seat, principle) -> prediction id, in memory only (like the ballot ids)."""
        return {}

    def _prediction_id(self, seat_index: int) -> str | None:
        """An anonymous seat's prediction id on the principle on screen, in memory only and drawn
        apart from its ballot id: nothing stored joins a person's prediction to their rating."""
        if not self.plan.anonymous:
            return None
        return self._prediction_ids.setdefault((seat_index, self.principle.id), new_id(16))

    def predicted_seats(self) -> set[int]:
        """The roster seats with a prediction on the principle on screen."""
        if not self.plan.perception:
            return set()
        done = self.store.predictors(self.id, self.principle.id)
        if self.plan.anonymous:
            return {i for (i, pid), bid in self._prediction_ids.items() if pid == self.principle.id and bid in done}
        return {i for i, pid in self._seat_ids.items() if pid in done}

    def predict(self, seat_index: int, score: int | None) -> bool:
        """A roster participant's prediction: committed before this returns True, or waiting (False)."""
        seat, principle = self.plan.roster[seat_index], self.principle.id
        about = self._about(seat.group)
        from .running import RESUMED_HINT

        self._check_room_predictions(principle, seat.group, self._prediction_id(seat_index) if self.plan.anonymous
                                     else self._seat_ids.get(seat_index), words=RESUMED_HINT if self.resumed else "")
        if self.plan.anonymous:
            prediction_id = self._prediction_id(seat_index)
            return self._write("prediction", lambda: self.store.record_prediction(
                self.id, principle, seat.group, about, score, prediction_id=prediction_id, mode="roster"))

        def write() -> None:
            if seat_index not in self._seat_ids:
                self._seat_ids[seat_index] = self.store.add_participant(
                    self.id, seat.group, name=self.seat_labels()[seat_index], mode="roster")
            self.store.record_prediction(self.id, principle, seat.group, about, score,
                                         participant=self._seat_ids[seat_index], mode="roster")

        return self._write("prediction", write)

    def _check_room_predictions(self, principle_id: str, group: str, participant_id: str | None,
                                store: Store | None = None, words: str = "") -> None:
        """BallotError when a new prediction (not a change of one already in) would give the side more
        predictions on the principle than its people in the room, as room_full does for ballots."""
        size = self.room_sizes().get(group)
        if size is None:
            return
        db = store or self.store
        if participant_id and db.current_prediction(self.id, principle_id, participant_id) != "":
            return
        n = db.prediction_counts(self.id, principle_id).get(group, 0)
        if n >= size:
            raise BallotError(f"{self.plan.group(group).name} already has {plural(n, 'prediction')} on this "
                              f"principle, as many as {plural(size, 'person', 'people')} in the room{words}")

    # --- phones (web/voting.py) --------------------------------------------------------------

    def record_phone_prediction(self, principle_id: str, group: str, score: int | None, prediction_id: str,
                                store: Store | None = None, open_now: str | None = None) -> None:
        """A phone's prediction, within the caller's transaction, under record_phone_ballot's rules."""
        if not (principle_id == open_now if store is not None else self.open_to_phones(principle_id)):
            from .phone_writes import NOT_OPEN

            raise BallotError(NOT_OPEN)
        from .running import PHONE_HINT

        about = self._about(group)
        self._check_room_predictions(principle_id, group, prediction_id, store, PHONE_HINT)
        (store or self.store).record_prediction(self.id, principle_id, group, about, score,
                                                prediction_id=prediction_id, mode="phones")

    def phone_prediction(self, principle_id: str, prediction_id: str) -> int | None | str:
        """A phone's own prediction: a score, None for don't know, "" for none yet."""
        return self.store.current_prediction(self.id, principle_id, prediction_id)
