"""The principle on screen: theme, who it is addressed to, the statement in large type, its source."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.reactive import reactive
from textual.widgets import Static

from ...model import Plan, Principle
from ...wording import about, answered_by


class PrincipleCard(Vertical):
    """Shows one principle; `show_source` toggles its source texts and quotes."""

    show_source: reactive[bool] = reactive(False)

    def __init__(self, plan: Plan, principle: Principle, **kwargs):
        super().__init__(**kwargs)
        self.plan = plan
        self.principle = principle

    def compose(self) -> ComposeResult:
        yield Static(id="meta")
        yield Static(id="statement")
        yield Static(id="source")

    def on_mount(self) -> None:
        self.show_principle(self.principle)

    def show_principle(self, principle: Principle) -> None:
        self.principle = principle
        meta = Text(self.plan.theme_title(principle.theme).upper(), style="bold")
        meta.append(f"  ·  {about(principle)}")
        if principle.who_can_answer:
            # Only one side can see this from where it sits: the room knows whose ratings to read.
            meta.append(f"  ·  {answered_by(principle, self.plan.group_names)}", style="bold")
        self.query_one("#meta", Static).update(meta)
        self.query_one("#statement", Static).update(principle.statement)
        self._show_source()

    def watch_show_source(self) -> None:
        if self.is_mounted:
            self._show_source()

    def _show_source(self) -> None:
        source = self.query_one("#source", Static)
        source.display = self.show_source
        if not self.principle.sources:
            source.update("Source: added by this plan")
            return
        text = Text()
        for i, s in enumerate(self.principle.sources):
            if i:
                text.append("\n")
            text.append(f"“{s.quote}”", style="italic")
            text.append(f" — {s.label}", style="bold")  # the text's title; its file name only if it has none
        source.update(text)
