"""Phones' writes in a running session, made in the phone server's writer thread and transaction.

Part of LiveSession. Each write is checked against what the transaction itself read of the open
principle (open_to_phones_in), so a ballot can never slip past a move the facilitator committed,
and against the room (room.py): a phone that has not voted yet is refused once its group has as
many ballots as it has people in the room.
"""

from __future__ import annotations

from ..store import BallotError, Store

NOT_OPEN = "voting on that principle is not open now"
PHONE_HINT = "; if you are one of them, tell the facilitator, who can count the room again"


class PhoneWritesMixin:
    """Uses LiveSession's id, store, plan, total, open_to_phones, room_limits and check_room."""

    def add_phone(self, group: str, participant_id: str, store: Store | None = None) -> None:
        """A phone joins, within the caller's transaction (the phone server commits many at once).

        store: the connection to write with (the phone server's writer thread has its own)."""
        (store or self.store).add_participant(self.id, group, mode="phones", participant_id=participant_id)

    def open_to_phones_in(self, store: Store) -> str | None:
        """The id of the principle open to phones as store has it committed, or None: read within a
        writer's transaction, it cannot change before that transaction commits."""
        position, state = store.position(self.id)  # one read: the position and its principle's state
        return self.plan.principles[position].id if state == "open" and 0 <= position < self.total else None

    def record_phone_ballot(self, principle_id: str, group: str, score: int | None, ballot_id: str,
                            store: Store | None = None, open_now: str | None = None) -> None:
        """A phone's ballot, within the caller's transaction; BallotError unless that principle is
        still the one open to phones (the facilitator may have moved on since the phone sent it).

        store: the connection to write with; open_now: then, what open_to_phones_in read from it in
        the same transaction. Without them, the app's own connection and the state in memory."""
        if not (principle_id == open_now if store is not None else self.open_to_phones(principle_id)):
            raise BallotError(NOT_OPEN)
        self.check_room(principle_id, group, ballot_id, store, PHONE_HINT)
        (store or self.store).record_ballot(self.id, principle_id, group, score, ballot_id=ballot_id, mode="phones")

    def record_phone_ballots(self, store: Store, open_now: str | None,
                             ballots: list[tuple[str, str, int | None, str]]) -> list[str | BallotError]:
        """Phones' ballots (principle, group, score, ballot id), in order, within the writer's
        transaction: per ballot its id, or the BallotError that kept it out (NOT_OPEN unless its
        principle is still open_now, what open_to_phones_in read in the same transaction).

        Those of groups whose room is not limited go in one statement; those of a group the room
        limits are written one at a time, each counting the ones before it. A phone's ballots are
        all of its own group, so each phone's stay in the order it sent them."""
        outcomes: list[str | BallotError | None] = [None] * len(ballots)
        together: list[int] = []
        for i, (principle_id, group, score, ballot_id) in enumerate(ballots):
            if principle_id != open_now:
                outcomes[i] = BallotError(NOT_OPEN)
            elif self.room_limits(group):
                try:
                    self.record_phone_ballot(principle_id, group, score, ballot_id, store, open_now)
                    outcomes[i] = ballot_id
                except BallotError as exc:
                    outcomes[i] = exc
            else:
                together.append(i)
        for i, outcome in zip(together, store.record_ballots(self.id, [ballots[i] for i in together]), strict=True):
            outcomes[i] = outcome
        return outcomes
