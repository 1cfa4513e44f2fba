"""The perception round at the reveal: for each side, its own mean, what it expected of the other
side, and what the other side said; 'misread' where it was off by a quarter of the range or more."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from ...analytics import PrincipleResult
from ...model import Plan
from ...perception import is_misread
from ...wording import TOO_FEW, number, perception_cells, perception_words


MISREAD = " MISREAD "


class PerceptionPanel(Static):
    """Composed once per vote screen when the plan has a perception round; show() fills it."""

    def __init__(self, plan: Plan, **kwargs):
        super().__init__(**kwargs)
        self.plan = plan

    def show(self, result: PrincipleResult) -> None:
        names = self.plan.group_names
        # Short headings; the sides' names wrap first, then a figure at a space ("4.0 (n 12)"), and the
        # MISREAD mark never: on 80 columns with long group names every figure and the mark read whole.
        table = Table(box=None, padding=(0, 1), show_header=True, header_style="bold", expand=False,
                      title="How each side saw the other", title_justify="left", title_style="bold")
        table.add_column("", justify="left", overflow="fold")
        for heading in ("Own", "Expected", "Actual", "Off by"):
            table.add_column(heading, justify="right", overflow="fold")
        table.add_column("", justify="left", no_wrap=True, min_width=len(MISREAD))
        sentences = Text()
        for group, p in result.perceptions.items():
            own = result.groups[group]
            predicted, actual, off = perception_cells(p)
            mark = Text(MISREAD, style="bold reverse") if is_misread(p, self.plan.scale) else Text("")
            table.add_row(Text(f"{names[group]} about {names[p.about]}", style="bold"),
                          TOO_FEW if own.suppressed else number(own.mean),
                          predicted if p.suppressed else f"{predicted} (n {p.n})",
                          actual, off, mark)
            sentences.append(perception_words(p, names) + ".\n")
        sentences.rstrip()
        self.display = bool(result.perceptions)
        self.update(Group(table, sentences))
