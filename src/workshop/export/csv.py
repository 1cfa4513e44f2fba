"""The session as CSV files: ballots (long format), summary, notes and actions (and each optional
round's results and approved comments), in a folder or a zip."""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
import zipfile
from pathlib import Path

from ..perception import is_misread
from ..wording import for_data
from . import ExportError, replace_atomically
from .report import principle_comments


def tables(record) -> dict[str, list[list]]:
    plan = record.plan
    anonymous = plan.anonymous
    number = {p.id: i + 1 for i, p in enumerate(plan.principles)}
    ballots = [["number", "principle", "group", "score"] + ([] if anonymous else ["mode", "cast_at", "participant"])]
    for b in record.shown_ballots():
        row = [number.get(b.principle_id), b.principle_id, b.group, "dk" if b.score is None else b.score]
        ballots.append(row + ([] if anonymous else [b.mode, b.cast_at, record.names.get(b.participant or "", "")]))

    groups = [g.id for g in plan.groups]
    points = list(plan.scale.points)
    summary = [["number", "principle", "theme", "addressed_to", "statement", "group", "n", "dont_know",
                "mean", "median", "sd"] + [f"count_{p}" for p in points] + ["gap", "flags"]]
    for i, r in enumerate(record.results, 1):
        for g in groups:
            s = r.groups[g]
            summary.append([i, r.principle.id, r.principle.theme, r.principle.addressed_to, r.principle.statement,
                            g, s.n, s.dont_know, for_data(s.mean), for_data(s.median), for_data(s.sd)]
                           + [s.counts.get(p, "") for p in points] + [for_data(r.gap), "; ".join(r.flags)])

    notes = [["principle", "text", "created_at"]] + [[n.principle_id or "", n.text, n.created_at] for n in record.notes]
    actions = [["principle", "text", "owner", "due", "status", "status_note", "created_at"]] + [
        [a.principle_id or "", a.text, a.owner, a.due, a.status, a.status_note, a.created_at] for a in record.actions]
    files = {"ballots.csv": ballots, "summary.csv": summary, "notes.csv": notes, "actions.csv": actions}
    if plan.perception:
        files["perceptions.csv"] = perception_table(record)
    if plan.priorities:
        files["priorities.csv"] = priorities_table(record)
    if plan.comments:
        files["comments.csv"] = comments_table(record)
    return files


def comments_table(record) -> list[list]:
    """comments.csv: the approved comments under their principle, each with its group only (in the
    reports' order, group then text, so not the order they were written in). A group too small on
    that principle to show gets one row with no text and suppressed 1, as the reports say "too few
    to show" for it."""
    rows = [["number", "principle", "group", "comment", "suppressed"]]
    for pc in principle_comments(record):
        rows += [[pc.number, pc.result.principle.id, group, "" if text is None else text, int(text is None)]
                 for group, text in pc.comments]
    return rows


def priorities_table(record) -> list[list]:
    """priorities.csv: the ranking, one row per principle and group; dots empty and suppressed 1 for a
    side too small to show (left out of the total)."""
    number = {p.id: i for i, p in enumerate(record.plan.principles, 1)}
    rows = [["rank", "number", "principle", "total", "group", "dots", "suppressed"]]
    for p in record.priorities:
        rows += [[p.rank, number[p.id], p.id, p.total, g, "" if n is None else n, int(n is None)]
                 for g, n in p.dots.items()]
    return rows


def perception_table(record) -> list[list]:
    """perceptions.csv: per principle and predicting side, its prediction of the other and what the other said."""
    rows = [["number", "principle", "group", "about", "n", "dont_know", "mean", "actual", "error", "misread",
             "suppressed"]]
    for i, r in enumerate(record.results, 1):
        for group, p in r.perceptions.items():
            rows.append([i, r.principle.id, group, p.about, p.n, p.dont_know, for_data(p.mean), for_data(p.actual),
                         for_data(p.error), int(is_misread(p, record.plan.scale)), int(p.suppressed)])
    return rows


# A spreadsheet runs a cell starting with one of these as a formula: a participant named
# '=HYPERLINK("http://…")' would become a link, or worse, in whoever opens the export.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> object:
    """A value as the CSV holds it: text that a spreadsheet would run gets a leading ' (OWASP's advice).

    Only text: a number (a negative gap, -1.3) is written as the number it is.
    """
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _csv_text(rows: list[list]) -> str:
    out = io.StringIO(newline="")
    # Rows end in CRLF as RFC 4180 and spreadsheets have them; then a carriage return inside a note is
    # quoted too (with "\n" endings, Python's writer leaves a bare "\r" unquoted and the row breaks in two).
    csv.writer(out, lineterminator="\r\n").writerows([cell(v) for v in row] for row in rows)
    return out.getvalue()


def write(record, path: Path) -> None:
    """A .zip path gets a zip archive; any other path a folder of CSV files."""
    files = {name: _csv_text(rows) for name, rows in tables(record).items()}
    if path.suffix.lower() == ".zip":
        with replace_atomically(path, "wb") as fh:
            with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zf:
                for name, text in files.items():
                    zf.writestr(name, text)
        return
    if path.exists() and not path.is_dir():
        raise ExportError(f"{path}: is a file; give a folder name, or a name ending .zip")
    if not path.parent.exists():
        raise ExportError(f"{path.parent}: no such folder")
    if not path.exists():
        # Build the whole folder aside, then move it into place in one step.
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
        try:
            for name, text in files.items():
                (tmp / name).write_text(text, encoding="utf-8", newline="")
            tmp.rename(path)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return
    for name, text in files.items():
        with replace_atomically(path / name) as fh:
            fh.write(text)
