"""The join QR code, full size, for phones to scan off the projector."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, VerticalScroll
from textual.screen import ModalScreen

from ..widgets.join_panel import JoinPanel


class QRScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q", "close", "Close", id="qr.close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog wide", id="qr-dialog"):
            with Center():
                yield JoinPanel(*self.app.join_details(), big=True, id="qr-join")

    def action_close(self) -> None:
        self.dismiss(None)
