"""The key bar: the keys that work now, as one line of text.

Textual's Footer rebuilds a widget per key on every change of bindings, which made a reveal slow
on a projector laptop; this draws the same information as a single Static.
"""

from __future__ import annotations

from rich.text import Text
from textual.screen import Screen
from textual.widgets import Static


class KeyBar(Static):
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $panel;
        color: $foreground;
    }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)
        self.call_after_refresh(self.draw)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen) -> None:
        if self.is_attached and screen is self.screen:
            self.draw()

    def draw(self) -> None:
        items: list[tuple[str, str, bool]] = []
        seen: set[str] = set()
        palette = None
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if key == self.app.COMMAND_PALETTE_BINDING:
                palette = binding
                continue
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            items.append((self.app.get_key_display(binding), binding.description, active.enabled))
        # Help and the palette always show, at the right; the rest in order, as many as fit.
        help_items = [i for i in items if i[0] == "?"]
        items = [i for i in items if i[0] != "?"]
        tail = Text()
        for key, description, _ in help_items:
            tail.append(f" {key} ", style="bold reverse")
            tail.append(f" {description} ")
        if palette is not None and self.app.ENABLE_COMMAND_PALETTE:
            tail.append(f" {self.app.get_key_display(palette)} ", style="bold reverse")
            tail.append(" commands ")
        width = (self.size.width or self.app.size.width) - tail.cell_len
        text = Text(no_wrap=True, overflow="ellipsis")
        for key, description, enabled in items:
            piece = Text()
            piece.append(f" {key} ", style="bold reverse" if enabled else "dim")
            piece.append(f" {description} ", style="" if enabled else "dim")
            if text.cell_len + piece.cell_len > width:
                break
            text.append_text(piece)
        text.append(" " * max(0, width - text.cell_len))
        text.append_text(tail)
        # The words and which keys are dimmed: a key that becomes usable must not stay drawn dim.
        drawn = (text.plain, tuple(enabled for _, _, enabled in items))
        if drawn != self.drawn:
            self.content_text, self.drawn = text.plain, drawn
            self.update(text)

    def on_resize(self) -> None:
        self.draw()

    content_text = ""
    drawn: tuple = ()
