"""The facilitator's remotes on the laptop: the question before a device is paired, and the list to unpair."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.events import Key
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static


ARM_SECONDS = 1.0  # y pairs only once the question has been on screen this long


class PairScreen(ModalScreen[bool]):
    """"Pair this device? (code)": only y pairs. Enter does not, and neither does a y typed in the
    first second, so a key meant for a note or a count behind never pairs a device by chance."""

    BINDINGS = [
        Binding("y", "answer(True)", "Pair", priority=True, id="pair.yes"),
        Binding("n,escape", "answer(False)", "Do not pair", priority=True, id="pair.no"),
    ]

    def __init__(self, code: str):
        super().__init__()
        self.code = code
        self.armed = False
        """Whether y pairs yet: not until the question has been seen."""

    def on_mount(self) -> None:
        self.set_timer(ARM_SECONDS, self._arm)

    def _arm(self) -> None:
        self.armed = True

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="pair-dialog"):
            yield Static(f"Pair this device? ({self.code})", classes="dialog-title")
            yield Static("A device asks to be the facilitator's remote: it drives the session (moves, "
                         "jumps, reveals, opens the gap view), counts cards, approves comments, adds notes "
                         "and actions, and sees the ballots and your notes before the room does. Pair it "
                         "only if your own device shows this code.", classes="dialog-help")
            yield Label("y: pair    n or Escape: do not pair", classes="dialog-keys")

    def action_answer(self, answer: bool) -> None:
        if answer and not self.armed:
            self.app.bell()  # typed before the question could be read: ask again
            return
        self.dismiss(answer)


class RemotesScreen(ModalScreen[None]):
    """The paired remotes; a remote's number unpairs it at once and closes the list, so the keys typed
    next go to the screen the facilitator sees again. Any other digit rings the bell: it is never a
    score typed into a grid hidden behind the list."""

    BINDINGS = [
        Binding("1", "unpair(1)", "Unpair remote 1", priority=True, id="remotes.unpair-1"),
        Binding("2", "unpair(2)", "Unpair remote 2", priority=True, id="remotes.unpair-2"),
        Binding("escape,l", "close", "Close", id="remotes.close"),
    ]

    def __init__(self, paired: Callable[[], list], unpair: Callable[[int], bool], address: str):
        super().__init__()
        self.paired, self.unpair, self.address = paired, unpair, address

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="remotes-dialog"):
            yield Static("Remotes", classes="dialog-title")
            yield Static(id="remotes-list")
            yield Static("", id="remotes-keys", classes="dialog-keys")  # wraps: with two remotes it is long

    def on_mount(self) -> None:
        self.show()

    def show(self) -> None:
        paired = self.paired()
        if paired:
            lines = [f"{r.name}: paired at {r.paired_at} with code {r.code}" for r in paired]
            keys = "   ".join(f"{r.number}: unpair {r.name}" for r in paired) + "    Escape: close"
        else:
            lines = ["No remote is paired.",
                     f"To pair your own phone or tablet, open {self.address}/remote on it."]
            keys = "Escape: close"
        self.query_one("#remotes-list", Static).update("\n".join(lines))
        self.query_one("#remotes-keys", Static).update(keys)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "unpair":
            return any(r.number == parameters[0] for r in self.paired())
        return True

    def action_unpair(self, number: int) -> None:
        if self.unpair(number):
            self.notify(f"Remote {number} is unpaired: it can do nothing more")
            self.dismiss(None)
            return
        self.show()

    def on_key(self, event: Key) -> None:
        if event.character is not None and event.character.isdigit():
            event.stop()  # no such remote: say so; the digit goes nowhere else
            self.app.bell()
            self.notify(f"No remote {event.character} is paired", severity="warning")

    def action_close(self) -> None:
        self.dismiss(None)
