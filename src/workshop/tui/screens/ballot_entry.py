"""Ballots from the keyboard on the vote screen: card counts from the grid, roster scores, the demo's
simulated room. Every ballot is committed before the screen counts it."""

from __future__ import annotations

from ...model import Plan
from ...store import BallotError
from ...wording import plural
from ..widgets.roster_table import RosterTable
from .prediction_entry import PREDICTION, RATING


def over_room_words(plan: Plan, group: str, score: int | None, count: int, over: tuple[int, int],
                    what: str = "ballots") -> str:
    """'12 cards at score 4 would make 14 ballots from Council, but 12 are in the room'."""
    point = "don't know" if score is None else f"score {score}"
    return (f"{plural(count, 'card')} at {point} would make {over[0]} {what} from {plan.group(group).name}, "
            f"but {over[1]} are in the room")


class BallotEntry:
    """Part of VoteScreen (live, entry, question, private, digit_scores, simulator, refresh_entry)."""

    def store_cards(self, group: str, score: int | None, count: int) -> bool:
        """The grid's count for a cell: committed first, then counted on screen."""
        live = self.live
        return self.store_count(group, score, count, live.over_room(group, score, count), live.set_cards, "ballots")

    def store_count(self, group: str, score: int | None, count: int, over: tuple[int, int] | None,
                    write, what: str) -> bool:
        """A card count stored with write(group, score, count, principle_id=...).

        A count that would give a group more ballots (or predictions) than it has people in the
        room asks first; the answer stores it on the principle it was typed for, even if the
        screen has moved on.
        """
        live, principle = self.live, self.live.principle.id
        if over is None:
            stored = self.refused_write(lambda: write(group, score, count))
            self.refresh_entry()
            return stored

        def answered(yes: bool | None) -> None:
            # Asked and answered while the room moved on (a reveal from the remote, say): the
            # principle may have closed meanwhile, and then the count is refused, not stored.
            if yes:
                self.refused_write(lambda: write(group, score, count, principle_id=principle))
            self.refresh_entry()

        from .dialogs import ConfirmScreen

        self.app.push_screen(ConfirmScreen(
            f"{over_room_words(live.plan, group, score, count, over, what)}. Store {count}?", yes=f"store {count}",
            no="keep what was there"),
            callback=answered)
        return False

    def refused_write(self, write) -> bool:
        """Run a ballot write; a refusal (the principle closed, say) is said, never a crash."""
        try:
            write()
        except BallotError as exc:
            self.notify(f"Not stored: {exc}", severity="warning")
            return False
        return True

    def action_score(self, value: int | str) -> None:
        if self.entry != "roster" or self.live.revealed or not self.roster().display:
            return
        if value == "dk":
            if self.live.plan.scale.dont_know:
                self.vote(None)
        elif not self.digit_scores:
            self.ask_score()
        elif self.live.plan.scale.accepts(value):
            self.vote(value)
        else:
            self.notify(f"{value} is not on the scale ({self.live.plan.scale.describe()})", severity="warning")

    def ask_score(self) -> None:
        def chosen(score: int | None | str) -> None:
            if score != "cancel":
                self.vote(score)

        from .dialogs import ScoreScreen

        self.app.push_screen(ScoreScreen(self.live.plan.scale, masked=self.private), callback=chosen)

    def vote(self, score: int | None) -> None:
        roster = self.query_one(RosterTable)
        index = roster.seat_index
        if index is None:
            return
        label = self.live.seat_labels()[index]
        if self.question == PREDICTION:
            if self.enter_prediction(index, label, score):
                self.question = RATING  # this seat is done: the next one starts with its rating
                self.next_seat(index)
            return
        try:
            stored = self.live.vote(index, score)  # committed before anything on screen changes
        except BallotError as exc:  # the group's ballots already fill the room: nothing stored
            self.notify(f"Not stored: {label}: {exc}", severity="warning", timeout=8)
            return
        if stored:
            self.notify(f"✓ {label}: recorded", timeout=2)  # never the score: scores wait for the reveal
        else:
            self.notify(f"{label}: kept, and stored as soon as the database is free", timeout=4)
        if self.live.predicts_about(self.live.plan.roster[index].group) is not None:
            # The perception round: the same seat answers its second question before the next seat.
            self.question = PREDICTION
            self.refresh_entry()
            return
        self.next_seat(index)

    def next_seat(self, index: int) -> None:
        """The roster cursor to the next seat still to vote after index (or the first one)."""
        roster = self.query_one(RosterTable)
        seats = self.live.seats()
        roster.show_seats(seats, self.live.predicted_seats())
        waiting = [s.index for s in seats if not s.voted]
        after = [i for i in waiting if i > index] or waiting
        if after:
            roster.move_cursor(row=after[0])
        self.refresh_entry()

    def simulate_step(self) -> None:
        if self.simulator and self.simulator.step():
            self.refresh_entry()
