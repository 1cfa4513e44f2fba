"""The scale with its words under the statement; on a narrow screen only the ends keep their words."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ...model import Scale


def scale_text(scale: Scale, labelled) -> Text:
    text = Text("Scale: ", style="bold")
    for i, p in enumerate(scale.points):
        if i:
            text.append("  ")
        text.append(str(p), style="bold reverse")
        if p in scale.labels and p in labelled:
            text.append(" " + scale.labels[p])
    if scale.dont_know:
        text.append("  ")
        text.append("d", style="bold reverse")
        text.append(" Don't know")
    return text


class ScaleLine(Static):
    def __init__(self, scale: Scale, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale

    def on_mount(self) -> None:
        self.draw()

    def on_resize(self) -> None:
        self.draw()

    def draw(self) -> None:
        full = scale_text(self.scale, self.scale.labels)
        fits = full.cell_len <= self.app.size.width - 4
        self.update(full if fits else scale_text(self.scale, {self.scale.min, self.scale.max}))
