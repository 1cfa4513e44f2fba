"""The vote screen: one principle at a time, ballots in, then the reveal."""

from __future__ import annotations

import time

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import ProgressBar, Static

from ...session.running import LiveSession
from ...session.simulator import Simulator
from ...wording import plural, time_left_words
from ..keys import ExplainsKeys, KeyFamily
from ..messages import BallotsCounted, JoinChanged
from .ballot_entry import BallotEntry
from .prediction_entry import RATING, PredictionEntry
from .vote_comments import COMMENT_KEYS, CommentKeys
from .vote_dialogs import VoteDialogs
from .vote_priorities import PRIORITY_KEYS, PriorityKeys
from .styled import StyledOnce
from ..widgets.big_counts import BigCounts
from ..widgets.cards_grid import CardsGrid
from ..widgets.join_panel import JoinPanel
from ..widgets.keybar import KeyBar
from ..widgets.principle_card import PrincipleCard
from ..widgets.results_panel import ResultsPanel
from ..widgets.roster_table import RosterTable
from ...session.room import RESUMED_NOTE
from ..widgets.scale_line import ScaleLine
from ..widgets.steady_text import update_text


WARNING_SECONDS = 8  # how long "n again to move on" holds
ROSTER_SCORES = KeyFamily("Roster: the selected participant votes that score", keys="1 … 9")
ROSTER_DONT_KNOW = KeyFamily("Roster: the selected participant doesn't know", keys="d")


class VoteScreen(StyledOnce, VoteDialogs, CommentKeys, PriorityKeys, BallotEntry, PredictionEntry, ExplainsKeys, Screen):
    """Voting on the principle at live.position; `r` reveals it, `u` reopens it.

    from_gap: opened from the gap view of a finished or reviewed session, which `g` goes back to.
    """

    BINDINGS = [
        # Only n, p and j change principle: arrows move within the card grid or the roster.
        Binding("n", "next", "Next", id="vote.next"),
        Binding("p", "previous", "Prev", id="vote.previous"),
        Binding("r", "reveal", "Reveal", id="vote.reveal"),
        # The perception round's second question: next to the reveal, so a narrow key bar keeps it.
        Binding("w", "other_side", "Other side", id="vote.other-side"),
        Binding("u", "reopen", "Reopen", id="vote.reopen"),
        # Keys that open a dialog are priority bindings: they act as they are pressed, so what is
        # typed straight after them in one burst goes to the dialog (see dialogs.TypeAhead).
        Binding("a", "note", "Note", priority=True, id="vote.note"),
        Binding("g", "gap", "Gap view", id="vote.gap"),
        *PRIORITY_KEYS,  # only where the plan has the priorities round: after the gap view, on the key bar
        Binding("v", "switch_entry", "Cards/roster", id="vote.switch-entry"),
        Binding("q", "qr", "QR code", id="vote.qr"),
        # Less used: on the key bar when there is room (it keeps the order above), always in help.
        Binding("c", "room", "Room size", priority=True, id="vote.room"),
        Binding("b", "pair", "Compare pair", id="vote.pair"),
        Binding("s", "source", "Source", id="vote.source"),
        Binding("j", "jump", "Jump to number", id="vote.jump"),
        Binding("m", "private", "Private entry", id="vote.private"),
        Binding("e", "export", "Export", id="vote.export"),
        Binding("i", "app.next_address", "Next address", id="vote.next-address"),
        Binding("k", "app.new_code", "New join code", id="vote.new-code"),
        Binding("l", "app.remotes", "Remotes", id="vote.remotes"),
        *COMMENT_KEYS,  # only where the plan takes comments
        Binding("escape", "back", "Back", id="vote.back"),
        # Roster score keys; bindings (not key events) so fast typing stays in order. Not commands
        # (no id): the help explains them as one family.
        *[Binding(str(d), f"score({d})", f"Score {d}", show=False, group=ROSTER_SCORES) for d in range(10)],
        Binding("d", "score('dk')", "Don't know", show=False, group=ROSTER_DONT_KNOW),
    ]

    def __init__(self, live: LiveSession, *, simulate: bool = False, from_gap: bool = False):
        super().__init__()
        self.live = live
        self.from_gap = from_gap
        self.modes = [m for m in live.plan.modes if m in ("cards", "roster")] or ["cards"]
        if "roster" in self.modes and not live.plan.roster:
            self.modes.remove("roster")
        self.entry = self.modes[0] if self.modes else "cards"
        # The first focus goes where the keys will (refresh_entry), not to the scrolling body first:
        # each move of the focus restyles the widget it leaves, and the body holds the whole screen.
        self.AUTO_FOCUS = "#body" if live.revealed else "#cards" if self.entry == "cards" else "#roster"
        self.private = False
        self.question = RATING  # what the keys enter: the rating, or (perception round) the prediction
        # Where and when n was pressed once before the reveal: a second n moves on only soon after,
        # on the same principle with the same ballots in.
        self.warned_next: tuple[int, int, float] | None = None
        self.simulator = Simulator(live) if simulate else None
        self.digit_scores = live.plan.scale.min >= 0 and live.plan.scale.max <= 9

    def compose(self) -> ComposeResult:
        with Vertical(id="top"):
            yield Static(id="topline")
            yield ProgressBar(total=self.live.total, show_eta=False, show_percentage=False, id="progress")
            yield JoinPanel("", "", "", id="join")
        with VerticalScroll(id="body"):
            yield PrincipleCard(self.live.plan, self.live.principle, id="card")
            yield Static(id="comment-shown")
            yield ScaleLine(self.live.plan.scale, id="scale-line")
            yield Static(id="counts")
            yield BigCounts(self.live.groups, id="big-counts")
            yield CardsGrid(self.live.groups, self.live.plan.scale, self.store_cards, id="cards")
            yield from self.compose_predictions()
            if "roster" in self.modes:  # a plan that counts only cards never shows a roster
                yield RosterTable(self.live.plan, id="roster")
            if self.live.revealed:
                yield ResultsPanel(self.live.plan, id="results")
        yield KeyBar()

    def on_mount(self) -> None:
        self.live.start()
        self.show_principle()
        self.call_after_refresh(self.prepare_results)
        self.refresh_join()
        self.set_interval(1, self.update_topline)
        self.set_interval(0.5, self.retry_pending)
        if self.simulator:
            self.set_interval(0.3, self.simulate_step)

    # --- drawing ---------------------------------------------------------------------------

    def show_principle(self, entered: bool = True) -> None:
        """Draw the principle on screen; entered: it was just moved to (not revealed or reopened)."""
        live = self.live
        self.query_one(PrincipleCard).show_principle(live.principle)
        self.query_one(ProgressBar).update(progress=live.position + 1)
        self.update_topline()
        if entered:
            self.warned_next = None
            self.question = RATING
            for grid in self.query(CardsGrid):
                grid.home()
        self.refresh_entry()
        if entered:
            self.first_waiting_seat()
        self.show_results()
        self.show_comment()
        self.refresh_bindings()

    def retry_pending(self) -> None:
        """Writes that found another program holding the database: tried again, off the keys' path."""
        if self.live.pending and self.live.retry_pending():
            self.show_principle(entered=False)

    def first_waiting_seat(self) -> None:
        """On a new principle the roster cursor starts on the first seat that has not voted on it."""
        roster = self.roster()
        if roster is not None and roster.display:
            waiting = [s.index for s in self.live.seats() if not s.voted]
            roster.move_cursor(row=waiting[0] if waiting else 0)

    def update_topline(self) -> None:
        # What matters in the room first; the title last, where a narrow screen cuts it.
        live = self.live
        state = "REVIEW" if live.readonly else "REVEALED" if live.revealed else "VOTING OPEN"
        text = Text(f"{live.position + 1} of {live.total}", style="bold")
        text.append("   ")
        text.append(f" {state} ", style="bold reverse")
        left = live.time_left() if not live.revealed else None
        if left is not None:
            text.append("   ⏱ ")
            text.append(time_left_words(left), style="bold" if left >= 0 else "bold reverse")
        text.append(f"   {live.plan.title}")
        text.no_wrap, text.overflow = True, "ellipsis"
        update_text(self.query_one("#topline", Static), text)  # the clock, each second: in place

    def refresh_entry(self) -> None:
        live = self.live
        counts, sizes = live.counts(), live.room_sizes()
        text = Text("Ballots in: ", style="bold")
        text.append("   ".join(f"{g.name} {counts[g.id]}" + (f" of {sizes[g.id]}" if sizes[g.id] is not None else "")
                               for g in live.groups))
        if not live.revealed:
            text.append("   ·   scores stay hidden until you reveal (r)", style="dim")
        if self.private:
            text.append("   ·   PRIVATE ENTRY", style="bold reverse")
        waiting = live.waiting()
        if waiting:
            # Counted above only once committed: what is typed is kept and retried, never lost.
            text.append(f"\n{waiting}: {live.hold_up}; retrying", style="bold reverse")
        noted = self.noted()
        if noted:
            text.append(f"\n{noted} on this principle (a)", style="bold")
        if live.resumed and self.entry == "roster" and not live.revealed:
            text.append(f"\n{RESUMED_NOTE}", style="bold")
        self.comments_line(text)
        update_text(self.query_one("#counts", Static), text)  # in place, unless its height may change
        self.query_one(BigCounts).show(counts, sizes)
        grid, roster = self.query_one("#cards", CardsGrid), self.roster()
        grid.display = self.entry == "cards" and not live.revealed
        if roster is not None:
            roster.display = self.entry == "roster" and not live.revealed
        if grid.display:
            grid.set_counts(live.card_counts(), private=self.private)
            grid.focus()
        if roster is not None and roster.display:
            roster.show_seats(live.seats(), live.predicted_seats())
            roster.focus()
        self.refresh_predictions()

    def noted(self) -> str:
        """'2 actions · 1 note' for the principle on screen, or ''."""
        notes, actions = len(self.live.notes()), len(self.live.actions())
        return " · ".join(plural(n, word) for n, word in ((actions, "action"), (notes, "note")) if n)

    def roster(self) -> RosterTable | None:
        """The roster, where the plan enters ballots by seat (only then is it composed)."""
        return self.query(RosterTable).first() if "roster" in self.modes else None

    def results(self) -> ResultsPanel:
        """The results panel. Composed with the screen when it opens on a revealed principle; else
        mounted, hidden, at the end of the body just after the first frame (or at a reveal that
        comes sooner), so the first frame does not wait for what it does not show."""
        found = self.query(ResultsPanel)
        if found:
            return found.first()
        panel = ResultsPanel(self.live.plan, id="results")
        panel.display = False
        self.query_one("#body", VerticalScroll).mount(panel)
        return panel

    def prepare_results(self) -> None:
        """Just after the first frame: the results panel, hidden, ready for the reveal (unless the
        screen is already going)."""
        body = self.query("#body")
        if body and body.first().is_attached and not self._closing:
            self.results()

    def show_results(self) -> None:
        panel = self.results() if self.live.revealed or self.query(ResultsPanel) else None
        if panel is not None:
            panel.display = self.live.revealed
        # Once revealed the bars carry the scale's words and the counts, so the scale line and the big
        # counts go: hidden inline, and handed back to the stylesheet (which hides the big counts on a
        # short screen) on reopening. No class changes, so no node on the screen is restyled.
        for hidden in (self.query_one(ScaleLine), self.query_one(BigCounts)):
            hidden.styles.display = "none" if self.live.revealed else None
        if panel is not None and self.live.revealed:
            panel.show(self.live.result(), self.live.notes(), self.live.actions(),
                       choose_pair=len(self.live.groups) > 2)
            self.call_after_refresh(panel.scroll_visible, animate=False)

    def on_join_changed(self, _: JoinChanged) -> None:
        self.refresh_join()

    def on_ballots_counted(self, _: BallotsCounted) -> None:
        self.refresh_entry()

    def explained_keys(self) -> list[Binding]:
        """Before the reveal, the keys of each way of entering ballots the plan uses."""
        if self.live.revealed:
            return []
        keys: list[Binding] = []
        if "roster" in self.modes:
            keys += [b for b in self.BINDINGS if isinstance(b.group, KeyFamily)] + RosterTable.BINDINGS
        if "cards" in self.modes:
            keys += CardsGrid.BINDINGS
        return keys

    def refresh_join(self) -> None:
        panel = self.query_one(JoinPanel)
        details = self.app.join_details() if not self.live.readonly else None
        panel.display = details is not None
        if details:
            panel.show_join(*details)
        self.refresh_bindings()

    # --- actions ---------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        revealed = self.live.revealed
        if self.live.readonly and action in ("reveal", "reopen", "switch_entry", "private", "note"):
            return False
        if action == "qr":
            return self.app.phone_server is not None and not self.live.readonly
        if action == "reveal":
            return not revealed
        if action == "reopen":
            return revealed
        if action == "other_side":
            return self.live.plan.perception and not revealed and not self.live.readonly
        if action == "switch_entry":
            return len(self.modes) > 1 and not revealed
        if action == "pair":
            return len(self.live.groups) > 2 and revealed
        if action == "room":
            return not self.live.readonly
        if action == "private":
            return not revealed
        return self.comment_action(action) and self.priority_action(action)

    def settled(self) -> bool:
        """Store a count still being typed before anything else happens; False while it asks first."""
        return all(not grid.display or grid.commit() for grid in self.query(CardsGrid))

    def action_next(self) -> None:
        if not self.settled():
            return
        live = self.live
        if not live.readonly and not live.revealed:
            ballots = sum(live.counts().values())
            warned = self.warned_next
            again = warned is not None and warned[:2] == (live.position, ballots) \
                and time.monotonic() - warned[2] < WARNING_SECONDS
            if ballots and not again:
                self.warned_next = (live.position, ballots, time.monotonic())
                self.notify("Not revealed yet: r to reveal, n again to move on", timeout=WARNING_SECONDS)
                return
        if self.live.is_last:
            self.after_last()
            return
        self.live.go(self.live.position + 1)
        self.show_principle()

    def action_previous(self) -> None:
        if self.settled() and self.live.position > 0:
            self.live.go(self.live.position - 1)
            self.show_principle()

    def go_to(self, position: int) -> None:
        self.live.go(position)
        self.show_principle()

    def action_reveal(self) -> None:
        if self.settled():
            self.live.reveal()
            self.show_principle(entered=False)

    def action_pair(self) -> None:
        self.live.next_pair()
        self.show_results()

    def action_reopen(self) -> None:
        self.live.reopen()
        self.show_principle(entered=False)

    def action_source(self) -> None:
        card = self.query_one(PrincipleCard)
        card.show_source = not card.show_source

    def action_switch_entry(self) -> None:
        if not self.settled():
            return
        self.entry = self.modes[(self.modes.index(self.entry) + 1) % len(self.modes)]
        self.refresh_entry()

    def action_private(self) -> None:
        self.private = not self.private
        self.refresh_entry()
        self.notify("Private entry: what is typed is masked" if self.private else "Private entry off")

    @on(RosterTable.RowSelected)
    def roster_enter(self) -> None:
        if not self.digit_scores and not self.live.revealed:
            self.ask_score()
