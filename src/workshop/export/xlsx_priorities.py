"""The spreadsheet's Priorities sheet: the ranking, most dots first, each group's dots beside the total."""

from __future__ import annotations

from .report import priority_rows


def priorities_sheet(book, record, formats, sheet_class) -> None:
    """One row per principle that got dots; a side too small to show is a grey cell saying so."""
    plan = record.plan
    columns = [("rank", 8), ("number", 8), ("statement", 70),
               *((g.name, max(10, len(g.name) + 2)) for g in plan.groups), ("total", 10)]
    sheet = sheet_class(book, "Priorities", columns, formats)
    for r in priority_rows(record):
        row = sheet.next_row()
        sheet.num(row, 0, r.rank)
        sheet.num(row, 1, r.number)
        sheet.text(row, 2, r.principle.statement)
        for c, dots in enumerate(r.values, 3):
            if dots is None:
                sheet.too_few(row, c)
            else:
                sheet.num(row, c, dots)
        sheet.num(row, 3 + len(plan.groups), r.total)
    sheet.finish()
