"""The session as an Excel workbook: Summary (with a chart of the gaps), Ballots, Notes, Actions, Sources, Session."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import xlsxwriter

from ..wording import TOO_FEW, answered_by, fact_answer, pair_label, result_gap, rounded
from . import replace_atomically
from .report import details, numbers, pair_of, turnout, turnout_text

# Means and gaps as every report shows them: one decimal, the gap the difference of the means shown.
MEAN_FORMAT = "0.0"
GAP_FORMAT = "+0.0;-0.0;0.0"


def _chart_text(text: str) -> str:
    """A chart title or series name kept as text.

    xlsxwriter reads 'Sheet!A1' anywhere in one as a cell reference, so a group named 'VCS!A1' would
    turn the title into a broken formula; an invisible word joiner after the '!' keeps it words.
    """
    return re.sub(r"!(?=\$?[A-Z]+\$?[0-9])", "!\u2060", text)


def _time(stamp: str) -> dt.datetime | str:
    """A stored ISO time as a naive UTC datetime Excel can sort; anything unreadable stays text."""
    try:
        value = dt.datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return stamp or ""
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value


class _Sheet:
    """A worksheet with a frozen, filtered header row and typed cell writers."""

    def __init__(self, book, name: str, columns: list[tuple[str, float]], formats: dict):
        self.ws = book.add_worksheet(name)
        self.f = formats
        for col, (title, width) in enumerate(columns):
            self.ws.write_string(0, col, title, formats["header"])
            self.ws.set_column(col, col, width, formats["wrap"] if width >= 40 else None)
        self.ws.freeze_panes(1, 0)
        self.columns = len(columns)
        self.row = 0

    def next_row(self) -> int:
        self.row += 1
        return self.row

    def text(self, row: int, col: int, value) -> None:
        # write_string, never write(): a note starting with '=' must stay text, not become a formula.
        if value is None or value == "":
            self.ws.write_blank(row, col, None)
        else:
            self.ws.write_string(row, col, str(value))

    def num(self, row: int, col: int, value, fmt: str | None = None) -> None:
        if value is None:
            self.ws.write_blank(row, col, None)
        else:
            self.ws.write_number(row, col, value, self.f.get(fmt))

    def time(self, row: int, col: int, stamp: str) -> None:
        value = _time(stamp)
        if isinstance(value, dt.datetime):
            self.ws.write_datetime(row, col, value, self.f["time"])
        else:
            self.text(row, col, value)

    def too_few(self, row: int, col: int) -> None:
        self.ws.write_blank(row, col, None, self.f["suppressed"])
        self.ws.write_comment(row, col, TOO_FEW)

    def finish(self) -> None:
        if self.row:
            self.ws.autofilter(0, 0, self.row, self.columns - 1)


def _summary(book, record, formats) -> None:
    plan = record.plan
    pair = pair_label(pair_of(record), plan.group_names)
    columns = [("number", 8), ("id", 28), ("theme", 22), ("statement", 60)]
    for g in plan.groups:
        columns += [(f"{g.name} mean", 12), (f"{g.name} n", 9), (f"{g.name} don't know", 12)]
    columns += [(f"gap ({pair})", 14), ("flags", 22), ("note", 30)]
    sheet = _Sheet(book, "Summary", columns, formats)
    gap_col = 4 + 3 * len(plan.groups)
    for i, r in enumerate(record.results, 1):
        row = sheet.next_row()
        p = r.principle
        sheet.num(row, 0, i)
        sheet.text(row, 1, p.id)
        sheet.text(row, 2, plan.theme_title(p.theme))
        sheet.text(row, 3, p.statement)
        hidden = []
        for k, g in enumerate(plan.groups):
            s = r.groups[g.id]
            col = 4 + 3 * k
            if s.suppressed:
                sheet.too_few(row, col)
                hidden.append(g.name)
            else:
                sheet.num(row, col, rounded(s.mean), "mean")
            sheet.num(row, col + 1, s.n)
            sheet.num(row, col + 2, s.dont_know)
        sheet.num(row, gap_col, result_gap(r), "gap")
        sheet.text(row, gap_col + 1, ", ".join(r.flags))
        notes = [f"{', '.join(hidden)}: {TOO_FEW}" if hidden else "", answered_by(p, plan.group_names)]
        sheet.text(row, gap_col + 2, "; ".join(x for x in notes if x))
    sheet.finish()

    if record.results:
        last = len(record.results)
        span = plan.scale.range
        chart = book.add_chart({"type": "bar"})
        chart.add_series({
            "name": _chart_text(f"Gap ({pair})"),
            "categories": ["Summary", 1, 0, last, 0],
            "values": ["Summary", 1, gap_col, last, gap_col],
            "fill": {"color": "#1f5f99"},
            "invert_if_negative": False,
            "data_labels": {"value": True, "num_format": "+0.0;-0.0;0.0"},
        })
        chart.set_title({"name": _chart_text(f"Gap per principle: {pair}")})
        chart.set_x_axis({"min": -span, "max": span, "major_unit": 1, "num_format": "+0;-0;0",
                          "major_gridlines": {"visible": True, "line": {"color": "#d9d9d9"}}})
        # Principle 1 at the top, as in the table; labels stay at the left edge whatever the sign.
        chart.set_y_axis({"reverse": True, "name": "principle", "label_position": "low"})
        chart.set_legend({"none": True})
        chart.set_size({"width": 620, "height": max(320, 70 + 22 * last)})
        sheet.ws.insert_chart(1, gap_col + 4, chart)


def _ballots(book, record, formats) -> None:
    plan = record.plan
    nums = numbers(plan)
    names = {g.id: g.name for g in plan.groups}
    columns = [("number", 8), ("principle", 34), ("group", 12), ("score", 8)]
    if not plan.anonymous:  # time and mode could point to a person in an anonymous session
        columns += [("mode", 9), ("time (UTC)", 20), ("participant", 24)]
    sheet = _Sheet(book, "Ballots", columns, formats)
    for bal in record.shown_ballots():
        row = sheet.next_row()
        sheet.num(row, 0, nums.get(bal.principle_id))
        sheet.text(row, 1, bal.principle_id)
        sheet.text(row, 2, names.get(bal.group, bal.group))
        if bal.score is None:
            sheet.text(row, 3, "dk")
        else:
            sheet.num(row, 3, bal.score)
        if not plan.anonymous:
            sheet.text(row, 4, bal.mode)
            sheet.time(row, 5, bal.cast_at)
            sheet.text(row, 6, record.names.get(bal.participant or "", ""))
    sheet.finish()


def _notes(book, record, formats) -> None:
    nums = numbers(record.plan)
    sheet = _Sheet(book, "Notes", [("number", 8), ("principle", 34), ("note", 80), ("time (UTC)", 20)], formats)
    for n in record.notes:
        row = sheet.next_row()
        sheet.num(row, 0, nums.get(n.principle_id or ""))
        sheet.text(row, 1, n.principle_id)
        sheet.text(row, 2, n.text)
        sheet.time(row, 3, n.created_at)
    sheet.finish()


def _actions(book, record, formats) -> None:
    nums = numbers(record.plan)
    columns = [("number", 8), ("principle", 34), ("action", 60), ("owner", 20), ("due", 12), ("status", 12),
               ("status note", 30), ("created (UTC)", 20)]
    sheet = _Sheet(book, "Actions", columns, formats)
    for act in record.actions:
        row = sheet.next_row()
        sheet.num(row, 0, nums.get(act.principle_id or ""))
        sheet.text(row, 1, act.principle_id)
        sheet.text(row, 2, act.text)
        sheet.text(row, 3, act.owner)
        try:
            sheet.ws.write_datetime(row, 4, dt.datetime.fromisoformat(act.due), formats["date"])
        except (TypeError, ValueError):
            sheet.text(row, 4, act.due)  # a due date in words ("spring") stays as written
        sheet.text(row, 5, act.status)
        sheet.text(row, 6, act.status_note)
        sheet.time(row, 7, act.created_at)
    sheet.finish()


def _sources(book, record, formats) -> None:
    """Where each principle comes from: one row per source, the text's title beside the verbatim quote."""
    columns = [("number", 8), ("principle", 34), ("source", 40), ("quote", 70), ("file", 26)]
    sheet = _Sheet(book, "Sources", columns, formats)
    for i, p in enumerate(record.plan.principles, 1):
        for src in p.sources:
            row = sheet.next_row()
            sheet.num(row, 0, i)
            sheet.text(row, 1, p.id)
            sheet.text(row, 2, src.label)
            sheet.text(row, 3, src.quote)
            sheet.text(row, 4, src.text)
    sheet.finish()


def _about(book, record, formats) -> None:
    ws = book.add_worksheet("Session")
    ws.set_column(0, 0, 16)
    ws.set_column(1, 1, 90, formats["wrap"])
    ws.write_string(0, 0, record.plan.title, formats["title"])
    rows = details(record) + [("Who took part", "\n".join(turnout_text(t) for t in turnout(record)))]
    if record.plan.facts:
        rows.append(("Facts",
                     "\n".join(f"{f.question} {fact_answer(f)}" for f in record.plan.facts)))
    for i, (label, value) in enumerate(rows, 2):
        ws.write_string(i, 0, label, formats["header"])
        ws.write_string(i, 1, value)


def write(record, path: Path) -> None:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})
    book.set_properties({"title": record.plan.title, "subject": f"Workshop session {record.session.id}",
                         "author": record.plan.facilitator or "workshop", "comments": "Exported by workshop"})
    formats = {
        "header": book.add_format({"bold": True, "bg_color": "#e8eef5", "bottom": 1, "text_wrap": True,
                                   "valign": "top"}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
        "mean": book.add_format({"num_format": MEAN_FORMAT}),
        "gap": book.add_format({"num_format": GAP_FORMAT}),
        "time": book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}),
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
        "suppressed": book.add_format({"bg_color": "#f2f2f2"}),
        "title": book.add_format({"bold": True, "font_size": 14}),
    }
    _summary(book, record, formats)
    _ballots(book, record, formats)
    _notes(book, record, formats)
    _actions(book, record, formats)
    _sources(book, record, formats)
    _about(book, record, formats)
    book.close()
    with replace_atomically(path, "wb") as fh:
        fh.write(buffer.getvalue())
