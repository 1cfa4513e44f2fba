"""The session as an Excel workbook: Summary, Chart (the gaps), Ballots, Notes, Actions, Comments (when
any were approved), Sources, Session.

Every sheet is laid out to read and print as it is, in Excel or LibreOffice: see _Sheet.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import xlsxwriter

from ..wording import TOO_FEW, answered_by, fact_answer, pair_label, result_gap, rounded
from .xlsx_perception import perception_sheet
from .xlsx_priorities import priorities_sheet
from . import replace_atomically
from .report import comment_text, details, name_of, numbers, pair_of, principle_comments, turnout, turnout_text

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


# Spreadsheets do not refit the height of a row a library wrote, so each row is given the height its
# wrapped text needs, estimated from the column width. A width of w holds about 1.2 w characters of
# body text in Calibri 11 (Excel) and in the fonts LibreOffice falls back on; wrapping at w characters
# leaves a margin for wide letters, so a row is never too short (at worst a little tall).
LINE_HEIGHT = 15  # points per line of 11-point text
PADDING = 2  # characters beside the longest value
INDENT = 2  # characters the one-step indent of text and headers takes from a column's width
TIGHTEST = 5  # the narrowest column, so a header of short words stays readable
PORTRAIT_PIXELS = 700  # the width of an A4 portrait page inside the margins, at 96 dpi


def _lines(text: str, width: float) -> int:
    """How many lines text takes wrapped in a column of this width."""
    chars = max(int(width), 1)
    if len(text) <= chars and "\n" not in text and "\t" not in text:
        return 1  # what wrap() finds, without it: most cells (every ballot's) are one short line
    from textwrap import wrap

    return sum(len(wrap(part, chars, break_long_words=True, break_on_hyphens=True)) or 1
               for part in text.split("\n"))


def _value_text(value, fmt: str | None) -> str:
    """A number as the sheet shows it, to measure its width."""
    if fmt in ("mean", "gap"):
        return f"{value:+.1f}"
    return str(value)


class _Sheet:
    """A worksheet laid out for reading and printing.

    columns: (title, widest) pairs; a column is as wide as its longest value or its header's longest
    word, up to widest, and wraps beyond it. The header row is frozen, filtered and printed on every
    page; a page is A4 landscape, the whole width on one page, as many pages tall as it needs.
    """

    def __init__(self, book, name: str, columns: list[tuple[str, float]], formats: dict):
        self.ws = book.add_worksheet(name)
        self.f = formats
        self.titles = [title for title, _ in columns]
        self.widest = [widest for _, widest in columns]
        self.widths = [max([TIGHTEST] + [len(w) + PADDING for w in title.split()]) + INDENT for title in self.titles]
        self.cells: list[tuple[int, int, str]] = []
        for col, title in enumerate(self.titles):
            self.ws.write_string(0, col, title, formats["header"])
        self.ws.freeze_panes(1, 0)
        self.columns = len(columns)
        self.row = 0

    def next_row(self) -> int:
        self.row += 1
        return self.row

    def _measure(self, row: int, col: int, shown: str) -> None:
        longest = max(map(len, shown.split("\n"))) if "\n" in shown else len(shown)
        self.widths[col] = min(max(self.widths[col], longest + PADDING + INDENT), self.widest[col] + INDENT)
        self.cells.append((row, col, shown))

    def text(self, row: int, col: int, value) -> None:
        # write_string, never write(): a note starting with '=' must stay text, not become a formula.
        if value is None or value == "":
            self.ws.write_blank(row, col, None, self.f["text"])
        else:
            self.ws.write_string(row, col, str(value), self.f["text"])
            self._measure(row, col, str(value))

    def num(self, row: int, col: int, value, fmt: str | None = None) -> None:
        if value is None:
            self.ws.write_blank(row, col, None, self.f["text"])
        else:
            self.ws.write_number(row, col, value, self.f[fmt or "number"])
            self._measure(row, col, _value_text(value, fmt))

    def time(self, row: int, col: int, stamp: str) -> None:
        value = _time(stamp)
        if isinstance(value, dt.datetime):
            self.ws.write_datetime(row, col, value, self.f["time"])
            self._measure(row, col, "0000-00-00 00:00:00")
        else:
            self.text(row, col, value)

    def date(self, row: int, col: int, value: dt.datetime) -> None:
        self.ws.write_datetime(row, col, value, self.f["date"])
        self._measure(row, col, "0000-00-00")

    def too_few(self, row: int, col: int) -> None:
        self.ws.write_blank(row, col, None, self.f["suppressed"])
        self.ws.write_comment(row, col, TOO_FEW)

    def finish(self) -> None:
        """Set the widths and the heights from what was written, and how the sheet prints."""
        for col, width in enumerate(self.widths):
            self.ws.set_column(col, col, width)
        lines = {0: max(_lines(t, w - INDENT) for t, w in zip(self.titles, self.widths))}
        for row, col, shown in self.cells:
            lines[row] = max(lines.get(row, 1), _lines(shown, self.widths[col] - INDENT))
        for row, count in lines.items():
            if count > 1:
                self.ws.set_row(row, LINE_HEIGHT * count + 3)
        if self.row:
            self.ws.autofilter(0, 0, self.row, self.columns - 1)
        # A column is about 7 pixels a unit plus 5; a sheet narrower than a portrait page prints portrait.
        _print_setup(self.ws, landscape=sum(7 * w + 5 for w in self.widths) > PORTRAIT_PIXELS)
        self.ws.repeat_rows(0)
        self.ws.fit_to_pages(1, 0)


def _print_setup(ws, *, landscape: bool = True) -> None:
    ws.set_paper(9)  # A4
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.set_footer("&L&A&Rpage &P of &N")


def _summary(book, record, formats) -> None:
    plan = record.plan
    pair = pair_label(pair_of(record), plan.group_names)
    # Ids are whole on one line (the longest catalogue id fits); statements and notes wrap.
    columns = [("number", 8), ("id", 48), ("theme", 18), ("statement", 52)]
    for g in plan.groups:
        columns += [(f"{g.name} mean", 12), (f"{g.name} n", 9), (f"{g.name} don't know", 12)]
    columns += [(f"gap ({pair})", 12), ("flags", 18), ("note", 30)]
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


def _chart(book, record, formats) -> None:
    """The gaps as a bar chart on a sheet of its own, sized and set to print on one A4 page."""
    plan = record.plan
    pair = pair_label(pair_of(record), plan.group_names)
    last = len(record.results)
    gap_col = 4 + 3 * len(plan.groups)
    span = plan.scale.range
    ws = book.add_worksheet("Chart")
    ws.write_string(0, 0, f"Gap per principle ({pair}): the numbers are the Summary sheet's", formats["title"])
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
    # Principle 1 at the top, as in the table, every number written; labels at the left edge whatever the sign.
    chart.set_y_axis({"reverse": True, "name": "principle", "label_position": "low", "interval_unit": 1})
    chart.set_legend({"none": True})
    # About an A4 portrait page at 96 dpi inside the margins; printing fits it to exactly one page.
    chart.set_size({"width": 700, "height": 960})
    ws.insert_chart(1, 0, chart, {"object_position": 3})
    _print_setup(ws, landscape=False)
    ws.fit_to_pages(1, 1)
    ws.print_area(0, 0, 50, 11)


def _ballots(book, record, formats) -> None:
    plan = record.plan
    nums = numbers(plan)
    names = {g.id: g.name for g in plan.groups}
    columns = [("number", 8), ("principle", 48), ("group", 12), ("score", 8)]
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
    sheet = _Sheet(book, "Notes", [("number", 8), ("principle", 48), ("note", 80), ("time (UTC)", 20)], formats)
    for n in record.notes:
        row = sheet.next_row()
        sheet.num(row, 0, nums.get(n.principle_id or ""))
        sheet.text(row, 1, n.principle_id)
        sheet.text(row, 2, n.text)
        sheet.time(row, 3, n.created_at)
    sheet.finish()


def _actions(book, record, formats) -> None:
    nums = numbers(record.plan)
    columns = [("number", 8), ("principle", 48), ("action", 60), ("owner", 20), ("due", 12), ("status", 12),
               ("status note", 30), ("created (UTC)", 20)]
    sheet = _Sheet(book, "Actions", columns, formats)
    for act in record.actions:
        row = sheet.next_row()
        sheet.num(row, 0, nums.get(act.principle_id or ""))
        sheet.text(row, 1, act.principle_id)
        sheet.text(row, 2, act.text)
        sheet.text(row, 3, act.owner)
        try:
            sheet.date(row, 4, dt.datetime.fromisoformat(act.due))
        except (TypeError, ValueError):
            sheet.text(row, 4, act.due)  # a due date in words ("spring") stays as written
        sheet.text(row, 5, act.status)
        sheet.text(row, 6, act.status_note)
        sheet.time(row, 7, act.created_at)
    sheet.finish()


def _comments(book, record, formats) -> None:
    """Approved comments under their principle, each with its group only (too few to show: no text)."""
    sheet = _Sheet(book, "Comments", [("number", 8), ("principle", 48), ("group", 16), ("comment", 80)], formats)
    for pc in principle_comments(record):
        for group, text in pc.comments:
            row = sheet.next_row()
            sheet.num(row, 0, pc.number)
            sheet.text(row, 1, pc.result.principle.id)
            sheet.text(row, 2, name_of(record.plan, group))
            sheet.text(row, 3, comment_text(text))
    sheet.finish()


def _sources(book, record, formats) -> None:
    """Where each principle comes from: one row per source, the text's title beside the verbatim quote."""
    columns = [("number", 8), ("principle", 48), ("source", 40), ("quote", 70), ("file", 26)]
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
    ws.set_column(1, 1, 90, formats["text"])
    ws.write_string(0, 0, record.plan.title, formats["title"])
    rows = details(record) + [("Who took part", "\n".join(turnout_text(t) for t in turnout(record)))]
    if record.plan.facts:
        rows.append(("Facts",
                     "\n".join(f"{f.question} {fact_answer(f)}" for f in record.plan.facts)))
    for i, (label, value) in enumerate(rows, 2):
        ws.write_string(i, 0, label, formats["header"])
        ws.write_string(i, 1, value)
        if _lines(value, 88) > 1:
            ws.set_row(i, LINE_HEIGHT * _lines(value, 88) + 3)
    _print_setup(ws, landscape=False)
    ws.fit_to_pages(1, 0)


def write(record, path: Path) -> None:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})
    book.set_properties({"title": record.plan.title, "subject": f"Workshop session {record.session.id}",
                         "author": record.plan.facilitator or "workshop", "comments": "Exported by workshop"})
    formats = {
        # Text is indented one step, so it never touches a number right-aligned in the column before it.
        "header": book.add_format({"bold": True, "bg_color": "#e8eef5", "bottom": 1, "text_wrap": True,
                                   "valign": "top", "align": "left", "indent": 1}),
        "text": book.add_format({"text_wrap": True, "valign": "top", "align": "left", "indent": 1}),
        "number": book.add_format({"valign": "top"}),
        "mean": book.add_format({"num_format": MEAN_FORMAT, "valign": "top"}),
        "gap": book.add_format({"num_format": GAP_FORMAT, "valign": "top"}),
        "time": book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss", "valign": "top"}),
        "date": book.add_format({"num_format": "yyyy-mm-dd", "valign": "top"}),
        "suppressed": book.add_format({"bg_color": "#f2f2f2", "valign": "top"}),
        "title": book.add_format({"bold": True, "font_size": 14}),
    }
    _summary(book, record, formats)
    if record.results:
        _chart(book, record, formats)
    if record.plan.priorities:
        priorities_sheet(book, record, formats, _Sheet)
    if record.plan.perception:
        perception_sheet(book, record, formats, _Sheet)
    _ballots(book, record, formats)
    _notes(book, record, formats)
    _actions(book, record, formats)
    if record.comments:
        _comments(book, record, formats)
    _sources(book, record, formats)
    _about(book, record, formats)
    book.close()
    with replace_atomically(path, "wb") as fh:
        fh.write(buffer.getvalue())
