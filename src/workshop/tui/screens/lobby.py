"""The lobby: what this workshop is, shown while people arrive; Enter begins."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Static

from ...session.running import LiveSession
from ...wording import duration, fact_answer, owner_due, plural
from ..messages import JoinChanged
from ..widgets.join_panel import JoinPanel
from ..widgets.keybar import KeyBar
from .styled import StyledOnce

# Rows the lobby takes besides the join panel: its padding, the title, the place and "Press Enter",
# the panel's margin, and the key bar.
AROUND_JOIN = 10

MODE_WORDS = {"cards": "coloured cards, counted by the facilitator", "roster": "names on screen",
              "phones": "your own phone"}


class LobbyScreen(StyledOnce, Screen):
    BINDINGS = [
        # Enter is not priority: keys typed before it in a burst go first.
        Binding("enter", "begin", "Begin", id="lobby.begin"),
        # c acts as pressed: a burst typed after it goes to its dialog.
        Binding("c", "room", "Room size", priority=True, id="lobby.room"),
        Binding("q", "qr", "QR code", id="lobby.qr"),
        Binding("d", "mark('done')", "Action done", id="lobby.done"),
        Binding("w", "mark('in progress')", "In progress", id="lobby.in-progress"),
        Binding("x", "mark('dropped')", "Dropped", id="lobby.dropped"),
        Binding("i", "app.next_address", "Next address", id="lobby.next-address"),
        Binding("k", "app.new_code", "New join code", id="lobby.new-code"),
        Binding("l", "app.remotes", "Remotes", id="lobby.remotes"),
        Binding("escape", "back", "Home", id="lobby.back"),
    ]

    def __init__(self, live: LiveSession, *, simulate: bool = False):
        super().__init__()
        self.live = live
        self.simulate = simulate
        self.followup: list = []  # (action, session) from earlier sessions of the locality

    def compose(self) -> ComposeResult:
        plan = self.live.plan
        with VerticalScroll(id="lobby-body"):
            yield Static(Text(plan.title, style="bold"), id="lobby-title")
            day = f"{plan.date:%A} {plan.date.day} {plan.date:%B %Y}"  # no %-d: it is not portable
            where = " · ".join(x for x in (day, plan.place, plan.locality) if x)
            yield Static(where, id="lobby-where")
            yield Static(Text("Press Enter to begin", style="bold"), id="lobby-begin")
            # Side by side on a wide screen, so the follow-up never scrolls away under the QR code;
            # on a narrow one the QR code comes first, where the room can scan it.
            with Horizontal(id="lobby-columns"):
                yield JoinPanel("", "", "", big=True, id="lobby-join")
                with Vertical(id="lobby-left"):
                    yield Static(id="lobby-facts")
                    yield Static(id="followup-title")
                    yield DataTable(cursor_type="row", zebra_stripes=True, id="followup")
        yield KeyBar()

    def facts(self) -> Table:
        plan = self.live.plan
        facts = Table.grid(padding=(0, 2))
        facts.add_column(style="bold", no_wrap=True)
        facts.add_column()
        facts.add_row("Groups", " · ".join(g.name for g in plan.groups))
        facts.add_row("Principles", f"{len(plan.principles)} to rate: how true is each in our area today?")
        scale = plan.scale
        labels = ", ".join(f"{k} {v}" for k, v in scale.labels.items())
        facts.add_row("Scale", f"{scale.min} to {scale.max}" + (f" ({labels})" if labels else "")
                      + (", or don't know" if scale.dont_know else ""))
        modes = list(plan.modes) + (["phones"] if self.app.phones and "phones" not in plan.modes else [])
        facts.add_row("Voting", "; ".join(MODE_WORDS[m] for m in modes))
        facts.add_row("Privacy", "Anonymous: no ballot is linked to a name" if plan.anonymous
                      else "Named: ballots are recorded with names")
        if plan.perception:
            first, second = (plan.group(g).name for g in plan.predictors)
            facts.add_row("Perception", f"after rating, {first} and {second} each predict how the other side "
                                        "rates it (w on the vote screen)")
        if plan.priorities:
            facts.add_row("Priorities", f"at the end, each participant places {plural(plan.dots, 'dot')} on the "
                                        "principles to act on first (x on the vote screen)")
        for i, fact in enumerate(plan.facts):
            # Recorded in the plan, never rated; one nobody has checked is a question for the room.
            line = Text(f"{fact.question} ")
            line.append(fact_answer(fact) + (": ask the room" if fact.answer is None else ""), style="bold")
            facts.add_row("The area" if i == 0 else "", line)
        if plan.time_box:
            facts.add_row("Time", f"about {duration(plan.time_box)} per principle")
        if plan.roster:
            counts = {g.id: sum(1 for s in plan.roster if s.group == g.id) for g in plan.groups}
            facts.add_row("Roster", " · ".join(f"{g.name} {counts[g.id]}" for g in plan.groups))
        sizes = self.live.room_sizes()
        if all(v is None for v in sizes.values()):
            room = Text("not counted yet: press c to enter how many of each group are here")
        else:
            room = Text(" · ".join(f"{g.name} {'?' if sizes[g.id] is None else sizes[g.id]}" for g in plan.groups))
            room.append("   (c to change)", style="dim")
        facts.add_row("In the room", room)
        return facts

    def show_room(self) -> None:
        self.query_one("#lobby-facts", Static).update(self.facts())

    def action_room(self) -> None:
        from .dialogs import ask_room_sizes

        ask_room_sizes(self, self.live, self.show_room)

    def on_mount(self) -> None:
        self.show_followup()
        self.show_room()
        self.refresh_join()

    def on_join_changed(self, _: JoinChanged) -> None:
        self.refresh_join()

    def refresh_join(self) -> None:
        if self.followup and not self.query_one(JoinPanel).display and self.app.join_details():
            self.show_followup()  # the QR code now takes the right: the table narrows
        panel = self.query_one(JoinPanel)
        details = self.app.join_details()
        panel.display = details is not None
        if details:
            panel.qr_room = self.app.size.height - AROUND_JOIN
            panel.show_join(*details)
            # Docked beside the facts, the panel adds nothing to the columns' height: without this
            # the QR code is cut at the bottom of the facts.
            self.query_one("#lobby-columns").styles.min_height = (
                panel.qr_room if self.app.size.width >= 100 and self.app.size.height >= 30 else None)
        self.refresh_bindings()

    def on_resize(self) -> None:
        self.refresh_join()

    def earlier_actions(self):
        plan = self.live.plan
        if not plan.locality:
            return []
        return [(a, s) for a, s in self.live.store.all_actions(locality=plan.locality)
                if s.id != self.live.id and s.date <= plan.date.isoformat()]

    def show_followup(self) -> None:
        self.followup = self.earlier_actions()
        table = self.query_one("#followup", DataTable)
        title = self.query_one("#followup-title", Static)
        table.display = bool(self.followup)
        open_count = sum(a.status in ("open", "in progress") for a, _ in self.followup)
        title.update(Text(f"Actions from earlier sessions in {self.live.plan.locality}: {open_count} still open. "
                          "Select one with the arrows; d done, w in progress, x dropped.", style="bold")
                     if self.followup else "")
        row = table.cursor_row
        # The action wraps in the width the QR code leaves; who, when and the date agreed go under it.
        left = self.app.size.width - 8 - (48 if self.app.size.width >= 100 and self.app.join_details() else 0)
        table.clear(columns=True)
        table.add_column("Action", width=max(20, left - 17), key="action")
        table.add_column("Status", width=11, key="status")
        for a, s in self.followup:
            what = Text(a.text)
            what.append("\n" + owner_due(a.owner, a.due, f"agreed {s.date}"), style="dim")
            if a.status_note:
                what.append(f"\n{a.status}: {a.status_note}", style="italic")
            table.add_row(what, Text(a.status, style="bold"), height=None)
        if self.followup:
            table.move_cursor(row=min(row, len(self.followup) - 1))

    def action_mark(self, status: str) -> None:
        from .dialogs import TextScreen

        if not self.followup:
            return
        action, _ = self.followup[self.query_one("#followup", DataTable).cursor_row]

        def noted(note: str | None) -> None:
            if note is not None:
                self.live.store.set_action_status(action.id, status, note)
                self.show_followup()
                self.refresh_bindings()

        self.app.push_screen(TextScreen(f"Mark '{action.text}' {status}: a note (optional), then Enter"),
                             callback=noted)

    def action_qr(self) -> None:
        from .qr import QRScreen

        if self.app.join_details():
            self.app.push_screen(QRScreen())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "qr":
            return self.app.phone_server is not None
        if action == "mark":
            return bool(self.followup)
        return True

    @on(DataTable.RowSelected)
    def action_begin(self) -> None:
        from .vote import VoteScreen

        self.app.switch_screen(VoteScreen(self.live, simulate=self.simulate))

    def action_back(self) -> None:
        # Leaving before anything happened: the plan was opened by mistake, keep no empty session.
        if self.live.store.discard_if_empty(self.live.id):
            self.notify("Not started: no session was kept")
        self.app.back()
