"""The priorities round: each participant's dots on the principles to act on first, typed in.

Cards (a wall of dots): one row per principle, one column per group, the dots each group stuck
there. Roster: one column per seat. Phones place their own dots on their page; the screen counts
them as they are committed (how many, never where). The dots are committed before the screen
counts them, and masked until the ranking is shown (r).
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Static

from ...session.running import LiveSession
from ...session.room import RESUMED_NOTE
from ...store import BallotError
from ...wording import plural
from ..keys import ExplainsKeys
from ..messages import BallotsCounted
from ..widgets.dots_grid import DotsGrid
from ..widgets.keybar import KeyBar
from .dialogs import ConfirmScreen, ask_room_sizes


def open_priorities(app, live: LiveSession, *, finish: bool = False) -> None:
    """The round, or its ranking once shown (and always when reviewing a session)."""
    from .ranking import RankingScreen

    if live.readonly or live.priorities_state() == "closed":
        app.push_screen(RankingScreen(live, finish=finish))
    else:
        app.push_screen(PrioritiesScreen(live, finish=finish))


class PrioritiesScreen(ExplainsKeys, Screen):
    """The round's grid; r closes the round and shows the ranking in its place."""

    BINDINGS = [
        Binding("r", "ranking", "Show ranking", id="priorities.ranking"),
        Binding("v", "switch_entry", "Cards/roster", id="priorities.switch-entry"),
        Binding("c", "room", "Room size", priority=True, id="priorities.room"),
        Binding("m", "private", "Private entry", id="priorities.private"),
        Binding("escape", "back", "Back", id="priorities.back"),
    ]
    AUTO_FOCUS = "DotsGrid"

    def __init__(self, live: LiveSession, *, finish: bool = False):
        super().__init__()
        self.live = live
        self.finish = finish  # the last principle is done: showing the ranking finishes the session
        self.modes = [m for m in live.plan.modes if m in ("cards", "roster")] or ["cards"]
        if "roster" in self.modes and not live.plan.roster:
            self.modes.remove("roster")
        self.entry = self.modes[0] if self.modes else "cards"
        self.private = False

    def compose(self) -> ComposeResult:
        live = self.live
        with Vertical(id="priorities-body"):
            yield Static(id="priorities-title")
            yield Static(id="priorities-counts")
            yield DotsGrid(live.principles, [(g.id, g.name) for g in live.groups], self.store_wall, id="dots-cards")
            if "roster" in self.modes:
                yield DotsGrid(live.principles, list(enumerate(live.seat_labels())), self.store_seat,
                               id="dots-roster")
        yield KeyBar()

    def on_mount(self) -> None:
        if not self.live.priorities_open:
            self.live.open_priorities()
        self.set_interval(0.5, self.retry_pending)
        self.refresh_entry()

    def retry_pending(self) -> None:
        if self.live.pending and self.live.retry_pending():
            self.refresh_entry()

    def explained_keys(self) -> list[Binding]:
        return DotsGrid.BINDINGS

    # --- drawing ---------------------------------------------------------------------------

    def refresh_entry(self) -> None:
        live = self.live
        title = Text.assemble((" PRIORITIES ", "bold reverse"), (f"  {live.plan.title}", "bold"))
        title.append(f"\nEach participant places {plural(live.dots_allowance, 'dot')} on the principles to act on "
                     f"first; type the dots {'each group put on each principle' if self.entry == 'cards' else 'each seat put on each principle'}.")
        self.query_one("#priorities-title", Static).update(title)
        self.show_counts()
        for grid in self.query(DotsGrid):
            mine = grid.id == f"dots-{self.entry}"
            grid.display = mine
            if mine:
                grid.set_counts(self.counts(), private=self.private)
                grid.focus()

    def show_counts(self) -> None:
        """How far the room has got (never where the dots went) and, by roster, the seat's dots left."""
        live = self.live
        placed, sizes = live.dots_placed(), live.room_sizes()
        text = Text("Dots placed: ", style="bold")
        text.append("   ".join(f"{g.name} {placed[g.id]}" + (f" of {sizes[g.id] * live.dots_allowance}"
                                                              if sizes[g.id] is not None else "") for g in live.groups))
        text.append("   ·   where they went stays hidden until the ranking (r)", style="dim")
        if "phones" in live.plan.modes or live.phones_dotted():
            text.append(f"\nPhones with dots placed: {live.phones_dotted()} of {live.phones_joined()} joined"
                        "   ·   each phone places its own dots on its page")
        if self.entry == "roster":
            done = live.dotted_seats()
            since = " since resuming" if live.resumed else ""
            text.append(f"\nSeats with dots{since}: {len(done)} of {len(live.plan.roster)}")
            seat = self.cursor_seat()
            if seat is not None:
                left = live.dots_left(live.seat_dots(seat))
                text.append(f"   ·   {live.seat_labels()[seat]}: {plural(left, 'dot')} left", style="bold")
        if self.entry == "roster" and live.resumed:
            text.append(f"\n{RESUMED_NOTE}", style="bold")
        if self.private:
            text.append("   ·   PRIVATE ENTRY", style="bold reverse")
        waiting = live.waiting()
        if waiting:
            text.append(f"\n{waiting}: {live.hold_up}; retrying", style="bold reverse")
        self.query_one("#priorities-counts", Static).update(text)

    def on_ballots_counted(self, _: BallotsCounted) -> None:
        """Phones' dots are committed: how far the room has got moves (where they went stays hidden)."""
        self.show_counts()

    def cursor_seat(self) -> int | None:
        """The roster seat whose column the cursor is in."""
        return self.query_one("#dots-roster", DotsGrid).place

    @on(DataTable.CellHighlighted, "#dots-roster")
    def seat_moved(self) -> None:
        self.show_counts()

    def counts(self) -> dict[tuple[str, str | int], int]:
        live = self.live
        if self.entry == "cards":
            return dict(live.wall_dots())
        return {(principle, seat): n for seat in range(len(live.plan.roster))
                for principle, n in live.seat_dots(seat).items()}

    # --- storing ---------------------------------------------------------------------------

    def store_wall(self, principle_id: str, group: str, count: int) -> bool:
        """A group's dots on a principle; more than its people in the room can have asks first."""
        live = self.live
        over = live.over_wall(principle_id, group, count)
        if over is None:
            live.set_wall_dots(principle_id, group, count)
            self.refresh_entry()
            return True

        def answered(yes: bool | None) -> None:
            if yes:
                live.set_wall_dots(principle_id, group, count)
            self.refresh_entry()

        name = live.plan.group(group).name
        self.app.push_screen(ConfirmScreen(
            f"{plural(count, 'dot')} would make {over[0]} dots from {name}, but its people in the room have "
            f"{over[1]} ({live.dots_allowance} each). Store {count}?", yes=f"store {count}", no="keep what was there"),
            callback=answered)
        return False

    def store_seat(self, principle_id: str, seat: int, count: int) -> bool:
        """A seat's dots on a principle, never past its allowance."""
        live = self.live
        try:
            live.set_seat_dots(seat, principle_id, count)
        except BallotError as exc:
            self.notify(f"{live.seat_labels()[seat]}: {exc}; "
                        f"{plural(live.dots_left(live.seat_dots(seat)), 'dot')} left", severity="warning")
            return False
        self.refresh_entry()
        return True

    # --- actions ---------------------------------------------------------------------------

    def settled(self) -> bool:
        return all(not grid.display or grid.commit() for grid in self.query(DotsGrid))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "switch_entry":
            return len(self.modes) > 1
        return True

    def action_ranking(self) -> None:
        from .ranking import RankingScreen

        if self.settled():
            self.live.close_priorities()
            if self.finish and not self.live.readonly:
                self.live.finish()
            self.app.switch_screen(RankingScreen(self.live))

    def action_switch_entry(self) -> None:
        if self.settled():
            self.entry = self.modes[(self.modes.index(self.entry) + 1) % len(self.modes)]
            self.refresh_entry()

    def action_room(self) -> None:
        if self.settled():
            ask_room_sizes(self, self.live, self.refresh_entry)

    def action_private(self) -> None:
        self.private = not self.private
        self.refresh_entry()

    def action_back(self) -> None:
        if self.settled():
            self.app.pop_screen()
