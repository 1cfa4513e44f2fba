"""The perception round from the keyboard on the vote screen: the second raise of cards ("how will the
other side rate this?") and each roster seat's second entry. Committed before anything counts them."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ...model import Group
from ...store import BallotError
from ..widgets.cards_grid import CardsGrid

RATING, PREDICTION = "rating", "prediction"


def predicting_groups(live) -> tuple[Group, ...]:
    """The prediction grid's rows: 'Council about VCS', 'VCS about Council'."""
    names = live.plan.group_names
    return tuple(Group(g, f"{names[g]} about {names[live.predicts_about(g)]}") for g in live.plan.predictors)


class PredictionEntry:
    """Part of VoteScreen (live, entry, question, private, refresh_entry): only with a perception round."""

    def compose_predictions(self):
        """The prompt and the second grid, under the first; nothing without a perception round."""
        if self.live.plan.perception:
            yield Static(id="predict-prompt")
            yield CardsGrid(predicting_groups(self.live), self.live.plan.scale, self.store_prediction_cards,
                            id="predict-cards")

    def store_prediction_cards(self, group: str, score: int | None, count: int) -> bool:
        live = self.live
        return self.store_count(group, score, count, live.over_room_predictions(group, score, count),
                                live.set_prediction_cards, "predictions")

    def refresh_predictions(self) -> None:
        """The prompt saying which question the keys answer, and the prediction grid's counts."""
        live = self.live
        if not live.plan.perception:
            return
        prompt, grid = self.query_one("#predict-prompt", Static), self.query_one("#predict-cards", CardsGrid)
        prompt.display = not live.revealed
        grid.display = self.entry == "cards" and not live.revealed
        counts = live.prediction_counts()
        text = Text("Predictions in: ", style="bold")
        text.append("   ".join(f"{live.plan.group(g).name} {n}" for g, n in counts.items()))
        text.append("\n")
        asking = self.question == PREDICTION
        text.append(" NOW " if asking else " NEXT ", style="bold reverse" if asking else "bold")
        if self.entry == "cards":
            text.append(" Second raise: how will the other side rate this?", style="bold")
            if asking:
                text.append("  Each side raises cards for how it expects the other to rate it", style="dim")
        else:
            text.append(f" {self.roster_question(asking)}", style="bold")
        text.append(f"   (w: {'back to the rating' if asking else 'enter predictions'})", style="dim")
        prompt.update(text)
        if grid.display:
            grid.set_counts(live.prediction_card_counts(), private=self.private)
            if asking:
                grid.focus()

    def roster_question(self, asking: bool) -> str:
        """The selected seat's second question: how the other side will rate this (asked now or next)."""
        seat = self.selected_seat()
        if seat is None:
            return "How will the other side rate this?"
        about = self.live.predicts_about(seat.group)
        if about is None:
            return f"{seat.label} is not asked how the other side will rate this: only the two compared sides are"
        other = self.live.plan.group(about).name
        if seat.voted and seat.index in self.live.predicted_seats() and not asking:
            return f"{seat.label} has rated this and said how {other} will rate it"
        return f"{seat.label}: how will {other} rate this?" if asking else \
            f"{seat.label}: their own rating, then how {other} will rate this"

    def selected_seat(self):
        from ..widgets.roster_table import RosterTable

        index = self.query_one(RosterTable).seat_index
        return None if index is None else self.live.seats()[index]

    def action_other_side(self) -> None:
        """w: the keys now enter predictions ('how will the other side rate this?'), or the rating again."""
        if not self.settled():
            return
        self.question = RATING if self.question == PREDICTION else PREDICTION
        self.refresh_entry()
        if self.question == RATING and self.entry == "cards":
            self.query_one("#cards", CardsGrid).focus()

    def enter_prediction(self, index: int, label: str, score: int | None) -> bool:
        """A roster seat's prediction; False when the seat's side makes none (it is not asked)."""
        if self.live.predicts_about(self.live.plan.roster[index].group) is None:
            self.notify(f"{label} is not asked: only the two compared sides predict", severity="warning")
            return False
        try:
            stored = self.live.predict(index, score)
        except BallotError as exc:  # the side's predictions already fill the room: nothing stored
            self.notify(f"Not stored: {label}: {exc}", severity="warning", timeout=8)
            return True
        if stored:
            self.notify(f"✓ {label}: prediction recorded", timeout=2)
        else:
            self.notify(f"{label}: kept, and stored as soon as the database is free", timeout=4)
        return True

    def on_data_table_row_highlighted(self, event) -> None:
        """Another roster seat selected: the prompt names it."""
        if self.live.plan.perception and event.data_table.id == "roster":
            self.refresh_predictions()
