"""The spreadsheet's Perception sheet: each side's prediction of the other beside what the other said."""

from __future__ import annotations

from ..perception import is_misread
from ..wording import perception_error, perception_words, rounded


def perception_sheet(book, record, formats, sheet_class) -> None:
    """One row per principle and predicting side; a suppressed figure is a grey cell saying so."""
    plan = record.plan
    names = plan.group_names
    columns = [("number", 8), ("id", 48), ("side", 14), ("about", 14), ("expected", 10), ("predictions", 12),
               ("don't know", 10), ("the other said", 12), ("off by", 10), ("misread", 10), ("in words", 70)]
    sheet = sheet_class(book, "Perception", columns, formats)
    for i, r in enumerate(record.results, 1):
        for group, p in r.perceptions.items():
            row = sheet.next_row()
            sheet.num(row, 0, i)
            sheet.text(row, 1, r.principle.id)
            sheet.text(row, 2, names[group])
            sheet.text(row, 3, names[p.about])
            if p.suppressed:
                sheet.too_few(row, 4)
            else:
                sheet.num(row, 4, rounded(p.mean), "mean")
            sheet.num(row, 5, p.n)
            sheet.num(row, 6, p.dont_know)
            if p.actual_suppressed:
                sheet.too_few(row, 7)
            else:
                sheet.num(row, 7, rounded(p.actual), "mean")
            sheet.num(row, 8, perception_error(p), "gap")
            sheet.text(row, 9, "misread" if is_misread(p, plan.scale) else "")
            sheet.text(row, 10, perception_words(p, names))
    sheet.finish()
