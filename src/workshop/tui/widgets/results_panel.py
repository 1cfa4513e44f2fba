"""Revealed results: every group side by side, the gap in words, the flags, and what was noted."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from ...analytics import GroupStats, PrincipleResult
from ...wording import TOO_FEW, number, owner_due, plural, result_gap_words
from ...renderables import distribution_lines
from ...model import Action, Note, Plan
from .perception_panel import PerceptionPanel


def headline(stats: GroupStats) -> Text:
    if stats.suppressed:
        return Text(f"{TOO_FEW} ({plural(stats.n, 'score')})", style="italic")
    if stats.mean is None:
        return Text("no scores yet" + (f" · {stats.dont_know} don't know" if stats.dont_know else ""))
    text = Text(f"mean {number(stats.mean)}", style="bold")
    text.append(f" · n {stats.n} · {stats.dont_know} don't know")
    return text


class GroupResult(Vertical):
    def __init__(self, plan: Plan, group: str, **kwargs):
        # Each group has its own colour (and its name and numbers as text: never colour alone).
        order = [g.id for g in plan.groups].index(group)
        super().__init__(classes=f"group-result group-{min(order, 2)}", **kwargs)
        self.plan = plan
        self.group = group
        self.stats: GroupStats | None = None
        """The group's results on show; None until the first reveal draws them."""
        self.top: int | None = None
        """The longest bar's count, shared by the groups shown side by side."""

    def compose(self) -> ComposeResult:
        yield Static(Text(self.plan.group(self.group).name, style="bold"), classes="group-name")
        yield Static(classes="group-headline")
        yield Static(classes="group-bars")

    def show(self, stats: GroupStats, top: int | None = None) -> None:
        self.stats, self.top = stats, top
        self.query_one(".group-headline", Static).update(headline(stats))
        bars = self.query_one(".group-bars", Static)
        bars.display = not stats.suppressed  # the headline already says so
        width, labels = self.bar_width()
        bars.update(distribution_lines(stats, self.plan.scale, width, top, labels=labels))

    def on_resize(self) -> None:
        if self.stats is not None:
            self.show(self.stats, self.top)

    def bar_width(self) -> tuple[int, bool]:
        """How long the bars can be with every group side by side, and whether the scale's words
        still fit beside them (on a narrow screen the numbers stay and the words go)."""
        scale = self.plan.scale
        label = max([len(v) for v in scale.labels.values()] + [len("Don't know") if scale.dont_know else 0])
        share = self.app.size.width // max(1, len(self.plan.groups)) - 2
        if share - label - 14 >= 6:
            return share - label - 14, True
        return max(3, share - 13), False


class ResultsPanel(Vertical):
    """Composed once per vote screen; show() fills it for the principle on screen."""

    def __init__(self, plan: Plan, **kwargs):
        super().__init__(**kwargs)
        self.plan = plan
        self.waiting: tuple | None = None
        """What show() was given before the panel was composed (a reveal as it is mounted): drawn on mount."""

    def compose(self) -> ComposeResult:
        with Horizontal(classes="groups"):
            for g in self.plan.groups:
                yield GroupResult(self.plan, g.id)
        yield Static(id="gap-words")
        if self.plan.perception:
            yield PerceptionPanel(self.plan, id="perceptions")
        yield Static(id="principle-notes")

    def show(self, result: PrincipleResult, notes: list[Note] = (), actions: list[Action] = (),
             choose_pair: bool = False) -> None:
        if not self.children:  # not composed yet
            self.waiting = (result, notes, actions, choose_pair)
            return
        # One scale for every group: equal counts draw equal bars side by side.
        top = max([max(list(s.counts.values()) + [s.dont_know]) for s in result.groups.values()] + [1])
        for widget in self.query(GroupResult):
            widget.show(result.groups[widget.group], top)
        gap = Text()
        if choose_pair:
            gap.append(f"Gap between {' and '.join(self.plan.group(g).name for g in result.pair)} (b: another pair)\n",
                       style="dim")
        gap.append(result_gap_words(result, self.plan.group_names), style="bold")
        if result.flags:
            gap.append("   Flags: " + ", ".join(result.flags))
        self.query_one("#gap-words", Static).update(gap)
        if self.plan.perception:
            self.query_one(PerceptionPanel).show(result)
        text = Text()
        for n in notes:
            text.append("Note: ", style="bold")
            text.append(n.text + "\n")
        for act in actions:
            extra = owner_due(act.owner, act.due, act.status)
            text.append("Action: ", style="bold")
            text.append(f"{act.text} ({extra})\n")
        text.rstrip()
        notes_widget = self.query_one("#principle-notes", Static)
        notes_widget.display = bool(notes or actions)
        notes_widget.update(text)

    def on_mount(self) -> None:
        if self.waiting is not None:
            self.show(*self.waiting)
            self.waiting = None
            self.call_after_refresh(self.scroll_visible, animate=False)
