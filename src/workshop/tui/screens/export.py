"""Export picker: choose a format and a file; the export runs in a worker thread.

The file name is made from what the screen that opens the picker already knows: choosing a format
reads nothing from the database."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from ...export import FORMATS, REPORT_FORMATS, export, export_comparison, export_trend, target_problem
from ...model import Session, SessionSummary
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


def file_stem(session: Session | SessionSummary) -> str:
    """A session's export file name without the extension: its date, where (or what) it was, its id."""
    if isinstance(session, SessionSummary):
        day, where = session.date, session.locality or session.title
    else:
        day, where = session.plan.date.isoformat(), session.plan.locality or session.plan.title
    return f"{day}-{slug(where)}-{session.id}"


class ExportScreen(ModalScreen[None]):
    """Exports a session, a comparison (two ids) or a locality's trend."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="export.cancel")]

    def __init__(self, session: Session | SessionSummary | None = None, *, comparison: tuple[str, str] | None = None,
                 trend: str | None = None, folder: Path | None = None):
        super().__init__()
        self.session_id = session.id if session else None
        self.comparison = comparison
        self.trend = trend
        self.folder = folder or Path.cwd() / "exports"
        self.formats = FORMATS if session else REPORT_FORMATS
        if session:
            self.stem = file_stem(session)
        elif comparison:
            self.stem = f"compare-{comparison[0]}-{comparison[1]}"
        else:
            self.stem = f"trend-{slug(trend or '')}"

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label("Export: choose a format (Enter), then check the file name (Enter)", classes="dialog-title")
            yield OptionList(*[Option(f"{f:<5} {DESCRIPTIONS[f]}", id=f) for f in self.formats], id="formats")
            yield Input(id="path")
            yield Label(id="problem", classes="dialog-help")  # what is wrong with the name, while it is
            yield Label("Escape cancels", classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one("#problem").display = False
        self.query_one(OptionList).highlighted = 0
        self.query_one(OptionList).focus()
        self.suggest(self.formats[0])

    def suggest(self, fmt: str) -> None:
        self.query_one(Input).value = str(self.folder / f"{self.stem}.{EXTENSIONS[fmt]}")

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
        problem = self.problem(option.id, path)
        if problem:  # said here, with the name kept to mend (so not said again), as the command line says it
            self.query_one("#problem", Label).update(problem.removeprefix(f"{path}: "))
            self.query_one("#problem").display = True
            return
        self.notify(f"Exporting {option.id} to {path} …", timeout=3)
        self.run_export(option.id, path)
        self.dismiss(None)

    def problem(self, fmt: str, path: Path) -> str | None:
        """What makes path no place for this export; the exports folder the dialog offers is made."""
        if path.parent.absolute() == self.folder.absolute():
            with contextlib.suppress(OSError):  # if it cannot be made, target_problem says why
                self.folder.mkdir(parents=True, exist_ok=True)
        return target_problem(path, folder=fmt == "csv" and path.suffix.lower() != ".zip")

    def run_export(self, fmt: str, path: Path) -> None:
        # The app runs it in a thread: this dialog is gone before the export ends.
        session_id, comparison, trend = self.session_id, self.comparison, self.trend

        def write(store) -> Path:
            if session_id:
                return export(load_record(store, session_id), fmt, path)
            if comparison:
                return export_comparison(load_comparison(store, *comparison), fmt, path)
            return export_trend(load_trend(store, trend), fmt, path)

        self.app.export_in_background(write, f"Export to {path}")

    def action_cancel(self) -> None:
        self.dismiss(None)
