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
from ...wording import TOO_FEW, number, perception_cells, perception_words, plural


class PerceptionPanel(Static):
    """Composed once per vote screen when the plan has a perception round; show() fills it."""

    def __init__(self, plan: Plan, **kwargs):
        super().__init__(**kwargs)
        self.plan = plan

    def show(self, result: PrincipleResult) -> None:
        names = self.plan.group_names
        table = Table(box=None, padding=(0, 2), show_header=True, header_style="bold", expand=False)
        for heading, justify in (("How each side saw the other", "left"), ("Own mean", "right"),
                                 ("Expected of the other", "right"), ("The other said", "right"),
                                 ("Off by", "right"), ("", "left")):
            table.add_column(heading, justify=justify, no_wrap=heading != "How each side saw the other")
        sentences = Text()
        for group, p in result.perceptions.items():
            own = result.groups[group]
            predicted, actual, off = perception_cells(p)
            mark = Text(" MISREAD ", style="bold reverse") if is_misread(p, self.plan.scale) else Text("")
            table.add_row(Text(f"{names[group]} about {names[p.about]}", style="bold"),
                          TOO_FEW if own.suppressed else number(own.mean),
                          f"{predicted} ({plural(p.n, 'prediction')})" if not p.suppressed else predicted,
                          actual, off, mark)
            sentences.append(perception_words(p, names) + ".\n")
        sentences.rstrip()
        self.display = bool(result.perceptions)
        self.update(Group(table, sentences))
