"""Export picker: choose a format and a file; the export runs in a worker thread."""

from __future__ import annotations

import re
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from ...export import FORMATS, REPORT_FORMATS, export, export_comparison, export_trend
from ...session.records import load_comparison, load_record, load_trend

DESCRIPTIONS = {
    "html": "HTML report to circulate and print (one file)",
    "md": "Markdown report for an email or a wiki",
    "xlsx": "Excel workbook: summary with chart, ballots, notes, actions",
    "csv": "CSV files (a .zip): ballots, summary, notes, actions",
    "json": "JSON: everything, for other tools",
}
EXTENSIONS = {"csv": "zip", "md": "md", "html": "html", "xlsx": "xlsx", "json": "json"}


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:40] or "workshop"


class ExportScreen(ModalScreen[None]):
    """Exports a session, a comparison (two ids) or a locality's trend."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, session_id: str | None = None, *, comparison: tuple[str, str] | None = None,
                 trend: str | None = None, folder: Path | None = None):
        super().__init__()
        self.session_id = session_id
        self.comparison = comparison
        self.trend = trend
        self.folder = folder or Path.cwd() / "exports"
        self.formats = FORMATS if session_id else REPORT_FORMATS

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label("Export: choose a format (Enter), then check the file name (Enter)", classes="dialog-title")
            yield OptionList(*[Option(f"{f:<5} {DESCRIPTIONS[f]}", id=f) for f in self.formats], id="formats")
            yield Input(id="path")
            yield Label("Escape cancels", classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = 0
        self.query_one(OptionList).focus()
        self.suggest(self.formats[0])

    def base_name(self) -> str:
        if self.session_id:
            s = next(x for x in self.app.store.sessions() if x.id == self.session_id)
            return f"{s.date}-{slug(s.locality or s.title)}-{s.id}"
        if self.comparison:
            return f"compare-{self.comparison[0]}-{self.comparison[1]}"
        return f"trend-{slug(self.trend or '')}"

    def suggest(self, fmt: str) -> None:
        self.query_one(Input).value = str(self.folder / f"{self.base_name()}.{EXTENSIONS[fmt]}")

    @on(OptionList.OptionHighlighted)
    def highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.suggest(event.option.id)

    @on(OptionList.OptionSelected)
    def chosen(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def start(self, event: Input.Submitted) -> None:
        option = self.query_one(OptionList).highlighted_option
        path = Path(event.value).expanduser()
        self.notify(f"Exporting {option.id} to {path} …", timeout=3)
        self.run_export(option.id, path)
        self.dismiss(None)

    def run_export(self, fmt: str, path: Path) -> None:
        # The app runs it in a thread: this dialog is gone before the export ends.
        session_id, comparison, trend = self.session_id, self.comparison, self.trend

        def write(store) -> Path:
            path.parent.mkdir(parents=True, exist_ok=True)
            if session_id:
                return export(load_record(store, session_id), fmt, path)
            if comparison:
                return export_comparison(load_comparison(store, *comparison), fmt, path)
            return export_trend(load_trend(store, trend), fmt, path)

        self.app.export_in_background(write)

    def action_cancel(self) -> None:
        self.dismiss(None)
